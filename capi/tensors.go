//go:build cgo

package main

import (
	"encoding/json"
	"strconv"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/tensors"
)

// The roles of a tensor's arrays (GOBSL_ROLE_* in the header).
const (
	roleValues     = 0 // a dense tensor itself, or the values of a sparse or ragged one
	roleIndices    = 1 // sparse: int64 [nnz, rank]
	roleDenseShape = 2 // sparse: int64 [rank]
	roleRowSplits  = 3 // ragged: one per ragged dimension, outermost first
)

// flatArray is one array of a batch's tensors, named as in the .npz files
// of github.com/gobsl/gobsl/tensors: NAME for a dense tensor; NAME.indices,
// NAME.values, NAME.dense_shape for a sparse one; NAME.values,
// NAME.row_splits, NAME.row_splits1, ... for a ragged one.
type flatArray struct {
	name, tensor string
	kind         tensors.Kind
	role, level  int
	dtype        tensors.DType
	shape        []int64
	data         []byte  // the elements, native byte order; Bytes: the values end to end
	offsets      []int64 // Bytes only: len = elements+1
}

// flatten lists the arrays of ts, tensors in names order.
func flatten(names []string, ts map[string]tensors.Tensor) []flatArray {
	var out []flatArray
	for _, name := range names {
		switch t := ts[name].(type) {
		case *tensors.Dense:
			a := denseArray(t)
			a.name, a.tensor, a.kind, a.role = name, name, tensors.KindDense, roleValues
			out = append(out, a)
		case *tensors.Sparse:
			rank := int64(len(t.DenseShape))
			out = append(out,
				flatArray{name: name + ".indices", tensor: name, kind: tensors.KindSparse, role: roleIndices,
					dtype: tensors.Int64, shape: []int64{int64(len(t.Indices)) / max(rank, 1), rank}, data: int64Bytes(t.Indices)})
			v := denseArray(&t.Values)
			v.name, v.tensor, v.kind, v.role = name+".values", name, tensors.KindSparse, roleValues
			out = append(out, v,
				flatArray{name: name + ".dense_shape", tensor: name, kind: tensors.KindSparse, role: roleDenseShape,
					dtype: tensors.Int64, shape: []int64{rank}, data: int64Bytes(t.DenseShape)})
		case *tensors.Ragged:
			v := denseArray(&t.Values)
			v.name, v.tensor, v.kind, v.role = name+".values", name, tensors.KindRagged, roleValues
			out = append(out, v)
			for i := range t.RowSplits {
				s := denseArray(&t.RowSplits[i])
				s.name, s.tensor, s.kind, s.role, s.level = name+".row_splits", name, tensors.KindRagged, roleRowSplits, i
				if i > 0 {
					s.name += itoa(i)
				}
				out = append(out, s)
			}
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// denseArray shares d's memory, except for Bytes, whose values are copied
// end to end with offsets.
func denseArray(d *tensors.Dense) flatArray {
	a := flatArray{dtype: d.DType, shape: make([]int64, len(d.Shape))}
	for i, n := range d.Shape {
		a.shape[i] = int64(n)
	}
	if d.DType != tensors.Bytes {
		a.data = d.RawBytes()
		return a
	}
	vals, _ := d.Data.([][]byte)
	a.offsets = make([]int64, len(vals)+1)
	n := 0
	for _, v := range vals {
		n += len(v)
	}
	a.data = make([]byte, 0, n)
	for i, v := range vals {
		a.data = append(a.data, v...)
		a.offsets[i+1] = int64(len(a.data))
	}
	return a
}

func int64Bytes(v []int64) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*8)
}

// tensorReader converts the batches of a reader into tensors. Its methods
// are serialised: a C caller may use it from any thread.
type tensorReader struct {
	mu    sync.Mutex
	r     array.RecordReader
	ad    *tensors.Adapter
	names []string
}

// tensorBatch holds a record batch and its tensors until the caller frees
// it: the arrays it hands out point into both.
type tensorBatch struct {
	rb     arrow.RecordBatch
	ts     map[string]tensors.Tensor
	arrays []flatArray
	rows   int64
	c      cArrays // C copies of names and shapes, freed with the batch

	mu      sync.Mutex
	formats map[int][]byte // bytesFormat's results, by array
}

// bytesFormat returns the Python struct format of bytes array i ("<" then
// "Ns" for each value of N bytes), made once and kept with the batch.
func (tb *tensorBatch) bytesFormat(i int) ([]byte, error) {
	a := &tb.arrays[i]
	if a.dtype != tensors.Bytes {
		return nil, usagef("array %d (%s) is %s, not bytes", i, a.name, a.dtype)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if f, ok := tb.formats[i]; ok {
		return f, nil
	}
	f := make([]byte, 1, 1+3*(len(a.offsets)-1))
	f[0] = '<'
	for j := 1; j < len(a.offsets); j++ {
		f = strconv.AppendInt(f, a.offsets[j]-a.offsets[j-1], 10)
		f = append(f, 's')
	}
	if tb.formats == nil {
		tb.formats = make(map[int][]byte)
	}
	tb.formats[i] = f
	return f, nil
}

// newTensorReader prepares the conversion of r's batches; it takes over r.
func newTensorReader(r array.RecordReader, o *tensorOptions, s *metadatapb.Schema) (*tensorReader, error) {
	reps, err := representations(r.Schema(), s, o.Columns)
	if err != nil {
		r.Release()
		return nil, err
	}
	switch o.Representation {
	case "", "auto":
	case "ragged":
		for name, rep := range reps {
			if v := rep.GetVarlenSparseTensor(); v != nil {
				reps[name] = &metadatapb.TensorRepresentation{Kind: &metadatapb.TensorRepresentation_RaggedTensor_{
					RaggedTensor: &metadatapb.TensorRepresentation_RaggedTensor{
						FeaturePath: &metadatapb.Path{Step: []string{v.GetColumnName()}}},
				}}
			}
		}
	default:
		r.Release()
		return nil, usagef("unknown representation %q (want auto or ragged)", o.Representation)
	}
	ad, err := tensors.NewAdapter(reps, r.Schema())
	if err != nil {
		r.Release()
		return nil, err
	}
	return &tensorReader{r: r, ad: ad, names: ad.Names()}, nil
}

// representations are the tensor representations of a schema (as tfx-bsl:
// its explicit ones plus those inferred from its features), or, without a
// schema, of the Arrow schema. With columns, only the tensors made of
// those columns are kept.
func representations(as *arrow.Schema, s *metadatapb.Schema, columns []string) (map[string]*metadatapb.TensorRepresentation, error) {
	var reps map[string]*metadatapb.TensorRepresentation
	var err error
	if s != nil {
		reps, err = schema.InferTensorRepresentationsMixed(s)
	} else {
		reps, err = tensors.RepresentationsFromArrow(as)
	}
	if err != nil || columns == nil {
		return reps, err
	}
	have := make(map[string]bool, len(columns))
	for _, c := range columns {
		have[c] = true
	}
	for name, rep := range reps {
		for _, c := range schema.SourceColumns(rep) {
			if !have[c] {
				delete(reps, name)
				break
			}
		}
	}
	return reps, nil
}

// next returns the next batch's tensors, or nil at the end.
func (t *tensorReader) next() (*tensorBatch, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.r == nil {
		return nil, usagef("tensor reader is closed")
	}
	if !t.r.Next() {
		return nil, t.r.Err()
	}
	rb := t.r.RecordBatch()
	rb.Retain()
	ts, err := t.ad.Convert(rb)
	if err != nil {
		rb.Release()
		return nil, err
	}
	return &tensorBatch{rb: rb, ts: ts, arrays: flatten(t.names, ts), rows: rb.NumRows()}, nil
}

func (t *tensorReader) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.r != nil {
		t.r.Release()
		t.r = nil
	}
}

// specJSON describes the tensors a reader makes, as JSON:
// {"NAME": {"kind": "dense", "dtype": "int64", "shape": [-1, 1],
// "ragged_rank": 0, "row_splits_dtype": "int64", "arrays": ["NAME"]}, ...}.
func (t *tensorReader) specJSON() ([]byte, error) {
	type spec struct {
		Kind           string   `json:"kind"`
		DType          string   `json:"dtype"`
		Shape          []int    `json:"shape"`
		RaggedRank     int      `json:"ragged_rank,omitempty"`
		RowSplitsDType string   `json:"row_splits_dtype,omitempty"`
		Arrays         []string `json:"arrays"`
	}
	out := map[string]spec{}
	for name, sp := range t.ad.Specs() {
		s := spec{Kind: sp.Kind.String(), DType: sp.DType.String(), Shape: sp.Shape, RaggedRank: sp.RaggedRank}
		switch sp.Kind {
		case tensors.KindDense:
			s.Arrays = []string{name}
		case tensors.KindSparse:
			s.Arrays = []string{name + ".indices", name + ".values", name + ".dense_shape"}
		case tensors.KindRagged:
			s.RowSplitsDType = sp.RowSplitsDType.String()
			s.Arrays = []string{name + ".values"}
			for i := range sp.RaggedRank {
				if i == 0 {
					s.Arrays = append(s.Arrays, name+".row_splits")
				} else {
					s.Arrays = append(s.Arrays, name+".row_splits"+itoa(i))
				}
			}
		}
		out[name] = s
	}
	return json.Marshal(out)
}
