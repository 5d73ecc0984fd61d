package tensors

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/float16"
)

// DType is the element type of a tensor or of one of its component arrays.
type DType uint8

// The element types. Each has one Go slice type for [Dense.Data].
const (
	Invalid DType = iota
	Int8          // []int8
	Int16         // []int16
	Int32         // []int32
	Int64         // []int64
	Uint8         // []uint8
	Uint16        // []uint16
	Uint32        // []uint32
	Uint64        // []uint64
	Float16       // []float16.Num (github.com/apache/arrow-go/v18/arrow/float16)
	Float32       // []float32
	Float64       // []float64
	Bytes         // [][]byte: tf.string, from Arrow binary, large_binary, string and large_string
)

var dtypeNames = [...]string{"invalid", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64", "bytes"}

// String returns the NumPy name of the type ("int64", "float32"), and
// "bytes" for [Bytes].
func (t DType) String() string {
	if int(t) < len(dtypeNames) {
		return dtypeNames[t]
	}
	return fmt.Sprintf("DType(%d)", uint8(t))
}

// Size is the size of one element in bytes; 0 for [Bytes] and [Invalid].
func (t DType) Size() int {
	switch t {
	case Int8, Uint8:
		return 1
	case Int16, Uint16, Float16:
		return 2
	case Int32, Uint32, Float32:
		return 4
	case Int64, Uint64, Float64:
		return 8
	}
	return 0
}

// Kind tells dense, sparse and ragged tensors apart.
type Kind uint8

const (
	KindDense  Kind = iota + 1 // *Dense
	KindSparse                 // *Sparse, from sparse_tensor and varlen_sparse_tensor
	KindRagged                 // *Ragged
)

func (k Kind) String() string {
	switch k {
	case KindDense:
		return "dense"
	case KindSparse:
		return "sparse"
	case KindRagged:
		return "ragged"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Tensor is a batch of values: a [*Dense], a [*Sparse] or a [*Ragged].
// The first dimension of every tensor is the batch: one row per row of the
// record batch it came from.
type Tensor interface {
	// Kind tells the concrete type.
	Kind() Kind
	// NumRows is the size of the batch dimension.
	NumRows() int
	// Clone returns a deep copy that shares no memory with the record
	// batch (nor with the receiver).
	Clone() Tensor
	isTensor()
}

// Dense is a dense tensor: Data holds the elements in row-major (C) order,
// len(Data) is the product of Shape.
type Dense struct {
	DType DType
	// Shape, batch dimension first.
	Shape []int
	// Data is a slice of the Go type DType names: []int64 for Int64,
	// [][]byte for Bytes, and so on.
	Data any
}

// Sparse is a sparse tensor in coordinate (COO) form, as tf.SparseTensor:
// value i sits at the coordinates Indices[i*r : (i+1)*r], where r is
// len(DenseShape). Indices are not necessarily sorted.
type Sparse struct {
	// Indices, NNZ × rank, row-major; the first coordinate is the row.
	Indices []int64
	// Values, one dimension: [NNZ].
	Values Dense
	// DenseShape, batch size first; -1 for a dimension a sparse_tensor
	// representation leaves unknown (as tfx-bsl does).
	DenseShape []int64
}

// Ragged is a ragged tensor, as tf.RaggedTensor.from_nested_row_splits:
// RowSplits[0] splits the batch's rows into the items of the first ragged
// dimension, RowSplits[1] splits those, and so on; the last row splits
// index the first dimension of Values. Values' other dimensions are the
// uniform inner dimensions.
type Ragged struct {
	// Values, [N, inner dims...].
	Values Dense
	// RowSplits, outermost first, each a one-dimensional Int64 or Int32
	// Dense that starts at 0 and does not decrease. len(RowSplits) is the
	// ragged rank.
	RowSplits []Dense
}

func (*Dense) Kind() Kind  { return KindDense }
func (*Sparse) Kind() Kind { return KindSparse }
func (*Ragged) Kind() Kind { return KindRagged }

func (*Dense) isTensor()  {}
func (*Sparse) isTensor() {}
func (*Ragged) isTensor() {}

// NumRows is Shape[0].
func (d *Dense) NumRows() int {
	if len(d.Shape) == 0 {
		return 0
	}
	return d.Shape[0]
}

// NumRows is DenseShape[0].
func (s *Sparse) NumRows() int {
	if len(s.DenseShape) == 0 {
		return 0
	}
	return int(s.DenseShape[0])
}

// NumRows is len(RowSplits[0])-1.
func (r *Ragged) NumRows() int {
	if len(r.RowSplits) == 0 {
		return r.Values.NumRows()
	}
	return r.RowSplits[0].Len() - 1
}

// Clone returns a deep copy.
func (d *Dense) Clone() Tensor { c := d.clone(); return &c }

// Clone returns a deep copy.
func (s *Sparse) Clone() Tensor {
	return &Sparse{Indices: slices.Clone(s.Indices), Values: s.Values.clone(), DenseShape: slices.Clone(s.DenseShape)}
}

// Clone returns a deep copy.
func (r *Ragged) Clone() Tensor {
	c := &Ragged{Values: r.Values.clone(), RowSplits: make([]Dense, len(r.RowSplits))}
	for i := range r.RowSplits {
		c.RowSplits[i] = r.RowSplits[i].clone()
	}
	return c
}

func (d *Dense) clone() Dense {
	c := Dense{DType: d.DType, Shape: slices.Clone(d.Shape)}
	switch v := d.Data.(type) {
	case [][]byte:
		// One allocation for all the bytes.
		n := 0
		for _, b := range v {
			n += len(b)
		}
		buf := make([]byte, 0, n)
		out := make([][]byte, len(v))
		for i, b := range v {
			buf = append(buf, b...)
			out[i] = buf[len(buf)-len(b) : len(buf) : len(buf)]
		}
		c.Data = out
	default:
		c.Data = cloneData(d.Data)
	}
	return c
}

// Len is the number of elements: len(Data).
func (d *Dense) Len() int { return dataLen(d.Data) }

// RawBytes returns the elements of a numeric tensor as little-endian
// bytes, sharing Data's memory; nil for Bytes tensors.
func (d *Dense) RawBytes() []byte { return rawBytes(d.Data) }

// Int64s returns the splits as int64, converting Int32 splits.
func (d *Dense) Int64s() []int64 {
	switch v := d.Data.(type) {
	case []int64:
		return v
	case []int32:
		out := make([]int64, len(v))
		for i, x := range v {
			out[i] = int64(x)
		}
		return out
	}
	return nil
}

// prod is the number of elements of a shape.
func prod(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func dataLen(data any) int {
	switch v := data.(type) {
	case []int8:
		return len(v)
	case []int16:
		return len(v)
	case []int32:
		return len(v)
	case []int64:
		return len(v)
	case []uint8:
		return len(v)
	case []uint16:
		return len(v)
	case []uint32:
		return len(v)
	case []uint64:
		return len(v)
	case []float16.Num:
		return len(v)
	case []float32:
		return len(v)
	case []float64:
		return len(v)
	case [][]byte:
		return len(v)
	}
	return 0
}

func cloneData(data any) any {
	switch v := data.(type) {
	case []int8:
		return slices.Clone(v)
	case []int16:
		return slices.Clone(v)
	case []int32:
		return slices.Clone(v)
	case []int64:
		return slices.Clone(v)
	case []uint8:
		return slices.Clone(v)
	case []uint16:
		return slices.Clone(v)
	case []uint32:
		return slices.Clone(v)
	case []uint64:
		return slices.Clone(v)
	case []float16.Num:
		return slices.Clone(v)
	case []float32:
		return slices.Clone(v)
	case []float64:
		return slices.Clone(v)
	}
	return data
}

func rawBytes(data any) []byte {
	switch v := data.(type) {
	case []int8:
		return asBytes(v)
	case []int16:
		return asBytes(v)
	case []int32:
		return asBytes(v)
	case []int64:
		return asBytes(v)
	case []uint8:
		return v
	case []uint16:
		return asBytes(v)
	case []uint32:
		return asBytes(v)
	case []uint64:
		return asBytes(v)
	case []float16.Num:
		return asBytes(v)
	case []float32:
		return asBytes(v)
	case []float64:
		return asBytes(v)
	}
	return nil
}

// asBytes views a slice of fixed-width values as its bytes, in the host's
// byte order (little-endian: see littleEndian).
func asBytes[T any](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(z)))
}

// littleEndian tells whether in-memory numbers are little-endian, as the
// .npy descriptors we write ("<i8") and safetensors require.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
