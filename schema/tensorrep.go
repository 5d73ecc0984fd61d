package schema

import (
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Conditions of tensor representation inference; test for them with
// errors.Is. The messages of the errors that wrap them are tfx-bsl's.
var (
	// ErrSourceFeature: a sparse_feature names an index or value feature
	// that the schema does not have (or that another sparse feature
	// already used).
	ErrSourceFeature = errors.New("missing source feature")
	// ErrSparseShape: an index feature's int_domain does not give a
	// 0-based dense shape (min unset or not 0, or max unset).
	ErrSparseShape = errors.New("cannot determine dense shape")
	// ErrShapeNotRequired: a feature with a fixed shape may be missing
	// (presence.min_fraction != 1).
	ErrShapeNotRequired = errors.New("shape without min_fraction 1")
	// ErrNestedStruct: a STRUCT feature has a STRUCT field or sparse
	// features in its struct_domain (tfx-bsl's NotImplementedError).
	ErrNestedStruct = errors.New("unsupported struct nesting")
)

// tensorRepError carries tfx-bsl's message for a condition.
type tensorRepError struct {
	msg string
	err error
}

func (e *tensorRepError) Error() string { return "schema: " + e.msg }
func (e *tensorRepError) Unwrap() error { return e.err }

func trErrorf(cond error, format string, args ...any) error {
	return &tensorRepError{msg: fmt.Sprintf(format, args...), err: cond}
}

// disqualified reports whether a feature gets no tensor: deprecated, or in
// a lifecycle stage that is not served.
func disqualified(deprecated bool, stage metadatapb.LifecycleStage) bool {
	if deprecated {
		return true
	}
	switch stage {
	case metadatapb.LifecycleStage_DEPRECATED, metadatapb.LifecycleStage_DISABLED,
		metadatapb.LifecycleStage_PLANNED, metadatapb.LifecycleStage_ALPHA,
		metadatapb.LifecycleStage_DEBUG_ONLY, metadatapb.LifecycleStage_VALIDATION_DERIVED:
		return true
	}
	return false
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
	out := map[string]*metadatapb.TensorRepresentation{}
	// Python's {f.name: f}: the last feature of a name wins, in the place
	// of the first.
	var order []string
	remaining := map[string]*metadatapb.Feature{}
	for _, f := range s.GetFeature() {
		if _, ok := remaining[f.GetName()]; !ok {
			order = append(order, f.GetName())
		}
		remaining[f.GetName()] = f
	}

	for _, sf := range s.GetSparseFeature() {
		if disqualified(sf.GetDeprecated(), sf.GetLifecycleStage()) {
			continue
		}
		st := &metadatapb.TensorRepresentation_SparseTensor{DenseShape: &metadatapb.FixedShape{}}
		for _, ix := range sf.GetIndexFeature() {
			f, ok := remaining[ix.GetName()]
			if !ok {
				return nil, trErrorf(ErrSourceFeature, "sparse_feature %s referred to index feature %s which did not exist in the schema",
					sf.GetName(), ix.GetName())
			}
			delete(remaining, ix.GetName())
			st.IndexColumnNames = append(st.IndexColumnNames, ix.GetName())
			size := int64(-1)
			if d := f.GetIntDomain(); d != nil {
				switch {
				case d.Min == nil:
					return nil, trErrorf(ErrSparseShape, "Cannot determine dense shape of sparse feature %s. The minimum domain value of index feature %s is not set.",
						sf.GetName(), ix.GetName())
				case d.GetMin() != 0:
					return nil, trErrorf(ErrSparseShape, "Only 0-based index features are supported. Sparse feature %s has index feature %s whose minimum domain value is %d.",
						sf.GetName(), ix.GetName(), d.GetMin())
				case d.Max == nil:
					return nil, trErrorf(ErrSparseShape, "Cannot determine dense shape of sparse feature %s. The maximum domain value of index feature %s is not set.",
						sf.GetName(), ix.GetName())
				}
				size = d.GetMax() + 1
			}
			st.DenseShape.Dim = append(st.DenseShape.Dim, &metadatapb.FixedShape_Dim{Size: proto.Int64(size)})
		}
		value := sf.GetValueFeature().GetName()
		if _, ok := remaining[value]; !ok {
			return nil, trErrorf(ErrSourceFeature, "sparse_feature %s referred to value feature %s which did not exist in the schema or was referred to as an index or value multiple times.",
				sf.GetName(), value)
		}
		delete(remaining, value)
		st.ValueColumnName = proto.String(value)
		if sf.GetIsSorted() {
			st.AlreadySorted = proto.Bool(true)
		}
		out[sf.GetName()] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_SparseTensor_{SparseTensor: st}}
	}

	for _, name := range order {
		f, ok := remaining[name]
		if !ok || disqualified(f.GetDeprecated(), f.GetLifecycleStage()) {
			continue
		}
		switch {
		case f.GetType() == metadatapb.FeatureType_STRUCT:
			if err := structTensors(f, out); err != nil {
				return nil, err
			}
		case f.GetShape() != nil:
			if f.GetPresence().GetMinFraction() != 1 {
				return nil, trErrorf(ErrShapeNotRequired, "Feature %s had shape %s set but min_fraction %v != 1.  Use value_count not shape field when min_fraction != 1.",
					f.GetName(), prototext.MarshalOptions{}.Format(f.GetShape()), f.GetPresence().GetMinFraction())
			}
			out[name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_DenseTensor_{
				DenseTensor: &metadatapb.TensorRepresentation_DenseTensor{ColumnName: proto.String(name), Shape: proto.Clone(f.GetShape()).(*metadatapb.FixedShape)},
			}}
		case s.GetRepresentVariableLengthAsRagged():
			out[name] = raggedTensor(name)
		default:
			out[name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_VarlenSparseTensor{
				VarlenSparseTensor: &metadatapb.TensorRepresentation_VarLenSparseTensor{ColumnName: proto.String(name)},
			}}
		}
	}
	return out, nil
}

func raggedTensor(steps ...string) *metadatapb.TensorRepresentation {
	return &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_RaggedTensor_{
		RaggedTensor: &metadatapb.TensorRepresentation_RaggedTensor{FeaturePath: &metadatapb.Path{Step: steps}},
	}}
}

func structTensors(f *metadatapb.Feature, out map[string]*metadatapb.TensorRepresentation) error {
	sd := f.GetStructDomain()
	if len(sd.GetSparseFeature()) > 0 {
		return trErrorf(ErrNestedStruct, "Got sparse features in struct domain of %s. Struct features with sparse domains are not supported.", f.GetName())
	}
	for _, c := range sd.GetFeature() {
		if c.GetType() == metadatapb.FeatureType_STRUCT {
			return trErrorf(ErrNestedStruct, "Got STRUCT feature %s in struct domain of %s. STRUCT features with multiple levels of nestedness are not supported.",
				c.GetName(), f.GetName())
		}
		out[f.GetName()+"."+c.GetName()] = raggedTensor(f.GetName(), c.GetName())
	}
	return nil
}

// InferTensorRepresentationsMixed returns the schema's explicit tensor
// representations (tensor_representation_group "") plus the inferred ones
// ([InferTensorRepresentations]) of features that no explicit
// representation reads, as tfx-bsl's InferTensorRepresentationsFromMixedSchema
// does. An explicit representation wins over an inferred one of the same
// name. Without a "" group, it is InferTensorRepresentations.
func InferTensorRepresentationsMixed(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	inferred, err := InferTensorRepresentations(s)
	if err != nil {
		return nil, err
	}
	group, ok := s.GetTensorRepresentationGroup()[""]
	if !ok {
		return inferred, nil
	}
	out := map[string]*metadatapb.TensorRepresentation{}
	sources := map[string]bool{}
	for name, tr := range group.GetTensorRepresentation() {
		out[name] = tr
		for _, c := range SourceColumns(tr) {
			sources[c] = true
		}
	}
	for name, tr := range inferred {
		if _, clash := out[name]; !clash && !sources[name] {
			out[name] = tr
		}
	}
	return out, nil
}

// SourceColumns returns the columns a tensor representation reads, as
// dotted paths: the column of a dense or varlen tensor, the index and
// value columns of a sparse tensor, and the feature path and row_length
// columns (siblings of the values) of a ragged tensor.
func SourceColumns(tr *metadatapb.TensorRepresentation) []string {
	switch {
	case tr.GetDenseTensor() != nil:
		return []string{tr.GetDenseTensor().GetColumnName()}
	case tr.GetVarlenSparseTensor() != nil:
		return []string{tr.GetVarlenSparseTensor().GetColumnName()}
	case tr.GetSparseTensor() != nil:
		st := tr.GetSparseTensor()
		out := append([]string(nil), st.GetIndexColumnNames()...)
		if st.ValueColumnName != nil {
			out = append(out, st.GetValueColumnName())
		}
		return out
	case tr.GetRaggedTensor() != nil:
		rt := tr.GetRaggedTensor()
		steps := rt.GetFeaturePath().GetStep()
		out := []string{strings.Join(steps, ".")}
		for _, p := range rt.GetPartition() {
			if p.GetRowLength() != "" {
				sib := append(append([]string(nil), steps[:max(len(steps)-1, 0)]...), p.GetRowLength())
				out = append(out, strings.Join(sib, "."))
			}
		}
		return out
	}
	return nil
}
