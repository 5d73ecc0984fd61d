package tfrecordio

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gobsl/gobsl/beam/internal/files"
	"github.com/gobsl/gobsl/internal/crc32c"
	"github.com/gobsl/gobsl/tfrecord"
)

func init() {
	beam.RegisterType(reflect.TypeOf((*File)(nil)).Elem())
	register.DoFn3x1[context.Context, []string, func(File), error](&expandFn{})
	register.DoFn4x1[context.Context, *sdf.LockRTracker, File, func([]byte), error](&readFn{})
	register.Emitter1[File]()
	register.Emitter1[[]byte]()
}

// DefaultSplitSize is the size of the parts that Read first splits an
// uncompressed file into: 64 MiB, as Beam's text and TFRecord sources.
const DefaultSplitSize = 64 << 20

// ReadOptions configures reading. The zero value detects each file's
// compression, refuses records longer than
// [tfrecord.DefaultMaxRecordSize] and splits uncompressed files into
// parts of [DefaultSplitSize].
type ReadOptions struct {
	// Compression of every file; Auto (the zero value) detects it from
	// each file's first bytes, falling back to its extension.
	Compression tfrecord.Compression

	// MaxRecordSize limits a record's length; 0 means
	// tfrecord.DefaultMaxRecordSize.
	MaxRecordSize int64

	// SplitSize is the size in bytes of the parts an uncompressed file is
	// first split into; 0 means DefaultSplitSize. Runners may split
	// further while reading.
	SplitSize int64
}

// Read returns the records of the TFRecord files that patterns name, as a
// PCollection of []byte, in no particular order. It is
// ReadOptions{}.Read.
func Read(s beam.Scope, patterns ...string) beam.PCollection {
	return ReadOptions{}.Read(s, patterns...)
}

// Read returns the records of the TFRecord files that patterns name, as a
// PCollection of []byte, in no particular order.
//
// A pattern with a scheme ("gs://bucket/data-*") is a glob of the Beam file
// system that registered the scheme. Any other pattern is local and is
// expanded by [fileset.Expand], as the inspect command does: files,
// directories (TFX's Split-* folders), globs and shard patterns
// (prefix@N, prefix-?????-of-NNNNN), every shard required. The patterns
// are expanded when the pipeline runs, on a worker.
//
// Read panics when given no pattern, as beam.Create does.
func (o ReadOptions) Read(s beam.Scope, patterns ...string) beam.PCollection {
	if len(patterns) == 0 {
		panic("tfrecordio.Read: no file pattern")
	}
	s = s.Scope("tfrecordio.Read")
	in := beam.ParDo(s, &expandFn{Compression: int(o.Compression)}, beam.Create(s, patterns))
	// Spread the files over workers; the read itself splits them further.
	in = beam.Reshuffle(s, in)
	return beam.ParDo(s, &readFn{MaxRecordSize: o.MaxRecordSize, SplitSize: o.SplitSize}, in)
}

// File is one input file, as the read step sees it. It is exported only
// for Beam's coders.
type File struct {
	Path        string
	Size        int64
	Compression int // a tfrecord.Compression, never Auto
}

// expandFn turns the patterns into files, telling each file's compression.
type expandFn struct {
	Compression int
}

func (fn *expandFn) ProcessElement(ctx context.Context, patterns []string, emit func(File)) error {
	names, err := files.Expand(ctx, patterns)
	if err != nil {
		return fmt.Errorf("tfrecordio: %w", err)
	}
	for _, name := range names {
		f, err := stat(ctx, name, tfrecord.Compression(fn.Compression))
		if err != nil {
			return err
		}
		emit(f)
	}
	return nil
}

// stat returns the size of a file and its compression, detected from its
// first bytes (as tfrecord.NewReader does) unless comp fixes it.
func stat(ctx context.Context, path string, comp tfrecord.Compression) (File, error) {
	rc, size, err := files.Open(ctx, path)
	if err != nil {
		return File{}, fmt.Errorf("tfrecordio: %w", err)
	}
	defer rc.Close()
	if comp == tfrecord.Auto {
		r, err := tfrecord.NewReader(rc, tfrecord.WithPath(path))
		if err != nil {
			return File{}, fmt.Errorf("tfrecordio: %w", err)
		}
		comp = r.Compression()
		r.Close()
	}
	return File{Path: path, Size: size, Compression: int(comp)}, nil
}

// readFn reads the records of a file as a splittable DoFn. A compressed
// file is one restriction, [0, 1), read whole. An uncompressed file's
// restriction is its byte range, and a record belongs to the restriction
// that holds the offset of its header: each record is claimed by that
// offset before it is emitted, so a restriction split anywhere, at first
// or while it is read, still reads each record exactly once.
type readFn struct {
	MaxRecordSize int64
	SplitSize     int64
}

func (fn *readFn) maxRecordSize() int64 {
	if fn.MaxRecordSize > 0 {
		return fn.MaxRecordSize
	}
	return tfrecord.DefaultMaxRecordSize
}

func (fn *readFn) CreateInitialRestriction(f File) offsetrange.Restriction {
	if tfrecord.Compression(f.Compression) != tfrecord.None {
		return offsetrange.Restriction{Start: 0, End: 1}
	}
	return offsetrange.Restriction{Start: 0, End: f.Size}
}

func (fn *readFn) SplitRestriction(f File, r offsetrange.Restriction) []offsetrange.Restriction {
	if tfrecord.Compression(f.Compression) != tfrecord.None {
		return []offsetrange.Restriction{r}
	}
	size := fn.SplitSize
	if size <= 0 {
		size = DefaultSplitSize
	}
	return r.SizedSplits(size)
}

func (fn *readFn) RestrictionSize(f File, r offsetrange.Restriction) float64 {
	if tfrecord.Compression(f.Compression) != tfrecord.None {
		return float64(f.Size)
	}
	return r.Size()
}

func (fn *readFn) CreateTracker(r offsetrange.Restriction) *sdf.LockRTracker {
	return sdf.NewLockRTracker(offsetrange.NewTracker(r))
}

func (fn *readFn) ProcessElement(ctx context.Context, rt *sdf.LockRTracker, f File, emit func([]byte)) error {
	rest := rt.GetRestriction().(offsetrange.Restriction)
	rc, _, err := files.Open(ctx, f.Path)
	if err != nil {
		return fmt.Errorf("tfrecordio: %w", err)
	}
	defer rc.Close()

	comp := tfrecord.Compression(f.Compression)
	src := io.Reader(rc)
	var base, index int64 // offset and index of the first record read
	if comp == tfrecord.None && rest.Start > 0 {
		w := newWalker(rc)
		base, index, err = w.seek(rest.Start, fn.maxRecordSize(), f.Path)
		if err != nil {
			return err
		}
		src = w.br
	}
	r, err := tfrecord.NewReader(src, tfrecord.WithPath(f.Path), tfrecord.WithCompression(comp),
		tfrecord.WithMaxRecordSize(fn.maxRecordSize()))
	if err != nil {
		return fmt.Errorf("tfrecordio: %w", err)
	}
	defer r.Close()
	// A compressed file is read whole, its records all claimed by offset 0.
	if comp != tfrecord.None && !rt.TryClaim(int64(0)) {
		return nil
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			// No record starts in the rest of the restriction.
			rt.TryClaim(rt.GetRestriction().(offsetrange.Restriction).End)
			return nil
		}
		if err != nil {
			var te *tfrecord.Error
			if errors.As(err, &te) {
				te.Offset += base
				te.Record += index
			}
			return err
		}
		if comp == tfrecord.None && !rt.TryClaim(base+r.Offset()) {
			return nil
		}
		emit(append([]byte(nil), rec...))
	}
}

// walker finds the first record header at or after an offset of an
// uncompressed TFRecord file by walking the headers from the start: a
// record's data can hold bytes that look like a header, so only the chain
// of headers from offset 0 tells where records start. It skips the data
// by seeking when the file can seek.
type walker struct {
	br     *bufio.Reader
	src    io.Reader
	seeker io.Seeker // nil if src cannot seek
	pos    int64     // offset of the next byte br returns
}

func newWalker(src io.Reader) *walker {
	w := &walker{br: bufio.NewReaderSize(src, 64<<10), src: src}
	w.seeker, _ = src.(io.Seeker)
	return w
}

// skip advances n bytes.
func (w *walker) skip(n int64) error {
	if b := int64(w.br.Buffered()); n > b && w.seeker != nil {
		if _, err := w.seeker.Seek(w.pos+n, io.SeekStart); err != nil {
			return err
		}
		w.br.Reset(w.src)
		w.pos += n
		return nil
	}
	m, err := w.br.Discard(int(n))
	w.pos += int64(m)
	return err
}

// seek moves to the first record whose header is at offset start or
// later (or to the end of the file) and returns that record's offset and
// index. A damaged header before start is an error.
func (w *walker) seek(start, maxSize int64, path string) (off, index int64, err error) {
	var hdr [12]byte
	for w.pos < start {
		n, err := io.ReadFull(w.br, hdr[:])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			// The record at w.pos is truncated: it belongs to an
			// earlier restriction, which reports it. None starts later.
			w.pos += int64(n)
			return w.pos, index, nil
		}
		if err != nil {
			return 0, 0, fmt.Errorf("tfrecordio: %s: %w", path, err)
		}
		if maskedCRC(hdr[:8]) != binary.LittleEndian.Uint32(hdr[8:]) {
			return 0, 0, &tfrecord.Error{Path: path, Record: index, Offset: w.pos, Reason: tfrecord.LengthCRCMismatch}
		}
		length := binary.LittleEndian.Uint64(hdr[:8])
		if length > uint64(maxSize) {
			return 0, 0, &tfrecord.Error{Path: path, Record: index, Offset: w.pos, Reason: tfrecord.TooLarge, Want: int64(min(length, 1<<63-1)), Got: maxSize}
		}
		w.pos += 12
		if err := w.skip(int64(length) + 4); err != nil && err != io.EOF {
			return 0, 0, fmt.Errorf("tfrecordio: %s: %w", path, err)
		}
		index++
	}
	return w.pos, index, nil
}

// maskedCRC is TensorFlow's masked CRC-32C, as in package tfrecord.
func maskedCRC(b []byte) uint32 {
	return crc32c.Masked(b)
}
