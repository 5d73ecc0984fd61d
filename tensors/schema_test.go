package tensors_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/tensors"
)

func parseSchemaText(t *testing.T, text string) *metadatapb.Schema {
	t.Helper()
	s := &metadatapb.Schema{}
	if err := prototext.Unmarshal([]byte(text), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// RepresentationsFromSchema shares its inference with package schema
// (whose tests cover the rules); this checks that it is the mixed
// inference: explicit representations kept, their sources not inferred.
func TestRepresentationsFromSchemaMixed(t *testing.T) {
	s := parseSchemaText(t, `feature { name: "v" type: INT } feature { name: "rl" type: INT } feature { name: "w" type: INT }
		tensor_representation_group { key: "" value {
		  tensor_representation { key: "r" value { ragged_tensor { feature_path { step: "v" } partition { row_length: "rl" } } } }
		  tensor_representation { key: "w" value { dense_tensor { column_name: "v" shape {} } } } } }
		tensor_representation_group { key: "x" value { tensor_representation { key: "x" value { varlen_sparse_tensor { column_name: "w" } } } } }`)
	got, err := tensors.RepresentationsFromSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*metadatapb.TensorRepresentation{
		"r": s.GetTensorRepresentationGroup()[""].GetTensorRepresentation()["r"],
		"w": s.GetTensorRepresentationGroup()[""].GetTensorRepresentation()["w"],
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The errors match ErrSchema and carry tfx-bsl's message, the same as
// package schema's but for the prefix.
func TestRepresentationsFromSchemaErrors(t *testing.T) {
	for name, text := range map[string]string{
		"missing index":         `feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "nope" } value_feature { name: "v" } }`,
		"missing value":         `feature { name: "i" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "i" } }`,
		"index min unset":       `feature { name: "i" type: INT int_domain { max: 3 } } feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "v" } }`,
		"index min not 0":       `feature { name: "i" type: INT int_domain { min: 1 max: 3 } } feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "v" } }`,
		"index max unset":       `feature { name: "i" type: INT int_domain { min: 0 } } feature { name: "v" type: INT } sparse_feature { name: "s" index_feature { name: "i" } value_feature { name: "v" } }`,
		"shape not always here": `feature { name: "d" type: FLOAT shape { dim { size: 2 } } presence { min_fraction: 0.5 } }`,
		"nested struct":         `feature { name: "s" type: STRUCT struct_domain { feature { name: "t" type: STRUCT } } }`,
		"struct sparse":         `feature { name: "s" type: STRUCT struct_domain { sparse_feature { name: "t" } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			s := parseSchemaText(t, text)
			_, err := tensors.RepresentationsFromSchema(s)
			_, schemaErr := schema.InferTensorRepresentationsMixed(s)
			if !errors.Is(err, tensors.ErrSchema) || schemaErr == nil {
				t.Fatalf("error %v, want one matching ErrSchema (schema's: %v)", err, schemaErr)
			}
			msg, ok := strings.CutPrefix(err.Error(), "tensors: ")
			if want := strings.TrimPrefix(schemaErr.Error(), "schema: "); !ok || msg != want {
				t.Errorf("error %q, want %q", err, "tensors: "+want)
			}
		})
	}
}
