package tfxio

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tfrecord"
)

// Writer writes record batches to a file, or to a set of shards. Nothing
// appears under the output's name until Close succeeds.
type Writer interface {
	// Write writes one batch; it must have the schema given to Create.
	Write(rb arrow.RecordBatch) error
	// Close completes the output and renames it into place.
	Close() error
	// Abort discards the output; it is safe after Close (a no-op then).
	Abort() error
}

// WriteOptions configures [Create]. The zero value writes the format the
// output's name tells, refuses to replace an existing file, and encodes on
// all cores.
type WriteOptions struct {
	// Format of the output; "" tells it from the name.
	Format Format

	// Compression of TFRecord output; Auto (the zero value) takes it from
	// the name's extension.
	Compression tfrecord.Compression

	// Shards, above 1, writes TFRecord or Parquet output as that many
	// files named PREFIX-00000-of-0000N.EXT: TFRecord records and Parquet
	// batches are spread round-robin.
	Shards int

	// ParquetCompression is the Parquet codec: zstd (default), snappy,
	// gzip, lz4, brotli or none.
	ParquetCompression string

	// Force replaces existing output files.
	Force bool

	// RecordType of TFRecord output: tf.Example or tf.SequenceExample.
	RecordType example.RecordType

	// Schema, a TFMD schema, supplies ragged tensor representations for
	// encoding nested lists, and the tensors of .npz and .safetensors
	// output (its tensor_representation_group "" and the representations
	// inferred from its features; without a schema, from the columns).
	Schema *metadatapb.Schema

	// Deterministic sorts the features of each encoded record by name.
	Deterministic bool

	// Workers encode batches (TFRecord) or the columns of a batch
	// (Parquet) in parallel; default GOMAXPROCS.
	Workers int

	// Allocator for Arrow buffers; default memory.DefaultAllocator.
	Allocator memory.Allocator
}

// Create starts writing batches of the given schema to path ("-" is
// standard output).
func Create(path string, schema *arrow.Schema, opts WriteOptions) (Writer, error) {
	format := opts.Format
	if format == "" {
		var err error
		if format, err = DetectFormat(path); err != nil {
			return nil, err
		}
	}
	switch format {
	case TFRecord:
		return createTFRecord(path, schema, opts)
	case Parquet:
		return createParquet(path, schema, opts)
	case JSONL:
		return createJSONL(path, schema, opts)
	case NPZ, Safetensors:
		return createTensors(path, schema, format, opts)
	case Arrow, ArrowStream:
		if opts.Shards > 1 {
			return nil, fmt.Errorf("tfxio: --shards works for TFRecord and Parquet output only")
		}
		return createIPC(path, schema, format, opts)
	}
	return nil, fmt.Errorf("tfxio: writing %s is not supported", format)
}

// Copy writes every batch of r to w and returns the number of rows. On
// error the caller should Abort w. TFRecord writers encode on all cores.
func Copy(ctx context.Context, w Writer, r array.RecordReader) (int64, error) {
	if rf, ok := w.(readerFrom); ok {
		return rf.readFrom(ctx, r)
	}
	var n int64
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		rb := r.RecordBatch()
		if err := w.Write(rb); err != nil {
			return n, err
		}
		n += rb.NumRows()
	}
	return n, r.Err()
}

// WriteAll creates path with r's schema, copies every batch of r into it
// and closes it; on error the output is aborted, so path appears only when
// complete. It returns the number of rows.
func WriteAll(ctx context.Context, path string, r array.RecordReader, opts WriteOptions) (int64, error) {
	w, err := Create(path, r.Schema(), opts)
	if err != nil {
		return 0, err
	}
	n, err := Copy(ctx, w, r)
	if err != nil {
		w.Abort()
		return 0, err
	}
	return n, w.Close()
}

type readerFrom interface {
	readFrom(ctx context.Context, r array.RecordReader) (int64, error)
}

// recordSink is where encoded TFRecord records go: one file or shards.
type recordSink interface {
	Write(rec []byte) error
	Close() error
	Abort() error
}

type tfrecordWriter struct {
	sink   recordSink
	enc    *example.Encoder
	opts   example.EncodeOptions
	schema *arrow.Schema
	work   int
	recs   [][]byte
}

func createTFRecord(path string, schema *arrow.Schema, opts WriteOptions) (Writer, error) {
	eo := example.EncodeOptions{Schema: opts.Schema, RecordType: opts.RecordType, Deterministic: opts.Deterministic}
	enc, err := eo.NewEncoder(schema)
	if err != nil {
		return nil, err
	}
	comp := opts.Compression
	if comp == tfrecord.Auto {
		comp = tfrecord.CompressionFromPath(path)
	}
	wo := []tfrecord.WriterOption{tfrecord.WithWriterCompression(comp)}
	var sink recordSink
	if opts.Shards > 1 {
		if path == fileset.Stdin {
			return nil, errors.New("tfxio: sharded output needs a file name, not -")
		}
		// out.tfrecord.gz -> out.tfrecord-00000-of-00004.gz, the names
		// TensorFlow and Beam give shards.
		s, err := tfrecord.CreateShards(strings.TrimSuffix(path, comp.Ext()), opts.Shards, opts.Force, wo...)
		if err != nil {
			return nil, err
		}
		sink = s
	} else {
		f, err := tfrecord.Create(path, opts.Force, wo...)
		if err != nil {
			return nil, err
		}
		sink = f
	}
	return &tfrecordWriter{sink: sink, enc: enc, opts: eo, schema: schema, work: opts.Workers}, nil
}

func (w *tfrecordWriter) Write(rb arrow.RecordBatch) error {
	if !rb.Schema().Equal(w.schema) {
		return fmt.Errorf("tfxio: batch schema differs from the output's:\n%v\nversus\n%v", rb.Schema(), w.schema)
	}
	var err error
	if w.recs, err = w.enc.Encode(rb, w.recs[:0]); err != nil {
		return err
	}
	for _, rec := range w.recs {
		if err := w.sink.Write(rec); err != nil {
			return err
		}
	}
	return nil
}

func (w *tfrecordWriter) readFrom(ctx context.Context, r array.RecordReader) (int64, error) {
	return example.EncodeAll(ctx, r, w.opts, w.work, w.sink)
}

func (w *tfrecordWriter) Close() error { return w.sink.Close() }
func (w *tfrecordWriter) Abort() error { return w.sink.Abort() }

type ipcWriter struct {
	out *fileset.File
	w   interface {
		Write(arrow.RecordBatch) error
		Close() error
	}
	schema *arrow.Schema
	closed bool
}

func createIPC(path string, schema *arrow.Schema, format Format, opts WriteOptions) (Writer, error) {
	out, err := fileset.Create(path, opts.Force)
	if err != nil {
		return nil, err
	}
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	iw := &ipcWriter{out: out, schema: schema}
	if format == ArrowStream {
		iw.w = ipc.NewWriter(out, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	} else {
		fw, err := ipc.NewFileWriter(out, ipc.WithSchema(schema), ipc.WithAllocator(mem))
		if err != nil {
			out.Abort()
			return nil, err
		}
		iw.w = fw
	}
	return iw, nil
}

func (w *ipcWriter) Write(rb arrow.RecordBatch) error {
	if !rb.Schema().Equal(w.schema) {
		return fmt.Errorf("tfxio: batch schema differs from the output's:\n%v\nversus\n%v", rb.Schema(), w.schema)
	}
	return w.w.Write(rb)
}

func (w *ipcWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.w.Close(); err != nil {
		w.out.Abort()
		return err
	}
	return w.out.Commit()
}

func (w *ipcWriter) Abort() error {
	if !w.closed {
		w.closed = true
		w.w.Close()
	}
	return w.out.Abort()
}
