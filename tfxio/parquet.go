package tfxio

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/internal/pqwrite"
)

// openParquet opens one Parquet file as a record reader. The Arrow schema
// stored by writers that store it (gobsl, pyarrow) is restored, so list
// and large_list types survive.
func openParquet(ctx context.Context, path string, opts *ReadOptions) (array.RecordReader, io.Closer, error) {
	if path == fileset.Stdin {
		return nil, nil, fmt.Errorf("tfxio: Parquet needs a seekable file, not standard input")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var rs parquet.ReaderAtSeeker = f
	if opts.Progress != nil {
		rs = &countingReaderAt{f: f, fn: opts.Progress}
	}
	pf, err := file.NewParquetReader(rs, file.WithReadProps(parquet.NewReaderProperties(opts.allocator())))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("tfxio: %s: %w", path, err)
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = 64 << 10
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: int64(batch), Parallel: true}, opts.allocator())
	if err != nil {
		pf.Close()
		return nil, nil, fmt.Errorf("tfxio: %s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		pf.Close()
		return nil, nil, fmt.Errorf("tfxio: %s: %w", path, err)
	}
	return &namedReader{RecordReader: rr, path: path}, pf, nil
}

// namedReader adds the file name to a reader's error.
type namedReader struct {
	array.RecordReader
	path string
}

func (r *namedReader) Err() error {
	if err := r.RecordReader.Err(); err != nil && err != io.EOF {
		return fmt.Errorf("tfxio: %s: %w", r.path, err)
	}
	return nil
}

// countingReaderAt reports the bytes read from a file read at offsets.
type countingReaderAt struct {
	f  *os.File
	fn func(int64)
}

func (c *countingReaderAt) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.fn(int64(n))
	return n, err
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.f.ReadAt(p, off)
	c.fn(int64(n))
	return n, err
}

func (c *countingReaderAt) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }

// parquetPageSize is the size at which a data page is cut. It keeps pages
// under zstd's 128 KiB block: klauspost/compress compresses one block
// without history, but a larger input makes the encoder allocate a 16 MiB
// history (twice its 8 MiB window). arrow-go keeps its zstd encoders in a
// sync.Pool, which the GC drains, so with arrow-go's default 1 MiB pages a
// convert allocated 16 MiB histories all along: the live heap jumped from
// about 20 to 55 MB when two or three were reachable, the GC let the heap
// grow to twice that, and long inputs got there (fragmenting it) while
// short ones ended first, so peak RSS grew with the input (BENCHMARKS.md).
// A page overruns the limit by up to one write batch of 1024 values:
// 64 KiB leaves room for values of up to 64 bytes on average (longer ones
// still work, with a history). Files grow by 2-3 %.
const parquetPageSize = 64 << 10

// parquetWriter writes one Parquet file, or shards that take batches in
// turn.
type parquetWriter struct {
	schema *arrow.Schema
	outs   []*fileset.File
	ws     []*pqwrite.Writer
	next   int
	closed bool
}

func createParquet(path string, schema *arrow.Schema, opts WriteOptions) (Writer, error) {
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	names := []string{path}
	if opts.Shards > 1 {
		if path == fileset.Stdin {
			return nil, fmt.Errorf("tfxio: sharded output needs a file name, not -")
		}
		prefix := strings.TrimSuffix(path, ".parquet")
		names = names[:0]
		for i := range opts.Shards {
			names = append(names, fileset.ShardName(prefix, i, opts.Shards, ".parquet"))
		}
	}
	codec := compress.Codecs.Zstd
	if opts.ParquetCompression != "" {
		var err error
		if codec, err = parseParquetCodec(opts.ParquetCompression); err != nil {
			return nil, err
		}
	}
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem))
	pp := []parquet.WriterProperty{
		parquet.WithCompression(codec),
		parquet.WithAllocator(mem),
		parquet.WithMaxRowGroupLength(64 << 10), // bounded buffering; still large enough to scan well
		parquet.WithDataPageSize(parquetPageSize),
	}
	// Dictionary encoding hashes floats, and every NaN hashes alike: NaN
	// payloads would be lost. Float columns are written plain instead. So
	// are integer columns: hashing them cost half the time of a convert
	// (their dictionary grows with every distinct id and timestamp), and
	// zstd compresses small repeated integers well on its own.
	psc, err := pqarrow.ToParquet(schema, parquet.NewWriterProperties(pp...), arrProps)
	if err != nil {
		return nil, fmt.Errorf("tfxio: %s: %w", path, err)
	}
	for i := range psc.NumColumns() {
		col := psc.Column(i)
		if t := col.PhysicalType(); t != parquet.Types.ByteArray && t != parquet.Types.FixedLenByteArray {
			pp = append(pp, parquet.WithDictionaryPath(col.ColumnPath(), false))
		}
	}
	props := parquet.NewWriterProperties(pp...)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	w := &parquetWriter{schema: schema}
	for _, name := range names {
		out, err := fileset.Create(name, opts.Force)
		if err != nil {
			w.Abort()
			return nil, err
		}
		w.outs = append(w.outs, out)
		fw, err := pqwrite.NewWriter(schema, out, props, mem, workers)
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("tfxio: %s: %w", name, err)
		}
		w.ws = append(w.ws, fw)
	}
	return w, nil
}

func parseParquetCodec(s string) (compress.Compression, error) {
	switch strings.ToLower(s) {
	case "zstd":
		return compress.Codecs.Zstd, nil
	case "snappy":
		return compress.Codecs.Snappy, nil
	case "gzip":
		return compress.Codecs.Gzip, nil
	case "none", "uncompressed":
		return compress.Codecs.Uncompressed, nil
	case "lz4":
		return compress.Codecs.Lz4Raw, nil
	case "brotli":
		return compress.Codecs.Brotli, nil
	}
	return 0, fmt.Errorf("tfxio: unknown Parquet compression %q (want zstd, snappy, gzip, lz4, brotli or none)", s)
}

func (w *parquetWriter) Write(rb arrow.RecordBatch) error {
	if !rb.Schema().Equal(w.schema) {
		return fmt.Errorf("tfxio: batch schema differs from the output's:\n%v\nversus\n%v", rb.Schema(), w.schema)
	}
	fw := w.ws[w.next]
	w.next = (w.next + 1) % len(w.ws)
	return fw.Write(rb)
}

func (w *parquetWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	for _, fw := range w.ws {
		if err := fw.Close(); err != nil {
			w.abortFiles()
			return err
		}
	}
	for _, out := range w.outs {
		if err := out.Commit(); err != nil {
			w.abortFiles()
			return err
		}
	}
	return nil
}

func (w *parquetWriter) Abort() error {
	if !w.closed {
		w.closed = true
		for _, fw := range w.ws {
			fw.Close()
		}
	}
	return w.abortFiles()
}

func (w *parquetWriter) abortFiles() error {
	var first error
	for _, out := range w.outs {
		if err := out.Abort(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
