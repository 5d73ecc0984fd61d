package tensors

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// varLenHandler is tfx-bsl's _VarLenSparseTensorHandler: a list column
// as a 2-D sparse tensor, value j of row i at (i, j).
type varLenHandler struct {
	col   int
	dtype DType
}

// listColumn checks that name is a list of supported values, one level
// deep.
func listColumn(schema *arrow.Schema, name string) (int, DType, error) {
	col, err := fieldIndex(schema, name)
	if err != nil {
		return 0, 0, err
	}
	depth, vt, err := depthAndValueType(schema, []string{name})
	if err != nil {
		return 0, 0, err
	}
	dt, ok := leafDType(vt)
	if !ok {
		return 0, 0, fmt.Errorf("column %q: values of type %s are not supported", name, vt)
	}
	if depth != 1 {
		return 0, 0, fmt.Errorf("column %q is %s, not a list of values", name, schema.Field(col).Type)
	}
	return col, dt, nil
}

func newVarLen(rep *metadatapb.TensorRepresentation_VarLenSparseTensor, schema *arrow.Schema) (handler, error) {
	col, dt, err := listColumn(schema, rep.GetColumnName())
	if err != nil {
		return nil, err
	}
	return &varLenHandler{col: col, dtype: dt}, nil
}

func (h *varLenHandler) spec() Spec {
	return Spec{Kind: KindSparse, DType: h.dtype, Shape: []int{-1, -1}}
}

func (h *varLenHandler) tensor(rb arrow.RecordBatch) (Tensor, error) {
	col := rb.Column(h.col)
	values, err := flatten(col)
	if err != nil {
		return nil, err
	}
	rows := col.Len()
	o := listOffsets(col)
	indices := make([]int64, 0, 2*dataLen(values))
	var maxLen int64
	for r := range rows {
		n := rowLength(col, o, r)
		for j := range n {
			indices = append(indices, int64(r), j)
		}
		maxLen = max(maxLen, n)
	}
	return &Sparse{
		Indices:    indices,
		Values:     Dense{DType: h.dtype, Shape: []int{dataLen(values)}, Data: values},
		DenseShape: []int64{int64(rows), maxLen},
	}, nil
}

// sparseHandler is tfx-bsl's _SparseTensorHandler: value j of row i at
// (i, index0[j], index1[j], ...), the indices read from index columns.
type sparseHandler struct {
	idx   []int
	val   int
	dtype DType
	dims  []int64 // dense_shape without the batch dimension; -1 unknown
}

func newSparse(rep *metadatapb.TensorRepresentation_SparseTensor, schema *arrow.Schema) (handler, error) {
	dims := rep.GetDenseShape().GetDim()
	if len(dims) != len(rep.GetIndexColumnNames()) {
		return nil, fmt.Errorf("dense_shape has %d dimensions for %d index columns", len(dims), len(rep.GetIndexColumnNames()))
	}
	h := &sparseHandler{}
	for _, name := range rep.GetIndexColumnNames() {
		col, err := fieldIndex(schema, name)
		if err != nil {
			return nil, err
		}
		depth, vt, err := depthAndValueType(schema, []string{name})
		if err != nil {
			return nil, err
		}
		if depth != 1 || !isInteger(vt) {
			return nil, fmt.Errorf("index column %q is %s, not a list of integers", name, schema.Field(col).Type)
		}
		h.idx = append(h.idx, col)
	}
	var err error
	if h.val, h.dtype, err = listColumn(schema, rep.GetValueColumnName()); err != nil {
		return nil, err
	}
	for _, d := range dims {
		h.dims = append(h.dims, d.GetSize())
	}
	return h, nil
}

func (h *sparseHandler) spec() Spec {
	s := Spec{Kind: KindSparse, DType: h.dtype, Shape: []int{-1}}
	for _, d := range h.dims {
		s.Shape = append(s.Shape, int(max(d, -1)))
	}
	return s
}

func (h *sparseHandler) tensor(rb arrow.RecordBatch) (Tensor, error) {
	col := rb.Column(h.val)
	values, err := flatten(col)
	if err != nil {
		return nil, err
	}
	nnz := dataLen(values)
	rows := col.Len()
	rank := 1 + len(h.idx)

	// The row of every value (GetFlattenedArrayParentIndices).
	parents := make([]int64, 0, nnz)
	o := listOffsets(col)
	for r := range rows {
		for range rowLength(col, o, r) {
			parents = append(parents, int64(r))
		}
	}
	index := make([][]int64, len(h.idx))
	mismatch := false
	for k, c := range h.idx {
		data, err := flatten(rb.Column(c))
		if err != nil {
			return nil, fmt.Errorf("index column %q: %w", rb.ColumnName(c), err)
		}
		index[k] = toInt64s(data)
		mismatch = mismatch || len(index[k]) != nnz
	}
	if mismatch {
		sizes := []string{fmt.Sprint(len(parents))}
		for _, ix := range index {
			sizes = append(sizes, fmt.Sprint(len(ix)))
		}
		return nil, errorf(ErrCOO, "Error constructing the COO for SparseTensor. number of values: %d; size of each index array: [%s]", nnz, strings.Join(sizes, ", "))
	}
	indices := make([]int64, nnz*rank)
	for j := range nnz {
		row := indices[j*rank : (j+1)*rank]
		row[0] = parents[j]
		for k := range index {
			row[k+1] = index[k][j]
		}
	}
	return &Sparse{
		Indices:    indices,
		Values:     Dense{DType: h.dtype, Shape: []int{nnz}, Data: values},
		DenseShape: append([]int64{int64(rows)}, h.dims...),
	}, nil
}
