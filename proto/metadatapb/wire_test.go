package metadatapb_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// unhex decodes hex written with optional spaces, as in the tables below.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// spaced formats b like the tables below, so diffs line up byte by byte.
func spaced(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	return sb.String()
}

// wireTests pins the encoding of key fields to hand-written bytes taken from
// the field numbers and types in the wire specification. Each case is
// checked in both directions: marshal gives exactly want, and unmarshal of
// want (and of alt, an equivalent encoding, if set) gives back msg.
//
// Field order on the wire is not significant. protobuf-go writes fields in
// number order but oneof members after the other fields, and want follows
// that; alt then gives the number-ordered encoding other writers produce.
var wireTests = []struct {
	name string
	msg  proto.Message
	want string // hex, spaces ignored
	alt  string // optional equivalent encoding, decode only
}{{
	name: "Feature.name=1",
	msg:  &metadatapb.Feature{Name: proto.String("a")},
	want: "0a 01 61",
}, {
	name: "Feature.type=6 enum INT",
	msg:  &metadatapb.Feature{Type: metadatapb.FeatureType_INT.Enum()},
	want: "30 02",
}, {
	name: "Feature.type=6 explicit TYPE_UNKNOWN is present in proto2",
	msg:  &metadatapb.Feature{Type: metadatapb.FeatureType_TYPE_UNKNOWN.Enum()},
	want: "30 00",
}, {
	name: "Feature.presence=14 {min_fraction=1 double, min_count=2}",
	msg: &metadatapb.Feature{PresenceConstraints: &metadatapb.Feature_Presence{
		Presence: &metadatapb.FeaturePresence{MinFraction: proto.Float64(1), MinCount: proto.Int64(1)},
	}},
	want: "72 0b 09 00 00 00 00 00 00 f0 3f 10 01",
}, {
	name: "Feature.group_presence=17 {required=1}",
	msg: &metadatapb.Feature{PresenceConstraints: &metadatapb.Feature_GroupPresence{
		GroupPresence: &metadatapb.FeaturePresenceWithinGroup{Required: proto.Bool(true)},
	}},
	want: "8a 01 02 08 01",
}, {
	name: "Feature.value_count=5 {min=1, max=2}",
	msg: &metadatapb.Feature{ShapeType: &metadatapb.Feature_ValueCount{
		ValueCount: &metadatapb.ValueCount{Min: proto.Int64(1), Max: proto.Int64(2)},
	}},
	want: "2a 04 08 01 10 02",
}, {
	name: "Feature.shape=23 {dim=2 {size=1}}",
	msg: &metadatapb.Feature{ShapeType: &metadatapb.Feature_Shape{
		Shape: &metadatapb.FixedShape{Dim: []*metadatapb.FixedShape_Dim{{Size: proto.Int64(3)}}},
	}},
	want: "ba 01 04 12 02 08 03",
}, {
	name: "Feature.value_counts=32 {value_count=1 {min=1}}",
	msg: &metadatapb.Feature{ShapeType: &metadatapb.Feature_ValueCounts{
		ValueCounts: &metadatapb.ValueCountList{ValueCount: []*metadatapb.ValueCount{{Min: proto.Int64(1)}}},
	}},
	want: "82 02 04 0a 02 08 01",
}, {
	name: "Feature.domain=7 reference by name",
	msg:  &metadatapb.Feature{DomainInfo: &metadatapb.Feature_Domain{Domain: "d"}},
	want: "3a 01 64",
}, {
	name: "Feature.float_domain=10 {min=3 float}",
	msg: &metadatapb.Feature{DomainInfo: &metadatapb.Feature_FloatDomain{
		FloatDomain: &metadatapb.FloatDomain{Min: proto.Float32(0.5)},
	}},
	want: "52 05 1d 00 00 00 3f",
}, {
	name: "Feature.content_chunk_domain=38 empty",
	msg: &metadatapb.Feature{DomainInfo: &metadatapb.Feature_ContentChunkDomain{
		ContentChunkDomain: &metadatapb.ContentChunkDomain{},
	}},
	want: "b2 02 00",
}, {
	name: "Feature.lifecycle_stage=22 VALIDATION_DERIVED=9",
	msg:  &metadatapb.Feature{LifecycleStage: metadatapb.LifecycleStage_VALIDATION_DERIVED.Enum()},
	want: "b0 01 09",
}, {
	name: "Feature.distribution_constraints=15 explicit default 1.0 is encoded",
	msg: &metadatapb.Feature{DistributionConstraints: &metadatapb.DistributionConstraints{
		MinDomainMass: proto.Float64(1),
	}},
	want: "7a 09 09 00 00 00 00 00 00 f0 3f",
}, {
	name: "Feature.distribution_constraints=15 unset default is not encoded",
	msg:  &metadatapb.Feature{DistributionConstraints: &metadatapb.DistributionConstraints{}},
	want: "7a 00",
}, {
	name: "Schema.tensor_representation_group=13 map entry {key=1, value=2}",
	msg: &metadatapb.Schema{TensorRepresentationGroup: map[string]*metadatapb.TensorRepresentationGroup{
		"g": {TensorRepresentation: map[string]*metadatapb.TensorRepresentation{
			"x": {Kind: &metadatapb.TensorRepresentation_DenseTensor_{
				DenseTensor: &metadatapb.TensorRepresentation_DenseTensor{ColumnName: proto.String("x")},
			}},
		}},
	}},
	// 6a: field 13, LEN. Entry: key "g", value group; group: field 1 map
	// entry: key "x", value TensorRepresentation{dense_tensor=1 {column_name=1}}.
	want: "6a 11 0a 01 67 12 0c  0a 0a 0a 01 78 12 05  0a 03 0a 01 78",
}, {
	name: "Schema.represent_variable_length_as_ragged=14",
	msg:  &metadatapb.Schema{RepresentVariableLengthAsRagged: proto.Bool(true)},
	want: "70 01",
}, {
	name: "WeightedFeature.feature=2 Path{step=1}",
	msg:  &metadatapb.WeightedFeature{Feature: &metadatapb.Path{Step: []string{"a", "b"}}},
	want: "12 06 0a 01 61 0a 01 62",
}, {
	name: "FeatureCoverageConstraints.excluded_int_tokens=4 packed",
	msg:  &metadatapb.FeatureCoverageConstraints{ExcludedIntTokens: []int64{1, 2}},
	want: "22 02 01 02",
}, {
	name: "RaggedTensor.partition=3 {uniform_row_length=1}",
	msg: &metadatapb.TensorRepresentation_RaggedTensor{Partition: []*metadatapb.TensorRepresentation_RaggedTensor_Partition{{
		Kind: &metadatapb.TensorRepresentation_RaggedTensor_Partition_UniformRowLength{UniformRowLength: 2},
	}}},
	want: "1a 02 08 02",
}, {
	name: "DatasetFeatureStatistics.num_examples=2 uint64",
	msg:  &metadatapb.DatasetFeatureStatistics{NumExamples: 3},
	want: "10 03",
}, {
	name: "FeatureNameStatistics name=1, type=2 STRING, string_stats=4 {unique=2}",
	msg: &metadatapb.FeatureNameStatistics{
		FieldId: &metadatapb.FeatureNameStatistics_Name{Name: "f"},
		Type:    metadatapb.FeatureNameStatistics_STRING,
		Stats: &metadatapb.FeatureNameStatistics_StringStats{
			StringStats: &metadatapb.StringStatistics{Unique: 2},
		},
	},
	want: "10 02 0a 01 66 22 02 10 02",
	alt:  "0a 01 66 10 02 22 02 10 02",
}, {
	name: "NumericStatistics.weighted_numeric_stats=9 {mean=1 double}",
	msg: &metadatapb.NumericStatistics{WeightedNumericStats: &metadatapb.WeightedNumericStatistics{
		Mean: 1,
	}},
	want: "4a 09 09 00 00 00 00 00 00 f0 3f",
}, {
	name: "StringStatistics.top_values=3 {value=2, frequency=3 double}",
	msg: &metadatapb.StringStatistics{TopValues: []*metadatapb.StringStatistics_FreqAndValue{{
		Value: "v", Frequency: 2,
	}}},
	want: "1a 0c 12 01 76 19 00 00 00 00 00 00 00 40",
}, {
	name: "Histogram.Bucket.sample_count=4 double",
	msg:  &metadatapb.Histogram_Bucket{SampleCount: 2},
	want: "21 00 00 00 00 00 00 00 40",
}, {
	name: "RankHistogram.Bucket label=4, sample_count=5",
	msg:  &metadatapb.RankHistogram_Bucket{LowRank: 1, HighRank: 1, Label: "x", SampleCount: 1},
	want: "08 01 10 01 22 01 78 29 00 00 00 00 00 00 f0 3f",
}, {
	name: "CustomStatistic name=1, num=2 double",
	msg:  &metadatapb.CustomStatistic{Name: "n", Val: &metadatapb.CustomStatistic_Num{Num: 1.5}},
	want: "0a 01 6e 11 00 00 00 00 00 00 f8 3f",
}, {
	name: "BytesStatistics.max_num_bytes_int=6",
	msg:  &metadatapb.BytesStatistics{MaxNumBytesInt: 300},
	want: "30 ac 02",
}}

func TestWire(t *testing.T) {
	for _, tt := range wireTests {
		t.Run(tt.name, func(t *testing.T) {
			want := unhex(t, tt.want)
			got, err := proto.MarshalOptions{Deterministic: true}.Marshal(tt.msg)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if diff := cmp.Diff(spaced(want), spaced(got)); diff != "" {
				t.Errorf("Marshal mismatch (-want +got):\n%s", diff)
			}
			encodings := []string{tt.want}
			if tt.alt != "" {
				encodings = append(encodings, tt.alt)
			}
			for _, enc := range encodings {
				back := tt.msg.ProtoReflect().New().Interface()
				if err := proto.Unmarshal(unhex(t, enc), back); err != nil {
					t.Fatalf("Unmarshal(%s): %v", enc, err)
				}
				if diff := cmp.Diff(tt.msg, back, protocmp.Transform()); diff != "" {
					t.Errorf("Unmarshal(%s) mismatch (-want +got):\n%s", enc, diff)
				}
			}
		})
	}
}

// TestDefaults checks the proto2 defaults and absent-field behaviour the
// specification relies on.
func TestDefaults(t *testing.T) {
	var dc metadatapb.DistributionConstraints
	if got := dc.GetMinDomainMass(); got != 1.0 {
		t.Errorf("unset min_domain_mass = %v, want default 1.0", got)
	}
	var f metadatapb.Feature
	if err := proto.Unmarshal(unhex(t, "0a 01 61"), &f); err != nil {
		t.Fatal(err)
	}
	if f.Type != nil || f.GetType() != metadatapb.FeatureType_TYPE_UNKNOWN {
		t.Errorf("absent type: Type = %v, GetType() = %v; want nil and TYPE_UNKNOWN", f.Type, f.GetType())
	}
}

// TestUnknownFieldsSkipped checks that fields this package does not declare
// (here Feature field 99 and DerivedFeatureSource field 5, the canned
// deriver config) decode without error and survive a round trip. Unknown
// fields are placed last, where protobuf-go writes them back.
func TestUnknownFieldsSkipped(t *testing.T) {
	in := unhex(t, "0a 01 61  92 02 05 2a 03 0a 01 62  9a 06 01 78")
	var f metadatapb.Feature
	if err := proto.Unmarshal(in, &f); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if f.GetName() != "a" {
		t.Errorf("name = %q, want %q", f.GetName(), "a")
	}
	if len(f.ProtoReflect().GetUnknown()) == 0 {
		t.Error("field 99 was not kept as unknown")
	}
	if len(f.GetValidationDerivedSource().ProtoReflect().GetUnknown()) == 0 {
		t.Error("DerivedFeatureSource field 5 was not kept as unknown")
	}
	out, err := proto.Marshal(&f)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(spaced(in), spaced(out)); diff != "" {
		t.Errorf("round trip mismatch (-in +out):\n%s", diff)
	}
}
