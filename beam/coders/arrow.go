package coders

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

func init() {
	beam.RegisterCoder(reflect.TypeOf((*arrow.RecordBatch)(nil)).Elem(), EncodeBatch, DecodeBatch)
	beam.RegisterCoder(reflect.TypeOf((*arrow.Schema)(nil)), EncodeSchema, DecodeSchema)
}

// mem allocates the batches of a pipeline: the Go heap, so that batches
// that a runner hands from step to step need no Release.
var mem = memory.NewGoAllocator()

// EncodeBatch returns a record batch as an Arrow IPC stream: its schema,
// the batch and the end-of-stream marker. It is the Beam coder of
// arrow.RecordBatch elements.
func EncodeBatch(rb arrow.RecordBatch) ([]byte, error) {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(rb.Schema()), ipc.WithAllocator(mem))
	if err := w.Write(rb); err != nil {
		w.Close()
		return nil, fmt.Errorf("coders: encoding a record batch: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("coders: encoding a record batch: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodeBatch decodes what EncodeBatch encodes: an Arrow IPC stream of
// exactly one record batch.
func DecodeBatch(b []byte) (arrow.RecordBatch, error) {
	r, err := ipc.NewReader(bytes.NewReader(b), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("coders: decoding a record batch: %w", err)
	}
	defer r.Release()
	if !r.Next() {
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("coders: decoding a record batch: %w", err)
		}
		return nil, fmt.Errorf("coders: decoding a record batch: the stream holds none")
	}
	rb := r.RecordBatch()
	rb.Retain()
	if r.Next() {
		rb.Release()
		return nil, fmt.Errorf("coders: decoding a record batch: the stream holds more than one")
	}
	return rb, nil
}

// EncodeSchema returns an Arrow schema as an Arrow IPC stream with no
// batches. It is the Beam coder of *arrow.Schema elements.
func EncodeSchema(s *arrow.Schema) ([]byte, error) {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(s), ipc.WithAllocator(mem))
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("coders: encoding a schema: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodeSchema decodes what EncodeSchema encodes.
func DecodeSchema(b []byte) (*arrow.Schema, error) {
	r, err := ipc.NewReader(bytes.NewReader(b), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("coders: decoding a schema: %w", err)
	}
	defer r.Release()
	return r.Schema(), nil
}
