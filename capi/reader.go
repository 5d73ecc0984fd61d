//go:build cgo

package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tfxio"
)

// panicError is a recovered Go panic: a bug, reported as GOBSL_EINTERNAL
// with its stack instead of crashing the host process.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string {
	return fmt.Sprintf("gobsl: internal error (please report): panic: %v\n%s", e.value, e.stack)
}

func newPanicError(v any) *panicError { return &panicError{value: v, stack: string(debug.Stack())} }

// openPatterns opens a reader over the files that patterns name, as the
// CLI does: fileset.Expand, then tfxio.Open; then keeps columns.
func openPatterns(ctx context.Context, patterns []string, o *readOptions, s *metadatapb.Schema) (array.RecordReader, error) {
	if len(patterns) == 0 {
		return nil, usagef("no input files")
	}
	ro, err := o.tfxio(s)
	if err != nil {
		return nil, err
	}
	paths, err := fileset.Expand(patterns...)
	if err != nil {
		return nil, err
	}
	r, err := tfxio.Open(ctx, paths, ro)
	if err != nil {
		return nil, err
	}
	return project(safe(r), o.Columns)
}

// safeReader turns a panic in the reader it wraps into its error, so that
// none escapes through the Arrow C stream callbacks (which arrow-go runs
// without recovering).
type safeReader struct {
	array.RecordReader
	err error
}

func safe(r array.RecordReader) array.RecordReader { return &safeReader{RecordReader: r} }

func (r *safeReader) Next() (ok bool) {
	if r.err != nil {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			r.err, ok = newPanicError(p), false
		}
	}()
	return r.RecordReader.Next()
}

func (r *safeReader) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.RecordReader.Err()
}

func (r *safeReader) Release() {
	defer func() { _ = recover() }() // nothing to report it to
	r.RecordReader.Release()
}

// projectReader keeps some columns of each batch, in the order asked.
type projectReader struct {
	refs   atomic.Int64
	src    array.RecordReader
	idx    []int
	schema *arrow.Schema
	cur    arrow.RecordBatch
}

// project returns a reader of the columns of r that cols names, in that
// order; nil cols keeps r as it is. It takes over r.
func project(r array.RecordReader, cols []string) (array.RecordReader, error) {
	if cols == nil {
		return r, nil
	}
	s := r.Schema()
	idx := make([]int, len(cols))
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		found := s.FieldIndices(c)
		if len(found) != 1 {
			r.Release()
			if len(found) == 0 {
				return nil, usagef("no column %q in the data (columns: %s)", c, columnList(s))
			}
			return nil, usagef("%d columns are named %q", len(found), c)
		}
		idx[i], fields[i] = found[0], s.Field(found[0])
	}
	md := s.Metadata()
	p := &projectReader{src: r, idx: idx, schema: arrow.NewSchema(fields, &md)}
	p.refs.Store(1)
	return p, nil
}

func columnList(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = fmt.Sprintf("%q", f.Name)
	}
	if len(names) > 20 {
		names = append(names[:20], fmt.Sprintf("... %d more", len(names)-20))
	}
	return strings.Join(names, ", ")
}

func (p *projectReader) Schema() *arrow.Schema { return p.schema }

func (p *projectReader) Next() bool {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	if !p.src.Next() {
		return false
	}
	rb := p.src.RecordBatch()
	cols := make([]arrow.Array, len(p.idx))
	for i, j := range p.idx {
		cols[i] = rb.Column(j)
	}
	p.cur = array.NewRecordBatch(p.schema, cols, rb.NumRows())
	return true
}

func (p *projectReader) RecordBatch() arrow.RecordBatch { return p.cur }

// Record is RecordBatch under the name arrow-go's interface still has.
func (p *projectReader) Record() arrow.RecordBatch { return p.cur }

func (p *projectReader) Err() error { return p.src.Err() }

func (p *projectReader) Retain() { p.refs.Add(1) }

func (p *projectReader) Release() {
	switch n := p.refs.Add(-1); {
	case n == 0:
		if p.cur != nil {
			p.cur.Release()
			p.cur = nil
		}
		p.src.Release()
	case n < 0:
		panic("capi: too many releases of a projected reader")
	}
}

var _ array.RecordReader = (*projectReader)(nil)
