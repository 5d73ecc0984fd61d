package tfrecord

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const writeBufferSize = 64 << 10

var errWriterClosed = errors.New("tfrecord: write after Close")

type writerConfig struct {
	compression Compression // Auto: not set
	level       int         // levelDefault: not set
}

// WriterOption configures a [Writer]. Options are applied in order; an
// invalid value makes [NewWriter] fail.
type WriterOption func(*writerConfig) error

// WithWriterCompression sets the compression to write: [None] (the
// default), [Gzip], [Zlib] or [Zstd]. [Auto] is invalid here.
func WithWriterCompression(comp Compression) WriterOption {
	return func(c *writerConfig) error {
		if comp == Auto || !comp.valid() {
			return fmt.Errorf("tfrecord: cannot write with compression %v", comp)
		}
		c.compression = comp
		return nil
	}
}

// WithCompressionLevel sets the compression level. For [Gzip] and [Zlib] it
// is a compress/flate level: -2 (Huffman only), -1 (default), 0 (stored)
// or 1 (fastest) to 9 (smallest). For [Zstd] it is a zstd level from 1 to
// 22, mapped to the nearest level the encoder has. Without a compression
// it is an error.
func WithCompressionLevel(level int) WriterOption {
	return func(c *writerConfig) error {
		if level == levelDefault {
			return fmt.Errorf("tfrecord: invalid compression level %d", level)
		}
		c.level = level
		return nil
	}
}

// newWriterConfig applies opts to the defaults. It leaves compression
// Auto if no option set it, for the caller to decide.
func newWriterConfig(opts []WriterOption) (writerConfig, error) {
	cfg := writerConfig{compression: Auto, level: levelDefault}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// Writer writes records to a TFRecord stream, optionally compressed. It
// buffers: call [Writer.Close] (or [Writer.Flush]) to push the data out.
// A Writer is not safe for concurrent use.
type Writer struct {
	bw     *bufio.Writer
	codec  flushWriteCloser // nil for None
	err    error            // sticky: the first error, returned by every later call
	closed bool
	scr    [headerSize]byte
}

// NewWriter returns a Writer that writes records to w.
func NewWriter(w io.Writer, opts ...WriterOption) (*Writer, error) {
	cfg, err := newWriterConfig(opts)
	if err != nil {
		return nil, err
	}
	return newWriter(w, cfg)
}

func newWriter(w io.Writer, cfg writerConfig) (*Writer, error) {
	if cfg.compression == Auto {
		cfg.compression = None
	}
	wr := &Writer{}
	if cfg.compression == None {
		if cfg.level != levelDefault {
			return nil, fmt.Errorf("tfrecord: compression level %d given without a compression", cfg.level)
		}
		wr.bw = bufio.NewWriterSize(w, writeBufferSize)
		return wr, nil
	}
	codec, err := compressor(cfg.compression, w, cfg.level)
	if err != nil {
		return nil, fmt.Errorf("tfrecord: %v level %d: %w", cfg.compression, cfg.level, err)
	}
	wr.codec = codec
	wr.bw = bufio.NewWriterSize(codec, writeBufferSize)
	return wr, nil
}

// Write writes rec as one record. Writing does not retain rec.
func (w *Writer) Write(rec []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errWriterClosed
	}
	binary.LittleEndian.PutUint64(w.scr[:8], uint64(len(rec)))
	binary.LittleEndian.PutUint32(w.scr[8:], lengthCRC(w.scr[:8]))
	if _, err := w.bw.Write(w.scr[:]); err != nil {
		return w.fail(err)
	}
	if _, err := w.bw.Write(rec); err != nil {
		return w.fail(err)
	}
	binary.LittleEndian.PutUint32(w.scr[:4], maskedCRC(rec))
	if _, err := w.bw.Write(w.scr[:4]); err != nil {
		return w.fail(err)
	}
	return nil
}

// Flush writes buffered data to the underlying writer, flushing the
// compressor too (which costs a little compression each time).
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errWriterClosed
	}
	if err := w.bw.Flush(); err != nil {
		return w.fail(err)
	}
	if w.codec != nil {
		if err := w.codec.Flush(); err != nil {
			return w.fail(err)
		}
	}
	return nil
}

// Close flushes buffered data and finishes the compressed stream. It does
// not close the underlying writer. Calling Close again returns the same
// result.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		if w.codec != nil {
			w.codec.Close() // release it; the error is already known
		}
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		if w.codec != nil {
			w.codec.Close()
		}
		return w.fail(err)
	}
	if w.codec != nil {
		if err := w.codec.Close(); err != nil {
			return w.fail(err)
		}
	}
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = fmt.Errorf("tfrecord: write: %w", err)
	return w.err
}
