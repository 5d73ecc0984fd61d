package validate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/internal/tfmd"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/stats"
)

// Kind is the kind of an anomaly: the name of TFDV's AnomalyInfo.Type.
type Kind string

// Anomaly kinds, with TFDV's names.
const (
	NewColumn              Kind = "SCHEMA_NEW_COLUMN"
	MissingColumn          Kind = "SCHEMA_MISSING_COLUMN"
	NotPresent             Kind = "FEATURE_TYPE_NOT_PRESENT"
	LowNumberPresent       Kind = "FEATURE_TYPE_LOW_NUMBER_PRESENT"
	LowFractionPresent     Kind = "FEATURE_TYPE_LOW_FRACTION_PRESENT"
	UnexpectedDataType     Kind = "UNEXPECTED_DATA_TYPE"
	LowNumberValues        Kind = "FEATURE_TYPE_LOW_NUMBER_VALUES"
	HighNumberValues       Kind = "FEATURE_TYPE_HIGH_NUMBER_VALUES"
	NestednessMismatch     Kind = "VALUE_NESTEDNESS_MISMATCH"
	UnexpectedStringValues Kind = "ENUM_TYPE_UNEXPECTED_STRING_VALUES"
	InvalidUTF8            Kind = "ENUM_TYPE_INVALID_UTF8"
	SmallInt               Kind = "INT_TYPE_SMALL_INT"
	BigInt                 Kind = "INT_TYPE_BIG_INT"
	NotIntString           Kind = "INT_TYPE_NOT_INT_STRING"
	SmallFloat             Kind = "FLOAT_TYPE_SMALL_FLOAT"
	BigFloat               Kind = "FLOAT_TYPE_BIG_FLOAT"
	HasNaN                 Kind = "FLOAT_TYPE_HAS_NAN"
	HasInf                 Kind = "FLOAT_TYPE_HAS_INF"
	BoolSmallInt           Kind = "BOOL_TYPE_SMALL_INT"
	BoolBigInt             Kind = "BOOL_TYPE_BIG_INT"
	BoolUnexpectedString   Kind = "BOOL_TYPE_UNEXPECTED_STRING"
	LowUnique              Kind = "FEATURE_TYPE_LOW_UNIQUE"
	HighUnique             Kind = "FEATURE_TYPE_HIGH_UNIQUE"
	LowNumExamples         Kind = "DATASET_LOW_NUM_EXAMPLES"
	HighNumExamples        Kind = "DATASET_HIGH_NUM_EXAMPLES"
)

// An Anomaly is one way the data breaks the schema.
type Anomaly struct {
	// Feature is the feature's path, serialized as TFDV does ("a",
	// "##SEQUENCE##.b"); "" for an anomaly of the whole dataset.
	Feature string `json:"feature"`
	Kind    Kind   `json:"type"`
	// Short and Description are TFDV's short_description and description.
	Short       string `json:"short_description"`
	Description string `json:"description"`
}

func (a Anomaly) String() string {
	f := a.Feature
	if f == "" {
		f = "(dataset)"
	}
	return fmt.Sprintf("%s: %s: %s: %s", f, a.Kind, a.Short, a.Description)
}

// Options configures validation. The zero value checks every feature of
// the schema, whatever its environments, and computes statistics with
// stats' defaults.
type Options struct {
	// Environment, if set, checks the schema as TFDV does for that
	// environment: a feature counts if it is in_environment, or in
	// default_environment and not not_in_environment.
	Environment string

	// Stats configures the statistics [Options.Records] computes. Its
	// Schema is set to the schema validated against.
	Stats stats.Options
}

// ErrDatasets: the statistics do not hold exactly one dataset.
var ErrDatasets = errors.New("validate: statistics must hold exactly one dataset")

// Records computes the statistics of every batch of r and validates them
// against s. It does not release r.
func (o Options) Records(ctx context.Context, s *metadatapb.Schema, r array.RecordReader) (*Report, error) {
	so := o.Stats
	so.Schema = s
	l, err := stats.Compute(ctx, r, so)
	if err != nil {
		return nil, err
	}
	return o.Statistics(s, l)
}

// Statistics checks dataset statistics (as [stats.Compute] or TFX's
// StatisticsGen writes them) against a schema, as TFDV's
// validate_statistics does, and returns the anomalies:
//
//   - a feature in the data but not in the schema ("New column");
//   - a required feature (presence min_count or min_fraction) missing from
//     the data or present in too few examples ("Column dropped");
//   - values of another type than the schema's ("Expected data of type");
//   - examples with fewer or more values than value_count, value_counts or
//     shape allow ("Missing values", "Superfluous values"), or another
//     nesting ("Mismatched value nest level");
//   - values outside the domain: string domains ("Unexpected string
//     values", beyond distribution_constraints), int_domain and
//     float_domain bounds ("Out-of-range values"), NaN or infinities that
//     float_domain disallows, bool_domain ("Non-boolean values"), strings
//     that are not integers for an int_domain;
//   - unique_constraints and dataset_constraints example counts.
//
// Deprecated features are not checked. Features of a struct are checked
// as children of the struct feature.
func (o Options) Statistics(s *metadatapb.Schema, l *metadatapb.DatasetFeatureStatisticsList) (*Report, error) {
	if len(l.GetDatasets()) != 1 {
		return nil, fmt.Errorf("%w (got %d)", ErrDatasets, len(l.GetDatasets()))
	}
	ds := l.GetDatasets()[0]
	v := &checker{opts: o, schema: s, ds: ds, feats: index(ds)}
	if v.mixedIDs {
		return nil, fmt.Errorf("validate: some features of the statistics have a name and others a path")
	}
	rep := &Report{NumExamples: ds.GetNumExamples()}
	v.dataset(rep)
	for _, f := range v.feats {
		if len(f.path) > 1 {
			if _, ok := v.byPath[key(f.path[:len(f.path)-1])]; ok {
				continue // checked with its parent
			}
		}
		v.check(rep, s.GetFeature(), f)
	}
	v.missing(rep, s.GetFeature(), nil)
	slices.SortStableFunc(rep.Anomalies, func(a, b Anomaly) int { return strings.Compare(a.Feature, b.Feature) })
	return rep, nil
}

// feature is one feature of the statistics.
type feature struct {
	path  []string
	stats *metadatapb.FeatureNameStatistics
	kids  []*feature
}

type checker struct {
	opts     Options
	schema   *metadatapb.Schema
	ds       *metadatapb.DatasetFeatureStatistics
	feats    []*feature
	byPath   map[string]*feature
	mixedIDs bool
}

func key(p []string) string { return strings.Join(p, "\x00") }

func index(ds *metadatapb.DatasetFeatureStatistics) []*feature {
	var out []*feature
	for _, f := range ds.GetFeatures() {
		if f.GetStats() == nil {
			continue
		}
		p := f.GetPath().GetStep()
		if f.GetPath() == nil {
			p = []string{f.GetName()}
		}
		out = append(out, &feature{path: p, stats: f})
	}
	return out
}

// serialize writes a path as TFDV's Path::Serialize.
func serialize(p []string) string {
	parts := make([]string, len(p))
	for i, s := range p {
		if strings.ContainsAny(s, ".()") {
			s = "(" + s + ")"
		}
		parts[i] = s
	}
	return strings.Join(parts, ".")
}

func (v *checker) dataset(rep *Report) {
	names, paths := 0, 0
	v.byPath = map[string]*feature{}
	for _, f := range v.feats {
		if f.stats.GetPath() != nil {
			paths++
		} else {
			names++
		}
	}
	v.mixedIDs = names > 0 && paths > 0
	if names > 0 && !v.mixedIDs {
		v.splitNames()
	}
	for _, f := range v.feats {
		v.byPath[key(f.path)] = f
	}
	for _, f := range v.feats {
		if len(f.path) > 1 {
			if p := v.byPath[key(f.path[:len(f.path)-1])]; p != nil {
				p.kids = append(p.kids, f)
			}
		}
	}
	dc := v.schema.GetDatasetConstraints()
	n := int64(v.ds.GetNumExamples())
	if dc != nil && dc.MinExamplesCount != nil && n < dc.GetMinExamplesCount() {
		rep.add("", LowNumExamples, "Low num examples in dataset.",
			fmt.Sprintf("The dataset has %d examples, which is fewer than expected.", n))
	}
	if dc != nil && dc.MaxExamplesCount != nil && n > dc.GetMaxExamplesCount() {
		rep.add("", HighNumExamples, "High num examples in dataset.",
			fmt.Sprintf("The dataset has %d examples, which is more than expected.", n))
	}
}

// splitNames turns "struct.field" names into paths, as TFDV does for
// statistics that name their features.
func (v *checker) splitNames() {
	sorted := slices.Clone(v.feats)
	slices.SortStableFunc(sorted, func(a, b *feature) int { return strings.Compare(a.path[0], b.path[0]) })
	var anc []*feature
	for _, f := range sorted {
		name := f.stats.GetName()
		for len(anc) > 0 && !strings.HasPrefix(name, anc[len(anc)-1].stats.GetName()+".") {
			anc = anc[:len(anc)-1]
		}
		if len(anc) > 0 {
			p := anc[len(anc)-1]
			f.path = append(slices.Clone(p.path), name[len(p.stats.GetName())+1:])
		}
		if f.stats.GetType() == metadatapb.FeatureNameStatistics_STRUCT {
			anc = append(anc, f)
		}
	}
}

func (v *checker) inEnvironment(f *metadatapb.Feature) bool {
	env := v.opts.Environment
	if env == "" {
		return true
	}
	switch {
	case slices.Contains(f.GetInEnvironment(), env):
		return true
	case slices.Contains(f.GetNotInEnvironment(), env):
		return false
	}
	return slices.Contains(v.schema.GetDefaultEnvironment(), env)
}

func (v *checker) required(f *metadatapb.Feature) bool {
	if tfmd.IsDeprecated(f) {
		return false
	}
	if f.GetPresence().GetMinCount() <= 0 && f.GetPresence().GetMinFraction() <= 0 {
		return false
	}
	return v.inEnvironment(f)
}

func (v *checker) isSparseOrWeighted(name string) bool {
	for _, s := range v.schema.GetSparseFeature() {
		if s.GetName() == name {
			return true
		}
	}
	for _, w := range v.schema.GetWeightedFeature() {
		if w.GetName() == name {
			return true
		}
	}
	return false
}

func common(s *metadatapb.FeatureNameStatistics) *metadatapb.CommonStatistics {
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

// check checks the feature f of the statistics against feats, the schema
// features at its level.
func (v *checker) check(rep *Report, feats []*metadatapb.Feature, f *feature) {
	name := serialize(f.path)
	sf := tfmd.FindFeature(feats, f.path[len(f.path)-1])
	if sf == nil {
		if len(f.path) == 1 && v.isSparseOrWeighted(f.path[0]) {
			return
		}
		rep.add(name, NewColumn, "New column", "New column (column in data but not in schema)")
		return
	}
	if tfmd.IsDeprecated(sf) {
		return
	}
	c := common(f.stats)
	present := float64(c.GetNumNonMissing())
	if present == 0 {
		if v.required(sf) {
			rep.add(name, NotPresent, "Column dropped", "The feature was not present in any examples.")
		}
		return
	}
	if !v.inEnvironment(sf) {
		rep.add(name, NewColumn, "Column missing in environment",
			fmt.Sprintf("New column %s found in data but not in the environment %s in the schema.", name, v.opts.Environment))
	}
	v.valueCounts(rep, name, sf, c)
	v.presence(rep, name, sf, c)
	if got, want := tfmd.FeatureType(f.stats), sf.GetType(); got != want {
		msg := fmt.Sprintf("Expected data of type: %v but got %v", want, f.stats.GetType())
		rep.add(name, UnexpectedDataType, msg, msg)
		return
	}
	v.domain(rep, name, sf, f.stats)
	if uc := sf.GetUniqueConstraints(); uc != nil {
		if ss := f.stats.GetStringStats(); ss == nil {
			rep.add(name, "FEATURE_TYPE_NO_UNIQUE", "No unique values",
				"UniqueConstraints specified for the feature, but unique values were not counted (i.e., feature is not string or categorical).")
		} else {
			u := int64(ss.GetUnique())
			if uc.Min != nil && u < uc.GetMin() {
				rep.add(name, LowUnique, "Low number of unique values",
					fmt.Sprintf("Expected at least %d unique values but found only %d.", uc.GetMin(), u))
			}
			if uc.Max != nil && u > uc.GetMax() {
				rep.add(name, HighUnique, "High number of unique values",
					fmt.Sprintf("Expected no more than %d unique values but found %d.", uc.GetMax(), u))
			}
		}
	}
	for _, k := range f.kids {
		v.check(rep, sf.GetStructDomain().GetFeature(), k)
	}
}

// levels returns (min, max) values per nesting level and whether any
// level has missing values.
func levels(c *metadatapb.CommonStatistics) (mm [][2]int64, missing bool) {
	missing = c.GetNumMissing() > 0
	if pv := c.GetPresenceAndValencyStats(); len(pv) > 0 {
		for _, p := range pv {
			mm = append(mm, [2]int64{int64(p.GetMinNumValues()), int64(p.GetMaxNumValues())})
			missing = missing || p.GetNumMissing() > 0
		}
		return mm, missing
	}
	return [][2]int64{{int64(c.GetMinNumValues()), int64(c.GetMaxNumValues())}}, missing
}

func (v *checker) valueCounts(rep *Report, name string, sf *metadatapb.Feature, c *metadatapb.CommonStatistics) {
	mm, missing := levels(c)
	nested := len(c.GetPresenceAndValencyStats()) > 1
	check := func(vc *metadatapb.ValueCount, l [2]int64, suffix string) {
		if vc.Min != nil && l[0] < vc.GetMin() {
			rep.add(name, LowNumberValues, "Missing values", "Some examples have fewer values than expected"+suffix)
		}
		if vc.Max != nil && l[1] > vc.GetMax() {
			rep.add(name, HighNumberValues, "Superfluous values", "Some examples have more values than expected"+suffix)
		}
	}
	switch {
	case sf.GetValueCount() != nil:
		if nested {
			rep.add(name, NestednessMismatch, "Mismatched value nest level",
				"This feature has a value_count, but the nestedness level of the feature > 1. For features with nestedness levels greater than 1, value_counts, not value_count, should be specified.")
			return
		}
		check(sf.GetValueCount(), mm[0], ".")
	case sf.GetValueCounts() != nil:
		vcs := sf.GetValueCounts().GetValueCount()
		if len(vcs) != len(mm) {
			rep.add(name, NestednessMismatch, "Mismatched value nest level",
				"The values have a different nest level than expected. Value counts will not be checked.")
			return
		}
		for i, vc := range vcs {
			check(vc, mm[i], fmt.Sprintf(" at nestedness level %d.", i))
		}
	case sf.GetShape() != nil:
		dims := sf.GetShape().GetDim()
		if len(dims) != len(mm) {
			rep.add(name, NestednessMismatch, "Mismatched value nest level",
				fmt.Sprintf("The values have %d nest levels; the shape has %d dimensions.", len(mm), len(dims)))
			return
		}
		for i, d := range dims {
			if mm[i][0] < d.GetSize() {
				rep.add(name, LowNumberValues, "Missing values",
					fmt.Sprintf("Some examples have fewer values than the shape's %d at nestedness level %d.", d.GetSize(), i))
			}
			if mm[i][1] > d.GetSize() {
				rep.add(name, HighNumberValues, "Superfluous values",
					fmt.Sprintf("Some examples have more values than the shape's %d at nestedness level %d.", d.GetSize(), i))
			}
		}
		if missing && sf.GetPresence().GetMinFraction() < 1 {
			// A shape needs the feature in every example even when the
			// presence constraint does not say so.
			rep.add(name, LowFractionPresent, "Column dropped",
				"The feature has a shape but is missing in some examples.")
		}
	}
}

func (v *checker) presence(rep *Report, name string, sf *metadatapb.Feature, c *metadatapb.CommonStatistics) {
	p := sf.GetPresence()
	if p == nil {
		return
	}
	present := float64(c.GetNumNonMissing())
	if p.MinCount != nil && present < float64(p.GetMinCount()) {
		rep.add(name, LowNumberPresent, "Column dropped", "The feature was present in fewer examples than expected.")
	}
	if p.MinFraction == nil {
		return
	}
	frac := 1.0
	if c.GetNumMissing() != 0 {
		if n := v.ds.GetNumExamples(); n > 0 {
			frac = present / float64(n)
		} else {
			return
		}
	}
	switch {
	case frac < p.GetMinFraction():
		rep.add(name, LowFractionPresent, "Column dropped", "The feature was present in fewer examples than expected.")
	case p.GetMinFraction() == 1 && c.GetNumMissing() != 0:
		rep.add(name, LowFractionPresent, "Column dropped",
			fmt.Sprintf("The feature was expected everywhere, but was missing in %d examples.", c.GetNumMissing()))
	}
}

var (
	trueValues  = map[string]bool{"TRUE": true, "true": true, "SET": true, "set": true, "1": true, "": true}
	falseValues = map[string]bool{"FALSE": true, "false": true, "CLEAR": true, "clear": true, "0": true}
)

// stringValues returns the values of the rank histogram, sorted, with
// their counts.
func stringValues(s *metadatapb.FeatureNameStatistics) ([]string, map[string]float64) {
	counts := map[string]float64{}
	for _, b := range s.GetStringStats().GetRankHistogram().GetBuckets() {
		if _, ok := counts[b.GetLabel()]; !ok {
			counts[b.GetLabel()] = b.GetSampleCount()
		}
	}
	vals := make([]string, 0, len(counts))
	for k := range counts {
		vals = append(vals, k)
	}
	slices.Sort(vals)
	return vals, counts
}

func (v *checker) stringDomain(sf *metadatapb.Feature) *metadatapb.StringDomain {
	if sd := sf.GetStringDomain(); sd != nil {
		return sd
	}
	if name := sf.GetDomain(); name != "" {
		for _, d := range v.schema.GetStringDomain() {
			if d.GetName() == name {
				return d
			}
		}
	}
	return nil
}

// sixDigits formats as absl::SixDigits (%g with 6 significant digits).
func sixDigits(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

func (v *checker) domain(rep *Report, name string, sf *metadatapb.Feature, st *metadatapb.FeatureNameStatistics) {
	vals, counts := stringValues(st)
	_, invalid := counts["__BYTES_VALUE__"]
	ns := st.GetNumStats()
	switch {
	case v.stringDomain(sf) != nil:
		sd := v.stringDomain(sf)
		if invalid {
			rep.add(name, InvalidUTF8, "Invalid UTF8 strings", "Found strings that were not valid UTF8 strings.")
			return
		}
		maxOff := 0.0
		if dc := sf.GetDistributionConstraints(); dc != nil {
			maxOff = 1 - dc.GetMinDomainMass()
		}
		total := float64(common(st).GetTotNumValues())
		if total == 0 {
			total = float64(common(st).GetNumNonMissing()) * float64(common(st).GetAvgNumValues())
		}
		var missing []string
		missCount := 0.0
		for _, val := range vals {
			if !slices.Contains(sd.GetValue(), val) {
				missing = append(missing, fmt.Sprintf("%s (%s)", cEscape(val), percent(counts[val], total)))
				missCount += counts[val]
			}
		}
		if len(missing) > 0 && (maxOff == 0 || missCount/total > maxOff) {
			rep.add(name, UnexpectedStringValues, "Unexpected string values",
				"Examples contain values missing from the schema: "+strings.Join(missing, ", ")+".")
		}
	case sf.GetIntDomain() != nil:
		d := sf.GetIntDomain()
		lo, hi, ok := int64(0), int64(0), false
		switch st.GetType() {
		case metadatapb.FeatureNameStatistics_INT:
			if ns.GetCommonStats().GetTotNumValues() > 0 {
				lo, hi, ok = int64(ns.GetMin()), int64(ns.GetMax()), true
			}
		case metadatapb.FeatureNameStatistics_STRING, metadatapb.FeatureNameStatistics_BYTES:
			for _, val := range vals {
				n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
				if err != nil {
					rep.add(name, NotIntString, "Invalid values",
						fmt.Sprintf("String values that were not ints were found, such as \"%s\".", val))
					return
				}
				if !ok || n < lo {
					lo = n
				}
				if !ok || n > hi {
					hi = n
				}
				ok = true
			}
		}
		if ok && d.Min != nil && lo < d.GetMin() {
			rep.add(name, SmallInt, "Out-of-range values", fmt.Sprintf("Unexpectedly small value: %d.", lo))
		}
		if ok && d.Max != nil && hi > d.GetMax() {
			rep.add(name, BigInt, "Out-of-range values", fmt.Sprintf("Unexpectedly large value: %d.", hi))
		}
	case sf.GetFloatDomain() != nil && st.GetType() == metadatapb.FeatureNameStatistics_FLOAT:
		d := sf.GetFloatDomain()
		if ns.GetCommonStats().GetTotNumValues() > 0 {
			lo, hi := float32(ns.GetMin()), float32(ns.GetMax())
			if d.Min != nil && lo < d.GetMin() {
				rep.add(name, SmallFloat, "Out-of-range values",
					fmt.Sprintf("Unexpectedly low values: %s<%s(upto six significant digits)", sixDigits(float64(lo)), sixDigits(float64(d.GetMin()))))
			}
			if d.Max != nil && hi > d.GetMax() {
				rep.add(name, BigFloat, "Out-of-range values",
					fmt.Sprintf("Unexpectedly high value: %s>%s(upto six significant digits)", sixDigits(float64(hi)), sixDigits(float64(d.GetMax()))))
			}
			if d.GetDisallowInf() && (math.IsInf(ns.GetMin(), 0) || math.IsInf(ns.GetMax(), 0)) {
				rep.add(name, HasInf, "Invalid values", "Float feature has Inf values.")
			}
		}
		if d.GetDisallowNan() {
			for _, h := range ns.GetHistograms() {
				if h.GetNumNan() > 0 {
					rep.add(name, HasNaN, "Invalid values", "Float feature has NaN values.")
					break
				}
			}
		}
	case sf.GetBoolDomain() != nil:
		bd := sf.GetBoolDomain()
		switch st.GetType() {
		case metadatapb.FeatureNameStatistics_INT:
			if ns.GetCommonStats().GetTotNumValues() == 0 {
				return
			}
			if ns.GetMin() < 0 {
				rep.add(name, BoolSmallInt, "Non-boolean values",
					fmt.Sprintf("Integers (such as %s) not in {0, 1}: converting to an integer.", sixDigits(ns.GetMin())))
			} else if ns.GetMax() > 1 {
				rep.add(name, BoolBigInt, "Non-boolean values",
					fmt.Sprintf("Integers (such as %s) not in {0, 1}: converting to an integer.", sixDigits(ns.GetMax())))
			}
		case metadatapb.FeatureNameStatistics_STRING:
			valid := map[string]bool{}
			if bd.TrueValue != nil {
				valid[bd.GetTrueValue()] = true
			}
			if bd.FalseValue != nil {
				valid[bd.GetFalseValue()] = true
			}
			for _, val := range vals {
				if !valid[val] {
					var vs []string
					for k := range valid {
						vs = append(vs, k)
					}
					slices.Sort(vs)
					desc := "{}"
					if len(vs) > 0 {
						desc = `{"` + strings.Join(vs, `", "`) + `"}`
					}
					rep.add(name, BoolUnexpectedString, "Non-boolean values",
						fmt.Sprintf("Saw unexpected value \"%s\" instead of %s.", val, desc))
					return
				}
			}
		}
	}
}

// percent is TFDV's PercentageAsString: "<1%" or "~N%" (floor).
func percent(count, total float64) string {
	if total == 0 {
		return "?"
	}
	p := 100 * count / total
	if p < 1 {
		return "<1%"
	}
	return fmt.Sprintf("~%d%%", int(math.Floor(p)))
}

// cEscape escapes a string as absl::Utf8SafeCEscape: quotes, backslashes
// and control characters; UTF-8 is kept.
func cEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\%03o`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// missing reports the required features that the statistics do not
// mention at all ("Column is completely missing").
func (v *checker) missing(rep *Report, feats []*metadatapb.Feature, prefix []string) {
	for _, f := range feats {
		p := append(slices.Clone(prefix), f.GetName())
		if v.required(f) && v.byPath[key(p)] == nil {
			rep.add(serialize(p), MissingColumn, "Column dropped", "Column is completely missing")
		}
		if !tfmd.IsDeprecated(f) {
			v.missing(rep, f.GetStructDomain().GetFeature(), p)
		}
	}
}
