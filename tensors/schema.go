package tensors

import (
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

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
// (a test checks that the two agree), repeated here because package
// schema's tests import tfxio, which imports this package.
func RepresentationsFromSchema(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	inferred, err := inferRepresentations(s)
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
		for _, c := range sourceColumns(tr) {
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

// sourceColumns are the columns a representation reads, as dotted paths.
func sourceColumns(tr *metadatapb.TensorRepresentation) []string {
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
		steps := tr.GetRaggedTensor().GetFeaturePath().GetStep()
		out := []string{strings.Join(steps, ".")}
		for _, p := range tr.GetRaggedTensor().GetPartition() {
			if p.GetRowLength() != "" {
				sib := append(append([]string(nil), steps[:max(len(steps)-1, 0)]...), p.GetRowLength())
				out = append(out, strings.Join(sib, "."))
			}
		}
		return out
	}
	return nil
}

func disqualified(deprecated bool, stage metadatapb.LifecycleStage) bool {
	switch stage {
	case metadatapb.LifecycleStage_DEPRECATED, metadatapb.LifecycleStage_DISABLED,
		metadatapb.LifecycleStage_PLANNED, metadatapb.LifecycleStage_ALPHA,
		metadatapb.LifecycleStage_DEBUG_ONLY, metadatapb.LifecycleStage_VALIDATION_DERIVED:
		return true
	}
	return deprecated
}

// inferRepresentations is tfx-bsl's InferTensorRepresentationsFromSchema.
func inferRepresentations(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	out := map[string]*metadatapb.TensorRepresentation{}
	// Python's {f.name: f}: the last feature of a name, in the place of the
	// first.
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
				return nil, errorf(ErrSchema, "tensors: sparse_feature %s referred to index feature %s which did not exist in the schema", sf.GetName(), ix.GetName())
			}
			delete(remaining, ix.GetName())
			st.IndexColumnNames = append(st.IndexColumnNames, ix.GetName())
			size := int64(-1)
			if d := f.GetIntDomain(); d != nil {
				switch {
				case d.Min == nil:
					return nil, errorf(ErrSchema, "tensors: Cannot determine dense shape of sparse feature %s. The minimum domain value of index feature %s is not set.", sf.GetName(), ix.GetName())
				case d.GetMin() != 0:
					return nil, errorf(ErrSchema, "tensors: Only 0-based index features are supported. Sparse feature %s has index feature %s whose minimum domain value is %d.", sf.GetName(), ix.GetName(), d.GetMin())
				case d.Max == nil:
					return nil, errorf(ErrSchema, "tensors: Cannot determine dense shape of sparse feature %s. The maximum domain value of index feature %s is not set.", sf.GetName(), ix.GetName())
				}
				size = d.GetMax() + 1
			}
			st.DenseShape.Dim = append(st.DenseShape.Dim, &metadatapb.FixedShape_Dim{Size: proto.Int64(size)})
		}
		value := sf.GetValueFeature().GetName()
		if _, ok := remaining[value]; !ok {
			return nil, errorf(ErrSchema, "tensors: sparse_feature %s referred to value feature %s which did not exist in the schema or was referred to as an index or value multiple times.", sf.GetName(), value)
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
			sd := f.GetStructDomain()
			if len(sd.GetSparseFeature()) > 0 {
				return nil, errorf(ErrSchema, "tensors: Got sparse features in struct domain of %s. Struct features with sparse domains are not supported.", name)
			}
			for _, c := range sd.GetFeature() {
				if c.GetType() == metadatapb.FeatureType_STRUCT {
					return nil, errorf(ErrSchema, "tensors: Got STRUCT feature %s in struct domain of %s. STRUCT features with multiple levels of nestedness are not supported.", c.GetName(), name)
				}
				out[name+"."+c.GetName()] = raggedRep(name, c.GetName())
			}
		case f.GetShape() != nil:
			if f.GetPresence().GetMinFraction() != 1 {
				return nil, errorf(ErrSchema, "tensors: Feature %s had shape %s set but min_fraction %v != 1.  Use value_count not shape field when min_fraction != 1.",
					name, prototext.MarshalOptions{}.Format(f.GetShape()), f.GetPresence().GetMinFraction())
			}
			out[name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_DenseTensor_{
				DenseTensor: &metadatapb.TensorRepresentation_DenseTensor{ColumnName: proto.String(name), Shape: proto.Clone(f.GetShape()).(*metadatapb.FixedShape)},
			}}
		case s.GetRepresentVariableLengthAsRagged():
			out[name] = raggedRep(name)
		default:
			out[name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_VarlenSparseTensor{
				VarlenSparseTensor: &metadatapb.TensorRepresentation_VarLenSparseTensor{ColumnName: proto.String(name)},
			}}
		}
	}
	return out, nil
}
