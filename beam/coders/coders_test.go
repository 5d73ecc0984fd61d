package coders

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/csv"
	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/examplepb"
)

func records(t *testing.T, feats ...map[string]*examplepb.Feature) [][]byte {
	t.Helper()
	var out [][]byte
	for _, f := range feats {
		b, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: f}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func ints(v ...int64) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: v}}}
}

func floats(v ...float32) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{Value: v}}}
}

var kindless = &examplepb.Feature{}

// TestBatchCoder: a decoded batch, and a slice of it, survive the coder.
func TestBatchCoder(t *testing.T) {
	recs := records(t,
		map[string]*examplepb.Feature{"a": ints(1, 2), "b": kindless},
		map[string]*examplepb.Feature{"a": ints(), "c": floats(0.5)},
		map[string]*examplepb.Feature{"c": floats(1, 2, 3)},
	)
	dec, err := example.DecodeOptions{}.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	rb, err := dec.Decode(recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []arrow.RecordBatch{rb, rb.NewSlice(1, 3)} {
		b, err := EncodeBatch(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := DecodeBatch(b)
		if err != nil {
			t.Fatal(err)
		}
		if !array.RecordEqual(in, out) {
			t.Errorf("decoded %v, want %v", out, in)
		}
	}
	sb, err := EncodeSchema(rb.Schema())
	if err != nil {
		t.Fatal(err)
	}
	s, err := DecodeSchema(sb)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Equal(rb.Schema()) {
		t.Errorf("schema %v, want %v", s, rb.Schema())
	}
}

// TestScanMerge: schemas scanned from parts of the records merge into the
// schema of a scan of all of them, and a kind conflict between parts is
// an error.
func TestScanMerge(t *testing.T) {
	recs := records(t,
		map[string]*examplepb.Feature{"b": kindless, "z": ints(1)},
		map[string]*examplepb.Feature{"a": floats(1), "b": kindless},
		map[string]*examplepb.Feature{"b": ints(3), "n": kindless},
	)
	fn := &scanFn{}
	whole, err := fn.AddInput(fn.CreateAccumulator(), recs)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := example.NewScanner(example.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Scan(recs); err != nil {
		t.Fatal(err)
	}
	if !whole.Equal(sc.ArrowSchema()) {
		t.Fatalf("one input: %v, want %v", whole, sc.ArrowSchema())
	}
	for split := range len(recs) + 1 {
		a, err := fn.AddInput(fn.CreateAccumulator(), recs[:split])
		if err != nil {
			t.Fatal(err)
		}
		b, err := fn.AddInput(fn.CreateAccumulator(), recs[split:])
		if err != nil {
			t.Fatal(err)
		}
		for _, order := range [][2]*arrow.Schema{{a, b}, {b, a}} {
			got, err := fn.MergeAccumulators(order[0], order[1])
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(whole) {
				t.Errorf("split at %d: %v, want %v", split, got, whole)
			}
		}
	}
	conflict := records(t, map[string]*examplepb.Feature{"b": floats(1)})
	if _, err := fn.AddInput(whole, conflict); err == nil {
		t.Error("int64 and float kinds of one feature merged")
	} else if want := `coders: feature "b": values of types`; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("error %q, want %s…", err, want)
	}
}

// TestCSVInferMerge: column types inferred from parts merge into the
// types inferred from all lines.
func TestCSVInferMerge(t *testing.T) {
	lines := []string{"1,,x", "2,1.5,", ",3,7"}
	c, err := newCSVConfig(csvOptions("i", "f", "s"))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := c.infer(lines)
	if err != nil {
		t.Fatal(err)
	}
	fn := &inferCSVFn{Config: c}
	for split := range len(lines) + 1 {
		acc, err := fn.CreateAccumulator()
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range [][]string{lines[split:], lines[:split]} {
			if acc, err = fn.AddInput(acc, part); err != nil {
				t.Fatal(err)
			}
		}
		if !acc.Equal(whole) {
			t.Errorf("split at %d: %v, want %v", split, acc, whole)
		}
	}
	want := fmt.Sprint([]arrow.Type{arrow.LARGE_LIST, arrow.LARGE_LIST, arrow.LARGE_LIST})
	var got []arrow.Type
	for _, f := range whole.Fields() {
		got = append(got, f.Type.ID())
	}
	if fmt.Sprint(got) != want {
		t.Errorf("types %v, want %v", got, want)
	}
}

func csvOptions(names ...string) csv.Options { return csv.Options{ColumnNames: names} }
