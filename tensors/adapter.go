package tensors

import (
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"google.golang.org/protobuf/encoding/prototext"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Spec is the static type of a tensor, as tfx-bsl's TypeSpecs: what every
// batch's tensor of that name will be.
type Spec struct {
	Kind  Kind
	DType DType
	// Shape, batch dimension first; -1 for a size that varies from batch
	// to batch or row to row (the batch dimension always).
	Shape []int
	// RaggedRank is the number of ragged dimensions of a ragged tensor
	// (len(Ragged.RowSplits)).
	RaggedRank int
	// RowSplitsDType of a ragged tensor: Int64, or Int32 for
	// row_partition_dtype INT32.
	RowSplitsDType DType
}

// handler converts one tensor of a batch, as tfx-bsl's _TypeHandler.
type handler interface {
	spec() Spec
	tensor(rb arrow.RecordBatch) (Tensor, error)
}

// Adapter converts record batches of one Arrow schema into tensors, as
// tfx-bsl's TensorAdapter. Its methods are safe for concurrent use.
type Adapter struct {
	schema   *arrow.Schema
	names    []string
	handlers []handler
}

// NewAdapter checks that every tensor representation can be made from
// columns of schema, and prepares the conversion. The errors match
// [ErrUnhandled] or [ErrDefaultValue].
func NewAdapter(reps map[string]*metadatapb.TensorRepresentation, schema *arrow.Schema) (*Adapter, error) {
	a := &Adapter{schema: schema, names: slices.Sorted(maps.Keys(reps))}
	for _, name := range a.names {
		h, err := newHandler(name, reps[name], schema)
		if err != nil {
			return nil, err
		}
		a.handlers = append(a.handlers, h)
	}
	return a, nil
}

func newHandler(name string, rep *metadatapb.TensorRepresentation, schema *arrow.Schema) (handler, error) {
	var (
		h   handler
		err error
	)
	switch rep.GetKind().(type) {
	case *metadatapb.TensorRepresentation_DenseTensor_:
		h, err = newDense(name, rep.GetDenseTensor(), schema)
	case *metadatapb.TensorRepresentation_VarlenSparseTensor:
		h, err = newVarLen(rep.GetVarlenSparseTensor(), schema)
	case *metadatapb.TensorRepresentation_SparseTensor_:
		h, err = newSparse(rep.GetSparseTensor(), schema)
	case *metadatapb.TensorRepresentation_RaggedTensor_:
		h, err = newRagged(rep.GetRaggedTensor(), schema)
	default:
		return nil, errorf(ErrUnhandled, "tensors: Unable to handle tensor %s with rep {%s}", name, repString(rep))
	}
	if err == nil {
		return h, nil
	}
	if errors.Is(err, ErrDefaultValue) {
		return nil, err
	}
	return nil, errorf(ErrUnhandled, "tensors: Unable to handle tensor %s with rep {%s} against the schema: %v", name, repString(rep), err)
}

func repString(rep *metadatapb.TensorRepresentation) string {
	// prototext spaces its output at random; make it stable.
	return strings.Join(strings.Fields(prototext.MarshalOptions{}.Format(rep)), " ")
}

// Schema is the Arrow schema of the batches Convert takes.
func (a *Adapter) Schema() *arrow.Schema { return a.schema }

// Names returns the names of the tensors, sorted.
func (a *Adapter) Names() []string { return slices.Clone(a.names) }

// Specs returns the type of every tensor by name.
func (a *Adapter) Specs() map[string]Spec {
	m := make(map[string]Spec, len(a.names))
	for i, n := range a.names {
		m[n] = a.handlers[i].spec()
	}
	return m
}

// Convert turns a record batch into tensors, by name.
//
// The tensors share memory with rb wherever its Arrow buffers already have
// the tensor's layout: the values of a list column without nulls are the
// dense values, list offsets are row splits. They are valid as long as rb
// is: until it is released, or, from a RecordReader, until the next call
// to Next. [Tensor.Clone] makes a copy that outlives it.
//
// A batch with another schema is [ErrSchemaMismatch]; an error converting
// one tensor is a [*TensorError] that names it.
func (a *Adapter) Convert(rb arrow.RecordBatch) (map[string]Tensor, error) {
	if !rb.Schema().Equal(a.schema) {
		return nil, ErrSchemaMismatch
	}
	out := make(map[string]Tensor, len(a.names))
	for i, name := range a.names {
		t, err := a.handlers[i].tensor(rb)
		if err != nil {
			return nil, &TensorError{Name: name, Err: err}
		}
		out[name] = t
	}
	return out, nil
}

// All converts every batch of r. Each map is valid until the next
// iteration (see [Adapter.Convert]). A conversion or read error is yielded
// once, with a nil map, and ends the sequence. All does not release r.
func (a *Adapter) All(r array.RecordReader) iter.Seq2[map[string]Tensor, error] {
	return func(yield func(map[string]Tensor, error) bool) {
		for r.Next() {
			ts, err := a.Convert(r.RecordBatch())
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(ts, nil) {
				return
			}
		}
		if err := r.Err(); err != nil {
			yield(nil, err)
		}
	}
}
