package example_test

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/examplepb"
)

// Wire-level builders for hand-written records.

func wCat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func wTag(num protowire.Number, typ protowire.Type) []byte {
	return protowire.AppendTag(nil, num, typ)
}

func wLen(num protowire.Number, body ...[]byte) []byte {
	return protowire.AppendBytes(wTag(num, protowire.BytesType), wCat(body...))
}

func wVarint(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(wTag(num, protowire.VarintType), v)
}

// wEntry is a Features map entry; wEx an Example of entries.
func wEntry(key string, feature ...[]byte) []byte {
	return wLen(1, wLen(1, []byte(key)), wLen(2, feature...))
}

func wEx(entries ...[]byte) []byte { return wLen(1, entries...) }

// wInts is an int64_list Feature body with packed values.
func wInts(v ...uint64) []byte {
	var p []byte
	for _, x := range v {
		p = protowire.AppendVarint(p, x)
	}
	return wLen(3, wLen(1, p))
}

// TestDecodeWire checks hand-written encodings against proto.Unmarshal's
// verdict and against the reference decoder.
func TestDecodeWire(t *testing.T) {
	group := func(num protowire.Number, body ...[]byte) []byte {
		return wCat(wTag(num, protowire.StartGroupType), wCat(body...), wTag(num, protowire.EndGroupType))
	}
	deep := func(depth int) []byte {
		var b []byte
		for range depth {
			b = wCat(wTag(5, protowire.StartGroupType), b, wTag(5, protowire.EndGroupType))
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		rec   []byte
		parse bool // whether proto.Unmarshal accepts it
	}{
		{"empty", nil, true},
		{"field number 0", []byte{0x02, 0x00}, false},
		{"field number max", wVarint(protowire.MaxValidNumber, 1), true},
		{"field number max+1", wVarint(protowire.MaxValidNumber+1, 1), false},
		{"field number max+1 inside a group", group(7, wVarint(protowire.MaxValidNumber+1, 1)), true},
		{"wire type 6", []byte{0x0e}, false},
		{"wire type 7", wCat(wEx(), []byte{0x0f}), false},
		{"stray end group", wTag(3, protowire.EndGroupType), false},
		{"group", group(3, wVarint(1, 1), wLen(2, []byte("x")), group(4)), true},
		{"group end mismatch", wCat(wTag(3, protowire.StartGroupType), wTag(4, protowire.EndGroupType)), false},
		{"group unterminated", wTag(3, protowire.StartGroupType), false},
		{"groups nested 9000 deep", deep(9000), true},
		{"groups nested 11000 deep", deep(11000), false},
		{"features as group", group(1, wVarint(1, 1)), true},
		{"features as varint", wVarint(1, 5), true},
		{"truncated length", []byte{0x0a, 0x05, 0x00}, false},
		{"length overflow", []byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, false},
		{"varint 10 bytes", wCat(wTag(2, protowire.VarintType), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), true},
		{"varint 10th byte 2", wCat(wTag(2, protowire.VarintType), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}), false},
		{"varint 11 bytes", wCat(wTag(2, protowire.VarintType), []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), false},
		{"non-minimal lengths and tags", wCat([]byte{0x8a, 0x00, 0x8b, 0x80, 0x00}, wEntry("i", wInts(1))[:0], []byte{0x0a, 0x09, 0x0a, 0x01, 'i', 0x12, 0x04, 0x1a, 0x02, 0x08, 0x05}), true},
		{"key invalid UTF-8", wEx(wEntry("\xff", wInts(1))), false},
		{"key invalid UTF-8 then valid", wEx(wLen(1, wLen(1, []byte("\xff")), wLen(1, []byte("k")), wLen(2, wInts(1)))), false},
		{"key valid then invalid UTF-8", wEx(wLen(1, wLen(1, []byte("k")), wLen(1, []byte("\xc0")), wLen(2, wInts(1)))), false},
		{"key as varint is unknown", wEx(wLen(1, wVarint(1, 7), wLen(2, wInts(1)))), true},
		{"value as varint is unknown", wEx(wLen(1, wLen(1, []byte("i")), wVarint(2, 1))), true},
		{"value repeated merges", wEx(wLen(1, wLen(1, []byte("i")), wLen(2, wInts(1)), wLen(2, wInts(2)))), true},
		{"entry field number 0", wEx(wLen(1, wLen(1, []byte("i")), []byte{0x00})), false},
		{"entry end group", wEx(wLen(1, wLen(1, []byte("i")), wTag(9, protowire.EndGroupType))), false},
		{"entry unknown group", wEx(wLen(1, group(9, wVarint(1, 1)), wLen(1, []byte("i")), wLen(2, wInts(3)))), true},
		{"kind as varint is unknown", wEx(wEntry("i", wVarint(3, 1))), true},
		{"kind truncated", wEx(wEntry("i", []byte{0x1a, 0x05, 0x08})), false},
		{"int64 value fixed32 is unknown", wEx(wEntry("i", wLen(3, wTag(1, protowire.Fixed32Type), []byte{1, 2, 3, 4}))), true},
		{"int64 packed bad varint", wEx(wEntry("i", wLen(3, wLen(1, []byte{0x80})))), false},
		{"int64 packed 10th byte 2", wEx(wEntry("i", wLen(3, wLen(1, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})))), false},
		{"int64 unpacked truncated", wEx(wEntry("i", wLen(3, wTag(1, protowire.VarintType)))), false},
		{"float packed 5 bytes", wEx(wEntry("f", wLen(2, wLen(1, []byte{0, 0, 0x80, 0x3f, 0})))), false},
		{"float fixed32 truncated", wEx(wEntry("f", wLen(2, wTag(1, protowire.Fixed32Type), []byte{0, 0}))), false},
		{"float fixed64 is unknown", wEx(wEntry("f", wLen(2, wTag(1, protowire.Fixed64Type), []byte{1, 2, 3, 4, 5, 6, 7, 8}))), true},
		{"float varint is unknown", wEx(wEntry("f", wLen(2, wVarint(1, 3)))), true},
		{"bytes as varint is unknown", wEx(wEntry("b", wLen(1, wVarint(1, 3)))), true},
		{"bytes truncated", wEx(wEntry("b", wLen(1, []byte{0x0a, 0x03, 'a'}))), false},
		{"kinds replace and merge", wEx(wEntry("i", wInts(1), wLen(2, wLen(1, []byte{0, 0, 0, 0})), wInts(2), wInts(3))), true},
		{"kind replaced after bad data", wEx(wEntry("i", wLen(2, wLen(1, []byte{1, 2, 3})), wInts(2))), false},
		{"ignored feature still checked", wEx(wEntry("unused", wLen(3, wLen(1, []byte{0x80})))), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := proto.Unmarshal(tc.rec, &examplepb.Example{})
			if (err == nil) != tc.parse {
				t.Fatalf("proto.Unmarshal: %v, want success %v (the test case is wrong)", err, tc.parse)
			}
			// Alone, in a batch with a typed "i", with a schema.
			good := decEx(map[string]*examplepb.Feature{"i": decInt64Feat(9)})
			for _, o := range []example.DecodeOptions{{}, {Schema: decSchema(decFeat("i", tINT), decFeat("f", tFLOAT))}} {
				decDifferential(t, o, [][]byte{tc.rec})
				decDifferential(t, o, [][]byte{good, tc.rec, good})
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			d, err := example.DecodeOptions{Allocator: mem}.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			rb, err := d.Decode([][]byte{tc.rec})
			if (err == nil) != tc.parse {
				t.Fatalf("Decode: %v, want success %v", err, tc.parse)
			}
			if rb != nil {
				rb.Release()
			}
			// As the context of a SequenceExample.
			seq := wCat(tc.rec[:0], wLen(1, tc.rec))
			decDifferential(t, example.DecodeOptions{RecordType: example.SequenceExample}, [][]byte{seq})
		})
	}
}

func decInt64Feat(v ...int64) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: v}}}
}
