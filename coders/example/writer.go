package example

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/internal/ordered"
)

// RecordSink receives serialized records, one call per record, in order.
// A *tfrecord.Writer is one. Write must not keep rec after it returns.
type RecordSink interface {
	Write(rec []byte) error
}

// EncodeAll encodes every batch of rr with opts and writes the records to
// sink in input order. It encodes up to workers batches at once
// (GOMAXPROCS when workers <= 0), each with an [Encoder] of its own, and
// returns the number of records written.
//
// The first error stops it: from rr, from encoding (a [*RecordError] whose
// Index counts rows from the start of rr), from sink, or ctx's. Records
// of the batches before the failing one have all been written; none after.
// Every batch EncodeAll retains is released before it returns.
func EncodeAll(ctx context.Context, rr array.RecordReader, opts EncodeOptions, workers int, sink RecordSink) (n int64, err error) {
	first, err := opts.NewEncoder(rr.Schema())
	if err != nil {
		return 0, err
	}
	// Encoders for the workers, made as needed (each holds its records
	// until the sink has written them); at the end their memory goes to
	// the next EncodeAll.
	var made []*Encoder
	var madeMu sync.Mutex
	defer func() {
		for _, e := range made {
			e.giveScratch()
		}
	}()
	encoders := sync.Pool{New: func() any {
		e, err := opts.NewEncoder(rr.Schema())
		if err != nil {
			panic("example: NewEncoder failed on a schema it accepted: " + err.Error())
		}
		e.takeScratch()
		madeMu.Lock()
		made = append(made, e)
		madeMu.Unlock()
		return &encodedBatch{enc: e}
	}}
	first.takeScratch()
	made = append(made, first)
	encoders.Put(&encodedBatch{enc: first})

	var row int64 // first row of the next batch
	src := func() (*heldBatch, error) {
		if !rr.Next() {
			if err := rr.Err(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		rb := rr.RecordBatch()
		rb.Retain() // rr may release it on the next call to Next
		b := &heldBatch{rb: rb, row: row}
		row += rb.NumRows()
		return b, nil
	}
	// Map passes every batch src returns to encode, which releases it.
	encode := func(b *heldBatch) (*encodedBatch, error) {
		defer b.rb.Release()
		e := encoders.Get().(*encodedBatch)
		recs, err := e.enc.Encode(b.rb, e.recs[:0])
		if err != nil {
			encoders.Put(e)
			var re *RecordError
			if errors.As(err, &re) {
				return nil, &RecordError{Index: int(b.row) + re.Index, Err: re.Err}
			}
			return nil, err
		}
		e.recs, e.pool = recs, &encoders
		return e, nil
	}
	write := func(e *encodedBatch) error {
		defer e.Release()
		for _, r := range e.recs {
			if err := sink.Write(r); err != nil {
				return fmt.Errorf("example: writing record %d: %w", n, err)
			}
			n++
		}
		return nil
	}
	err = ordered.Map(ctx, workers, src, encode, write)
	return n, err
}

type heldBatch struct {
	rb  arrow.RecordBatch
	row int64
}

// encodedBatch is an Encoder with the records of the last batch it
// encoded, which live in its arena until the batch is released.
type encodedBatch struct {
	enc  *Encoder
	recs [][]byte
	pool *sync.Pool // where Release puts it back; nil once released
}

// Release gives the Encoder back for another batch.
func (e *encodedBatch) Release() {
	if p := e.pool; p != nil {
		e.pool = nil
		clear(e.recs)
		p.Put(e)
	}
}
