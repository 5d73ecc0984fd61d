package example_test

import (
	"testing"
)

// FuzzEncode builds a record batch from the fuzzer's bytes (column types,
// nulls, values, ragged representations, slicing) and checks that the fast
// encoder agrees with proto.Marshal of examplepb messages: the same
// records as messages, the same bytes with Deterministic, the same error.
func FuzzEncode(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("\x03\x01\x02\x05\x04\x06\x03\x02\x01\x07\x08\x09\x0a\xff\xfe\x80\x7f\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99"))
	f.Add([]byte("\x1f\x00\x05\x04\x05\x04\x05\x04\x03\x02\x01\x00\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09\x09"))
	f.Add([]byte("\x08\x01\x00\x06\x05\x00\x02\x01\x00\x03\x07\x01\x0c\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := newMem(t)
		defer mem.AssertSize(t, 0)
		e := &byteEntropy{b: data}
		knobs := e.byte()
		g := &batchGen{
			r:           e,
			mem:         mem,
			nullPct:     int(knobs&3) * 15,
			elemNullPct: int(knobs>>2&1) * 5,
			overflow:    knobs&8 != 0,
			badSchema:   knobs&16 != 0,
		}
		gen := g.batch()
		defer gen.rb.Release()
		if err := checkEncode(gen); err != nil {
			t.Fatal(err)
		}
	})
}
