package metadatapb_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// protoc runs protoc with our .proto sources on its include path, feeding it
// stdin, and returns its standard output. It skips the test when protoc is
// not installed (Debian: apt-get install protobuf-compiler).
func protoc(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("protoc")
	if err != nil {
		t.Skip("protoc not on PATH")
	}
	root, err := filepath.Abs("..") // the buf module root, proto/
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"-I", root}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("protoc %v: %v\n%s", args, err, stderr.Bytes())
	}
	return out
}

// oracleTests are messages encoded by our Go types and decoded by protoc
// (an independent implementation reading the same .proto files), with the
// text protoc must print. protoc prints fields in number order and map
// entries by key.
var oracleTests = []struct {
	name     string
	typeName string
	file     string
	msg      proto.Message
	want     string
}{{
	name:     "Schema",
	typeName: "tensorflow.metadata.v0.Schema",
	file:     "tensorflow_metadata/proto/v0/schema.proto",
	msg: &metadatapb.Schema{
		Feature: []*metadatapb.Feature{{
			Name: proto.String("age"),
			Type: metadatapb.FeatureType_INT.Enum(),
			PresenceConstraints: &metadatapb.Feature_Presence{Presence: &metadatapb.FeaturePresence{
				MinFraction: proto.Float64(1), MinCount: proto.Int64(1),
			}},
			ShapeType: &metadatapb.Feature_Shape{Shape: &metadatapb.FixedShape{
				Dim: []*metadatapb.FixedShape_Dim{{Size: proto.Int64(1)}},
			}},
			DomainInfo: &metadatapb.Feature_IntDomain{IntDomain: &metadatapb.IntDomain{
				Min: proto.Int64(0), Max: proto.Int64(120),
			}},
		}, {
			Name:           proto.String("tags"),
			Type:           metadatapb.FeatureType_BYTES.Enum(),
			ShapeType:      &metadatapb.Feature_ValueCount{ValueCount: &metadatapb.ValueCount{Min: proto.Int64(1), Max: proto.Int64(5)}},
			DomainInfo:     &metadatapb.Feature_Domain{Domain: "tags"},
			LifecycleStage: metadatapb.LifecycleStage_PRODUCTION.Enum(),
			DistributionConstraints: &metadatapb.DistributionConstraints{
				MinDomainMass: proto.Float64(0.9),
			},
		}, {
			Name: proto.String("emb"),
			Type: metadatapb.FeatureType_FLOAT.Enum(),
			ShapeType: &metadatapb.Feature_ValueCounts{ValueCounts: &metadatapb.ValueCountList{
				ValueCount: []*metadatapb.ValueCount{{Min: proto.Int64(1)}, {Min: proto.Int64(2), Max: proto.Int64(2)}},
			}},
			DomainInfo: &metadatapb.Feature_FloatDomain{FloatDomain: &metadatapb.FloatDomain{
				Min: proto.Float32(-1), Max: proto.Float32(0.5), IsEmbedding: proto.Bool(true),
				EmbeddingDim: proto.Int64(2), EmbeddingType: proto.String("x"),
			}},
			NotInEnvironment: []string{"SERVING"},
		}},
		StringDomain: []*metadatapb.StringDomain{{
			Name:          proto.String("tags"),
			Value:         []string{"a", "b"},
			IsCategorical: metadatapb.StringDomain_CATEGORICAL_YES.Enum(),
		}},
		DefaultEnvironment: []string{"TRAINING", "SERVING"},
		TensorRepresentationGroup: map[string]*metadatapb.TensorRepresentationGroup{
			"": {TensorRepresentation: map[string]*metadatapb.TensorRepresentation{
				"age": {Kind: &metadatapb.TensorRepresentation_DenseTensor_{DenseTensor: &metadatapb.TensorRepresentation_DenseTensor{
					ColumnName:   proto.String("age"),
					DefaultValue: &metadatapb.TensorRepresentation_DefaultValue{Kind: &metadatapb.TensorRepresentation_DefaultValue_IntValue{IntValue: -1}},
				}}},
				"emb": {Kind: &metadatapb.TensorRepresentation_RaggedTensor_{RaggedTensor: &metadatapb.TensorRepresentation_RaggedTensor{
					FeaturePath:       &metadatapb.Path{Step: []string{"emb"}},
					RowPartitionDtype: metadatapb.TensorRepresentation_INT32.Enum(),
				}}},
			}},
		},
		RepresentVariableLengthAsRagged: proto.Bool(true),
	},
	want: `feature {
  name: "age"
  type: INT
  int_domain {
    min: 0
    max: 120
  }
  presence {
    min_fraction: 1
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "tags"
  value_count {
    min: 1
    max: 5
  }
  type: BYTES
  domain: "tags"
  distribution_constraints {
    min_domain_mass: 0.9
  }
  lifecycle_stage: PRODUCTION
}
feature {
  name: "emb"
  type: FLOAT
  float_domain {
    min: -1
    max: 0.5
    is_embedding: true
    embedding_dim: 2
    embedding_type: "x"
  }
  not_in_environment: "SERVING"
  value_counts {
    value_count {
      min: 1
    }
    value_count {
      min: 2
      max: 2
    }
  }
}
string_domain {
  name: "tags"
  value: "a"
  value: "b"
  is_categorical: CATEGORICAL_YES
}
default_environment: "TRAINING"
default_environment: "SERVING"
tensor_representation_group {
  key: ""
  value {
    tensor_representation {
      key: "age"
      value {
        dense_tensor {
          column_name: "age"
          default_value {
            int_value: -1
          }
        }
      }
    }
    tensor_representation {
      key: "emb"
      value {
        ragged_tensor {
          feature_path {
            step: "emb"
          }
          row_partition_dtype: INT32
        }
      }
    }
  }
}
represent_variable_length_as_ragged: true
`,
}, {
	name:     "DatasetFeatureStatisticsList",
	typeName: "tensorflow.metadata.v0.DatasetFeatureStatisticsList",
	file:     "tensorflow_metadata/proto/v0/statistics.proto",
	msg: &metadatapb.DatasetFeatureStatisticsList{Datasets: []*metadatapb.DatasetFeatureStatistics{{
		Name:        "train",
		NumExamples: 10,
		Features: []*metadatapb.FeatureNameStatistics{{
			FieldId: &metadatapb.FeatureNameStatistics_Name{Name: "x"},
			Type:    metadatapb.FeatureNameStatistics_FLOAT,
			Stats: &metadatapb.FeatureNameStatistics_NumStats{NumStats: &metadatapb.NumericStatistics{
				CommonStats: &metadatapb.CommonStatistics{NumNonMissing: 9, NumMissing: 1, MinNumValues: 1, MaxNumValues: 1, AvgNumValues: 1, TotNumValues: 9},
				Mean:        0.5,
				Max:         1,
				Histograms: []*metadatapb.Histogram{{
					Buckets: []*metadatapb.Histogram_Bucket{{LowValue: 0, HighValue: 1, SampleCount: 9}},
					Type:    metadatapb.Histogram_QUANTILES,
				}},
			}},
		}, {
			FieldId: &metadatapb.FeatureNameStatistics_Path{Path: &metadatapb.Path{Step: []string{"s", "t"}}},
			Type:    metadatapb.FeatureNameStatistics_STRING,
			Stats: &metadatapb.FeatureNameStatistics_StringStats{StringStats: &metadatapb.StringStatistics{
				Unique:    1,
				TopValues: []*metadatapb.StringStatistics_FreqAndValue{{Value: "v", Frequency: 3}},
				RankHistogram: &metadatapb.RankHistogram{Buckets: []*metadatapb.RankHistogram_Bucket{{
					Label: "v", SampleCount: 3,
				}}},
			}},
			CustomStats: []*metadatapb.CustomStatistic{{Name: "c", Val: &metadatapb.CustomStatistic_Str{Str: "s"}}},
		}},
	}}},
	want: `datasets {
  name: "train"
  num_examples: 10
  features {
    name: "x"
    type: FLOAT
    num_stats {
      common_stats {
        num_non_missing: 9
        num_missing: 1
        min_num_values: 1
        max_num_values: 1
        avg_num_values: 1
        tot_num_values: 9
      }
      mean: 0.5
      max: 1
      histograms {
        buckets {
          high_value: 1
          sample_count: 9
        }
        type: QUANTILES
      }
    }
  }
  features {
    type: STRING
    string_stats {
      unique: 1
      top_values {
        value: "v"
        frequency: 3
      }
      rank_histogram {
        buckets {
          label: "v"
          sample_count: 3
        }
      }
    }
    custom_stats {
      name: "c"
      str: "s"
    }
    path {
      step: "s"
      step: "t"
    }
  }
}
`,
}}

// TestProtocOracle checks our Go encoding against protoc --decode, and
// protoc --encode of the same text against our Go decoding.
func TestProtocOracle(t *testing.T) {
	for _, tt := range oracleTests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			got := protoc(t, b, "--decode", tt.typeName, tt.file)
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("protoc --decode mismatch (-want +got):\n%s", diff)
			}

			enc := protoc(t, []byte(tt.want), "--encode", tt.typeName, tt.file)
			back := tt.msg.ProtoReflect().New().Interface()
			if err := proto.Unmarshal(enc, back); err != nil {
				t.Fatalf("Unmarshal of protoc --encode output: %v", err)
			}
			if diff := cmp.Diff(tt.msg, back, protocmp.Transform()); diff != "" {
				t.Errorf("protoc --encode then Unmarshal mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
