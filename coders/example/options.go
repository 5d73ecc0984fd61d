package example

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// DefaultSequenceColumn is the name of the struct column that holds the
// feature lists of SequenceExample records, as TFXIO names it.
const DefaultSequenceColumn = "##SEQUENCE##"

// RecordType says which message a serialized record holds.
type RecordType int8

const (
	// Example is a tf.Example record.
	Example RecordType = iota
	// SequenceExample is a tf.SequenceExample record: context features
	// become columns and feature lists one struct column.
	SequenceExample
)

func (t RecordType) String() string {
	switch t {
	case Example:
		return "example"
	case SequenceExample:
		return "sequence_example"
	}
	return fmt.Sprintf("RecordType(%d)", int8(t))
}

// Kind is the value kind of a tf.Feature.
type Kind int8

const (
	KindUnset Kind = iota // a Feature whose oneof is not set
	KindBytes             // bytes_list
	KindFloat             // float_list
	KindInt64             // int64_list
)

// String returns the names tfx-bsl uses in its error messages.
func (k Kind) String() string {
	switch k {
	case KindUnset:
		return "kind-not-set"
	case KindBytes:
		return "bytes_list"
	case KindFloat:
		return "float_list"
	case KindInt64:
		return "int64_list"
	}
	return fmt.Sprintf("Kind(%d)", int8(k))
}

// ListType selects the Arrow list type of decoded columns.
type ListType int8

const (
	LargeList ListType = iota // large_list<T>, as tfx-bsl (the default)
	List                      // list<T>
)

// BytesType selects the Arrow type of bytes_list values.
type BytesType int8

const (
	LargeBinary BytesType = iota // large_binary, as tfx-bsl (the default)
	Binary                       // binary
	String                       // utf8; invalid UTF-8 fails the batch
	LargeString                  // large_utf8; invalid UTF-8 fails the batch
)

// DecodeOptions configures decoding of serialized records into Arrow
// record batches. The zero value decodes tf.Example records without a
// schema into tfx-bsl's types.
type DecodeOptions struct {
	// Schema, if set, fixes the columns (schema order) and their types.
	// Without it, columns are the sorted union of feature names seen in
	// each batch, typed by the first kind seen.
	Schema *metadatapb.Schema

	// ArrowSchema, if set (and Schema is nil), fixes the output schema
	// exactly: every batch has these columns, typed as given (list types
	// of int64/float32/bytes, or arrow.Null for never-typed names). It is
	// what a schemaless decode of a whole input produces when the columns
	// are collected first with a [Scanner]; it lets many batches share one
	// schema.
	ArrowSchema *arrow.Schema

	// RecordType is Example (default) or SequenceExample.
	RecordType RecordType

	// SequenceColumn names the struct column of feature lists;
	// default [DefaultSequenceColumn].
	SequenceColumn string

	ListType  ListType
	BytesType BytesType

	// Allocator allocates the Arrow buffers. The default recycles the
	// buffers of released batches for later ones, which spares the
	// garbage collector and the page faults of fresh memory; unreleased
	// batches are garbage collected as usual. A [BatchReader] then
	// recycles its own batches' buffers first, so that readers running in
	// parallel do not trade buffers (and their cache lines) with each
	// other.
	Allocator memory.Allocator
}

// EncodeOptions configures encoding of Arrow record batches into
// serialized records. The zero value encodes tf.Example records.
type EncodeOptions struct {
	// Schema, if set, supplies tensor_representation_group entries whose
	// ragged_tensor representations drive the encoding of nested lists.
	Schema *metadatapb.Schema

	// RecordType is Example (default) or SequenceExample.
	RecordType RecordType

	// SequenceColumn names the struct column of feature lists;
	// default [DefaultSequenceColumn].
	SequenceColumn string

	// Deterministic writes feature map entries sorted by key (bytewise),
	// as proto.MarshalOptions{Deterministic: true} does, so equal batches
	// give byte-identical records. Without it entries follow the column
	// order, which is stable in practice but not promised.
	Deterministic bool
}

// RecordError reports a record that failed to decode or encode, by its
// index in the batch (row index when encoding).
type RecordError struct {
	Index int
	Err   error
}

func (e *RecordError) Error() string { return fmt.Sprintf("example: record %d: %v", e.Index, e.Err) }
func (e *RecordError) Unwrap() error { return e.Err }
