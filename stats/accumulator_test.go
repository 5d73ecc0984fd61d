package stats

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

func checkedAlloc(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func exampleRec(feats map[string]*examplepb.Feature) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: feats}})
	if err != nil {
		panic(err)
	}
	return b
}

// decode decodes records schemaless into one batch, as tfx-bsl would.
func decode(t *testing.T, mem memory.Allocator, rt example.RecordType, recs ...[]byte) arrow.RecordBatch {
	t.Helper()
	d, err := example.DecodeOptions{RecordType: rt, Allocator: mem}.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Decode(recs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFeature(t *testing.T, text string) *metadatapb.FeatureNameStatistics {
	t.Helper()
	f := &metadatapb.FeatureNameStatistics{}
	if err := prototext.Unmarshal([]byte(text), f); err != nil {
		t.Fatalf("bad test proto: %v\n%s", err, text)
	}
	return f
}

var twoBuckets = Options{NumValuesHistogramBuckets: 2, NumHistogramBuckets: 2, NumQuantilesHistogramBuckets: 2}

func TestAccumulatorAdd(t *testing.T) {
	unset := &examplepb.Feature{}
	tests := []struct {
		name  string
		batch func(mem memory.Allocator) arrow.RecordBatch
		want  []string // FeatureNameStatistics in text format, in path order
	}{{
		name: "int lists: null, empty and values",
		batch: func(mem memory.Allocator) arrow.RecordBatch {
			return decode(t, mem, example.Example,
				exampleRec(map[string]*examplepb.Feature{"a": synth.Int64(1, 2)}),
				exampleRec(map[string]*examplepb.Feature{"a": synth.Int64()}),
				exampleRec(map[string]*examplepb.Feature{}),
				exampleRec(map[string]*examplepb.Feature{"a": unset}),
				exampleRec(map[string]*examplepb.Feature{"a": synth.Int64(0)}))
		},
		want: []string{`
			path { step: "a" } type: INT
			num_stats {
			  common_stats {
			    num_non_missing: 3 num_missing: 2 min_num_values: 0 max_num_values: 2
			    avg_num_values: 1 tot_num_values: 3
			    num_values_histogram {
			      buckets { low_value: 0 high_value: 1 sample_count: 1.5 }
			      buckets { low_value: 1 high_value: 2 sample_count: 1.5 }
			      type: QUANTILES
			    }
			  }
			  mean: 1 std_dev: 0.816496580927726 num_zeros: 1 min: 0 median: 1 max: 2
			  histograms {
			    buckets { low_value: 0 high_value: 1 sample_count: 1 }
			    buckets { low_value: 1 high_value: 2 sample_count: 2 }
			  }
			  histograms {
			    buckets { low_value: 0 high_value: 1 sample_count: 1.5 }
			    buckets { low_value: 1 high_value: 2 sample_count: 1.5 }
			    type: QUANTILES
			  }
			}`},
	}, {
		name: "floats: NaN left out, infinities kept",
		batch: func(mem memory.Allocator) arrow.RecordBatch {
			return decode(t, mem, example.Example,
				exampleRec(map[string]*examplepb.Feature{"f": synth.Float(1.5, float32(math.NaN()))}),
				exampleRec(map[string]*examplepb.Feature{"f": synth.Float(float32(math.Inf(1)))}),
				exampleRec(map[string]*examplepb.Feature{"f": synth.Float(-2)}))
		},
		want: []string{`
			path { step: "f" } type: FLOAT
			num_stats {
			  common_stats {
			    num_non_missing: 3 min_num_values: 1 max_num_values: 2 avg_num_values: 1.3333334 tot_num_values: 4
			    num_values_histogram {
			      buckets { low_value: 1 high_value: 1 sample_count: 1.5 }
			      buckets { low_value: 1 high_value: 2 sample_count: 1.5 }
			      type: QUANTILES
			    }
			  }
			  mean: inf min: -2 median: 1.5 max: inf
			  histograms {
			    num_nan: 1
			    buckets { low_value: -2 high_value: -0.25 sample_count: 1 }
			    buckets { low_value: -0.25 high_value: 1.5 sample_count: 2 }
			  }
			  histograms {
			    num_nan: 1
			    buckets { low_value: -2 high_value: 1.5 sample_count: 1.5 }
			    buckets { low_value: 1.5 high_value: inf sample_count: 1.5 }
			    type: QUANTILES
			  }
			}`},
	}, {
		name: "strings: ranking, ties by value, invalid UTF-8",
		batch: func(mem memory.Allocator) arrow.RecordBatch {
			return decode(t, mem, example.Example,
				exampleRec(map[string]*examplepb.Feature{"s": synth.Strings("b", "a")}),
				exampleRec(map[string]*examplepb.Feature{"s": synth.Strings("a")}),
				exampleRec(map[string]*examplepb.Feature{"s": synth.Strings("\xff")}),
				exampleRec(map[string]*examplepb.Feature{"s": synth.Strings()}))
		},
		want: []string{`
			path { step: "s" } type: STRING
			string_stats {
			  common_stats {
			    num_non_missing: 4 min_num_values: 0 max_num_values: 2 avg_num_values: 1 tot_num_values: 4
			    num_values_histogram {
			      buckets { low_value: 0 high_value: 1 sample_count: 2 }
			      buckets { low_value: 1 high_value: 2 sample_count: 2 }
			      type: QUANTILES
			    }
			  }
			  unique: 3
			  top_values { value: "a" frequency: 2 }
			  top_values { value: "b" frequency: 1 }
			  top_values { value: "__BYTES_VALUE__" frequency: 1 }
			  avg_length: 1
			  rank_histogram {
			    buckets { low_rank: 0 high_rank: 0 label: "a" sample_count: 2 }
			    buckets { low_rank: 1 high_rank: 1 label: "b" sample_count: 1 }
			    buckets { low_rank: 2 high_rank: 2 label: "__BYTES_VALUE__" sample_count: 1 }
			  }
			  invalid_utf8_count: 1
			}`},
	}, {
		name: "plain and null columns",
		batch: func(mem memory.Allocator) arrow.RecordBatch {
			ib := array.NewInt32Builder(mem)
			defer ib.Release()
			ib.AppendValues([]int32{5, 0, 7}, []bool{true, false, true})
			x := ib.NewArray()
			defer x.Release()
			n := array.NewNull(3)
			defer n.Release()
			s := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int32, Nullable: true}, {Name: "n", Type: arrow.Null, Nullable: true}}, nil)
			return array.NewRecordBatch(s, []arrow.Array{x, n}, 3)
		},
		want: []string{`
			path { step: "n" } type: STRING
			string_stats { common_stats { num_missing: 3 } }`, `
			path { step: "x" } type: INT
			num_stats {
			  common_stats {
			    num_non_missing: 2 num_missing: 1 min_num_values: 1 max_num_values: 1 avg_num_values: 1 tot_num_values: 2
			    num_values_histogram {
			      buckets { low_value: 1 high_value: 1 sample_count: 1 }
			      buckets { low_value: 1 high_value: 1 sample_count: 1 }
			      type: QUANTILES
			    }
			  }
			  mean: 6 std_dev: 1 min: 5 median: 7 max: 7
			  histograms {
			    buckets { low_value: 5 high_value: 6 sample_count: 1 }
			    buckets { low_value: 6 high_value: 7 sample_count: 1 }
			  }
			  histograms {
			    buckets { low_value: 5 high_value: 7 sample_count: 1 }
			    buckets { low_value: 7 high_value: 7 sample_count: 1 }
			    type: QUANTILES
			  }
			}`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := checkedAlloc(t)
			b := tt.batch(mem)
			defer b.Release()
			a := NewAccumulator(twoBuckets)
			if err := a.Add(b); err != nil {
				t.Fatal(err)
			}
			got := a.Result().GetDatasets()[0]
			if got.GetNumExamples() != uint64(b.NumRows()) {
				t.Errorf("num_examples = %d, want %d", got.GetNumExamples(), b.NumRows())
			}
			var want []*metadatapb.FeatureNameStatistics
			for _, w := range tt.want {
				want = append(want, parseFeature(t, w))
			}
			if diff := cmp.Diff(want, got.GetFeatures(), protocmp.Transform(), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("features (-want +got):\n%s", diff)
			}
		})
	}
}

// sequenceAB are the two SequenceExamples of TFDV's
// sequence_example_e2e_test, each repeated ten times.
func sequenceAB() [][]byte {
	fl := func(fs ...*examplepb.Feature) *examplepb.FeatureList { return &examplepb.FeatureList{Feature: fs} }
	a := &examplepb.SequenceExample{
		Context: &examplepb.Features{Feature: map[string]*examplepb.Feature{
			"context_bytes_feature": synth.Strings("0"),
			"context_int64_feature": synth.Int64(),
			"label":                 synth.Float(1),
			"example_weight":        synth.Float(5),
		}},
		FeatureLists: &examplepb.FeatureLists{FeatureList: map[string]*examplepb.FeatureList{
			"sequence_int64_feature": fl(&examplepb.Feature{}, synth.Int64(1, 2), synth.Int64()),
			"sequence_float_feature": fl(synth.Float(0, 0)),
		}},
	}
	b := &examplepb.SequenceExample{
		Context: &examplepb.Features{Feature: map[string]*examplepb.Feature{
			"context_bytes_feature": synth.Strings("1"),
			"label":                 synth.Float(2),
			"example_weight":        synth.Float(10),
		}},
		FeatureLists: &examplepb.FeatureLists{FeatureList: map[string]*examplepb.FeatureList{
			"sequence_int64_feature": fl(synth.Int64(2, 3, 4)),
		}},
	}
	var out [][]byte
	for range 10 {
		for _, m := range []proto.Message{a, b} {
			r, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
			if err != nil {
				panic(err)
			}
			out = append(out, r)
		}
	}
	return out
}

// TestSequenceExampleAsTFDV computes the statistics of TFDV's
// sequence_example_e2e_test input with its options (3 buckets everywhere)
// and checks the values TFDV's golden has (all but the STANDARD histogram
// counts, which TFDV interpolates, and the custom_stats we do not write).
func TestSequenceExampleAsTFDV(t *testing.T) {
	mem := checkedAlloc(t)
	b := decode(t, mem, example.SequenceExample, sequenceAB()...)
	defer b.Release()
	a := NewAccumulator(Options{NumRankHistogramBuckets: 3, NumValuesHistogramBuckets: 3, NumHistogramBuckets: 3, NumQuantilesHistogramBuckets: 3})
	if err := a.Add(b); err != nil {
		t.Fatal(err)
	}
	got := byPath(a.Result().GetDatasets()[0])
	third := 20.0 / 3
	tests := []struct {
		path, field string
		got, want   any
	}{
		{"context_bytes_feature", "type", got["context_bytes_feature"].GetType(), metadatapb.FeatureNameStatistics_STRING},
		{"context_bytes_feature", "top_values", len(got["context_bytes_feature"].GetStringStats().GetTopValues()), 2},
		{"context_bytes_feature", "top_values[0]", got["context_bytes_feature"].GetStringStats().GetTopValues()[0].GetValue(), "1"},
		{"context_int64_feature", "type", got["context_int64_feature"].GetType(), metadatapb.FeatureNameStatistics_INT},
		{"context_int64_feature", "num_non_missing", common(got["context_int64_feature"]).GetNumNonMissing(), uint64(10)},
		{"context_int64_feature", "num_missing", common(got["context_int64_feature"]).GetNumMissing(), uint64(10)},
		{"context_int64_feature", "num_values_histogram[0]", common(got["context_int64_feature"]).GetNumValuesHistogram().GetBuckets()[0].GetSampleCount(), 10.0 / 3},
		{"example_weight", "mean", got["example_weight"].GetNumStats().GetMean(), 7.5},
		{"example_weight", "std_dev", got["example_weight"].GetNumStats().GetStdDev(), 2.5},
		{"example_weight", "median", got["example_weight"].GetNumStats().GetMedian(), 10.0},
		{"example_weight", "quantiles[1]", histogram(got["example_weight"].GetNumStats(), metadatapb.Histogram_QUANTILES).GetBuckets()[1].String(),
			(&metadatapb.Histogram_Bucket{LowValue: 5, HighValue: 10, SampleCount: third}).String()},
		{"label", "median", got["label"].GetNumStats().GetMedian(), 2.0},
		{"##SEQUENCE##", "type", got["##SEQUENCE##"].GetType(), metadatapb.FeatureNameStatistics_STRUCT},
		{"##SEQUENCE##", "tot_num_values", common(got["##SEQUENCE##"]).GetTotNumValues(), uint64(20)},
		{"##SEQUENCE##.sequence_float_feature", "num_missing", common(got["##SEQUENCE##.sequence_float_feature"]).GetNumMissing(), uint64(10)},
		{"##SEQUENCE##.sequence_float_feature", "tot_num_values", common(got["##SEQUENCE##.sequence_float_feature"]).GetTotNumValues(), uint64(10)},
		{"##SEQUENCE##.sequence_float_feature", "presence_and_valency_stats",
			prototext.Format(&metadatapb.CommonStatistics{PresenceAndValencyStats: common(got["##SEQUENCE##.sequence_float_feature"]).GetPresenceAndValencyStats()}),
			prototext.Format(&metadatapb.CommonStatistics{PresenceAndValencyStats: []*metadatapb.PresenceAndValencyStatistics{
				{NumNonMissing: 10, NumMissing: 10, MinNumValues: 1, MaxNumValues: 1, TotNumValues: 10},
				{NumNonMissing: 10, MinNumValues: 2, MaxNumValues: 2, TotNumValues: 20},
			}})},
		{"##SEQUENCE##.sequence_float_feature", "num_zeros", got["##SEQUENCE##.sequence_float_feature"].GetNumStats().GetNumZeros(), uint64(20)},
		{"##SEQUENCE##.sequence_int64_feature", "avg_num_values", common(got["##SEQUENCE##.sequence_int64_feature"]).GetAvgNumValues(), float32(2)},
		{"##SEQUENCE##.sequence_int64_feature", "presence_and_valency_stats",
			prototext.Format(&metadatapb.CommonStatistics{PresenceAndValencyStats: common(got["##SEQUENCE##.sequence_int64_feature"]).GetPresenceAndValencyStats()}),
			prototext.Format(&metadatapb.CommonStatistics{PresenceAndValencyStats: []*metadatapb.PresenceAndValencyStatistics{
				{NumNonMissing: 20, MinNumValues: 1, MaxNumValues: 3, TotNumValues: 40},
				{NumNonMissing: 30, NumMissing: 10, MaxNumValues: 3, TotNumValues: 50},
			}})},
		{"##SEQUENCE##.sequence_int64_feature", "mean", got["##SEQUENCE##.sequence_int64_feature"].GetNumStats().GetMean(), 2.4},
		{"##SEQUENCE##.sequence_int64_feature", "std_dev", got["##SEQUENCE##.sequence_int64_feature"].GetNumStats().GetStdDev(), 1.019803902718557},
		{"##SEQUENCE##.sequence_int64_feature", "median", got["##SEQUENCE##.sequence_int64_feature"].GetNumStats().GetMedian(), 2.0},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tt.path, tt.field, diff)
		}
	}
}

// TestMergeAnySplit checks that accumulators of any split of the rows
// merge into the statistics of all of them (exact sketches).
func TestMergeAnySplit(t *testing.T) {
	mem := checkedAlloc(t)
	recs := synth.Taxi(600, 7)
	whole := decode(t, mem, example.Example, recs...)
	defer whole.Release()
	one := NewAccumulator(Options{})
	if err := one.Add(whole); err != nil {
		t.Fatal(err)
	}
	want := one.Result()
	for _, tt := range []struct {
		name string
		cuts []int
	}{
		{"halves", []int{300}},
		{"uneven", []int{1, 2, 77, 500}},
		{"singles at the ends", []int{1, 599}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var parts []*Accumulator
			lo := 0
			for _, hi := range append(tt.cuts, len(recs)) {
				// Each part decoded alone: its columns may differ.
				b := decode(t, mem, example.Example, recs[lo:hi]...)
				a := NewAccumulator(Options{})
				if err := a.Add(b); err != nil {
					t.Fatal(err)
				}
				b.Release()
				parts = append(parts, a)
				lo = hi
			}
			// Merge right to left, to differ from the input order.
			acc := parts[len(parts)-1]
			for i := len(parts) - 2; i >= 0; i-- {
				acc.Merge(parts[i])
			}
			if err := acc.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, acc.Result(), protocmp.Transform(), cmpopts.EquateApprox(1e-9, 0),
				protocmp.SortRepeated(func(a, b float64) bool { return a < b })); diff != "" {
				t.Errorf("merged (-whole +parts):\n%s", diff)
			}
		})
	}
}

func TestComputeWorkers(t *testing.T) {
	mem := checkedAlloc(t)
	recs := synth.Taxi(3000, 11)
	var batches []arrow.RecordBatch
	schema := decode(t, mem, example.Example, recs...)
	defer schema.Release()
	dec, err := example.DecodeOptions{ArrowSchema: schema.Schema(), Allocator: mem}.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(recs); i += 256 {
		b, err := dec.Decode(recs[i:min(i+256, len(recs))])
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, b)
	}
	var results []*metadatapb.DatasetFeatureStatisticsList
	for _, w := range []int{1, 2, 5} {
		r, err := array.NewRecordReader(schema.Schema(), batches)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Compute(context.Background(), r, Options{Workers: w})
		r.Release()
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	for _, b := range batches {
		b.Release()
	}
	if n := results[0].GetDatasets()[0].GetNumExamples(); n != 3000 {
		t.Errorf("num_examples = %d, want 3000", n)
	}
	for i, r := range results[1:] {
		if diff := cmp.Diff(results[0], r, protocmp.Transform(), cmpopts.EquateApprox(1e-9, 0)); diff != "" {
			t.Errorf("workers=%d differs from workers=1 (-1 +n):\n%s", []int{2, 5}[i], diff)
		}
	}
}

func TestAddErrors(t *testing.T) {
	tests := []struct {
		name    string
		batches func(mem memory.Allocator) []arrow.RecordBatch
		want    error
	}{{
		name: "int then float",
		batches: func(mem memory.Allocator) []arrow.RecordBatch {
			return []arrow.RecordBatch{
				decode(t, mem, example.Example, exampleRec(map[string]*examplepb.Feature{"a": synth.Int64(1)})),
				decode(t, mem, example.Example, exampleRec(map[string]*examplepb.Feature{"a": synth.Float(1)})),
			}
		},
		want: ErrTypeConflict,
	}, {
		name: "list then plain",
		batches: func(mem memory.Allocator) []arrow.RecordBatch {
			ib := array.NewInt64Builder(mem)
			defer ib.Release()
			ib.Append(1)
			x := ib.NewArray()
			defer x.Release()
			s := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, nil)
			return []arrow.RecordBatch{
				decode(t, mem, example.Example, exampleRec(map[string]*examplepb.Feature{"a": synth.Int64(1)})),
				// large_list<int64> vs int64 are both depth 1: fine. A
				// nested list is not.
				array.NewRecordBatch(s, []arrow.Array{x}, 1),
				nestedBatch(mem),
			}
		},
		want: ErrNestingConflict,
	}, {
		name: "unsupported type",
		batches: func(mem memory.Allocator) []arrow.RecordBatch {
			b := array.NewMapBuilder(mem, arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64, false)
			defer b.Release()
			b.Append(true)
			b.KeyBuilder().(*array.StringBuilder).Append("k")
			b.ItemBuilder().(*array.Int64Builder).Append(1)
			m := b.NewArray()
			defer m.Release()
			s := arrow.NewSchema([]arrow.Field{{Name: "m", Type: m.DataType()}}, nil)
			return []arrow.RecordBatch{array.NewRecordBatch(s, []arrow.Array{m}, 1)}
		},
		want: ErrUnsupportedType,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := checkedAlloc(t)
			a := NewAccumulator(Options{})
			var err error
			for _, b := range tt.batches(mem) {
				if err == nil {
					err = a.Add(b)
				}
				b.Release()
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// nestedBatch has one row of column "a": large_list<large_list<int64>>.
func nestedBatch(mem memory.Allocator) arrow.RecordBatch {
	lb := array.NewLargeListBuilder(mem, arrow.LargeListOf(arrow.PrimitiveTypes.Int64))
	defer lb.Release()
	inner := lb.ValueBuilder().(*array.LargeListBuilder)
	lb.Append(true)
	inner.Append(true)
	inner.ValueBuilder().(*array.Int64Builder).Append(3)
	a := lb.NewArray()
	defer a.Release()
	s := arrow.NewSchema([]arrow.Field{{Name: "a", Type: a.DataType(), Nullable: true}}, nil)
	return array.NewRecordBatch(s, []arrow.Array{a}, 1)
}
