package schema

import (
	"errors"

	"github.com/gobsl/gobsl/internal/tensorrep"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Conditions of tensor representation inference; test for them with
// errors.Is. The messages of the errors that wrap them are tfx-bsl's.
var (
	// ErrSourceFeature: a sparse_feature names an index or value feature
	// that the schema does not have (or that another sparse feature
	// already used).
	ErrSourceFeature = tensorrep.ErrSourceFeature
	// ErrSparseShape: an index feature's int_domain does not give a
	// 0-based dense shape (min unset or not 0, or max unset).
	ErrSparseShape = tensorrep.ErrSparseShape
	// ErrShapeNotRequired: a feature with a fixed shape may be missing
	// (presence.min_fraction != 1).
	ErrShapeNotRequired = tensorrep.ErrShapeNotRequired
	// ErrNestedStruct: a STRUCT feature has a STRUCT field or sparse
	// features in its struct_domain (tfx-bsl's NotImplementedError).
	ErrNestedStruct = tensorrep.ErrNestedStruct
)

// tensorRepError carries tfx-bsl's message for a condition.
type tensorRepError struct {
	msg string
	err error
}

func (e *tensorRepError) Error() string { return "schema: " + e.msg }
func (e *tensorRepError) Unwrap() error { return e.err }

// tensorRepResult gives an error of package tensorrep this package's prefix.
func tensorRepResult(trs map[string]*metadatapb.TensorRepresentation, err error) (map[string]*metadatapb.TensorRepresentation, error) {
	if e := (*tensorrep.Error)(nil); errors.As(err, &e) {
		return nil, &tensorRepError{msg: e.Msg, err: e.Cond}
	}
	return trs, err
}

// InferTensorRepresentations returns the tensors a schema's features make,
// keyed by tensor name, as tfx-bsl's InferTensorRepresentationsFromSchema
// does (the OSS logic: the schema has no generate_legacy_feature_spec).
// Deprecated features and features in lifecycle stage DEPRECATED,
// DISABLED, PLANNED, ALPHA, DEBUG_ONLY or VALIDATION_DERIVED make none.
//
//  1. Each sparse_feature makes a sparse_tensor of its index and value
//     features, with one dense_shape dim per index feature: int_domain.max+1
//     (the int_domain's min must be set and 0, its max set), or -1 for an
//     index feature without int_domain; already_sorted if is_sorted. Index
//     and value features make no tensors of their own.
//  2. A STRUCT feature makes a ragged_tensor per field, named
//     "parent.field", with feature_path [parent, field].
//  3. A feature with a shape makes a dense_tensor of that shape; it must
//     have presence.min_fraction 1.
//  4. Any other feature makes a varlen_sparse_tensor, or a ragged_tensor
//     when the schema sets represent_variable_length_as_ragged.
//     value_count never makes a dense tensor.
func InferTensorRepresentations(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	return tensorRepResult(tensorrep.Infer(s))
}

// InferTensorRepresentationsMixed returns the schema's explicit tensor
// representations (tensor_representation_group "") plus the inferred ones
// ([InferTensorRepresentations]) of features that no explicit
// representation reads, as tfx-bsl's InferTensorRepresentationsFromMixedSchema
// does. An explicit representation wins over an inferred one of the same
// name. Without a "" group, it is InferTensorRepresentations.
func InferTensorRepresentationsMixed(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	return tensorRepResult(tensorrep.InferMixed(s))
}

// SourceColumns returns the columns a tensor representation reads, as
// dotted paths: the column of a dense or varlen tensor, the index and
// value columns of a sparse tensor, and the feature path and row_length
// columns (siblings of the values) of a ragged tensor.
func SourceColumns(tr *metadatapb.TensorRepresentation) []string {
	return tensorrep.SourceColumns(tr)
}
