package tensors

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// raggedHandler is tfx-bsl's _RaggedTensorHandler. The tensor's dimensions
// are [B, D..., P..., U...]: the batch, one ragged dimension per list on
// the feature path (row splits from the Arrow offsets), one per partition
// that is not among the trailing uniform_row_length ones, and those
// trailing uniform lengths as fixed inner dimensions of the values.
type raggedHandler struct {
	path      []string
	col       int
	dtype     DType
	splits    DType       // Int64 or Int32
	lists     int         // lists along the path
	inner     []int       // fixed inner dimensions
	innerN    int64       // prod(inner)
	partition []partition // the ragged ones, outermost first
}

type partition struct {
	uniform   int64  // uniform_row_length, or 0
	rowLength string // row_length, or ""
}

func newRagged(rep *metadatapb.TensorRepresentation_RaggedTensor, schema *arrow.Schema) (handler, error) {
	path := rep.GetFeaturePath().GetStep()
	if len(path) == 0 {
		return nil, fmt.Errorf("empty feature_path")
	}
	types, err := typesAlongPath(schema, path, false)
	if err != nil {
		return nil, err
	}
	h := &raggedHandler{path: path, splits: Int64, innerN: 1}
	h.col, _ = fieldIndex(schema, path[0])
	for _, t := range types {
		if isListLike(t) {
			h.lists++
		}
	}
	leaf := types[len(types)-1]
	if leaf.ID() == arrow.STRUCT {
		return nil, fmt.Errorf("feature_path %q ends at a struct", path)
	}
	if h.lists == 0 {
		return nil, fmt.Errorf("no list along feature_path %q", path)
	}
	var ok bool
	if h.dtype, ok = leafDType(leaf); !ok {
		return nil, fmt.Errorf("values of type %s are not supported", leaf)
	}
	if rep.GetRowPartitionDtype() == metadatapb.TensorRepresentation_INT32 {
		h.splits = Int32
	}
	parent := path[:len(path)-1]
	for _, p := range rep.GetPartition() {
		switch k := p.GetKind().(type) {
		case *metadatapb.TensorRepresentation_RaggedTensor_Partition_RowLength:
			rp := append(append([]string(nil), parent...), k.RowLength)
			types, err := typesAlongPath(schema, rp, true)
			if err != nil {
				return nil, err
			}
			if t := types[len(types)-1]; !isListLike(t) || !isInteger(listElem(t)) {
				return nil, fmt.Errorf("row_length column %q is %s, not a list of integers", rp, t)
			}
		case *metadatapb.TensorRepresentation_RaggedTensor_Partition_UniformRowLength:
			if k.UniformRowLength <= 0 {
				return nil, fmt.Errorf("uniform_row_length %d is not positive", k.UniformRowLength)
			}
		default:
			return nil, fmt.Errorf("empty partition")
		}
	}
	// Trailing uniform_row_length partitions are fixed inner dimensions.
	ps := rep.GetPartition()
	n := len(ps)
	for n > 0 && ps[n-1].GetUniformRowLength() > 0 {
		n--
	}
	for _, p := range ps[n:] {
		h.inner = append(h.inner, int(p.GetUniformRowLength()))
		h.innerN *= p.GetUniformRowLength()
	}
	for _, p := range ps[:n] {
		h.partition = append(h.partition, partition{uniform: p.GetUniformRowLength(), rowLength: p.GetRowLength()})
	}
	return h, nil
}

func (h *raggedHandler) spec() Spec {
	rank := h.lists + len(h.partition)
	s := Spec{Kind: KindRagged, DType: h.dtype, RaggedRank: rank, RowSplitsDType: h.splits}
	for range rank + 1 {
		s.Shape = append(s.Shape, -1)
	}
	s.Shape = append(s.Shape, h.inner...)
	return s
}

func (h *raggedHandler) tensor(rb arrow.RecordBatch) (Tensor, error) {
	arr := rb.Column(h.col)
	n := arr.Len()
	var (
		outer      []offsets
		parent     *array.Struct // nil: the record batch
		parentRows = n
		rest       = h.path[1:]
	)
walk:
	for {
		if arr.Data().Offset() != 0 {
			return nil, ErrSliced
		}
		switch a := arr.(type) {
		case *array.Struct:
			i, _ := a.DataType().(*arrow.StructType).FieldIdx(rest[0])
			parent, parentRows = a, n
			arr, rest = a.Field(i), rest[1:]
		case *array.List, *array.LargeList:
			o, err := splitsOf(a, n)
			if err != nil {
				return nil, err
			}
			outer = append(outer, o)
			n = int(o.at(n))
			arr = listValues(a)
		default:
			break walk
		}
	}
	if n > arr.Len() {
		return nil, fmt.Errorf("list offsets point past the %d values", arr.Len())
	}
	if err := checkNoNulls(arr, 0, n); err != nil {
		return nil, err
	}
	values := leafValues(arr, 0, n)

	// Inner fixed dimensions, then the ragged partitions from the innermost
	// out; the last list's splits count values, so they are rescaled, or
	// replaced by a row_length column's offsets.
	total := int64(n)
	last := outer[len(outer)-1]
	if total%h.innerN != 0 {
		return nil, errorf(ErrPartition, "The values features lenghts cannot support the claimed fixed shape %v", h.inner)
	}
	if h.innerN != 1 {
		var err error
		if last, err = divide(last, h.innerN); err != nil {
			return nil, errorf(ErrPartition, "The values features lenghts cannot support the claimed fixed shape %v", h.inner)
		}
	}
	prev := total / h.innerN
	inner := make([]offsets, len(h.partition))
	for k := len(h.partition) - 1; k >= 0; k-- {
		p := h.partition[k]
		if p.uniform > 0 {
			var err error
			if last, err = divide(last, p.uniform); err != nil {
				return nil, errorf(ErrPartition, "The values features lengths cannnot support the specified uniform row length of size %d", p.uniform)
			}
			if prev%p.uniform != 0 {
				return nil, errorf(ErrPartition, "The previous ragged partitions contained %d elements, which are not valid with the specified uniform row length: %d", prev, p.uniform)
			}
			rs := make([]int64, 0, prev/p.uniform+1)
			for v := int64(0); v <= prev; v += p.uniform {
				rs = append(rs, v)
			}
			inner[k] = offsets{o64: rs}
			prev /= p.uniform
			continue
		}
		var col arrow.Array
		if parent == nil {
			i, _ := fieldIndex(rb.Schema(), p.rowLength)
			col = rb.Column(i)
		} else {
			i, _ := parent.DataType().(*arrow.StructType).FieldIdx(p.rowLength)
			col = parent.Field(i)
		}
		if col.Data().Offset() != 0 {
			return nil, ErrSliced
		}
		ro, err := splitsOf(col, parentRows)
		if err != nil {
			return nil, err
		}
		lens := listValues(col)
		m := int(ro.at(parentRows))
		if err := checkNoNulls(lens, 0, m); err != nil {
			return nil, fmt.Errorf("row_length column %q: %w", p.rowLength, err)
		}
		rs := make([]int64, m+1)
		for j, l := range toInt64s(leafValues(lens, 0, m)) {
			if l < 0 {
				return nil, errorf(ErrPartition, "row_length column %q holds a negative length %d", p.rowLength, l)
			}
			rs[j+1] = rs[j] + l
		}
		if rs[m] != prev {
			return nil, errorf(ErrPartition, "The sum of row lengts provided in '%s' do not match with previous dimension found %d.", p.rowLength, prev)
		}
		inner[k] = offsets{o64: rs}
		last = ro
		prev = int64(m)
	}
	outer[len(outer)-1] = last

	t := &Ragged{Values: Dense{DType: h.dtype, Shape: append([]int{int(total / h.innerN)}, h.inner...), Data: values}}
	for _, o := range append(outer, inner...) {
		d, err := splitsDense(o, h.splits)
		if err != nil {
			return nil, err
		}
		t.RowSplits = append(t.RowSplits, d)
	}
	return t, nil
}

// splitsOf returns the offsets of the first rows rows of a list array as
// row splits: they must start at 0 (else the array is a slice), and a null
// row must be empty.
func splitsOf(a arrow.Array, rows int) (offsets, error) {
	o := listOffsets(a)
	if o.o32 != nil {
		o.o32 = o.o32[:rows+1]
	} else {
		o.o64 = o.o64[:rows+1]
	}
	if o.at(0) != 0 {
		return o, ErrSliced
	}
	if a.NullN() > 0 {
		if r := nonEmptyNull(a.NullBitmapBytes(), a.Data().Offset(), o, rows); r >= 0 {
			return o, errorf(ErrNull, "row %d is null but has %d values", r, o.at(r+1)-o.at(r))
		}
	}
	return o, nil
}

// nonEmptyNull returns the first of rows rows that is null (in the
// validity bitmap bm, from bit off) but not empty in o, or -1. It reads
// the bitmap a byte at a time where it can, visiting only its null bits.
func nonEmptyNull(bm []byte, off int, o offsets, rows int) int {
	for r := 0; r < rows; {
		i := off + r
		if i&7 == 0 && r+8 <= rows {
			for z := ^bm[i>>3]; z != 0; z &= z - 1 {
				k := r + bits.TrailingZeros8(z)
				if o.at(k) != o.at(k+1) {
					return k
				}
			}
			r += 8
			continue
		}
		if bm[i>>3]&(1<<(i&7)) == 0 && o.at(r) != o.at(r+1) {
			return r
		}
		r++
	}
	return -1
}

// divide divides every split by d, which must divide them.
func divide(o offsets, d int64) (offsets, error) {
	n := len(o.o32) + len(o.o64)
	out := make([]int64, n)
	for i := range n {
		v := o.at(i)
		if v%d != 0 {
			return o, fmt.Errorf("remainder found when dividing by %d", d)
		}
		out[i] = v / d
	}
	return offsets{o64: out}, nil
}

// splitsDense returns row splits of the requested type, sharing the Arrow
// offsets when they already have it.
func splitsDense(o offsets, dt DType) (Dense, error) {
	n := len(o.o32) + len(o.o64)
	d := Dense{DType: dt, Shape: []int{n}}
	switch {
	case dt == Int64 && o.o64 != nil:
		d.Data = o.o64[:n:n]
	case dt == Int32 && o.o32 != nil:
		d.Data = o.o32[:n:n]
	case dt == Int64:
		d.Data = widen(o.o32)
	default:
		out := make([]int32, n)
		for i, v := range o.o64 {
			if v > math.MaxInt32 {
				return d, errorf(ErrPartition, "row split %d does not fit row_partition_dtype INT32", v)
			}
			out[i] = int32(v)
		}
		d.Data = out
	}
	return d, nil
}
