package tensors_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/tensors"
)

// RepresentationsFromSchema repeats schema.InferTensorRepresentationsMixed
// (package schema's tests import tfxio, so tensors cannot import schema);
// the two must agree, errors included.
var schemaCases = map[string]string{
	"dense, varlen": `feature { name: "d" type: FLOAT shape { dim { size: 2 } } presence { min_fraction: 1 } }
		feature { name: "v" type: INT } feature { name: "c" type: BYTES value_count { min: 1 max: 1 } }`,
	"ragged varlen": `represent_variable_length_as_ragged: true feature { name: "v" type: INT }`,
	"disqualified": `feature { name: "a" type: INT deprecated: true } feature { name: "b" type: INT lifecycle_stage: ALPHA }
		feature { name: "c" type: INT lifecycle_stage: VALIDATION_DERIVED } feature { name: "d" type: INT lifecycle_stage: PRODUCTION }`,
	"sparse": `feature { name: "i0" type: INT int_domain { min: 0 max: 9 } } feature { name: "i1" type: INT } feature { name: "v" type: FLOAT }
		sparse_feature { name: "s" index_feature { name: "i0" } index_feature { name: "i1" } value_feature { name: "v" } is_sorted: true }`,
	"struct": `feature { name: "##SEQUENCE##" type: STRUCT struct_domain { feature { name: "a" type: INT } feature { name: "b" type: BYTES } } }
		feature { name: "ctx" type: FLOAT }`,
	"mixed": `feature { name: "v" type: INT } feature { name: "rl" type: INT } feature { name: "other" type: INT }
		tensor_representation_group { key: "" value { tensor_representation { key: "r" value { ragged_tensor { feature_path { step: "v" } partition { row_length: "rl" } } } }
		                                                tensor_representation { key: "other" value { dense_tensor { column_name: "v" shape {} } } } } }`,
	"other group only": `feature { name: "v" type: INT }
		tensor_representation_group { key: "x" value { tensor_representation { key: "r" value { varlen_sparse_tensor { column_name: "v" } } } } }`,
	"missing index":         `feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "nope" } value_feature { name: "v" } }`,
	"missing value":         `feature { name: "i" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "i" } }`,
	"index min unset":       `feature { name: "i" type: INT int_domain { max: 3 } } feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "v" } }`,
	"index min not 0":       `feature { name: "i" type: INT int_domain { min: 1 max: 3 } } feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "v" } }`,
	"index max unset":       `feature { name: "i" type: INT int_domain { min: 0 } } feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "v" } }`,
	"shape not always here": `feature { name: "d" type: FLOAT shape { dim { size: 2 } } presence { min_fraction: 0.5 } }`,
	"nested struct":         `feature { name: "s" type: STRUCT struct_domain { feature { name: "t" type: STRUCT } } }`,
	"struct sparse":         `feature { name: "s" type: STRUCT struct_domain { sparse_feature { name: "t" } } }`,
}

func TestRepresentationsFromSchemaAgreesWithSchema(t *testing.T) {
	for name, text := range schemaCases {
		t.Run(name, func(t *testing.T) {
			var s metadatapb.Schema
			if err := prototext.Unmarshal([]byte(text), &s); err != nil {
				t.Fatal(err)
			}
			compareInference(t, &s)
		})
	}
	// Every schema of the real-data corpus.
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		return
	}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".pbtxt") {
			return nil
		}
		s, err := schema.Load(path)
		if err != nil {
			return nil // not a schema
		}
		t.Run(strings.TrimPrefix(path, dir), func(t *testing.T) { compareInference(t, s) })
		return nil
	})
}

func compareInference(t *testing.T, s *metadatapb.Schema) {
	want, wantErr := schema.InferTensorRepresentationsMixed(s)
	got, err := tensors.RepresentationsFromSchema(s)
	if wantErr != nil {
		if !errors.Is(err, tensors.ErrSchema) || strings.TrimPrefix(err.Error(), "tensors: ") != strings.TrimPrefix(wantErr.Error(), "schema: ") {
			t.Fatalf("error %v, schema's %v", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("(-schema +tensors):\n%s", diff)
	}
}
