// Package csvio reads CSV files in a Beam pipeline: their lines
// ([ReadLines]), split within uncompressed files, and record batches
// decoded from them ([Read]) with the semantics of tfx-bsl's CsvTFXIO,
// which package [github.com/gobsl/gobsl/coders/csv] implements.
//
// As in tfx-bsl, a pipeline reads CSV line by line: a quoted field that
// spans lines is broken (the single-machine reader,
// github.com/gobsl/gobsl/tfxio, reads it whole).
package csvio

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gobsl/gobsl/beam/coders"
	"github.com/gobsl/gobsl/beam/internal/files"
	"github.com/gobsl/gobsl/coders/csv"
	"github.com/gobsl/gobsl/tfrecord"
)

func init() {
	beam.RegisterType(reflect.TypeOf((*File)(nil)).Elem())
	register.DoFn3x1[context.Context, []string, func(File), error](&expandFn{})
	register.DoFn4x1[context.Context, *sdf.LockRTracker, File, func(string), error](&linesFn{})
	register.Emitter1[File]()
	register.Emitter1[string]()
}

// DefaultSplitSize is the size of the parts an uncompressed file is first
// split into: 64 MiB.
const DefaultSplitSize = 64 << 20

// File is one input file, as the read step sees it. It is exported only
// for Beam's coders.
type File struct {
	Path       string
	Size       int64
	Compressed bool
}

// Read returns the rows of the CSV files that patterns name as a
// PCollection of arrow.RecordBatch, in batches of up to batchSize rows
// (coders.DefaultBatchSize when batchSize <= 0), typed by opts.Schema or
// by inference over every row.
//
// Without opts.ColumnNames, each file starts with a header line naming
// the columns: the first file's is read now, while the pipeline is
// built, and every file's must be the same. The delimiter is
// opts.Delimiter, else tab for .tsv files and comma for others. Files
// compressed with gzip, zlib or zstd (by extension: .gz, .zz, .zlib,
// .zst) are read whole; others are split.
//
// Read returns an error for a pattern that names no file or invalid
// options.
func Read(s beam.Scope, opts csv.Options, batchSize int, patterns ...string) (beam.PCollection, error) {
	names, err := files.Expand(context.Background(), patterns)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("csvio: %w", err)
	}
	if opts.Delimiter == 0 && strings.HasSuffix(strings.TrimSuffix(strings.ToLower(names[0]), ext(names[0])), ".tsv") {
		opts.Delimiter = '\t'
	}
	header := ""
	if opts.ColumnNames == nil {
		if header, err = firstLine(names[0]); err != nil {
			return beam.PCollection{}, err
		}
		in, err := csv.NewInferrer(csv.Options{Delimiter: opts.Delimiter, MaxFieldSize: opts.MaxFieldSize, InferRows: 1})
		if err != nil {
			return beam.PCollection{}, fmt.Errorf("csvio: %w", err)
		}
		if err := in.Add(strings.NewReader(header + "\n")); err != nil {
			return beam.PCollection{}, fmt.Errorf("csvio: %s: %w", names[0], err)
		}
		opts.ColumnNames = in.ColumnNames()
	}
	s = s.Scope("csvio.Read")
	lines := readLines(s, header, patterns)
	return coders.DecodeCSV(s, lines, batchSize, opts), nil
}

// ext returns the compression extension of a name, or "".
func ext(name string) string {
	if tfrecord.CompressionFromPath(name) != tfrecord.None {
		return filepath.Ext(name)
	}
	return ""
}

// firstLine returns the first line of a file, without its line ending
// and a UTF-8 byte order mark.
func firstLine(path string) (string, error) {
	r, closeFn, err := open(context.Background(), File{Path: path, Compressed: ext(path) != ""})
	if err != nil {
		return "", err
	}
	defer closeFn()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("csvio: %s: %w", path, err)
	}
	if line == "" {
		return "", fmt.Errorf("csvio: %s: %w", path, csv.ErrNoHeader)
	}
	return cleanLine(line, true), nil
}

// cleanLine removes a line's ending and, at the start of a file, a UTF-8
// byte order mark.
func cleanLine(line string, first bool) string {
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if first {
		line = strings.TrimPrefix(line, "\uFEFF")
	}
	return line
}

// ReadLines returns the lines of the text files that patterns name (as
// tfrecordio.Read expands them), without line endings, as a PCollection of
// string in no particular order. When header is not empty, each file's
// first line is left out and must equal it.
func ReadLines(s beam.Scope, header string, patterns ...string) beam.PCollection {
	return readLines(s.Scope("csvio.ReadLines"), header, patterns)
}

func readLines(s beam.Scope, header string, patterns []string) beam.PCollection {
	if len(patterns) == 0 {
		panic("csvio: no file pattern")
	}
	fs := beam.ParDo(s, &expandFn{}, beam.Create(s, patterns))
	fs = beam.Reshuffle(s, fs)
	return beam.ParDo(s, &linesFn{Header: header}, fs)
}

type expandFn struct{}

func (fn *expandFn) ProcessElement(ctx context.Context, patterns []string, emit func(File)) error {
	names, err := files.Expand(ctx, patterns)
	if err != nil {
		return fmt.Errorf("csvio: %w", err)
	}
	for _, name := range names {
		rc, size, err := files.Open(ctx, name)
		if err != nil {
			return fmt.Errorf("csvio: %w", err)
		}
		rc.Close()
		emit(File{Path: name, Size: size, Compressed: ext(name) != ""})
	}
	return nil
}

// open opens a file, decompressing it by its extension.
func open(ctx context.Context, f File) (io.Reader, func(), error) {
	rc, _, err := files.Open(ctx, f.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("csvio: %w", err)
	}
	if !f.Compressed {
		return rc, func() { rc.Close() }, nil // an io.Seeker, for splits
	}
	zr, err := tfrecord.NewDecompressor(rc, tfrecord.CompressionFromPath(f.Path))
	if err != nil {
		rc.Close()
		return nil, nil, fmt.Errorf("csvio: %s: %w", f.Path, err)
	}
	return zr, func() { zr.Close(); rc.Close() }, nil
}

// linesFn reads the lines of a file as a splittable DoFn. A compressed
// file is one restriction, [0, 1), read whole. An uncompressed file's
// restriction is its byte range, and a line belongs to the restriction
// that holds the offset of its first byte, as in Beam's textio.
type linesFn struct {
	Header    string
	SplitSize int64
}

func (fn *linesFn) CreateInitialRestriction(f File) offsetrange.Restriction {
	if f.Compressed {
		return offsetrange.Restriction{Start: 0, End: 1}
	}
	return offsetrange.Restriction{Start: 0, End: f.Size}
}

func (fn *linesFn) SplitRestriction(f File, r offsetrange.Restriction) []offsetrange.Restriction {
	if f.Compressed {
		return []offsetrange.Restriction{r}
	}
	size := fn.SplitSize
	if size <= 0 {
		size = DefaultSplitSize
	}
	return r.SizedSplits(size)
}

func (fn *linesFn) RestrictionSize(f File, r offsetrange.Restriction) float64 {
	if f.Compressed {
		return float64(f.Size)
	}
	return r.Size()
}

func (fn *linesFn) CreateTracker(r offsetrange.Restriction) *sdf.LockRTracker {
	return sdf.NewLockRTracker(offsetrange.NewTracker(r))
}

func (fn *linesFn) ProcessElement(ctx context.Context, rt *sdf.LockRTracker, f File, emit func(string)) error {
	start := rt.GetRestriction().(offsetrange.Restriction).Start
	r, closeFn, err := open(ctx, f)
	if err != nil {
		return err
	}
	defer closeFn()
	if f.Compressed && !rt.TryClaim(int64(0)) {
		return nil
	}
	br := bufio.NewReaderSize(r, 64<<10)
	pos := int64(0)
	if start > 0 {
		// The line that holds byte start-1 belongs to the restriction
		// before; this one starts after its end.
		if s, ok := r.(io.Seeker); ok {
			if _, err := s.Seek(start-1, io.SeekStart); err != nil {
				return fmt.Errorf("csvio: %s: %w", f.Path, err)
			}
			br.Reset(r)
		} else if _, err := br.Discard(int(start - 1)); err != nil {
			return fmt.Errorf("csvio: %s: %w", f.Path, err)
		}
		skipped, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("csvio: %s: %w", f.Path, err)
		}
		pos = start - 1 + int64(len(skipped))
	}
	for {
		line, err := br.ReadString('\n')
		if line == "" && err == io.EOF {
			rt.TryClaim(rt.GetRestriction().(offsetrange.Restriction).End)
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("csvio: %s: %w", f.Path, err)
		}
		if !f.Compressed && !rt.TryClaim(pos) {
			return nil
		}
		first := pos == 0
		pos += int64(len(line))
		line = cleanLine(line, first)
		if first && fn.Header != "" {
			if line != fn.Header {
				return fmt.Errorf("csvio: %s: header %q differs from the first file's, %q", f.Path, line, fn.Header)
			}
			continue
		}
		emit(line)
	}
}
