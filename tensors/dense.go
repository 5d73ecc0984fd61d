package tensors

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/float16"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// denseHandler is tfx-bsl's _DenseTensorHandler and, with fill set,
// _DefaultFillingDenseTensorHandler.
type denseHandler struct {
	col   int
	typ   arrow.DataType // the column's type
	dtype DType
	depth int   // 1; 0 for a column of scalars (a gobsl extension)
	shape []int // without the batch dimension
	flat  int   // prod(shape)
	fill  any   // one row of default values, or nil
}

func newDense(name string, rep *metadatapb.TensorRepresentation_DenseTensor, schema *arrow.Schema) (handler, error) {
	col, err := fieldIndex(schema, rep.GetColumnName())
	if err != nil {
		return nil, err
	}
	depth, vt, err := depthAndValueType(schema, []string{rep.GetColumnName()})
	if err != nil {
		return nil, err
	}
	dt, ok := leafDType(vt)
	if !ok {
		return nil, fmt.Errorf("column %q: values of type %s are not supported", rep.GetColumnName(), vt)
	}
	if depth > 1 {
		return nil, fmt.Errorf("column %q is %s; a dense tensor needs a list of values (or a column of scalars)", rep.GetColumnName(), schema.Field(col).Type)
	}
	h := &denseHandler{col: col, typ: schema.Field(col).Type, dtype: dt, depth: depth, flat: 1}
	for _, d := range rep.GetShape().GetDim() {
		if d.GetSize() < 0 {
			return nil, fmt.Errorf("dense_tensor shape has a negative size %d", d.GetSize())
		}
		h.shape = append(h.shape, int(d.GetSize()))
		h.flat *= int(d.GetSize())
	}
	if rep.DefaultValue != nil {
		v, err := defaultValue(rep.GetDefaultValue(), vt, dt)
		if err != nil {
			return nil, errorf(ErrDefaultValue, "tensors: tensor %s: %v", name, err)
		}
		h.fill = repeat(v, h.flat)
	}
	return h, nil
}

func (h *denseHandler) spec() Spec {
	return Spec{Kind: KindDense, DType: h.dtype, Shape: append([]int{-1}, h.shape...)}
}

func (h *denseHandler) tensor(rb arrow.RecordBatch) (Tensor, error) {
	col := rb.Column(h.col)
	rows := col.Len()
	var data any
	switch {
	case h.depth == 0:
		var err error
		if data, err = h.scalars(col); err != nil {
			return nil, err
		}
	case h.fill != nil && col.NullN() > 0:
		// FillNullLists: a null row becomes the default values; an empty
		// row stays empty (and then fails the size check).
		o := listOffsets(col)
		vals := listValues(col)
		for r := range rows {
			if col.IsNull(r) {
				data = appendData(data, h.fill)
				continue
			}
			s, e := int(o.at(r)), int(o.at(r+1))
			if err := checkNoNulls(vals, s, e); err != nil {
				return nil, err
			}
			data = appendData(data, leafValues(vals, s, e))
		}
	default:
		var err error
		if data, err = flatten(col); err != nil {
			return nil, err
		}
	}
	if data == nil {
		data = emptyData(h.dtype)
	}
	if got, want := dataLen(data), rows*h.flat; got != want {
		return nil, errorf(ErrSizeMismatch, "Unable to convert a %s column to a tensor of type spec %s: size mismatch. Expected %d elements but got %d. "+
			"If your data type is tf.Example, make sure that the feature is always present, and have the same length in all the examples. "+
			"TFX users should make sure there is no data anomaly for the feature.", h.typ, h.spec(), want, got)
	}
	return &Dense{DType: h.dtype, Shape: append([]int{rows}, h.shape...), Data: data}, nil
}

// scalars reads a column of scalars: one value per row, the default value
// (prod(shape) of them) for a null.
func (h *denseHandler) scalars(col arrow.Array) (any, error) {
	rows := col.Len()
	if col.NullN() == 0 {
		return leafValues(col, 0, rows), nil
	}
	var data any
	for r := range rows {
		if col.IsNull(r) {
			if h.fill != nil {
				data = appendData(data, h.fill)
			}
			continue
		}
		data = appendData(data, leafValues(col, r, r+1))
	}
	return data, nil
}

// String formats a Spec the way TensorFlow prints TypeSpecs.
func (s Spec) String() string {
	dims := make([]string, len(s.Shape))
	for i, d := range s.Shape {
		if d < 0 {
			dims[i] = "None"
		} else {
			dims[i] = fmt.Sprint(d)
		}
	}
	shape := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	shape += ")"
	switch s.Kind {
	case KindSparse:
		return fmt.Sprintf("SparseTensorSpec(TensorShape(%s), dtype=%s)", shape, s.DType.tfName())
	case KindRagged:
		return fmt.Sprintf("RaggedTensorSpec(TensorShape(%s), dtype=%s, ragged_rank=%d, row_splits_dtype=%s)", shape, s.DType.tfName(), s.RaggedRank, s.RowSplitsDType.tfName())
	}
	return fmt.Sprintf("TensorSpec(shape=%s, dtype=%s)", shape, s.DType.tfName())
}

func (t DType) tfName() string {
	if t == Bytes {
		return "tf.string"
	}
	return "tf." + t.String()
}

// listValues is the child array of a list column.
func listValues(a arrow.Array) arrow.Array {
	return a.(interface{ ListValues() arrow.Array }).ListValues()
}

// defaultValue checks a DefaultValue against the column's value type, as
// tfx-bsl's _GetAllowedDefaultValue, and returns it as a one-element slice
// of the tensor's Go type.
func defaultValue(dv *metadatapb.TensorRepresentation_DefaultValue, vt arrow.DataType, dt DType) (any, error) {
	kind := "None"
	switch v := dv.GetKind().(type) {
	case *metadatapb.TensorRepresentation_DefaultValue_IntValue:
		kind = "int_value"
		if isInteger(vt) {
			if !intFits(v.IntValue, dt) {
				return nil, fmt.Errorf("Integer default value out of range: %d is set for a %s column", v.IntValue, vt)
			}
			return intAs(uint64(v.IntValue), dt), nil
		}
	case *metadatapb.TensorRepresentation_DefaultValue_UintValue:
		kind = "uint_value"
		if isInteger(vt) {
			if v.UintValue > math.MaxInt64 && dt != Uint64 || v.UintValue <= math.MaxInt64 && !intFits(int64(v.UintValue), dt) {
				return nil, fmt.Errorf("Integer default value out of range: %d is set for a %s column", v.UintValue, vt)
			}
			return intAs(v.UintValue, dt), nil
		}
	case *metadatapb.TensorRepresentation_DefaultValue_FloatValue:
		kind = "float_value"
		switch dt {
		case Float16:
			return []float16.Num{float16.New(float32(v.FloatValue))}, nil
		case Float32:
			return []float32{float32(v.FloatValue)}, nil
		case Float64:
			return []float64{v.FloatValue}, nil
		}
	case *metadatapb.TensorRepresentation_DefaultValue_BytesValue:
		kind = "bytes_value"
		if dt == Bytes {
			return [][]byte{v.BytesValue}, nil
		}
	}
	return nil, fmt.Errorf("Incompatible default value: %s is set for a %s column", kind, vt)
}

// intFits tells whether v is in the range of the integer type dt.
func intFits(v int64, dt DType) bool {
	switch dt {
	case Int8:
		return v >= math.MinInt8 && v <= math.MaxInt8
	case Int16:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case Int32:
		return v >= math.MinInt32 && v <= math.MaxInt32
	case Int64:
		return true
	case Uint8:
		return v >= 0 && v <= math.MaxUint8
	case Uint16:
		return v >= 0 && v <= math.MaxUint16
	case Uint32:
		return v >= 0 && v <= math.MaxUint32
	case Uint64:
		return v >= 0
	}
	return false
}

// intAs converts an in-range integer (its two's complement bits) to a
// one-element slice of dt's Go type.
func intAs(v uint64, dt DType) any {
	switch dt {
	case Int8:
		return []int8{int8(v)}
	case Int16:
		return []int16{int16(v)}
	case Int32:
		return []int32{int32(v)}
	case Int64:
		return []int64{int64(v)}
	case Uint8:
		return []uint8{uint8(v)}
	case Uint16:
		return []uint16{uint16(v)}
	case Uint32:
		return []uint32{uint32(v)}
	}
	return []uint64{v}
}

// repeat returns n copies of the single element of one.
func repeat(one any, n int) any {
	out := emptyData(dtypeOf(one))
	for range n {
		out = appendData(out, one)
	}
	return out
}

// dtypeOf is the DType of Dense data.
func dtypeOf(data any) DType {
	switch data.(type) {
	case []int8:
		return Int8
	case []int16:
		return Int16
	case []int32:
		return Int32
	case []int64:
		return Int64
	case []uint8:
		return Uint8
	case []uint16:
		return Uint16
	case []uint32:
		return Uint32
	case []uint64:
		return Uint64
	case []float16.Num:
		return Float16
	case []float32:
		return Float32
	case []float64:
		return Float64
	case [][]byte:
		return Bytes
	}
	return Invalid
}
