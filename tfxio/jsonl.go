package tfxio

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/coders/jsonl"
	"github.com/gobsl/gobsl/fileset"
)

// openJSONL reads JSON lines files. The columns come from the TFMD schema
// when one is given (the types the tf.Example decoder would give), else
// from a first pass over every file.
func openJSONL(paths []string, opts ReadOptions) (array.RecordReader, error) {
	files := make([]recordFile, len(paths))
	for i, p := range paths {
		files[i] = recordFile{name: p, path: p}
	}
	jo := jsonl.Options{BatchSize: opts.BatchSize, Allocator: opts.allocator()}
	var schema *arrow.Schema
	cleanup := func() {}
	if opts.Schema != nil {
		dec, err := opts.decodeOptions().NewDecoder()
		if err != nil {
			return nil, err
		}
		if schema, err = dec.ArrowSchema(); err != nil {
			return nil, err
		}
	} else {
		var err error
		if files, cleanup, err = spoolStdin(files, opts.stdin()); err != nil {
			return nil, err
		}
		in := jsonl.NewInferrer(jo)
		for _, f := range files {
			r, c, err := openFile(f.path, &ReadOptions{})
			if err != nil {
				cleanup()
				return nil, err
			}
			err = in.Read(r)
			c.Close()
			if err != nil {
				cleanup()
				return nil, fmt.Errorf("tfxio: %s: %w", f.name, err)
			}
		}
		if schema, err = in.Schema(); err != nil {
			cleanup()
			return nil, err
		}
	}
	i := 0
	c, err := newChain(paths, func(string) (array.RecordReader, io.Closer, error) {
		f := files[i]
		i++
		r, closer, err := openFile(f.path, &opts)
		if err != nil {
			return nil, nil, err
		}
		jr, err := jsonl.NewReader(r, schema, jo)
		if err != nil {
			closer.Close()
			return nil, nil, err
		}
		return &namedReader{RecordReader: jr, path: f.name}, closer, nil
	})
	if err != nil {
		cleanup()
		return nil, err
	}
	return &cleanupReader{RecordReader: c, cleanup: cleanup}, nil
}

// cleanupReader runs cleanup when its last reference is released.
type cleanupReader struct {
	array.RecordReader
	refs    refs
	cleanup func()
}

func (r *cleanupReader) Retain() { r.refs.Retain() }

func (r *cleanupReader) Release() {
	if !r.refs.release() {
		return
	}
	r.RecordReader.Release()
	if r.cleanup != nil {
		r.cleanup()
		r.cleanup = nil
	}
}

type jsonlWriter struct {
	out    *fileset.File
	w      *jsonl.Writer
	closed bool
}

func createJSONL(path string, schema *arrow.Schema, opts WriteOptions) (Writer, error) {
	if opts.Shards > 1 {
		return nil, fmt.Errorf("tfxio: --shards works for TFRecord and Parquet output only")
	}
	out, err := fileset.Create(path, opts.Force)
	if err != nil {
		return nil, err
	}
	return &jsonlWriter{out: out, w: jsonl.NewWriter(out, schema)}, nil
}

func (w *jsonlWriter) Write(rb arrow.RecordBatch) error { return w.w.Write(rb) }

func (w *jsonlWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.w.Flush(); err != nil {
		w.out.Abort()
		return err
	}
	return w.out.Commit()
}

func (w *jsonlWriter) Abort() error {
	w.closed = true
	return w.out.Abort()
}
