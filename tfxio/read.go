package tfxio

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/internal/iocount"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// DefaultBatchSize is the number of records in a batch when ReadOptions
// does not say.
const DefaultBatchSize = 1024

// ReadOptions configures [Open]. The zero value reads files in the format
// their names tell, schemaless, in batches of [DefaultBatchSize] on all
// cores.
type ReadOptions struct {
	// Format of every input; "" tells it from the first file's name.
	Format Format

	// Schema, a TFMD schema, fixes the columns of TFRecord input.
	Schema *metadatapb.Schema

	// RecordType of TFRecord input: tf.Example (default) or
	// tf.SequenceExample.
	RecordType example.RecordType

	// ListType and BytesType choose the Arrow types of decoded TFRecord
	// columns (default large_list and large_binary, as tfx-bsl).
	ListType  example.ListType
	BytesType example.BytesType

	// BatchSize is the number of records per batch (TFRecord input).
	BatchSize int

	// Workers decode batches in parallel; default GOMAXPROCS.
	Workers int

	// Allocator for Arrow buffers. The default is memory.DefaultAllocator,
	// except for decoding TFRecord files, whose default recycles the
	// buffers of released batches for later ones: release each batch when
	// done with it, and keep no view into a batch after releasing it.
	Allocator memory.Allocator

	// CSV configures CSV input.
	CSV CSVOptions

	// ArrowSchema, for schemaless TFRecord input, is the schema of every
	// batch, as a first pass over the whole input finds it (and as a
	// [SchemaChangedError] carries it): no first pass is made.
	ArrowSchema *arrow.Schema

	// Speculate, for schemaless TFRecord input, reads it once instead of
	// twice: batches are decoded with the schema of the first records
	// while a goroutine scans every record the decoders read for columns
	// or kinds those did not show. The reader ends only once the scan has
	// confirmed the schema; if the scan finds more, the reader stops with
	// a [*SchemaChangedError] and the caller discards what it has written
	// and reads again (with the error's Schema as ArrowSchema, or without
	// Speculate). inspect convert does.
	Speculate bool

	// Progress, if set, is called with the number of input bytes read as
	// reading proceeds (from several goroutines at once, never
	// concurrently with itself per file).
	Progress func(n int64)

	// Stdin is what the path "-" reads; nil means os.Stdin.
	Stdin io.Reader
}

// stdin returns what the path "-" reads.
func (o *ReadOptions) stdin() io.Reader {
	if o.Stdin != nil {
		return o.Stdin
	}
	return os.Stdin
}

func (o *ReadOptions) allocator() memory.Allocator {
	if o.Allocator == nil {
		return memory.DefaultAllocator
	}
	return o.Allocator
}

// Open returns one reader of record batches over the files that patterns
// name (see [fileset.Expand]), in order. The caller must Release it.
func Open(ctx context.Context, patterns []string, opts ReadOptions) (array.RecordReader, error) {
	paths, err := fileset.Expand(patterns...)
	if err != nil {
		return nil, err
	}
	format := opts.Format
	if format == "" {
		if format, err = DetectFormat(paths[0]); err != nil {
			return nil, err
		}
		for _, p := range paths[1:] {
			if f, err := DetectFormat(p); err == nil && f != format {
				return nil, fmt.Errorf("tfxio: inputs mix formats: %s is %s, %s is %s", paths[0], format, p, f)
			}
		}
	}
	switch format {
	case TFRecord:
		return openTFRecord(ctx, paths, opts)
	case Arrow, ArrowStream:
		return newChain(paths, func(path string) (array.RecordReader, io.Closer, error) {
			return openIPC(path, format, &opts)
		})
	case JSONL:
		return openJSONL(paths, opts)
	case CSV:
		return openCSV(paths, opts)
	case Parquet:
		return newChain(paths, func(path string) (array.RecordReader, io.Closer, error) {
			return openParquet(ctx, path, &opts)
		})
	}
	return nil, fmt.Errorf("tfxio: reading %s is not supported", format)
}

// openFile opens path ("-" is standard input) and counts what is read.
func openFile(path string, opts *ReadOptions) (io.Reader, io.Closer, error) {
	var (
		r io.Reader
		c io.Closer
	)
	if path == fileset.Stdin {
		r, c = opts.stdin(), io.NopCloser(nil)
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		r, c = f, f
	}
	if opts.Progress != nil {
		r = &iocount.Reader{R: r, Add: opts.Progress}
	}
	return r, c, nil
}

// refs is the reference count of a record reader, shared by its Retain
// and Release: the zero value is the one reference of its creator.
type refs struct{ extra atomic.Int64 }

// Retain adds a reference.
func (r *refs) Retain() { r.extra.Add(1) }

// release drops a reference and reports whether it was the last, for the
// caller to free the reader. A release after the last is a bug: it panics.
func (r *refs) release() bool {
	n := r.extra.Add(-1)
	if n < -1 {
		panic("tfxio: too many releases of a record reader")
	}
	return n == -1
}

// openIPC opens one Arrow IPC file or stream.
func openIPC(path string, format Format, opts *ReadOptions) (array.RecordReader, io.Closer, error) {
	r, c, err := openFile(path, opts)
	if err != nil {
		return nil, nil, err
	}
	mem := ipc.WithAllocator(opts.allocator())
	if format == ArrowStream {
		rr, err := ipc.NewReader(r, mem)
		if err != nil {
			c.Close()
			return nil, nil, fmt.Errorf("tfxio: %s: %w", path, err)
		}
		return rr, c, nil
	}
	f, ok := c.(*os.File)
	if !ok {
		return nil, nil, fmt.Errorf("tfxio: %s: the Arrow file format needs a seekable file; use the stream format (.arrows) on pipes", path)
	}
	fr, err := ipc.NewFileReader(f, mem)
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("tfxio: %s: %w", path, err)
	}
	return &ipcFileReader{fr: fr, path: path}, c, nil
}

// ipcFileReader adapts ipc.FileReader to array.RecordReader.
type ipcFileReader struct {
	refs
	fr   *ipc.FileReader
	path string
	i    int
	cur  arrow.RecordBatch
	err  error
}

func (r *ipcFileReader) Schema() *arrow.Schema          { return r.fr.Schema() }
func (r *ipcFileReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *ipcFileReader) Record() arrow.RecordBatch      { return r.cur }
func (r *ipcFileReader) Err() error                     { return r.err }

func (r *ipcFileReader) Release() {
	if !r.refs.release() {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.fr != nil {
		r.fr.Close()
		r.fr = nil
	}
}

func (r *ipcFileReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.err != nil || r.fr == nil || r.i >= r.fr.NumRecords() {
		return false
	}
	rec, err := r.fr.RecordBatchAt(r.i)
	if err != nil {
		r.err = fmt.Errorf("tfxio: %s: batch %d: %w", r.path, r.i, err)
		return false
	}
	r.i++
	r.cur = rec
	return true
}

// chain reads the record readers of several files one after the other. All
// must have the same schema.
type chain struct {
	refs
	paths  []string
	open   func(path string) (array.RecordReader, io.Closer, error)
	i      int
	cur    array.RecordReader
	closer io.Closer
	schema *arrow.Schema
	err    error
}

func newChain(paths []string, open func(string) (array.RecordReader, io.Closer, error)) (*chain, error) {
	c := &chain{paths: paths, open: open}
	if err := c.openNext(); err != nil {
		return nil, err
	}
	c.schema = c.cur.Schema()
	return c, nil
}

func (c *chain) openNext() error {
	rr, closer, err := c.open(c.paths[c.i])
	if err != nil {
		return err
	}
	if c.schema != nil && !c.schema.Equal(rr.Schema()) {
		rr.Release()
		closer.Close()
		return fmt.Errorf("tfxio: %s has another schema than %s:\n%v\nversus\n%v", c.paths[c.i], c.paths[0], rr.Schema(), c.schema)
	}
	c.cur, c.closer = rr, closer
	return nil
}

func (c *chain) closeCur() error {
	if c.cur == nil {
		return nil
	}
	c.cur.Release()
	c.cur = nil
	return c.closer.Close()
}

func (c *chain) Schema() *arrow.Schema { return c.schema }
func (c *chain) Err() error            { return c.err }

func (c *chain) RecordBatch() arrow.RecordBatch {
	if c.cur == nil {
		return nil
	}
	return c.cur.RecordBatch()
}

func (c *chain) Record() arrow.RecordBatch { return c.RecordBatch() }

func (c *chain) Release() {
	if c.refs.release() {
		c.closeCur()
	}
}

func (c *chain) Next() bool {
	for c.err == nil && c.cur != nil {
		if c.cur.Next() {
			return true
		}
		if err := c.cur.Err(); err != nil {
			c.err = err
			c.closeCur()
			return false
		}
		if err := c.closeCur(); err != nil {
			c.err = err
			return false
		}
		c.i++
		if c.i == len(c.paths) {
			return false
		}
		if err := c.openNext(); err != nil {
			c.err = err
			return false
		}
	}
	return false
}
