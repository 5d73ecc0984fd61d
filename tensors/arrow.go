package tensors

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/float16"
)

// leafDType maps the Arrow value types tfx-bsl's TensorAdapter supports
// (any integer, any float, binary and string) to a DType.
func leafDType(t arrow.DataType) (DType, bool) {
	switch t.ID() {
	case arrow.INT8:
		return Int8, true
	case arrow.INT16:
		return Int16, true
	case arrow.INT32:
		return Int32, true
	case arrow.INT64:
		return Int64, true
	case arrow.UINT8:
		return Uint8, true
	case arrow.UINT16:
		return Uint16, true
	case arrow.UINT32:
		return Uint32, true
	case arrow.UINT64:
		return Uint64, true
	case arrow.FLOAT16:
		return Float16, true
	case arrow.FLOAT32:
		return Float32, true
	case arrow.FLOAT64:
		return Float64, true
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING:
		return Bytes, true
	}
	return Invalid, false
}

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// isListLike is tfx-bsl's _IsListLike: list and large_list only.
func isListLike(t arrow.DataType) bool {
	return t.ID() == arrow.LIST || t.ID() == arrow.LARGE_LIST
}

func listElem(t arrow.DataType) arrow.DataType {
	return t.(arrow.ListLikeType).Elem()
}

// fieldIndex finds a top-level column; a missing or ambiguous name is an
// error.
func fieldIndex(s *arrow.Schema, name string) (int, error) {
	idx := s.FieldIndices(name)
	switch len(idx) {
	case 0:
		return -1, fmt.Errorf("no column %q", name)
	case 1:
		return idx[0], nil
	}
	return -1, fmt.Errorf("%d columns are named %q", len(idx), name)
}

// typesAlongPath is tfx-bsl's _EnumerateTypesAlongPath: the types met
// from the column path[0] down through struct fields (by the next step)
// and list values, to the leaf. With stopAtEnd, it stops as soon as every
// step has been used, without descending into lists.
func typesAlongPath(s *arrow.Schema, path []string, stopAtEnd bool) ([]arrow.DataType, error) {
	if len(path) == 0 {
		return nil, fmt.Errorf("empty path")
	}
	i, err := fieldIndex(s, path[0])
	if err != nil {
		return nil, err
	}
	t := s.Field(i).Type
	types := []arrow.DataType{t}
	rest := path[1:]
	for {
		if stopAtEnd && len(rest) == 0 {
			break
		}
		if st, ok := t.(*arrow.StructType); ok {
			if len(rest) == 0 {
				break
			}
			f, ok := st.FieldByName(rest[0])
			if !ok {
				return nil, fmt.Errorf("The field: %s could not be found in the current Struct: %s", rest[0], t)
			}
			t, rest = f.Type, rest[1:]
		} else if isListLike(t) {
			t = listElem(t)
		} else {
			if len(rest) > 0 {
				return nil, fmt.Errorf("The arrow_schema fields are exhausted, but there are remaining fields in the column_path: %s", strings.Join(rest, "."))
			}
			break
		}
		types = append(types, t)
	}
	return types, nil
}

// depthAndValueType is tfx-bsl's _GetNestDepthAndValueType: the number of
// lists along the path, and the innermost type.
func depthAndValueType(s *arrow.Schema, path []string) (int, arrow.DataType, error) {
	types, err := typesAlongPath(s, path, false)
	if err != nil {
		return 0, nil, err
	}
	depth := 0
	for _, t := range types {
		if isListLike(t) {
			depth++
		}
	}
	return depth, types[len(types)-1], nil
}

// offsets is a view of the n+1 offsets of a list array's n rows.
type offsets struct {
	o32 []int32
	o64 []int64
}

func (o offsets) at(i int) int64 {
	if o.o64 != nil {
		return o.o64[i]
	}
	return int64(o.o32[i])
}

// listOffsets returns the offsets of a list or large_list array, taking its
// Arrow offset into account.
func listOffsets(a arrow.Array) offsets {
	off, n := a.Data().Offset(), a.Len()
	switch l := a.(type) {
	case *array.List:
		o := l.Offsets()
		if len(o) < off+n+1 { // an empty array may have no offsets buffer
			return offsets{o32: []int32{0}}
		}
		return offsets{o32: o[off : off+n+1]}
	case *array.LargeList:
		o := l.Offsets()
		if len(o) < off+n+1 {
			return offsets{o64: []int64{0}}
		}
		return offsets{o64: o[off : off+n+1]}
	}
	panic(fmt.Sprintf("tensors: listOffsets of %s", a.DataType())) // CanHandle checked the type
}

// leafValues views elements [i, j) of a primitive, binary or string array
// as Dense data, sharing the Arrow buffers (only Bytes allocate the slice
// of slices).
func leafValues(a arrow.Array, i, j int) any {
	switch v := a.(type) {
	case *array.Int8:
		return v.Int8Values()[i:j:j]
	case *array.Int16:
		return v.Int16Values()[i:j:j]
	case *array.Int32:
		return v.Int32Values()[i:j:j]
	case *array.Int64:
		return v.Int64Values()[i:j:j]
	case *array.Uint8:
		return v.Uint8Values()[i:j:j]
	case *array.Uint16:
		return v.Uint16Values()[i:j:j]
	case *array.Uint32:
		return v.Uint32Values()[i:j:j]
	case *array.Uint64:
		return v.Uint64Values()[i:j:j]
	case *array.Float16:
		return v.Values()[i:j:j]
	case *array.Float32:
		return v.Float32Values()[i:j:j]
	case *array.Float64:
		return v.Float64Values()[i:j:j]
	case *array.Binary:
		return binaryValues(v, i, j)
	case *array.LargeBinary:
		return binaryValues(v, i, j)
	case *array.String:
		return stringValues(v.ValueOffsets(), rawValueBytes(v), i, j)
	case *array.LargeString:
		return stringValues(v.ValueOffsets(), rawValueBytes(v), i, j)
	}
	panic(fmt.Sprintf("tensors: leafValues of %s", a.DataType()))
}

func binaryValues(a interface{ Value(int) []byte }, i, j int) [][]byte {
	out := make([][]byte, j-i)
	for k := range out {
		b := a.Value(i + k)
		out[k] = b[:len(b):len(b)]
	}
	return out
}

// rawValueBytes is the whole value buffer of a string array (the
// array's ValueBytes starts at its first offset instead).
func rawValueBytes(a arrow.Array) []byte {
	if b := a.Data().Buffers()[2]; b != nil {
		return b.Bytes()
	}
	return nil
}

// stringValues slices string arrays' bytes without converting through
// Go strings.
func stringValues[O int32 | int64](offs []O, data []byte, i, j int) [][]byte {
	out := make([][]byte, j-i)
	for k := range out {
		s, e := offs[i+k], offs[i+k+1]
		out[k] = data[s:e:e]
	}
	return out
}

// checkNoNulls refuses null elements in [i, j) of a leaf array.
func checkNoNulls(a arrow.Array, i, j int) error {
	if a.NullN() == 0 {
		return nil
	}
	for k := i; k < j; k++ {
		if a.IsNull(k) {
			return errorf(ErrNull, "tensors: value %d is null; tensors cannot hold nulls inside lists", k)
		}
	}
	return nil
}

// appendData appends src (of the same Go type) to dst, which may be nil.
func appendData(dst, src any) any {
	switch s := src.(type) {
	case []int8:
		d, _ := dst.([]int8)
		return append(d, s...)
	case []int16:
		d, _ := dst.([]int16)
		return append(d, s...)
	case []int32:
		d, _ := dst.([]int32)
		return append(d, s...)
	case []int64:
		d, _ := dst.([]int64)
		return append(d, s...)
	case []uint8:
		d, _ := dst.([]uint8)
		return append(d, s...)
	case []uint16:
		d, _ := dst.([]uint16)
		return append(d, s...)
	case []uint32:
		d, _ := dst.([]uint32)
		return append(d, s...)
	case []uint64:
		d, _ := dst.([]uint64)
		return append(d, s...)
	case []float16.Num:
		d, _ := dst.([]float16.Num)
		return append(d, s...)
	case []float32:
		d, _ := dst.([]float32)
		return append(d, s...)
	case []float64:
		d, _ := dst.([]float64)
		return append(d, s...)
	case [][]byte:
		d, _ := dst.([][]byte)
		return append(d, s...)
	}
	panic(fmt.Sprintf("tensors: appendData of %T", src))
}

// emptyData is a zero-length, non-nil slice of t's Go type.
func emptyData(t DType) any {
	switch t {
	case Int8:
		return []int8{}
	case Int16:
		return []int16{}
	case Int32:
		return []int32{}
	case Int64:
		return []int64{}
	case Uint8:
		return []uint8{}
	case Uint16:
		return []uint16{}
	case Uint32:
		return []uint32{}
	case Uint64:
		return []uint64{}
	case Float16:
		return []float16.Num{}
	case Float32:
		return []float32{}
	case Float64:
		return []float64{}
	case Bytes:
		return [][]byte{}
	}
	panic(fmt.Sprintf("tensors: emptyData of %s", t))
}

// toInt64s converts integer Dense data to int64 (uint64 values above
// MaxInt64 wrap, as NumPy's cast does); []int64 is returned as is.
func toInt64s(data any) []int64 {
	switch v := data.(type) {
	case []int64:
		return v
	case []int8:
		return widen(v)
	case []int16:
		return widen(v)
	case []int32:
		return widen(v)
	case []uint8:
		return widen(v)
	case []uint16:
		return widen(v)
	case []uint32:
		return widen(v)
	case []uint64:
		return widen(v)
	}
	panic(fmt.Sprintf("tensors: toInt64s of %T", data))
}

func widen[T int8 | int16 | int32 | uint8 | uint16 | uint32 | uint64](v []T) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

// flatten is pyarrow's ListArray.flatten for one level: the values of the
// non-null rows, as Dense data. It shares the Arrow buffers when those
// values are contiguous (no null row owns values), else it copies.
func flatten(l arrow.Array) (any, error) {
	o := listOffsets(l)
	vals := l.(array.ListLike).ListValues()
	n := l.Len()
	start, end := int(o.at(0)), int(o.at(n))
	contiguous := true
	if l.NullN() > 0 {
		for r := range n {
			if l.IsNull(r) && o.at(r) != o.at(r+1) {
				contiguous = false
				break
			}
		}
	}
	if contiguous {
		if err := checkNoNulls(vals, start, end); err != nil {
			return nil, err
		}
		return leafValues(vals, start, end), nil
	}
	var out any
	for r := range n {
		if l.IsNull(r) {
			continue
		}
		s, e := int(o.at(r)), int(o.at(r+1))
		if err := checkNoNulls(vals, s, e); err != nil {
			return nil, err
		}
		out = appendData(out, leafValues(vals, s, e))
	}
	if out == nil {
		dt, _ := leafDType(vals.DataType())
		out = emptyData(dt)
	}
	return out, nil
}

// rowLength is the number of values row r contributes after flatten.
func rowLength(l arrow.Array, o offsets, r int) int64 {
	if l.IsNull(r) {
		return 0
	}
	return o.at(r+1) - o.at(r)
}
