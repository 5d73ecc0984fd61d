package tensorrep

import (
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Conditions of inference; package schema exports them under the same
// names.
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

// Error is a failed inference: tfx-bsl's message, without a package
// prefix, and the condition it matches.
type Error struct {
	Msg  string // tfx-bsl's message
	Cond error  // ErrSourceFeature, ErrSparseShape, ErrShapeNotRequired or ErrNestedStruct
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Cond }

func errorf(cond error, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Cond: cond}
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

// Infer is tfx-bsl's InferTensorRepresentationsFromSchema; the rules are
// documented at [github.com/gobsl/gobsl/schema.InferTensorRepresentations].
func Infer(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
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
				return nil, errorf(ErrSourceFeature, "sparse_feature %s referred to index feature %s which did not exist in the schema",
					sf.GetName(), ix.GetName())
			}
			delete(remaining, ix.GetName())
			st.IndexColumnNames = append(st.IndexColumnNames, ix.GetName())
			size := int64(-1)
			if d := f.GetIntDomain(); d != nil {
				switch {
				case d.Min == nil:
					return nil, errorf(ErrSparseShape, "Cannot determine dense shape of sparse feature %s. The minimum domain value of index feature %s is not set.",
						sf.GetName(), ix.GetName())
				case d.GetMin() != 0:
					return nil, errorf(ErrSparseShape, "Only 0-based index features are supported. Sparse feature %s has index feature %s whose minimum domain value is %d.",
						sf.GetName(), ix.GetName(), d.GetMin())
				case d.Max == nil:
					return nil, errorf(ErrSparseShape, "Cannot determine dense shape of sparse feature %s. The maximum domain value of index feature %s is not set.",
						sf.GetName(), ix.GetName())
				}
				size = d.GetMax() + 1
			}
			st.DenseShape.Dim = append(st.DenseShape.Dim, &metadatapb.FixedShape_Dim{Size: proto.Int64(size)})
		}
		value := sf.GetValueFeature().GetName()
		if _, ok := remaining[value]; !ok {
			return nil, errorf(ErrSourceFeature, "sparse_feature %s referred to value feature %s which did not exist in the schema or was referred to as an index or value multiple times.",
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
				return nil, errorf(ErrShapeNotRequired, "Feature %s had shape %s set but min_fraction %v != 1.  Use value_count not shape field when min_fraction != 1.",
					f.GetName(), prototext.MarshalOptions{}.Format(f.GetShape()), f.GetPresence().GetMinFraction())
			}
			out[name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_DenseTensor_{
				DenseTensor: &metadatapb.TensorRepresentation_DenseTensor{ColumnName: proto.String(name), Shape: proto.Clone(f.GetShape()).(*metadatapb.FixedShape)},
			}}
		case s.GetRepresentVariableLengthAsRagged():
			out[name] = Ragged(name)
		default:
			out[name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_VarlenSparseTensor{
				VarlenSparseTensor: &metadatapb.TensorRepresentation_VarLenSparseTensor{ColumnName: proto.String(name)},
			}}
		}
	}
	return out, nil
}

// Ragged returns a ragged_tensor representation of the values at the
// feature path steps, without partitions.
func Ragged(steps ...string) *metadatapb.TensorRepresentation {
	return &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_RaggedTensor_{
		RaggedTensor: &metadatapb.TensorRepresentation_RaggedTensor{FeaturePath: &metadatapb.Path{Step: steps}},
	}}
}

func structTensors(f *metadatapb.Feature, out map[string]*metadatapb.TensorRepresentation) error {
	sd := f.GetStructDomain()
	if len(sd.GetSparseFeature()) > 0 {
		return errorf(ErrNestedStruct, "Got sparse features in struct domain of %s. Struct features with sparse domains are not supported.", f.GetName())
	}
	for _, c := range sd.GetFeature() {
		if c.GetType() == metadatapb.FeatureType_STRUCT {
			return errorf(ErrNestedStruct, "Got STRUCT feature %s in struct domain of %s. STRUCT features with multiple levels of nestedness are not supported.",
				c.GetName(), f.GetName())
		}
		out[f.GetName()+"."+c.GetName()] = Ragged(f.GetName(), c.GetName())
	}
	return nil
}

// InferMixed is tfx-bsl's InferTensorRepresentationsFromMixedSchema: the
// schema's explicit tensor_representation_group "" plus the [Infer]red
// representations of features that no explicit one reads; an explicit
// representation wins a name clash. Without a "" group, it is Infer.
func InferMixed(s *metadatapb.Schema) (map[string]*metadatapb.TensorRepresentation, error) {
	inferred, err := Infer(s)
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
// dotted paths; see [github.com/gobsl/gobsl/schema.SourceColumns].
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
