package stats

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Result returns the statistics of everything added so far, as one
// dataset in a DatasetFeatureStatisticsList, laid out as TFDV's
// GenerateStatistics writes it. Features are identified by path (a struct
// field by its parent's name and its own) and come in path order.
//
// The accumulator can go on taking batches after Result.
func (a *Accumulator) Result() *metadatapb.DatasetFeatureStatisticsList {
	ds := &metadatapb.DatasetFeatureStatistics{Name: a.opts.Name, NumExamples: a.numExamples}
	feats := make([]*feature, 0, len(a.feats))
	for _, f := range a.feats {
		feats = append(feats, f)
	}
	slices.SortFunc(feats, func(x, y *feature) int { return slices.Compare(x.path, y.path) })
	for _, f := range feats {
		parentTot := a.numExamples
		if len(f.path) > 1 {
			if p := a.feats[pathKey(f.path[:len(f.path)-1])]; p != nil && len(p.levels) > 0 {
				parentTot = p.levels[len(p.levels)-1].tot
			}
		}
		ds.Features = append(ds.Features, a.featureStats(f, parentTot))
	}
	return &metadatapb.DatasetFeatureStatisticsList{Datasets: []*metadatapb.DatasetFeatureStatistics{ds}}
}

func (a *Accumulator) featureStats(f *feature, parentTot uint64) *metadatapb.FeatureNameStatistics {
	out := &metadatapb.FeatureNameStatistics{
		FieldId: &metadatapb.FeatureNameStatistics_Path{Path: &metadatapb.Path{Step: slices.Clone(f.path)}},
	}
	switch f.kind {
	case kindInt:
		out.Type = metadatapb.FeatureNameStatistics_INT
	case kindFloat:
		out.Type = metadatapb.FeatureNameStatistics_FLOAT
	case kindStruct:
		out.Type = metadatapb.FeatureNameStatistics_STRUCT
	default: // strings, and no value seen: TFDV says STRING
		out.Type = metadatapb.FeatureNameStatistics_STRING
		if f.isBytes {
			out.Type = metadatapb.FeatureNameStatistics_BYTES
		}
	}
	common := a.commonStats(f, parentTot)
	switch out.Type {
	case metadatapb.FeatureNameStatistics_INT, metadatapb.FeatureNameStatistics_FLOAT:
		ns := a.numericStats(&f.num)
		ns.CommonStats = common
		out.Stats = &metadatapb.FeatureNameStatistics_NumStats{NumStats: ns}
	case metadatapb.FeatureNameStatistics_STRUCT:
		out.Stats = &metadatapb.FeatureNameStatistics_StructStats{StructStats: &metadatapb.StructStatistics{CommonStats: common}}
	case metadatapb.FeatureNameStatistics_BYTES:
		bs := &metadatapb.BytesStatistics{CommonStats: common, Unique: uint64(f.str.counts.len())}
		if s := &f.str; s.values > 0 {
			bs.AvgNumBytes = float32(float64(s.totalBytes) / float64(s.values))
			bs.MinNumBytes = float32(s.minBytes)
			bs.MaxNumBytes = float32(s.maxBytes)
			bs.MaxNumBytesInt = int64(s.maxBytes)
		}
		out.Stats = &metadatapb.FeatureNameStatistics_BytesStats{BytesStats: bs}
	default:
		ss := a.stringStats(&f.str)
		ss.CommonStats = common
		out.Stats = &metadatapb.FeatureNameStatistics_StringStats{StringStats: ss}
	}
	return out
}

func (a *Accumulator) commonStats(f *feature, parentTot uint64) *metadatapb.CommonStatistics {
	var top level
	if len(f.levels) > 0 {
		top = f.levels[0]
	}
	c := &metadatapb.CommonStatistics{
		NumNonMissing: top.nonMissing,
		NumMissing:    parentTot - min(parentTot, top.nonMissing),
		TotNumValues:  top.tot,
	}
	if top.nonMissing > 0 {
		c.MinNumValues = top.min
		c.MaxNumValues = top.max
		c.AvgNumValues = float32(float64(top.tot) / float64(top.nonMissing))
		w := valencySample(f.valency)
		c.NumValuesHistogram = quantilesHistogram(&w, a.opts.NumValuesHistogramBuckets, float64(top.nonMissing))
	}
	if len(f.levels) > 1 {
		prev := parentTot
		for _, l := range f.levels {
			p := &metadatapb.PresenceAndValencyStatistics{
				NumNonMissing: l.nonMissing,
				NumMissing:    prev - min(prev, l.nonMissing),
			}
			if l.nonMissing > 0 {
				p.MinNumValues, p.MaxNumValues, p.TotNumValues = l.min, l.max, l.tot
			}
			c.PresenceAndValencyStats = append(c.PresenceAndValencyStats, p)
			prev = l.tot
		}
	}
	return c
}

func (a *Accumulator) numericStats(n *numeric) *metadatapb.NumericStatistics {
	ns := &metadatapb.NumericStatistics{}
	if n.count == 0 {
		if n.nan > 0 {
			ns.Histograms = []*metadatapb.Histogram{
				{NumNan: n.nan, Type: metadatapb.Histogram_STANDARD},
				{NumNan: n.nan, Type: metadatapb.Histogram_QUANTILES},
			}
		}
		return ns
	}
	ns.Mean = n.mean
	// Population standard deviation; sqrt(max(0, var)) as TFDV (NaN
	// variance from infinities gives 0, as Python's max(0, nan) does).
	v := n.m2 / float64(n.count)
	if !(v > 0) {
		v = 0
	}
	ns.StdDev = math.Sqrt(v)
	ns.NumZeros = n.zeros
	ns.Min, ns.Max = n.min, n.max
	w := n.q.sorted()
	ns.Median = w.quantile(0.5)
	std := standardHistogram(&w, n, a.opts.NumHistogramBuckets)
	q := quantilesHistogram(&w, a.opts.NumQuantilesHistogramBuckets, float64(n.count))
	std.NumNan, q.NumNan = n.nan, n.nan
	ns.Histograms = []*metadatapb.Histogram{std, q}
	return ns
}

// quantilesHistogram returns nb buckets of equal count between the
// quantiles of w, as TFDV's QUANTILES histograms.
func quantilesHistogram(w *weighted, nb int, total float64) *metadatapb.Histogram {
	h := &metadatapb.Histogram{Type: metadatapb.Histogram_QUANTILES}
	b := w.quantiles(nb)
	for i := range nb {
		h.Buckets = append(h.Buckets, &metadatapb.Histogram_Bucket{
			LowValue: b[i], HighValue: b[i+1], SampleCount: total / float64(nb),
		})
	}
	return h
}

// standardHistogram returns nb buckets of equal width between the finite
// minimum and maximum; -inf counts in the first bucket and +inf in the
// last. Counts are exact in exact mode and estimates from the KLL sample
// beyond.
func standardHistogram(w *weighted, n *numeric, nb int) *metadatapb.Histogram {
	h := &metadatapb.Histogram{Type: metadatapb.Histogram_STANDARD}
	lo, hi := n.fmin, n.fmax
	if n.finite == 0 {
		lo, hi = n.min, n.max
	}
	if lo == hi || n.finite == 0 {
		h.Buckets = []*metadatapb.Histogram_Bucket{{LowValue: lo, HighValue: hi, SampleCount: w.total}}
		return h
	}
	width := (hi - lo) / float64(nb)
	counts := make([]float64, nb)
	for i, v := range w.vals {
		var j int
		switch {
		case v >= hi:
			j = nb - 1
		case v <= lo:
			j = 0
		default:
			j = min(int((v-lo)/width), nb-1)
		}
		counts[j] += w.weight(i)
	}
	for i := range nb {
		b := &metadatapb.Histogram_Bucket{LowValue: lo + float64(i)*width, HighValue: lo + float64(i+1)*width, SampleCount: counts[i]}
		if i == nb-1 {
			b.HighValue = hi
		}
		h.Buckets = append(h.Buckets, b)
	}
	return h
}

type valueCount struct {
	value string
	count uint64
}

// ranked returns the values by decreasing count; ties go by decreasing
// value, as TFDV orders them.
func ranked(counts *valueCounts, limit int) []valueCount {
	vc := make([]valueCount, 0, counts.len())
	for v, i := range counts.idx {
		vc = append(vc, valueCount{v, counts.n[i]})
	}
	slices.SortFunc(vc, func(x, y valueCount) int {
		if c := cmp.Compare(y.count, x.count); c != 0 {
			return c
		}
		return strings.Compare(y.value, x.value)
	})
	if len(vc) > limit {
		vc = vc[:limit]
	}
	return vc
}

func (a *Accumulator) stringStats(s *strs) *metadatapb.StringStatistics {
	ss := &metadatapb.StringStatistics{InvalidUtf8Count: s.invalidUTF8}
	if s.values == 0 {
		return ss
	}
	ss.AvgLength = float32(float64(s.totalBytes) / float64(s.values))
	ss.Unique = uint64(s.counts.len())
	rk := ranked(&s.counts, max(a.opts.NumTopValues, a.opts.NumRankHistogramBuckets))
	for i, vc := range rk {
		if i < a.opts.NumTopValues {
			ss.TopValues = append(ss.TopValues, &metadatapb.StringStatistics_FreqAndValue{Value: vc.value, Frequency: float64(vc.count)})
		}
	}
	if len(rk) > 0 {
		ss.RankHistogram = &metadatapb.RankHistogram{}
		for i, vc := range rk {
			if i >= a.opts.NumRankHistogramBuckets {
				break
			}
			ss.RankHistogram.Buckets = append(ss.RankHistogram.Buckets, &metadatapb.RankHistogram_Bucket{
				LowRank: uint64(i), HighRank: uint64(i), Label: vc.value, SampleCount: float64(vc.count),
			})
		}
	}
	return ss
}

// valencySample is the exact weighted sample of a valency histogram.
func valencySample(h map[uint64]uint64) weighted {
	var w weighted
	for c := range h {
		w.vals = append(w.vals, float64(c))
	}
	slices.Sort(w.vals)
	for _, v := range w.vals {
		n := float64(h[uint64(v)])
		w.weights = append(w.weights, n)
		w.total += n
	}
	return w
}
