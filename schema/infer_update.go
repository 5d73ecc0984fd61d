package schema

import (
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/tfmd"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Update returns a copy of s relaxed to fit the statistics of another
// dataset, as TFDV's update_schema does (TFX's SchemaGen infers from its
// first split and updates with the others):
//
//   - features of the statistics that s lacks are added as [InferOptions.Infer]
//     would add them;
//   - a presence, value_count or value_counts constraint the data breaks is
//     widened to the data (a min_fraction of 1 broken by rounding becomes
//     0.9999, as TFDV);
//   - a shape the data breaks (missing values or other counts) becomes the
//     value_count(s) Infer would give;
//   - values of a string domain's feature that the domain lacks are
//     appended, sorted, unless distribution_constraints allow them;
//     a domain of a feature with values that are not UTF-8 is dropped;
//   - a feature whose type differs from the data's, or that must be
//     present but is in no example, is deprecated (lifecycle_stage
//     DEPRECATED).
//
// Deprecated features, sparse and weighted features and environments are
// left alone.
func (o InferOptions) Update(s *metadatapb.Schema, l *metadatapb.DatasetFeatureStatisticsList) (*metadatapb.Schema, error) {
	v, err := newView(l)
	if err != nil {
		return nil, err
	}
	out := proto.Clone(s).(*metadatapb.Schema)
	for _, f := range v.roots {
		o.updateRecursively(out, &out.Feature, f)
	}
	deprecateMissing(out.Feature, nil, v)
	return out, nil
}

func deprecate(f *metadatapb.Feature) { f.LifecycleStage = metadatapb.LifecycleStage_DEPRECATED.Enum() }

func (o InferOptions) updateRecursively(s *metadatapb.Schema, feats *[]*metadatapb.Feature, f *featView) {
	feat := tfmd.FindFeature(*feats, f.path[len(f.path)-1])
	if feat == nil {
		o.createColumn(s, feats, f, len(f.path) == 1)
		return
	}
	if tfmd.IsDeprecated(feat) {
		return
	}
	o.updateFeature(s, feat, f)
	if tfmd.IsDeprecated(feat) || len(f.kids) == 0 {
		return
	}
	sd := feat.GetStructDomain()
	if sd == nil {
		return // fields of a feature that is no struct: the type check deprecated it
	}
	for _, k := range f.kids {
		o.updateRecursively(s, &sd.Feature, k)
	}
}

func (o InferOptions) updateFeature(s *metadatapb.Schema, feat *metadatapb.Feature, f *featView) {
	if f.numPresent() == 0 {
		if required(feat) {
			deprecate(feat)
		}
		return
	}
	switch {
	case feat.GetValueCount() != nil:
		updateValueCount(feat, f)
	case feat.GetValueCounts() != nil:
		updateValueCounts(feat, f)
	case feat.GetShape() != nil:
		if !shapeHolds(feat.GetShape(), f) {
			feat.ShapeType = nil
			initValueCount(f, feat)
		}
	}
	if p := feat.GetPresence(); p != nil {
		if p.MinCount != nil && f.numPresent() < float64(p.GetMinCount()) {
			p.MinCount = proto.Int64(int64(f.numPresent()))
		}
		if frac, ok := f.fractionPresent(); ok && p.MinFraction != nil {
			if frac < p.GetMinFraction() {
				p.MinFraction = proto.Float64(frac)
			}
			if p.GetMinFraction() == 1 && f.numMissing() != 0 {
				p.MinFraction = proto.Float64(0.9999)
			}
		}
	}
	if f.featureType() != feat.GetType() {
		deprecate(feat)
		return
	}
	var sd *metadatapb.StringDomain
	switch {
	case feat.GetDomain() != "":
		for _, d := range s.GetStringDomain() {
			if d.GetName() == feat.GetDomain() {
				sd = d
				break
			}
		}
	case feat.GetStringDomain() != nil:
		sd = feat.GetStringDomain()
	}
	if sd == nil {
		return
	}
	if f.hasInvalidUTF8() {
		feat.DomainInfo = nil
		return
	}
	maxOff := 0.0
	if dc := feat.GetDistributionConstraints(); dc != nil {
		maxOff = 1 - dc.GetMinDomainMass()
	}
	vals, counts := f.stringValues()
	var missing []string
	missCount := 0.0
	for _, v := range vals {
		if !slices.Contains(sd.GetValue(), v) {
			missing = append(missing, v)
			missCount += counts[v]
		}
	}
	if len(missing) > 0 && (missCount/totalValues(f) > maxOff || maxOff == 0) {
		sd.Value = append(sd.Value, missing...)
	}
}

// totalValues is TFDV's GetTotalValueCountInExamples.
func totalValues(f *featView) float64 {
	c := f.common()
	if c.GetTotNumValues() == 0 {
		return float64(c.GetNumNonMissing()) * float64(c.GetAvgNumValues())
	}
	return float64(c.GetTotNumValues())
}

// required is TFDV's IsExistenceRequired without environments.
func required(f *metadatapb.Feature) bool {
	return !tfmd.IsDeprecated(f) && (f.GetPresence().GetMinCount() > 0 || f.GetPresence().GetMinFraction() > 0)
}

func updateValueCount(feat *metadatapb.Feature, f *featView) {
	mm := f.minMaxNumValues()
	if f.nested() {
		feat.ShapeType = nil
		initValueCount(f, feat)
		return
	}
	vc := feat.GetValueCount()
	if vc.Min != nil && mm[0][0] < vc.GetMin() {
		if mm[0][0] == 0 {
			vc.Min = nil
		} else {
			vc.Min = proto.Int64(mm[0][0])
		}
	}
	if vc.Max != nil && mm[0][1] > vc.GetMax() {
		vc.Max = proto.Int64(mm[0][1])
	}
}

func updateValueCounts(feat *metadatapb.Feature, f *featView) {
	mm := f.minMaxNumValues()
	vcs := feat.GetValueCounts().GetValueCount()
	if !f.nested() || len(vcs) != len(mm) {
		feat.ShapeType = nil
		initValueCount(f, feat)
		return
	}
	for i, vc := range vcs {
		if vc.Min != nil && mm[i][0] < vc.GetMin() {
			if mm[i][0] == 0 {
				vc.Min = nil
			} else {
				vc.Min = proto.Int64(mm[i][0])
			}
		}
		if vc.Max != nil && mm[i][1] > vc.GetMax() {
			vc.Max = proto.Int64(mm[i][1])
		}
	}
}

// shapeHolds reports whether every example has the feature with exactly
// the shape's number of values at every level.
func shapeHolds(sh *metadatapb.FixedShape, f *featView) bool {
	for _, m := range f.missingPerLevel() {
		if m != 0 {
			return false
		}
	}
	mm := f.minMaxNumValues()
	if len(mm) != len(sh.GetDim()) {
		return false
	}
	for i, d := range sh.GetDim() {
		if mm[i][0] != d.GetSize() || mm[i][1] != d.GetSize() {
			return false
		}
	}
	return true
}

// deprecateMissing deprecates the required features (recursively) that
// the statistics do not mention at all (TFDV's GetMissingPaths).
func deprecateMissing(feats []*metadatapb.Feature, prefix []string, v *statsView) {
	for _, f := range feats {
		p := append(slices.Clone(prefix), f.GetName())
		if required(f) && v.byPath[pathKey(p)] == nil {
			deprecate(f)
		}
		if !tfmd.IsDeprecated(f) {
			deprecateMissing(f.GetStructDomain().GetFeature(), p, v)
		}
	}
}
