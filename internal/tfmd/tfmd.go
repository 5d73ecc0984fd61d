// Package tfmd holds small TensorFlow Metadata helpers that TFDV defines
// once and that schema inference and validation both need.
package tfmd

import "github.com/gobsl/gobsl/proto/metadatapb"

// FeatureType is the schema type of a feature with statistics s
// (STRING and BYTES statistics are both BYTES features).
func FeatureType(s *metadatapb.FeatureNameStatistics) metadatapb.FeatureType {
	switch s.GetType() {
	case metadatapb.FeatureNameStatistics_INT:
		return metadatapb.FeatureType_INT
	case metadatapb.FeatureNameStatistics_FLOAT:
		return metadatapb.FeatureType_FLOAT
	case metadatapb.FeatureNameStatistics_STRING, metadatapb.FeatureNameStatistics_BYTES:
		return metadatapb.FeatureType_BYTES
	case metadatapb.FeatureNameStatistics_STRUCT:
		return metadatapb.FeatureType_STRUCT
	}
	return metadatapb.FeatureType_TYPE_UNKNOWN
}

// IsDeprecated is TFDV's FeatureIsDeprecated.
func IsDeprecated(f *metadatapb.Feature) bool {
	if f.GetDeprecated() {
		return true
	}
	switch f.GetLifecycleStage() {
	case metadatapb.LifecycleStage_PLANNED, metadatapb.LifecycleStage_ALPHA,
		metadatapb.LifecycleStage_DEPRECATED, metadatapb.LifecycleStage_DEBUG_ONLY:
		return true
	}
	return false
}

// FindFeature returns the feature of feats named name, or nil.
func FindFeature(feats []*metadatapb.Feature, name string) *metadatapb.Feature {
	for _, f := range feats {
		if f.GetName() == name {
			return f
		}
	}
	return nil
}
