package schema

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

func parseTRs(t *testing.T, m map[string]string) map[string]*metadatapb.TensorRepresentation {
	t.Helper()
	out := map[string]*metadatapb.TensorRepresentation{}
	for k, v := range m {
		tr := &metadatapb.TensorRepresentation{}
		if err := prototext.Unmarshal([]byte(v), tr); err != nil {
			t.Fatalf("bad test representation %s: %v", k, err)
		}
		out[k] = tr
	}
	return out
}

func TestInferTensorRepresentations(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		mixed  bool
		want   map[string]string
		err    error
	}{{
		name: "dense, varlen and value_count",
		schema: `feature { name: "d" type: FLOAT shape { dim { size: 2 } } presence { min_fraction: 1 } }
			feature { name: "v" type: INT }
			feature { name: "c" type: BYTES value_count { min: 1 max: 1 } }`,
		want: map[string]string{
			"d": `dense_tensor { column_name: "d" shape { dim { size: 2 } } }`,
			"v": `varlen_sparse_tensor { column_name: "v" }`,
			"c": `varlen_sparse_tensor { column_name: "c" }`,
		},
	}, {
		name:   "ragged for variable length",
		schema: `feature { name: "v" type: INT } represent_variable_length_as_ragged: true`,
		want:   map[string]string{"v": `ragged_tensor { feature_path { step: "v" } }`},
	}, {
		name: "disqualified features",
		schema: `feature { name: "a" type: INT deprecated: true }
			feature { name: "b" type: INT lifecycle_stage: DISABLED }
			feature { name: "c" type: INT lifecycle_stage: VALIDATION_DERIVED }
			feature { name: "d" type: INT lifecycle_stage: ALPHA }
			feature { name: "e" type: INT lifecycle_stage: BETA }`,
		want: map[string]string{"e": `varlen_sparse_tensor { column_name: "e" }`},
	}, {
		name: "sparse: int_domain and unknown dims, sorted",
		schema: `feature { name: "i" type: INT int_domain { min: 0 max: 9 } }
			feature { name: "j" type: INT }
			feature { name: "v" type: FLOAT }
			sparse_feature { name: "sp" index_feature { name: "i" } index_feature { name: "j" } value_feature { name: "v" } is_sorted: true }`,
		want: map[string]string{
			"sp": `sparse_tensor { index_column_names: ["i", "j"] value_column_name: "v" already_sorted: true
				dense_shape { dim { size: 10 } dim { size: -1 } } }`,
		},
	}, {
		name: "struct fields: ragged",
		schema: `feature { name: "##SEQUENCE##" type: STRUCT struct_domain {
			feature { name: "a" type: INT } feature { name: "b" type: BYTES } } }`,
		want: map[string]string{
			"##SEQUENCE##.a": `ragged_tensor { feature_path { step: ["##SEQUENCE##", "a"] } }`,
			"##SEQUENCE##.b": `ragged_tensor { feature_path { step: ["##SEQUENCE##", "b"] } }`,
		},
	}, {
		name: "mixed: explicit kept, their sources not inferred, clashes lose",
		schema: `feature { name: "a" type: INT } feature { name: "b" type: INT } feature { name: "c" type: FLOAT }
			tensor_representation_group { key: "" value {
			  tensor_representation { key: "b" value { dense_tensor { column_name: "c" } } }
			  tensor_representation { key: "r" value { ragged_tensor { feature_path { step: "a" } partition { row_length: "len" } } } } } }
			tensor_representation_group { key: "other" value {
			  tensor_representation { key: "x" value { varlen_sparse_tensor { column_name: "a" } } } } }`,
		mixed: true,
		want: map[string]string{
			"b": `dense_tensor { column_name: "c" }`,
			"r": `ragged_tensor { feature_path { step: "a" } partition { row_length: "len" } }`,
		},
	}, {
		name:   "mixed without a default group",
		schema: `feature { name: "a" type: INT }`,
		mixed:  true,
		want:   map[string]string{"a": `varlen_sparse_tensor { column_name: "a" }`},
	}, {
		name:   "shape of an optional feature",
		schema: `feature { name: "d" type: FLOAT shape { dim { size: 2 } } presence { min_fraction: 0.5 } }`,
		err:    ErrShapeNotRequired,
	}, {
		name:   "missing index feature",
		schema: `feature { name: "v" type: FLOAT } sparse_feature { name: "sp" index_feature { name: "i" } value_feature { name: "v" } }`,
		err:    ErrSourceFeature,
	}, {
		name:   "value feature used twice",
		schema: `feature { name: "v" type: INT } sparse_feature { name: "sp" index_feature { name: "v" } value_feature { name: "v" } }`,
		err:    ErrSourceFeature,
	}, {
		name: "index domain not 0-based",
		schema: `feature { name: "i" type: INT int_domain { min: 1 max: 9 } } feature { name: "v" type: FLOAT }
			sparse_feature { name: "sp" index_feature { name: "i" } value_feature { name: "v" } }`,
		err: ErrSparseShape,
	}, {
		name: "index domain without max",
		schema: `feature { name: "i" type: INT int_domain { min: 0 } } feature { name: "v" type: FLOAT }
			sparse_feature { name: "sp" index_feature { name: "i" } value_feature { name: "v" } }`,
		err: ErrSparseShape,
	}, {
		name:   "nested struct",
		schema: `feature { name: "s" type: STRUCT struct_domain { feature { name: "t" type: STRUCT } } }`,
		err:    ErrNestedStruct,
	}, {
		name: "struct with sparse features",
		schema: `feature { name: "s" type: STRUCT struct_domain { feature { name: "i" type: INT }
			sparse_feature { name: "x" index_feature { name: "i" } value_feature { name: "i" } } } }`,
		err: ErrNestedStruct,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			infer := InferTensorRepresentations
			if tt.mixed {
				infer = InferTensorRepresentationsMixed
			}
			got, err := infer(parseSchema(t, tt.schema))
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				return
			}
			if diff := cmp.Diff(parseTRs(t, tt.want), got, protocmp.Transform()); diff != "" {
				t.Errorf("tensor representations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTensorRepErrorText(t *testing.T) {
	_, err := InferTensorRepresentations(parseSchema(t, `feature { name: "i" type: INT int_domain { min: 2 max: 9 } } feature { name: "v" type: FLOAT }
		sparse_feature { name: "sp" index_feature { name: "i" } value_feature { name: "v" } }`))
	want := "schema: Only 0-based index features are supported. Sparse feature sp has index feature i whose minimum domain value is 2."
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestRealDataTensorRepresentations infers from real schemas with explicit
// representations (GOBSL_REALDATA).
func TestRealDataTensorRepresentations(t *testing.T) {
	root := realdata(t)
	tests := []struct {
		file string
		want map[string]string
	}{{
		file: "transform/examples/testdata/sequence_example/schema_from_simple_sequence_example_py.pbtxt",
		want: map[string]string{ // every feature is a source of an explicit tensor
			"int_feature":        `varlen_sparse_tensor { column_name: "int_feature" }`,
			"float_feature":      `varlen_sparse_tensor { column_name: "float_feature" }`,
			"seq_string_feature": `ragged_tensor { feature_path { step: ["##SEQUENCE##", "string_feature"] } }`,
			"seq_int_feature":    `ragged_tensor { feature_path { step: ["##SEQUENCE##", "int_feature"] } }`,
		},
	}, {
		file: "inline-schemas/tfx-bsl/sparse_feature_ragged_tensor_representation_util_test_L2281.pbtxt",
		want: map[string]string{
			"seq_int_feature": `ragged_tensor { feature_path { step: ["##SEQUENCE##", "int_feature"] } }`,
			"x":               `sparse_tensor { index_column_names: "index_key" value_column_name: "value_key" dense_shape { dim { size: 10 } } }`,
		},
	}}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			s, err := Load(filepath.Join(root, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := InferTensorRepresentationsMixed(s)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(parseTRs(t, tt.want), got, protocmp.Transform()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
