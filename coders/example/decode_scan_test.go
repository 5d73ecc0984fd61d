package example_test

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
)

// decConcat concatenates batches of one schema.
func decConcat(t testing.TB, mem memory.Allocator, schema *arrow.Schema, bs []arrow.RecordBatch) arrow.RecordBatch {
	t.Helper()
	cols := make([]arrow.Array, len(schema.Fields()))
	var rows int64
	for _, b := range bs {
		rows += b.NumRows()
	}
	for i := range cols {
		parts := make([]arrow.Array, len(bs))
		for j, b := range bs {
			parts[j] = b.Column(i)
		}
		c, err := array.Concatenate(parts, mem)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		cols[i] = c
	}
	return array.NewRecordBatch(schema, cols, rows)
}

// A Scanner over small batches gives the schema of one decode of all
// records, and decoding the small batches with that schema gives, when
// concatenated, the same data.
func TestScannerMatchesOneDecode(t *testing.T) {
	late := [][]byte{
		decEx(map[string]*examplepb.Feature{"a": decUnsetF}),
		decEx(map[string]*examplepb.Feature{"b": synth.Int64(1)}),
		decEx(map[string]*examplepb.Feature{"a": synth.Strings("typed late"), "n": decUnsetF}),
		decEx(nil),
	}
	seqLate := [][]byte{
		decSeq(map[string]*examplepb.Feature{"c": decUnsetF}, nil),
		decSeq(nil, map[string][]*examplepb.Feature{"u": {decUnsetF}}),
		decSeq(nil, map[string][]*examplepb.Feature{"u": {decUnsetF, synth.Float(1)}, "n": {}}),
	}
	for _, tc := range []struct {
		name string
		opts example.DecodeOptions
		recs [][]byte
		size int
	}{
		{"taxi", example.DecodeOptions{}, synth.Taxi(200, 21), 7},
		{"edge", example.DecodeOptions{}, synth.Edge(), 2},
		{"late typing", example.DecodeOptions{ListType: example.List}, late, 1},
		{"sequence", example.DecodeOptions{RecordType: example.SequenceExample}, synth.Sequence(150, 22), 9},
		{"edgesequence", example.DecodeOptions{RecordType: example.SequenceExample}, synth.EdgeSequence(), 1},
		{"sequence late typing", example.DecodeOptions{RecordType: example.SequenceExample}, seqLate, 1},
		{"sequence without lists", example.DecodeOptions{RecordType: example.SequenceExample}, seqLate[:1], 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			o := tc.opts
			o.Allocator = mem
			whole, err := decDecodeFast(o, tc.recs)
			if err != nil {
				t.Fatal(err)
			}
			defer whole.Release()

			sc, err := example.NewScanner(o)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(tc.recs); i += tc.size {
				if err := sc.Scan(tc.recs[i:min(i+tc.size, len(tc.recs))]); err != nil {
					t.Fatal(err)
				}
			}
			schema := sc.ArrowSchema()
			if !schema.Equal(whole.Schema()) {
				t.Fatalf("Scanner schema:\n%v\nwant the schema of one decode:\n%v", schema, whole.Schema())
			}

			o.ArrowSchema = schema
			d, err := o.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			var parts []arrow.RecordBatch
			for i := 0; i < len(tc.recs); i += tc.size {
				b, err := d.Decode(tc.recs[i:min(i+tc.size, len(tc.recs))])
				if err != nil {
					t.Fatal(err)
				}
				defer b.Release()
				parts = append(parts, b)
			}
			got := decConcat(t, mem, schema, parts)
			defer got.Release()
			if diff := decDiffBatches(whole, got); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

func TestScannerErrors(t *testing.T) {
	sc, err := example.NewScanner(example.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Scan([][]byte{decEx(map[string]*examplepb.Feature{"x": synth.Int64(1)}), decEx(nil)}); err != nil {
		t.Fatal(err)
	}
	err = sc.Scan([][]byte{decEx(nil), decEx(map[string]*examplepb.Feature{"x": synth.Float(1)})})
	const want = `example: record 3: Feature had wrong type, expected int64_list, found float_list for feature "x"`
	if decErrText(err) != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	var re *example.RecordError
	if !errors.As(err, &re) || re.Index != 3 {
		t.Fatalf("got %#v, want a *RecordError with Index 3", err)
	}
	if err2 := sc.Scan(nil); err2 != err {
		t.Fatalf("Scan after an error = %v, want the same error", err2)
	}
	if _, err := example.NewScanner(example.DecodeOptions{ListType: 9}); err == nil {
		t.Fatal("NewScanner accepted ListType 9")
	}
}
