package tensors

import (
	"errors"

	"github.com/gobsl/gobsl/internal/tensorrep"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// RepresentationsFromSchema returns the tensor representations of a TFMD
// schema as tfx-bsl's InferTensorRepresentationsFromMixedSchema: the
// explicit ones of tensor_representation_group "" and, for every feature
// that no explicit one reads, the inferred ones (an explicit
// representation wins a name clash). Inference follows tfx-bsl's OSS
// logic:
//
//  1. a sparse_feature is a sparse_tensor of its index and value features
//     (which make no tensors of their own), one dense_shape dim per index
//     feature: int_domain.max+1 (min set and 0, max set) or -1;
//  2. a STRUCT feature is one ragged_tensor per field, "parent.field";
//  3. a feature with a shape is a dense_tensor, and must have
//     presence.min_fraction 1;
//  4. any other feature is a varlen_sparse_tensor, or a ragged_tensor when
//     the schema sets represent_variable_length_as_ragged.
//
// Deprecated features and features in lifecycle stage DEPRECATED,
// DISABLED, PLANNED, ALPHA, DEBUG_ONLY or VALIDATION_DERIVED make none.
// Errors match [ErrSchema].
//
// It is [github.com/gobsl/gobsl/schema.InferTensorRepresentationsMixed]
// (both call one implementation), with this package's errors.
func RepresentationsFromSchema(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	trs, err := tensorrep.InferMixed(s)
	if e := (*tensorrep.Error)(nil); errors.As(err, &e) {
		return nil, errorf(ErrSchema, "tensors: %s", e.Msg)
	}
	return trs, err
}
