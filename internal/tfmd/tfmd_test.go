package tfmd

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

func TestFeatureType(t *testing.T) {
	tests := []struct {
		name string
		in   metadatapb.FeatureNameStatistics_Type
		want metadatapb.FeatureType
	}{
		{"int", metadatapb.FeatureNameStatistics_INT, metadatapb.FeatureType_INT},
		{"float", metadatapb.FeatureNameStatistics_FLOAT, metadatapb.FeatureType_FLOAT},
		{"string", metadatapb.FeatureNameStatistics_STRING, metadatapb.FeatureType_BYTES},
		{"bytes", metadatapb.FeatureNameStatistics_BYTES, metadatapb.FeatureType_BYTES},
		{"struct", metadatapb.FeatureNameStatistics_STRUCT, metadatapb.FeatureType_STRUCT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FeatureType(&metadatapb.FeatureNameStatistics{Type: tt.in}); got != tt.want {
				t.Fatalf("FeatureType(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsDeprecated(t *testing.T) {
	tests := []struct {
		name string
		f    *metadatapb.Feature
		want bool
	}{
		{"plain", &metadatapb.Feature{}, false},
		{"deprecated flag", &metadatapb.Feature{Deprecated: proto.Bool(true)}, true},
		{"alpha", &metadatapb.Feature{LifecycleStage: metadatapb.LifecycleStage_ALPHA.Enum()}, true},
		{"production", &metadatapb.Feature{LifecycleStage: metadatapb.LifecycleStage_PRODUCTION.Enum()}, false},
		{"disabled is not deprecated in TFDV", &metadatapb.Feature{LifecycleStage: metadatapb.LifecycleStage_DISABLED.Enum()}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsDeprecated(tt.f); got != tt.want {
				t.Fatalf("IsDeprecated = %v, want %v", got, tt.want)
			}
		})
	}
	if FindFeature([]*metadatapb.Feature{{Name: proto.String("a")}}, "b") != nil {
		t.Fatal("FindFeature found a missing name")
	}
}
