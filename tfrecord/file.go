package tfrecord

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gobsl/gobsl/fileset"
)

// FileReader is a [Reader] of a file opened by [Open].
type FileReader struct {
	*Reader
	f *os.File // nil for standard input
}

// Open opens the TFRecord file path for reading; "-" means standard input.
// [WithPath](path) comes first in the options, so errors name the file and
// its extension helps detect the compression.
func Open(path string, opts ...ReaderOption) (*FileReader, error) {
	var src io.Reader = os.Stdin
	var f *os.File
	if path != fileset.Stdin {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, fmt.Errorf("tfrecord: %w", err)
		}
		src = f
	}
	r, err := NewReader(src, append([]ReaderOption{WithPath(path)}, opts...)...)
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, err
	}
	return &FileReader{Reader: r, f: f}, nil
}

// Close releases the reader and closes the file (but not standard input).
func (r *FileReader) Close() error {
	r.Reader.Close()
	if r.f == nil {
		return nil
	}
	f := r.f
	r.f = nil
	return f.Close()
}

// FileWriter is a [Writer] of a file created by [Create]. The file appears
// under its name only when Close succeeds.
type FileWriter struct {
	*Writer
	out *fileset.File
}

// Create starts writing the TFRecord file path, atomically (see
// [fileset.Create]): it refuses to replace an existing file unless force
// is set, and "-" means standard output. Without [WithWriterCompression]
// the compression follows the path's extension (see [CompressionFromPath]).
func Create(path string, force bool, opts ...WriterOption) (*FileWriter, error) {
	cfg, err := newWriterConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg.compression == Auto {
		cfg.compression = CompressionFromPath(path)
	}
	return createFile(path, force, cfg)
}

func createFile(path string, force bool, cfg writerConfig) (*FileWriter, error) {
	out, err := fileset.Create(path, force)
	if err != nil {
		return nil, err
	}
	w, err := newWriter(out, cfg)
	if err != nil {
		out.Abort()
		return nil, err
	}
	return &FileWriter{Writer: w, out: out}, nil
}

// Name returns the file's name.
func (w *FileWriter) Name() string { return w.out.Name() }

// Close flushes and finishes the stream and then commits the file. If
// anything fails, the file is removed. Calling Close again returns the
// same result.
func (w *FileWriter) Close() error {
	if err := w.Writer.Close(); err != nil {
		w.out.Abort()
		return err
	}
	return w.out.Commit()
}

// Abort discards the file. It is a no-op after Close.
func (w *FileWriter) Abort() error {
	w.Writer.Close() // releases the compressor; its output is discarded
	return w.out.Abort()
}

// ShardedWriter writes records round-robin to numShards files. Create one
// with [CreateShards].
type ShardedWriter struct {
	shards []*FileWriter
	next   int
	err    error // sticky: the first failure
	closed bool
}

// CreateShards starts writing numShards (at least 1) files named
// [fileset.ShardName](prefix, i, numShards, ext), where ext is the
// compression's [Compression.Ext]. Each is created with [Create]'s rules:
// atomically, and not replacing existing files unless force is set. Record
// i goes to shard i mod numShards.
func CreateShards(prefix string, numShards int, force bool, opts ...WriterOption) (*ShardedWriter, error) {
	if numShards < 1 {
		return nil, fmt.Errorf("tfrecord: %d shards: need at least 1", numShards)
	}
	cfg, err := newWriterConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg.compression == Auto {
		cfg.compression = None
	}
	s := &ShardedWriter{shards: make([]*FileWriter, 0, numShards)}
	for i := range numShards {
		w, err := createFile(fileset.ShardName(prefix, i, numShards, cfg.compression.Ext()), force, cfg)
		if err != nil {
			s.Abort()
			return nil, err
		}
		s.shards = append(s.shards, w)
	}
	return s, nil
}

// Names returns the shards' file names, in shard order.
func (s *ShardedWriter) Names() []string {
	names := make([]string, len(s.shards))
	for i, w := range s.shards {
		names[i] = w.Name()
	}
	return names
}

// Write writes rec to the next shard.
func (s *ShardedWriter) Write(rec []byte) error {
	if s.err != nil {
		return s.err
	}
	if s.closed {
		return errWriterClosed
	}
	w := s.shards[s.next]
	if s.next++; s.next == len(s.shards) {
		s.next = 0
	}
	if err := w.Write(rec); err != nil {
		s.err = err
	}
	return s.err
}

// Close finishes all shards and commits them if every one succeeded;
// otherwise it removes them all and returns the first error. (If a commit
// itself fails, the shards committed before it stay.) Calling Close again
// returns the same result.
func (s *ShardedWriter) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	if s.err == nil {
		for _, w := range s.shards {
			if err := w.Writer.Close(); err != nil {
				s.err = err
				break
			}
		}
	}
	if s.err == nil {
		for _, w := range s.shards {
			if err := w.out.Commit(); err != nil {
				s.err = err
				break
			}
		}
	}
	if s.err != nil {
		s.abortAll()
	}
	return s.err
}

// Abort removes all shards that are not committed yet.
func (s *ShardedWriter) Abort() error {
	if !s.closed {
		s.closed = true
		if s.err == nil {
			s.err = errors.New("tfrecord: sharded writer aborted")
		}
	}
	return s.abortAll()
}

func (s *ShardedWriter) abortAll() error {
	var errs []error
	for _, w := range s.shards {
		errs = append(errs, w.Abort())
	}
	return errors.Join(errs...)
}
