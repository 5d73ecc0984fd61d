package stats

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

// Real-data oracle tests against TFX StatisticsGen output (GOBSL_REALDATA).
//
// Two oracles, of different strength:
//
//   - Iris (tfx/examples/iris/iris_native_keras_custom_splits): one pipeline
//     run wrote both the CsvExampleGen TFRecords and the StatisticsGen
//     stats_tfrecord, so our statistics over those records must equal
//     TFX's, field by field, except the sketch-based histograms.
//
//   - Chicago taxi (tfx/components/testdata): the checked-in
//     statistics_gen/Split-*/FeatureStats.pb were NOT computed over the
//     checked-in csv_example_gen/Split-* records. They count 10,036 + 4,966 =
//     15,002 examples split differently from the records' 9,909 + 5,091 =
//     15,000 (the same 15,000 CSV rows, hashed into splits by an older
//     ExampleGen), and that ExampleGen wrote a missing CSV cell as an empty
//     list (present, 0 values) where today's writes a kind-less Feature
//     (missing). So the test compares the union of both splits with the sum of
//     TFX's two, after mapping empty lists to missing: tot_num_values, value
//     counts of strings, num_zeros, min and max must agree exactly, and means
//     and standard deviations closely (see taxiTolerance).

func realdata(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		t.Skip("GOBSL_REALDATA not set")
	}
	return dir
}

func computeFiles(t *testing.T, patterns ...string) *metadatapb.DatasetFeatureStatistics {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := tfxio.Open(context.Background(), patterns, tfxio.ReadOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	res, err := Compute(context.Background(), r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.GetDatasets()[0]
}

// loadStatsTFRecord reads a DatasetFeatureStatisticsList from a TFRecord
// file of one record (StatisticsGen's stats_tfrecord).
func loadStatsTFRecord(t *testing.T, path string) *metadatapb.DatasetFeatureStatistics {
	t.Helper()
	r, err := tfrecord.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	var l metadatapb.DatasetFeatureStatisticsList
	if err := proto.Unmarshal(rec, &l); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("%s: want one record, got more (%v)", path, err)
	}
	return l.GetDatasets()[0]
}

func loadStatsPB(t *testing.T, path string) *metadatapb.DatasetFeatureStatistics {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var l metadatapb.DatasetFeatureStatisticsList
	if err := proto.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	return l.GetDatasets()[0]
}

func byPath(ds *metadatapb.DatasetFeatureStatistics) map[string]*metadatapb.FeatureNameStatistics {
	m := map[string]*metadatapb.FeatureNameStatistics{}
	for _, f := range ds.GetFeatures() {
		name := f.GetName()
		if f.GetPath() != nil {
			name = strings.Join(f.GetPath().GetStep(), ".")
		}
		m[name] = f
	}
	return m
}

func relClose(a, b, tol float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

func histogram(ns *metadatapb.NumericStatistics, typ metadatapb.Histogram_HistogramType) *metadatapb.Histogram {
	for _, h := range ns.GetHistograms() {
		if h.GetType() == typ {
			return h
		}
	}
	return nil
}

func TestRealDataIris(t *testing.T) {
	root := filepath.Join(realdata(t), "tfx/tfx/examples/iris/iris_native_keras_custom_splits")
	for _, split := range []string{"training", "evaluating"} {
		t.Run(split, func(t *testing.T) {
			got := computeFiles(t, filepath.Join(root, "CsvExampleGen/examples/2", split)+"/")
			want := loadStatsTFRecord(t, filepath.Join(root, "StatisticsGen/statistics/4", split, "stats_tfrecord"))
			if got.GetNumExamples() != want.GetNumExamples() {
				t.Errorf("num_examples = %d, want %d", got.GetNumExamples(), want.GetNumExamples())
			}
			gm, wm := byPath(got), byPath(want)
			if len(gm) != len(wm) {
				t.Errorf("%d features, want %d", len(gm), len(wm))
			}
			for name, w := range wm {
				g := gm[name]
				if g == nil {
					t.Errorf("%s: missing", name)
					continue
				}
				compareExact(t, name, g, w)
			}
		})
	}
}

// compareExact compares every field that does not come from a quantile
// sketch, and the quantile boundaries too (our sketch is exact below
// 16,384 values, and so is TFDV's on data this small).
func compareExact(t *testing.T, name string, g, w *metadatapb.FeatureNameStatistics) {
	t.Helper()
	if g.GetType() != w.GetType() {
		t.Errorf("%s: type %v, want %v", name, g.GetType(), w.GetType())
	}
	gc, wc := common(g), common(w)
	type u64 struct {
		field     string
		got, want uint64
	}
	for _, c := range []u64{
		{"num_non_missing", gc.GetNumNonMissing(), wc.GetNumNonMissing()},
		{"num_missing", gc.GetNumMissing(), wc.GetNumMissing()},
		{"min_num_values", gc.GetMinNumValues(), wc.GetMinNumValues()},
		{"max_num_values", gc.GetMaxNumValues(), wc.GetMaxNumValues()},
		{"tot_num_values", gc.GetTotNumValues(), wc.GetTotNumValues()},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s = %d, want %d", name, c.field, c.got, c.want)
		}
	}
	if gc.GetAvgNumValues() != wc.GetAvgNumValues() {
		t.Errorf("%s: avg_num_values = %v, want %v", name, gc.GetAvgNumValues(), wc.GetAvgNumValues())
	}
	if gh, wh := gc.GetNumValuesHistogram(), wc.GetNumValuesHistogram(); !proto.Equal(gh, wh) {
		t.Errorf("%s: num_values_histogram differs:\n got %v\nwant %v", name, gh, wh)
	}
	if wn := w.GetNumStats(); wn != nil {
		gn := g.GetNumStats()
		for _, c := range []struct {
			field     string
			got, want float64
			tol       float64
		}{
			{"mean", gn.GetMean(), wn.GetMean(), 1e-6},
			{"std_dev", gn.GetStdDev(), wn.GetStdDev(), 1e-6},
			{"min", gn.GetMin(), wn.GetMin(), 0},
			{"max", gn.GetMax(), wn.GetMax(), 0},
			{"median", gn.GetMedian(), wn.GetMedian(), 0},
		} {
			if !relClose(c.got, c.want, c.tol) {
				t.Errorf("%s: %s = %v, want %v", name, c.field, c.got, c.want)
			}
		}
		if gn.GetNumZeros() != wn.GetNumZeros() {
			t.Errorf("%s: num_zeros = %d, want %d", name, gn.GetNumZeros(), wn.GetNumZeros())
		}
		// QUANTILES boundaries agree; STANDARD boundaries agree, but TFDV's
		// counts are interpolated from 1000 quantiles (fractions) where
		// ours are counts of the values in each bucket.
		gq, wq := histogram(gn, metadatapb.Histogram_QUANTILES), histogram(wn, metadatapb.Histogram_QUANTILES)
		if !proto.Equal(gq, wq) {
			t.Errorf("%s: QUANTILES histogram differs:\n got %v\nwant %v", name, gq, wq)
		}
		gs, ws := histogram(gn, metadatapb.Histogram_STANDARD), histogram(wn, metadatapb.Histogram_STANDARD)
		if len(gs.GetBuckets()) != len(ws.GetBuckets()) {
			t.Errorf("%s: STANDARD histogram has %d buckets, want %d", name, len(gs.GetBuckets()), len(ws.GetBuckets()))
		} else {
			for i, wb := range ws.GetBuckets() {
				gb := gs.GetBuckets()[i]
				if !relClose(gb.GetLowValue(), wb.GetLowValue(), 1e-12) || !relClose(gb.GetHighValue(), wb.GetHighValue(), 1e-12) {
					t.Errorf("%s: STANDARD bucket %d is [%v, %v], want [%v, %v]", name, i, gb.GetLowValue(), gb.GetHighValue(), wb.GetLowValue(), wb.GetHighValue())
				}
				if math.Abs(gb.GetSampleCount()-wb.GetSampleCount()) > 1.5 {
					t.Errorf("%s: STANDARD bucket %d has %v, want about %v", name, i, gb.GetSampleCount(), wb.GetSampleCount())
				}
			}
		}
	}
	if ws := w.GetStringStats(); ws != nil {
		gs := g.GetStringStats()
		if gs.GetUnique() != ws.GetUnique() {
			t.Errorf("%s: unique = %d, want %d", name, gs.GetUnique(), ws.GetUnique())
		}
		if !relClose(float64(gs.GetAvgLength()), float64(ws.GetAvgLength()), 1e-6) {
			t.Errorf("%s: avg_length = %v, want %v", name, gs.GetAvgLength(), ws.GetAvgLength())
		}
		if !slices.EqualFunc(gs.GetTopValues(), ws.GetTopValues(), func(a, b *metadatapb.StringStatistics_FreqAndValue) bool {
			return proto.Equal(a, b)
		}) {
			t.Errorf("%s: top_values differ:\n got %v\nwant %v", name, gs.GetTopValues(), ws.GetTopValues())
		}
		if !proto.Equal(gs.GetRankHistogram(), ws.GetRankHistogram()) {
			t.Errorf("%s: rank_histogram differs:\n got %v\nwant %v", name, gs.GetRankHistogram(), ws.GetRankHistogram())
		}
	}
}

// merged is what can be computed exactly from two TFX splits' statistics.
type merged struct {
	typ        metadatapb.FeatureNameStatistics_Type
	tot, zeros uint64
	maxValues  uint64
	n          float64 // values in mean and variance
	mean, m2   float64
	min, max   float64
	counts     map[string]float64 // from complete rank histograms
	complete   bool
	bytes      float64 // avg_length * values
}

func mergeSplits(splits ...*metadatapb.DatasetFeatureStatistics) map[string]*merged {
	out := map[string]*merged{}
	for _, ds := range splits {
		for name, f := range byPath(ds) {
			m := out[name]
			if m == nil {
				m = &merged{typ: f.GetType(), counts: map[string]float64{}, complete: true, min: math.Inf(1), max: math.Inf(-1)}
				out[name] = m
			}
			c := common(f)
			m.tot += c.GetTotNumValues()
			m.maxValues = max(m.maxValues, c.GetMaxNumValues())
			if ns := f.GetNumStats(); ns != nil && c.GetTotNumValues() > 0 {
				nb := float64(c.GetTotNumValues())
				delta := ns.GetMean() - m.mean
				tot := m.n + nb
				m.mean += delta * nb / tot
				m.m2 += ns.GetStdDev()*ns.GetStdDev()*nb + delta*delta*m.n*nb/tot
				m.n = tot
				m.zeros += ns.GetNumZeros()
				m.min, m.max = math.Min(m.min, ns.GetMin()), math.Max(m.max, ns.GetMax())
			}
			if ss := f.GetStringStats(); ss != nil {
				rh := ss.GetRankHistogram().GetBuckets()
				m.complete = m.complete && uint64(len(rh)) == ss.GetUnique()
				for _, b := range rh {
					m.counts[b.GetLabel()] += b.GetSampleCount()
				}
				m.bytes += float64(ss.GetAvgLength()) * float64(c.GetTotNumValues())
			}
		}
	}
	return out
}

// taxiExtra is, per feature, how many of the two examples that TFX's
// taxi statistics count and today's records lack have a value for it
// (read off the differences of tot_num_values: the two rows have no pickup
// or dropoff location and no census tracts). extraZeros is how many of
// those values are 0 (from num_zeros).
var taxiExtra = map[string]struct{ values, zeros uint64 }{
	"company": {2, 0}, "payment_type": {2, 0},
	"fare": {2, 1}, "tips": {2, 2}, "trip_miles": {2, 2}, "trip_seconds": {2, 1},
	"trip_start_day": {2, 0}, "trip_start_hour": {2, 0}, "trip_start_month": {2, 0}, "trip_start_timestamp": {2, 0},
	"dropoff_census_tract": {0, 0}, "dropoff_community_area": {0, 0}, "dropoff_latitude": {0, 0}, "dropoff_longitude": {0, 0},
	"pickup_census_tract": {0, 0}, "pickup_community_area": {0, 0}, "pickup_latitude": {0, 0}, "pickup_longitude": {0, 0},
}

func TestRealDataTaxi(t *testing.T) {
	root := filepath.Join(realdata(t), "tfx/tfx/components/testdata")
	got := computeFiles(t, filepath.Join(root, "csv_example_gen/Split-train")+"/", filepath.Join(root, "csv_example_gen/Split-eval")+"/")
	train := loadStatsPB(t, filepath.Join(root, "statistics_gen/Split-train/FeatureStats.pb"))
	eval := loadStatsPB(t, filepath.Join(root, "statistics_gen/Split-eval/FeatureStats.pb"))
	if got.GetNumExamples() != 15000 || train.GetNumExamples()+eval.GetNumExamples() != 15002 {
		t.Fatalf("num_examples = %d (TFX %d+%d); the oracle is not the one this test knows",
			got.GetNumExamples(), train.GetNumExamples(), eval.GetNumExamples())
	}
	// TFX's ExampleGen wrote missing cells as empty lists: every feature
	// is "present" in every example there.
	for name, f := range byPath(train) {
		if c := common(f); c.GetNumNonMissing() != train.GetNumExamples() {
			t.Errorf("TFX %s: num_non_missing = %d; expected the empty-list encoding", name, c.GetNumNonMissing())
		}
	}
	want := mergeSplits(train, eval)
	gm := byPath(got)
	if len(gm) != len(want) {
		t.Errorf("%d features, want %d", len(gm), len(want))
	}
	for name, w := range want {
		g, extra := gm[name], taxiExtra[name]
		if g == nil {
			t.Errorf("%s: missing", name)
			continue
		}
		if g.GetType() != w.typ {
			t.Errorf("%s: type %v, want %v", name, g.GetType(), w.typ)
		}
		gc := common(g)
		if gc.GetTotNumValues()+extra.values != w.tot {
			t.Errorf("%s: tot_num_values = %d, want %d - %d", name, gc.GetTotNumValues(), w.tot, extra.values)
		}
		// Every taxi feature has at most one value; ours counts a missing
		// cell as missing, TFX's data had an empty list there.
		if gc.GetNumNonMissing() != gc.GetTotNumValues() || gc.GetNumMissing() != 15000-gc.GetTotNumValues() ||
			gc.GetMaxNumValues() != w.maxValues || (gc.GetTotNumValues() > 0 && gc.GetMinNumValues() != 1) {
			t.Errorf("%s: presence %v, want %d of 15000 present with one value each", name, gc, gc.GetTotNumValues())
		}
		if gn := g.GetNumStats(); gn != nil {
			if gn.GetMin() != w.min || gn.GetMax() != w.max {
				t.Errorf("%s: min, max = %v, %v, want %v, %v", name, gn.GetMin(), gn.GetMax(), w.min, w.max)
			}
			if gn.GetNumZeros()+extra.zeros != w.zeros {
				t.Errorf("%s: num_zeros = %d, want %d - %d", name, gn.GetNumZeros(), w.zeros, extra.zeros)
			}
			n := float64(gc.GetTotNumValues())
			switch {
			case extra.values == 0:
				// The same values: mean and population std_dev agree.
				if !relClose(gn.GetMean(), w.mean, 1e-9) || !relClose(gn.GetStdDev(), math.Sqrt(w.m2/w.n), 1e-6) {
					t.Errorf("%s: mean, std_dev = %v, %v, want %v, %v", name, gn.GetMean(), gn.GetStdDev(), w.mean, math.Sqrt(w.m2/w.n))
				}
			case extra.zeros == extra.values:
				// TFX's two extra values are zeros: the sums and sums of
				// squares agree.
				sum, sq := gn.GetMean()*n, (gn.GetStdDev()*gn.GetStdDev()+gn.GetMean()*gn.GetMean())*n
				wsum, wsq := w.mean*w.n, w.m2+w.mean*w.mean*w.n
				if !relClose(sum, wsum, 1e-9) || !relClose(sq, wsq, 1e-6) {
					t.Errorf("%s: sum, sum of squares = %v, %v, want %v, %v", name, sum, sq, wsum, wsq)
				}
			default:
				// Two values of 15,002 differ: the means can move by at most
				// 2*(max-min)/15002.
				if math.Abs(gn.GetMean()-w.mean) > 2*(w.max-w.min)/w.n {
					t.Errorf("%s: mean = %v, want %v within two values", name, gn.GetMean(), w.mean)
				}
			}
		}
		if gs := g.GetStringStats(); gs != nil {
			if !w.complete || gs.GetUnique() != uint64(len(w.counts)) {
				t.Errorf("%s: unique = %d, want %d", name, gs.GetUnique(), len(w.counts))
			}
			var diff float64
			for _, rb := range gs.GetRankHistogram().GetBuckets() {
				d := w.counts[rb.GetLabel()] - rb.GetSampleCount()
				if d < 0 {
					t.Errorf("%s: %q counted %v times, TFX %v", name, rb.GetLabel(), rb.GetSampleCount(), w.counts[rb.GetLabel()])
				}
				diff += d
			}
			if diff != float64(extra.values) {
				t.Errorf("%s: value counts differ from TFX's by %v in all, want %d", name, diff, extra.values)
			}
			if wl := w.bytes / float64(w.tot); math.Abs(float64(gs.GetAvgLength())-wl) > 1e-3*wl {
				t.Errorf("%s: avg_length = %v, want about %v", name, gs.GetAvgLength(), wl)
			}
		}
	}
}

// TestRealDataTaxiTopValuesOrder checks our ranking rule (count
// descending, ties by value descending) against the order of TFX's own
// top_values and rank_histogram, from TFX's counts.
func TestRealDataTaxiTopValuesOrder(t *testing.T) {
	root := filepath.Join(realdata(t), "tfx/tfx/components/testdata/statistics_gen")
	for _, split := range []string{"Split-train", "Split-eval"} {
		for name, f := range byPath(loadStatsPB(t, filepath.Join(root, split, "FeatureStats.pb"))) {
			ss := f.GetStringStats()
			if ss == nil {
				continue
			}
			var counts valueCounts
			for _, b := range ss.GetRankHistogram().GetBuckets() {
				counts.addString(b.GetLabel(), uint64(b.GetSampleCount()))
			}
			a := NewAccumulator(Options{})
			got := a.stringStats(&strs{counts: counts, values: 1})
			if !proto.Equal(got.GetRankHistogram(), ss.GetRankHistogram()) {
				t.Errorf("%s %s: rank_histogram order differs:\n got %v\nwant %v", split, name, got.GetRankHistogram(), ss.GetRankHistogram())
			}
			if !slices.EqualFunc(got.GetTopValues(), ss.GetTopValues(), func(a, b *metadatapb.StringStatistics_FreqAndValue) bool {
				return proto.Equal(a, b)
			}) {
				t.Errorf("%s %s: top_values differ:\n got %v\nwant %v", split, name, got.GetTopValues(), ss.GetTopValues())
			}
		}
	}
}
