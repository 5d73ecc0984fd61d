package stats

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/stats"
)

// batch decodes n generated examples, starting at from: numbers, strings
// (some not UTF-8), lists of varied length and missing values.
func batch(t *testing.T, from, n int) arrow.RecordBatch {
	t.Helper()
	recs := make([][]byte, n)
	for i := range recs {
		k := from + i
		f := map[string]*examplepb.Feature{
			"x": {Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{Value: []float32{float32(k) * 0.37, float32(k % 11)}}}},
			"s": {Kind: &examplepb.Feature_BytesList{BytesList: &examplepb.BytesList{Value: [][]byte{fmt.Appendf(nil, "v%d", k%29), {0xff, byte(k)}}}}},
		}
		if k%3 != 0 {
			f["n"] = &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: make([]int64, k%4)}}}
		}
		b, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: f}})
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = b
	}
	dec, err := example.DecodeOptions{}.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	rb, err := dec.Decode(recs)
	if err != nil {
		t.Fatal(err)
	}
	return rb
}

// TestAccumulatorCoder: accumulators that crossed the coder merge into the
// statistics of the whole, in exact and in sketch (KLL) mode.
func TestAccumulatorCoder(t *testing.T) {
	opts := stats.Options{Name: "d", NumTopValues: 5, Schema: &metadatapb.Schema{Feature: []*metadatapb.Feature{{Name: proto.String("s")}}}}
	fn, err := NewCombineFn(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{10, 12000} { // 2n values of x: exact, then KLL
		a, b := batch(t, 0, n), batch(t, n, n)
		whole := stats.NewAccumulator(opts)
		for _, rb := range []arrow.RecordBatch{a, b} {
			if err := whole.Add(rb); err != nil {
				t.Fatal(err)
			}
		}
		merged, err := fn.CreateAccumulator()
		if err != nil {
			t.Fatal(err)
		}
		for _, rb := range []arrow.RecordBatch{a, b} {
			part, err := fn.CreateAccumulator()
			if err != nil {
				t.Fatal(err)
			}
			part, err = fn.AddInput(part, rb)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := EncodeAccumulator(part)
			if err != nil {
				t.Fatal(err)
			}
			dec, err := DecodeAccumulator(enc)
			if err != nil {
				t.Fatal(err)
			}
			if merged, err = fn.MergeAccumulators(merged, dec); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(whole.Result(), fn.ExtractOutput(merged), protocmp.Transform()); diff != "" {
			t.Errorf("%d rows: statistics (-one accumulator +encoded parts):\n%s", 2*n, diff)
		}
	}
}
