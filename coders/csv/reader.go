package csv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/internal/ordered"
)

// Reader reads CSV input as Arrow record batches. It implements
// [array.RecordReader]: call Next until it returns false, then Err, and
// Release it.
//
// Records are found, split into fields and converted on Options.Workers
// goroutines, the caller's included: Next converts batches itself while
// the one it returns next is being converted elsewhere.
type Reader struct {
	refs  atomic.Int64
	cfg   *config
	plan  *plan
	sc    *scanner
	names []string

	pull   *ordered.Puller[*batch, arrow.RecordBatch] // made by the first Next
	closed bool

	cur arrow.RecordBatch
	err error

	batches sync.Pool
	workers sync.Pool
}

var _ array.RecordReader = (*Reader)(nil)

// NewReader returns a Reader of r that produces batches of the given
// Arrow schema: each field is a column of the input, of type
// large_list<int64>, large_list<float32>, large_list<large_binary> or
// null, or the raw record column (large_list<large_binary>); other
// columns are dropped. [Infer] returns such a schema.
//
// With a nil schema, the schema is opts.Schema's (a TFMD schema) or else
// inferred, as Infer does, before reading: inferring from every row
// (opts.InferRows 0) reads the input twice, which needs r to be an
// [io.Seeker]; inferring from the first N rows keeps what inference read
// in memory to read it again.
//
// The header (unless opts.ColumnNames is set) is read before NewReader
// returns.
func NewReader(r io.Reader, schema *arrow.Schema, opts Options) (*Reader, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	if schema != nil && cfg.schema != nil {
		return nil, errors.New("csv: NewReader: both an Arrow schema and Options.Schema are given; pass one")
	}
	if schema == nil && cfg.schema == nil {
		if r, schema, err = inferFirst(r, opts, cfg); err != nil {
			return nil, err
		}
	}
	sc := newScanner(r, cfg, len(cfg.names))
	names := cfg.names
	if names == nil {
		if names, err = readHeader(sc, cfg); err != nil {
			return nil, err
		}
		if err := cfg.checkNames(names); err != nil {
			return nil, err
		}
		sc.limit = cfg.recordLimit(len(names))
	}
	var p *plan
	if schema != nil {
		p, err = planFromArrow(cfg, names, schema)
	} else {
		var types []colType
		if types, err = typesFromTFMD(cfg.schema, names); err == nil {
			p = newPlan(cfg, names, types)
		}
	}
	if err != nil {
		return nil, err
	}
	return &Reader{cfg: cfg, plan: p, sc: sc, names: names}, nil
}

// inferFirst infers the schema of r and returns a reader of r from the
// start again.
func inferFirst(r io.Reader, opts Options, cfg *config) (io.Reader, *arrow.Schema, error) {
	if sk, ok := r.(io.Seeker); ok {
		if start, err := sk.Seek(0, io.SeekCurrent); err == nil {
			schema, err := Infer(r, opts)
			if err != nil {
				return nil, nil, err
			}
			if _, err := sk.Seek(start, io.SeekStart); err != nil {
				return nil, nil, fmt.Errorf("csv: seeking back after type inference: %w", err)
			}
			return r, schema, nil
		}
	}
	if cfg.inferRows == 0 {
		return nil, nil, errors.New("csv: NewReader: inferring types from every row reads the input twice, which needs an io.Seeker; pass a schema from Infer, Options.Schema, or set Options.InferRows")
	}
	var spool bytes.Buffer
	schema, err := Infer(io.TeeReader(r, &spool), opts)
	if err != nil {
		return nil, nil, err
	}
	return io.MultiReader(&spool, r), schema, nil
}

// Schema returns the schema of the batches.
func (r *Reader) Schema() *arrow.Schema { return r.plan.schema }

// ColumnNames returns the names of the input's columns, from the header
// or Options.ColumnNames, including any the schema drops.
func (r *Reader) ColumnNames() []string { return slices.Clip(r.names) }

// RecordBatch returns the current batch. It is valid until the next call
// to Next or Release; Retain it to keep it longer.
func (r *Reader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record returns the current batch.
//
// Deprecated: use [Reader.RecordBatch].
func (r *Reader) Record() arrow.RecordBatch { return r.cur }

// Err returns the error that stopped Next, or nil at the end of the
// input. Errors about the input are [*ParseError]s.
func (r *Reader) Err() error { return r.err }

// Retain adds a reference to the reader.
func (r *Reader) Retain() { r.refs.Add(1) }

// Release removes a reference; the last one stops the reader's goroutines
// (waiting for a Read of the input in progress to return) and releases
// the current batch.
func (r *Reader) Release() {
	if r.refs.Add(-1) >= 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.pull != nil {
		r.pull.Close()
	}
	r.closed = true
}

// Next reads the next batch, reporting false at the end of the input or
// on an error (see Err).
func (r *Reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.closed {
		return false
	}
	if r.pull == nil {
		r.start()
	}
	rb, err := r.pull.Next()
	if err != nil {
		if err != io.EOF {
			r.err = err
		}
		r.closed = true
		return false
	}
	r.cur = rb
	return true
}

// start runs the pipeline: the scanner fills batches and workers convert
// them, and Next returns them in order.
func (r *Reader) start() {
	cfg := r.cfg
	src := func() (*batch, error) {
		b, _ := r.batches.Get().(*batch)
		if b == nil {
			b = new(batch)
		}
		if err := r.sc.fill(b, cfg.batchSize, !cfg.keepBlank); err != nil {
			return nil, r.plan.named(err)
		}
		return b, nil
	}
	convert := func(b *batch) (arrow.RecordBatch, error) {
		w, _ := r.workers.Get().(*worker)
		if w == nil {
			w = newWorker(cfg.maxField)
		}
		rb, err := r.plan.convert(w, b)
		r.workers.Put(w)
		r.batches.Put(b)
		return rb, err
	}
	r.pull = ordered.NewPuller(context.Background(), cfg.workers, src, convert)
}
