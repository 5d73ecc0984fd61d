package pqwrite

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Writer writes record batches of one schema to a Parquet file. Batches go
// into buffered row groups of up to the properties' MaxRowGroupLength rows,
// split across row groups as [pqarrow.FileWriter.WriteBuffered] splits
// them. It stores the Arrow schema in the file (as [pqarrow.WithStoreSchema]).
//
// A Writer is not safe for concurrent use; it runs its own goroutines
// during Write.
type Writer struct {
	schema  *arrow.Schema
	props   *parquet.WriterProperties
	workers int

	// fallback writes schemas whose levels this package does not compute.
	fallback *pqarrow.FileWriter

	fw     *file.Writer
	rgw    file.BufferedRowGroupWriter
	rgRows int64
	leaves []*leaf
	closed bool
	err    error // sticky: a failed column leaves the row group unusable
}

// NewWriter starts a Parquet file on w for batches of schema. Buffers come
// from mem (nil: memory.DefaultAllocator) and the given properties are
// used unchanged except for their allocator. Up to workers goroutines
// (below 1: one) write the leaf columns of a batch.
func NewWriter(schema *arrow.Schema, w io.Writer, props *parquet.WriterProperties, mem memory.Allocator, workers int) (*Writer, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if props == nil {
		props = parquet.NewWriterProperties(parquet.WithAllocator(mem))
	}
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem))
	wr := &Writer{schema: schema, props: props, workers: max(workers, 1)}

	leaves, ok := planLeaves(schema)
	if !ok {
		fw, err := pqarrow.NewFileWriter(schema, w, props, arrProps)
		if err != nil {
			return nil, err
		}
		wr.fallback = fw
		return wr, nil
	}
	pqschema, err := pqarrow.ToParquet(schema, props, arrProps)
	if err != nil {
		return nil, err
	}
	if pqschema.NumColumns() != len(leaves) {
		return nil, fmt.Errorf("pqwrite: %d Parquet columns for %d Arrow leaves", pqschema.NumColumns(), len(leaves))
	}
	// The key-value metadata pqarrow.NewFileWriter writes: the schema's
	// own, then the Arrow schema with list elements named "element", as
	// the Parquet groups are.
	meta := make(metadata.KeyValueMetadata, 0)
	md := schema.Metadata()
	for i := range md.Len() {
		meta.Append(md.Keys()[i], md.Values()[i])
	}
	stored := flight.SerializeSchema(elementNamed(schema), props.Allocator())
	meta.Append("ARROW:schema", base64.StdEncoding.EncodeToString(stored))
	fw, err := file.NewParquetWriterWithError(w, pqschema.Root(), file.WithWriterProps(props), file.WithWriteMetadata(meta))
	if err != nil {
		return nil, err
	}
	for _, l := range leaves {
		l.ctx = pqarrow.NewArrowWriteContext(context.Background(), &arrProps) // copies arrProps
	}
	wr.fw, wr.leaves = fw, leaves
	return wr, nil
}

// Concurrent reports whether the Writer writes columns concurrently, or
// has fallen back to pqarrow's serial writer for its schema.
func (w *Writer) Concurrent() bool { return w.fallback == nil }

// Write appends the batch, whose schema must equal the Writer's.
func (w *Writer) Write(rb arrow.RecordBatch) error {
	if w.closed {
		return errors.New("pqwrite: Write after Close")
	}
	if w.fallback != nil {
		return w.fallback.WriteBuffered(rb)
	}
	if w.err != nil {
		return w.err
	}
	if !rb.Schema().Equal(w.schema) {
		return fmt.Errorf("pqwrite: record schema does not match writer's.\nrecord: %s\nwriter: %s", rb.Schema(), w.schema)
	}
	maxRows := w.props.MaxRowGroupLength()
	n := rb.NumRows()
	if w.rgw == nil {
		if err := w.newRowGroup(); err != nil {
			return err
		}
	}
	for off := int64(0); ; {
		if w.rgRows == maxRows && off < n {
			if err := w.newRowGroup(); err != nil {
				return err
			}
		}
		size := min(maxRows-w.rgRows, n-off)
		if size > 0 {
			if err := w.writeRange(rb, off, size); err != nil {
				w.err = err
				return err
			}
		}
		off += size
		if off >= n {
			return nil
		}
	}
}

func (w *Writer) newRowGroup() error {
	if w.rgw != nil {
		if err := w.closeRowGroup(); err != nil {
			return err
		}
	}
	rgw, err := w.fw.AppendBufferedRowGroupChecked()
	if err != nil {
		w.err = err
		return err
	}
	w.rgw, w.rgRows = rgw, 0
	return nil
}

// writeRange writes rows [off, off+size) of rb to the current row group,
// leaves in parallel.
func (w *Writer) writeRange(rb arrow.RecordBatch, off, size int64) error {
	cols := rb.Columns()
	if off != 0 || size != rb.NumRows() {
		sliced := make([]arrow.Array, len(cols))
		for i, c := range cols {
			sliced[i] = array.NewSlice(c, off, off+size)
			defer sliced[i].Release()
		}
		cols = sliced
	}
	err := w.each(func(l *leaf, cw file.ColumnChunkWriter) error {
		return l.write(l.ctx, cw, cols[l.col])
	})
	if err != nil {
		return err
	}
	w.rgRows += size
	return nil
}

// closeRowGroup closes the current row group. arrow-go closes its columns
// one after another; the pages of columns without a dictionary are
// compressed here first, in parallel (Close would compress them at the
// same point: the bytes are the same). A dictionary column's data pages
// must follow its dictionary page, which only Close writes.
func (w *Writer) closeRowGroup() error {
	err := w.each(func(l *leaf, cw file.ColumnChunkWriter) error {
		f, ok := cw.(interface{ FlushBufferedDataPages() error })
		if !ok || w.props.DictionaryEnabledFor(cw.Descr().Path()) {
			return nil
		}
		return f.FlushBufferedDataPages()
	})
	if err == nil {
		err = w.rgw.Close()
	}
	if err != nil {
		w.err = err
	}
	return err
}

// each calls fn for every leaf and its column writer in the current row
// group, on up to w.workers goroutines; it returns the first error.
func (w *Writer) each(fn func(l *leaf, cw file.ColumnChunkWriter) error) error {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		first error
	)
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(w.leaves) {
				return
			}
			l := w.leaves[i]
			cw, err := w.rgw.Column(i)
			if err == nil {
				err = fn(l, cw)
			}
			if err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("pqwrite: column %q: %w", w.schema.Field(l.col).Name, err)
				}
				mu.Unlock()
			}
		}
	}
	var wg sync.WaitGroup
	for range min(w.workers, len(w.leaves)) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	return first
}

// Close writes the last row group and the footer. It does not close the
// underlying writer unless it is an io.Closer (as file.Writer does).
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.fallback != nil {
		return w.fallback.Close()
	}
	if w.err != nil {
		// The file is unusable: release its buffers and close the sink
		// (closing the unequal row group fails; no footer is written).
		w.fw.Close()
		return w.err
	}
	if w.rgw != nil {
		if err := w.closeRowGroup(); err != nil {
			w.fw.Close()
			return err
		}
	}
	return w.fw.Close()
}

// elementNamed returns schema with list elements named "element", the
// Arrow schema pqarrow stores next to the Parquet groups it writes.
func elementNamed(schema *arrow.Schema) *arrow.Schema {
	fields := make([]arrow.Field, schema.NumFields())
	for i, f := range schema.Fields() {
		fields[i] = elementField(f)
	}
	md := schema.Metadata()
	return arrow.NewSchema(fields, &md)
}

func elementField(f arrow.Field) arrow.Field {
	switch dt := f.Type.(type) {
	case *arrow.ListType:
		e := elementField(dt.ElemField())
		e.Name = "element"
		return arrow.Field{Name: f.Name, Type: arrow.ListOfField(e), Nullable: f.Nullable, Metadata: f.Metadata}
	case *arrow.LargeListType:
		e := elementField(dt.ElemField())
		e.Name = "element"
		return arrow.Field{Name: f.Name, Type: arrow.LargeListOfField(e), Nullable: f.Nullable, Metadata: f.Metadata}
	case *arrow.StructType:
		fields := make([]arrow.Field, dt.NumFields())
		for i := range fields {
			fields[i] = elementField(dt.Field(i))
		}
		return arrow.Field{Name: f.Name, Type: arrow.StructOf(fields...), Nullable: f.Nullable, Metadata: f.Metadata}
	}
	return f
}
