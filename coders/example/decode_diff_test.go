package example_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
)

func TestDifferentialSynth(t *testing.T) {
	ex := example.DecodeOptions{}
	seq := example.DecodeOptions{RecordType: example.SequenceExample}
	for _, tc := range []struct {
		name string
		o    example.DecodeOptions
		recs [][]byte
	}{
		{"taxi", ex, synth.Taxi(300, 1)},
		{"longlists", ex, synth.LongLists(30, 2)},
		{"edge", ex, synth.Edge()},
		{"sequence", seq, synth.Sequence(200, 3)},
		{"edgesequence", seq, synth.EdgeSequence()},
		{"taxi/list+binary", example.DecodeOptions{ListType: example.List, BytesType: example.Binary}, synth.Taxi(100, 4)},
		{"sequence/list+string", example.DecodeOptions{RecordType: example.SequenceExample, ListType: example.List, BytesType: example.LargeString}, synth.Sequence(100, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			decDifferential(t, tc.o, tc.recs)
		})
	}
}

// decMutate returns a copy of rec with one random change: a flipped byte,
// a truncation, an inserted byte, a deleted byte, or a byte set to a value
// that often matters on the wire (0x00, 0x80, 0xff, a tag, a length).
func decMutate(r *rand.Rand, rec []byte) []byte {
	b := append([]byte(nil), rec...)
	if len(b) == 0 {
		return []byte{byte(r.IntN(256))}
	}
	i := r.IntN(len(b))
	switch r.IntN(6) {
	case 0:
		b[i] ^= 1 << r.IntN(8)
	case 1:
		b = b[:i]
	case 2:
		b = slices.Insert(b, i, byte(r.IntN(256)))
	case 3:
		b = slices.Delete(b, i, i+1)
	case 4:
		b[i] = []byte{0x00, 0x80, 0xff, 0x0a, 0x12, 0x1a, 0x08, 0x0d, 0x0b, 0x0c, 0x7f}[r.IntN(11)]
	case 5:
		b[i]++
	}
	return b
}

func TestDifferentialMutations(t *testing.T) {
	schema := decSmallSchema(t)
	seqSchema := decSmallSequenceSchema(t)
	cases := []struct {
		name string
		o    example.DecodeOptions
		recs [][]byte
	}{
		{"taxi", example.DecodeOptions{}, synth.Taxi(40, 11)},
		{"taxi/schema", example.DecodeOptions{Schema: schema}, synth.Taxi(40, 12)},
		{"edge", example.DecodeOptions{}, synth.Edge()},
		{"edge/string", example.DecodeOptions{BytesType: example.String}, synth.Edge()},
		{"longlists", example.DecodeOptions{}, synth.LongLists(6, 13)},
		{"sequence", example.DecodeOptions{RecordType: example.SequenceExample}, synth.Sequence(40, 14)},
		{"sequence/schema", example.DecodeOptions{RecordType: example.SequenceExample, Schema: seqSchema}, synth.Sequence(40, 15)},
		{"edgesequence", example.DecodeOptions{RecordType: example.SequenceExample}, synth.EdgeSequence()},
	}
	iters := 400
	if testing.Short() {
		iters = 50
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(len(tc.name)), 99))
			failed := 0
			for it := range iters {
				// A batch of a few records, one or two of them mutated.
				batch := make([][]byte, 0, 4)
				for range 1 + r.IntN(4) {
					batch = append(batch, tc.recs[r.IntN(len(tc.recs))])
				}
				for range 1 + r.IntN(2) {
					j := r.IntN(len(batch))
					batch[j] = decMutate(r, batch[j])
				}
				ok := t.Run(fmt.Sprint(it), func(t *testing.T) { decDifferential(t, tc.o, batch) })
				if !ok {
					t.Logf("batch %d: %x", it, batch)
					if failed++; failed > 3 {
						t.FailNow()
					}
				}
			}
		})
	}
}
