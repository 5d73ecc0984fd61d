package tensors

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/tensorrep"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// RepresentationsFromArrow infers tensor representations from an Arrow
// schema alone, as tfx-bsl infers them from a TFMD schema whose features
// have the columns' types and no shapes
// ([github.com/gobsl/gobsl/schema.InferTensorRepresentations]):
//
//   - a list of integers, floats or bytes is a varlen_sparse_tensor;
//   - a nested list (of any depth) is a ragged_tensor;
//   - a struct is one ragged_tensor per field, named "struct.field", as a
//     STRUCT feature (tf.SequenceExample's "##SEQUENCE##" column);
//   - a column of plain integers, floats or bytes (Parquet, CSV) is a
//     dense_tensor of shape [] — an extension: tfx-bsl has no tensor for
//     such columns;
//   - a column without a value type (null, or lists of null: a feature
//     that never had a value) makes no tensor.
//
// Any other column (bool, maps, temporal types, structs in structs) is an
// error that names it.
func RepresentationsFromArrow(s *arrow.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	out := map[string]*metadatapb.TensorRepresentation{}
	for _, f := range s.Fields() {
		if st, ok := f.Type.(*arrow.StructType); ok {
			for _, c := range st.Fields() {
				if _, ok := c.Type.(*arrow.StructType); ok {
					return nil, fmt.Errorf("tensors: column %q: struct field %q is a struct; structs in structs have no tensor representation", f.Name, c.Name)
				}
				if leafOf(c.Type).ID() == arrow.NULL {
					continue
				}
				out[f.Name+"."+c.Name] = tensorrep.Ragged(f.Name, c.Name)
			}
			continue
		}
		depth, leaf := 0, f.Type
		for isListLike(leaf) {
			depth, leaf = depth+1, listElem(leaf)
		}
		if leaf.ID() == arrow.NULL {
			continue
		}
		if _, ok := leafDType(leaf); !ok {
			return nil, fmt.Errorf("tensors: column %q of type %s has no tensor representation (want lists of integers, floats or bytes, nested lists, or structs of them)", f.Name, f.Type)
		}
		switch depth {
		case 0:
			out[f.Name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_DenseTensor_{
				DenseTensor: &metadatapb.TensorRepresentation_DenseTensor{ColumnName: proto.String(f.Name), Shape: &metadatapb.FixedShape{}},
			}}
		case 1:
			out[f.Name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_VarlenSparseTensor{
				VarlenSparseTensor: &metadatapb.TensorRepresentation_VarLenSparseTensor{ColumnName: proto.String(f.Name)},
			}}
		default:
			out[f.Name] = tensorrep.Ragged(f.Name)
		}
	}
	return out, nil
}

// leafOf is the type inside all the lists of t.
func leafOf(t arrow.DataType) arrow.DataType {
	for isListLike(t) {
		t = listElem(t)
	}
	return t
}
