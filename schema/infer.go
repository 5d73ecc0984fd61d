package schema

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/tfmd"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/stats"
)

// DefaultMaxStringDomainSize is the largest number of distinct values for
// which [InferOptions.Infer] gives a BYTES feature a string domain, as
// TFDV's infer_schema(max_string_domain_size=100).
const DefaultMaxStringDomainSize = 100

// InferOptions configures schema inference from statistics. The zero value
// infers as TFX's SchemaGen with infer_feature_shape=False (the setting of
// TFX's own taxi testdata schema): value_count rather than shape, and
// string domains of up to [DefaultMaxStringDomainSize] values.
type InferOptions struct {
	// MaxStringDomainSize is the largest number of distinct values of a
	// string feature that still gets a string domain; 0 means
	// [DefaultMaxStringDomainSize] and a negative value infers no string
	// domains.
	MaxStringDomainSize int

	// InferFeatureShape gives a top-level feature that is present in every
	// example with the same number of values at every nesting level a
	// fixed shape (shape { dim { size: N } ... }) instead of a value_count,
	// as TFDV's infer_schema(infer_feature_shape=True), its default.
	// STRUCT features and struct fields never get a shape.
	InferFeatureShape bool

	// Stats configures the statistics that [InferOptions.InferRecords]
	// computes; Infer and Update do not use it.
	Stats stats.Options
}

// Errors of schema inference; test for them with errors.Is.
var (
	// ErrDatasets: the statistics do not hold exactly one dataset. The
	// text is TFDV's.
	ErrDatasets = errors.New("Only statistics proto with one dataset is currently supported for inferring schema.")
	// ErrFeatureIDs: some features of the statistics are identified by
	// name and others by path.
	ErrFeatureIDs = errors.New("Some features had .name and some features had .path.")
)

func (o InferOptions) maxDomain() int {
	switch {
	case o.MaxStringDomainSize == 0:
		return DefaultMaxStringDomainSize
	case o.MaxStringDomainSize < 0:
		return -1
	}
	return o.MaxStringDomainSize
}

// Infer returns the schema that the statistics suggest, as TFDV's
// infer_schema does (tensorflow_data_validation/anomalies/schema.cc,
// feature_util.cc), feature by feature in the order of the statistics,
// struct fields in path order:
//
//   - type: INT, FLOAT, BYTES (STRING or BYTES statistics; also features
//     without values) or STRUCT, whose fields go into struct_domain;
//   - presence: min_count 1 if the feature is present in some example
//     (else 0) and min_fraction 1 if it is missing in none;
//   - value_count (value_counts per level for nested features): min and
//     max when every present example has the same number of values, else
//     min 1, and nothing when some example has an empty list; or, with
//     [InferOptions.InferFeatureShape], a shape;
//   - domains: bool_domain for an INT feature whose values are in [0, 1]
//     with max 1, or a string feature whose one or two values are TFDV's
//     true/false spellings; int_domain {} for a string feature whose values
//     all parse as integers; otherwise a string_domain (a top-level
//     string_domain named after the feature, referenced by domain) of the
//     sorted distinct values when there are at most MaxStringDomainSize of
//     them. Features with values that are not UTF-8 get no domain.
func (o InferOptions) Infer(l *metadatapb.DatasetFeatureStatisticsList) (*metadatapb.Schema, error) {
	v, err := newView(l)
	if err != nil {
		return nil, err
	}
	s := &metadatapb.Schema{}
	for _, f := range v.roots {
		o.createColumn(s, &s.Feature, f, true)
	}
	return s, nil
}

// InferRecords computes the statistics of every batch of r (with
// o.Stats) and infers a schema from them. It does not release r.
func (o InferOptions) InferRecords(ctx context.Context, r array.RecordReader) (*metadatapb.Schema, error) {
	st, err := stats.Compute(ctx, r, o.Stats)
	if err != nil {
		return nil, err
	}
	return o.Infer(st)
}

// statsView indexes the features of one dataset by path, as TFDV's
// DatasetStatsView.
type statsView struct {
	ds     *metadatapb.DatasetFeatureStatistics
	roots  []*featView
	byPath map[string]*featView
}

type featView struct {
	path   []string
	stats  *metadatapb.FeatureNameStatistics
	parent *featView
	kids   []*featView
	ds     *metadatapb.DatasetFeatureStatistics
}

func newView(l *metadatapb.DatasetFeatureStatisticsList) (*statsView, error) {
	if len(l.GetDatasets()) != 1 {
		return nil, fmt.Errorf("schema: %w (got %d)", ErrDatasets, len(l.GetDatasets()))
	}
	ds := l.GetDatasets()[0]
	v := &statsView{ds: ds, byPath: map[string]*featView{}}
	byName, byPath := 0, 0
	for _, f := range ds.GetFeatures() {
		if f.GetPath() != nil {
			byPath++
		} else {
			byName++
		}
	}
	if byName > 0 && byPath > 0 {
		return nil, fmt.Errorf("schema: %w", ErrFeatureIDs)
	}
	var all []*featView
	if byPath > 0 {
		for _, f := range ds.GetFeatures() {
			fv := &featView{path: f.GetPath().GetStep(), stats: f, ds: ds}
			v.byPath[pathKey(fv.path)] = fv
			all = append(all, fv)
		}
	} else {
		// Names: a feature whose name extends a STRUCT feature's name and
		// a dot is that struct's field (TFDV's InitializeWithFeatureName).
		names := make([]*metadatapb.FeatureNameStatistics, 0, len(ds.GetFeatures()))
		for _, f := range ds.GetFeatures() {
			if f.GetStats() != nil || len(f.GetCustomStats()) > 0 {
				names = append(names, f)
			}
		}
		sorted := slices.Clone(names)
		slices.SortStableFunc(sorted, func(a, b *metadatapb.FeatureNameStatistics) int { return strings.Compare(a.GetName(), b.GetName()) })
		paths := map[*metadatapb.FeatureNameStatistics][]string{}
		var anc []*metadatapb.FeatureNameStatistics
		for _, f := range sorted {
			for len(anc) > 0 && !strings.HasPrefix(f.GetName(), anc[len(anc)-1].GetName()+".") {
				anc = anc[:len(anc)-1]
			}
			if len(anc) > 0 {
				p := anc[len(anc)-1]
				paths[f] = append(slices.Clone(paths[p]), f.GetName()[len(p.GetName())+1:])
			} else {
				paths[f] = []string{f.GetName()}
			}
			if f.GetType() == metadatapb.FeatureNameStatistics_STRUCT {
				anc = append(anc, f)
			}
		}
		for _, f := range names {
			fv := &featView{path: paths[f], stats: f, ds: ds}
			v.byPath[pathKey(fv.path)] = fv
			all = append(all, fv)
		}
	}
	for _, fv := range all {
		if fv.stats.GetStats() == nil && len(fv.stats.GetCustomStats()) == 0 {
			continue // TFDV ignores features with empty statistics
		}
		if len(fv.path) > 1 {
			if p := v.byPath[pathKey(fv.path[:len(fv.path)-1])]; p != nil {
				fv.parent = p
				p.kids = append(p.kids, fv)
				continue
			}
		}
		v.roots = append(v.roots, fv)
	}
	for _, fv := range all {
		slices.SortFunc(fv.kids, func(a, b *featView) int { return slices.Compare(a.path, b.path) })
	}
	return v, nil
}

func pathKey(p []string) string { return strings.Join(p, "\x00") }

// serializePath writes a path as TFDV's Path::Serialize: steps joined by
// dots, a step with a dot or parenthesis in parentheses.
func serializePath(p []string) string {
	parts := make([]string, len(p))
	for i, s := range p {
		if strings.ContainsAny(s, ".()") {
			s = "(" + s + ")"
		}
		parts[i] = s
	}
	return strings.Join(parts, ".")
}

func (f *featView) common() *metadatapb.CommonStatistics {
	s := f.stats
	switch {
	case s.GetNumStats() != nil:
		return s.GetNumStats().GetCommonStats()
	case s.GetStringStats() != nil:
		return s.GetStringStats().GetCommonStats()
	case s.GetBytesStats() != nil:
		return s.GetBytesStats().GetCommonStats()
	}
	return s.GetStructStats().GetCommonStats()
}

func (f *featView) numPresent() float64 { return float64(f.common().GetNumNonMissing()) }
func (f *featView) numMissing() float64 { return float64(f.common().GetNumMissing()) }

// fractionPresent is TFDV's GetFractionPresent: 1 when nothing is
// missing, else present/examples; ok is false without examples.
func (f *featView) fractionPresent() (float64, bool) {
	if f.numMissing() == 0 {
		return 1, true
	}
	if n := float64(f.ds.GetNumExamples()); n > 0 {
		return f.numPresent() / n, true
	}
	return 0, false
}

// minMaxNumValues returns the (min, max) number of values per level.
func (f *featView) minMaxNumValues() [][2]int64 {
	c := f.common()
	if pv := c.GetPresenceAndValencyStats(); len(pv) > 0 {
		out := make([][2]int64, len(pv))
		for i, p := range pv {
			out[i] = [2]int64{int64(p.GetMinNumValues()), int64(p.GetMaxNumValues())}
		}
		return out
	}
	return [][2]int64{{int64(c.GetMinNumValues()), int64(c.GetMaxNumValues())}}
}

func (f *featView) nested() bool { return len(f.common().GetPresenceAndValencyStats()) > 1 }

// missingPerLevel returns num_missing at every nesting level.
func (f *featView) missingPerLevel() []uint64 {
	c := f.common()
	out := []uint64{c.GetNumMissing()}
	for _, p := range c.GetPresenceAndValencyStats() {
		out = append(out, p.GetNumMissing())
	}
	return out
}

func (f *featView) featureType() metadatapb.FeatureType { return tfmd.FeatureType(f.stats) }

// invalidUTF8 is the label TFDV writes for values that are not UTF-8.
const invalidUTF8 = "__BYTES_VALUE__"

// stringValues returns the distinct values and counts of the rank
// histogram, sorted (TFDV's GetStringValuesWithCounts).
func (f *featView) stringValues() ([]string, map[string]float64) {
	counts := map[string]float64{}
	for _, b := range f.stats.GetStringStats().GetRankHistogram().GetBuckets() {
		if _, ok := counts[b.GetLabel()]; !ok {
			counts[b.GetLabel()] = b.GetSampleCount()
		}
	}
	vals := make([]string, 0, len(counts))
	for v := range counts {
		vals = append(vals, v)
	}
	slices.Sort(vals)
	return vals, counts
}

func (f *featView) hasInvalidUTF8() bool {
	_, c := f.stringValues()
	_, ok := c[invalidUTF8]
	return ok
}

// createColumn adds a feature for f (and its fields) to feats.
func (o InferOptions) createColumn(s *metadatapb.Schema, feats *[]*metadatapb.Feature, f *featView, top bool) {
	feat := &metadatapb.Feature{Name: proto.String(f.path[len(f.path)-1])}
	typ := f.featureType()
	feat.Type = typ.Enum()
	o.initPresenceAndShape(f, feat, top)
	*feats = append(*feats, feat)
	o.inferDomain(s, f, feat)
	if len(f.kids) > 0 || typ == metadatapb.FeatureType_STRUCT {
		sd := &metadatapb.StructDomain{}
		for _, k := range f.kids {
			o.createColumn(s, &sd.Feature, k, false)
		}
		feat.DomainInfo = &metadatapb.Feature_StructDomain{StructDomain: sd}
	}
}

// valueCount is TFDV's set_value_count: min and max when equal, else min
// 1; nothing when some example has no value.
func valueCount(mm [2]int64) *metadatapb.ValueCount {
	vc := &metadatapb.ValueCount{}
	if mm[0] > 0 {
		if mm[0] == mm[1] {
			vc.Min, vc.Max = proto.Int64(mm[0]), proto.Int64(mm[1])
		} else {
			vc.Min = proto.Int64(1)
		}
	}
	return vc
}

// initValueCount sets value_count or value_counts (TFDV's InitValueCount).
func initValueCount(f *featView, feat *metadatapb.Feature) {
	mm := f.minMaxNumValues()
	if f.nested() {
		vcs := &metadatapb.ValueCountList{}
		for _, m := range mm {
			vcs.ValueCount = append(vcs.ValueCount, valueCount(m))
		}
		feat.ShapeType = &metadatapb.Feature_ValueCounts{ValueCounts: vcs}
		return
	}
	if len(mm) == 1 && mm[0][0] > 0 {
		feat.ShapeType = &metadatapb.Feature_ValueCount{ValueCount: valueCount(mm[0])}
	}
}

func (o InferOptions) initPresenceAndShape(f *featView, feat *metadatapb.Feature, top bool) {
	present := f.numPresent()
	feat.PresenceConstraints = &metadatapb.Feature_Presence{Presence: &metadatapb.FeaturePresence{}}
	p := feat.GetPresence()
	if present < 1 {
		p.MinCount = proto.Int64(0)
		return // no example has it: no value counts
	}
	p.MinCount = proto.Int64(1)
	if f.numMissing() == 0 {
		p.MinFraction = proto.Float64(1)
	}
	initValueCount(f, feat)
	if !o.InferFeatureShape || !top || f.featureType() == metadatapb.FeatureType_STRUCT {
		return
	}
	for _, m := range f.missingPerLevel() {
		if m != 0 {
			return
		}
	}
	shape := &metadatapb.FixedShape{}
	for _, mm := range f.minMaxNumValues() {
		if mm[0] != mm[1] || mm[0] <= 0 {
			return
		}
		shape.Dim = append(shape.Dim, &metadatapb.FixedShape_Dim{Size: proto.Int64(mm[0])})
	}
	feat.ShapeType = &metadatapb.Feature_Shape{Shape: shape}
}

var (
	trueValues  = map[string]bool{"TRUE": true, "true": true, "SET": true, "set": true, "1": true, "": true}
	falseValues = map[string]bool{"FALSE": true, "false": true, "CLEAR": true, "clear": true, "0": true}
)

// inferDomain sets a domain as TFDV's CreateColumn does.
func (o InferOptions) inferDomain(s *metadatapb.Schema, f *featView, feat *metadatapb.Feature) {
	st := f.stats.GetType()
	if st == metadatapb.FeatureNameStatistics_BYTES || f.hasInvalidUTF8() {
		return
	}
	vals, _ := f.stringValues()
	switch st {
	case metadatapb.FeatureNameStatistics_INT:
		ns := f.stats.GetNumStats()
		if ns.GetMin() >= 0 && ns.GetMax() == 1 {
			feat.DomainInfo = &metadatapb.Feature_BoolDomain{BoolDomain: &metadatapb.BoolDomain{}}
		}
		return
	case metadatapb.FeatureNameStatistics_STRING:
	default:
		return
	}
	if bd, ok := boolDomain(vals); ok {
		feat.DomainInfo = &metadatapb.Feature_BoolDomain{BoolDomain: bd}
		return
	}
	if len(vals) > 0 && allInts(vals) {
		feat.DomainInfo = &metadatapb.Feature_IntDomain{IntDomain: &metadatapb.IntDomain{}}
		return
	}
	if max := o.maxDomain(); len(vals) > 0 && max >= 0 && len(vals) <= max {
		name := newStringDomainName(s, serializePath(f.path))
		s.StringDomain = append(s.StringDomain, &metadatapb.StringDomain{Name: proto.String(name), Value: vals})
		feat.DomainInfo = &metadatapb.Feature_Domain{Domain: name}
	}
}

func boolDomain(vals []string) (*metadatapb.BoolDomain, bool) {
	if len(vals) == 0 || len(vals) > 2 {
		return nil, false
	}
	var seenT, seenF bool
	bd := &metadatapb.BoolDomain{}
	for _, v := range vals {
		switch {
		case !seenT && trueValues[v]:
			seenT = true
		case !seenF && falseValues[v]:
			seenF = true
		default:
			return nil, false
		}
	}
	for _, v := range vals {
		if trueValues[v] {
			bd.TrueValue = proto.String(v)
			break
		}
	}
	for _, v := range vals {
		if falseValues[v] {
			bd.FalseValue = proto.String(v)
			break
		}
	}
	return bd, true
}

// allInts reports whether every value parses as an int64 (absl's
// SimpleAtoi: optional sign, decimal digits, surrounding spaces).
func allInts(vals []string) bool {
	for _, v := range vals {
		if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			return false
		}
	}
	return true
}

// newStringDomainName returns name, or name2, name3, ... if taken.
func newStringDomainName(s *metadatapb.Schema, name string) string {
	taken := map[string]bool{}
	for _, d := range s.GetStringDomain() {
		taken[d.GetName()] = true
	}
	cand := name
	for i := 2; taken[cand]; i++ {
		cand = name + strconv.Itoa(i)
	}
	return cand
}
