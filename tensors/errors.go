package tensors

import (
	"errors"
	"fmt"
)

// Errors. The texts after "tensors: " are tfx-bsl's, so that logs read
// alike; test with [errors.Is].
var (
	// ErrUnhandled: no handler fits a tensor representation and the Arrow
	// schema ("Unable to handle tensor NAME with rep ..."): the
	// representation is empty, a column is missing or has the wrong type
	// or nesting, a sparse dense_shape has the wrong rank, a ragged path
	// ends at a struct or has no list on it.
	ErrUnhandled = errors.New("tensors: Unable to handle tensor")

	// ErrDefaultValue: a dense_tensor default_value whose kind does not
	// match the column, or an integer out of the column's range.
	ErrDefaultValue = errors.New("tensors: invalid default value")

	// ErrSchemaMismatch: a record batch whose schema differs from the
	// adapter's ("Expected same schema.").
	ErrSchemaMismatch = errors.New("tensors: Expected same schema.")

	// ErrSizeMismatch: a dense tensor's column does not have
	// rows × prod(shape) values.
	ErrSizeMismatch = errors.New("tensors: size mismatch")

	// ErrCOO: a sparse tensor's index columns and value column hold
	// different numbers of values.
	ErrCOO = errors.New("tensors: Error constructing the COO for SparseTensor")

	// ErrSliced: a ragged tensor's column is a slice (non-zero Arrow
	// offset, or list offsets that do not start at 0).
	ErrSliced = errors.New("tensors: This record batch is sliced. We currently do not handle converting slices to RaggedTensors.")

	// ErrPartition: a ragged tensor's values do not fit its partitions
	// (uniform_row_length does not divide, row lengths do not sum up).
	ErrPartition = errors.New("tensors: ragged partition mismatch")

	// ErrNull: a null inside a list (a tensor has no place for it), or a
	// null row that still has values under a ragged tensor.
	ErrNull = errors.New("tensors: null value")

	// ErrSchema: a TFMD schema from which no tensor representations can be
	// inferred (a dense feature that is not always present, a sparse
	// feature referring to a missing feature, ...).
	ErrSchema = errors.New("tensors: invalid schema")

	// ErrIncompatible: batches given to a [Concat] whose tensors differ in
	// names, kinds, types or inner shapes.
	ErrIncompatible = errors.New("tensors: incompatible batches")
)

// TensorError is an error converting one tensor of a batch
// ("Error raised when handling tensor 'NAME'").
type TensorError struct {
	Name string // the tensor's name
	Err  error
}

func (e *TensorError) Error() string {
	return fmt.Sprintf("tensors: Error raised when handling tensor '%s': %v", e.Name, e.Err)
}

func (e *TensorError) Unwrap() error { return e.Err }

// sentinelError has its own text and matches a sentinel.
type sentinelError struct {
	msg      string
	sentinel error
}

func (e *sentinelError) Error() string { return e.msg }
func (e *sentinelError) Unwrap() error { return e.sentinel }

// errorf formats an error that matches sentinel with errors.Is, without
// repeating the sentinel's text.
func errorf(sentinel error, format string, args ...any) error {
	return &sentinelError{msg: fmt.Sprintf(format, args...), sentinel: sentinel}
}
