package tfxio

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/coders/csv"
	"github.com/gobsl/gobsl/tfrecord"
)

// CSVOptions configures reading [CSV] input, decoded by
// [github.com/gobsl/gobsl/coders/csv] with tfx-bsl's semantics. The zero
// value reads files with a header line each, comma-separated (tab for
// .tsv), blank lines skipped, types inferred from every row of every file.
// The TFMD schema, batch size, workers and allocator are ReadOptions'.
type CSVOptions struct {
	// ColumnNames names the columns of files that have no header line.
	// When nil, each file's first line is its header; all must agree.
	ColumnNames []string

	// Delimiter separates fields; 0 means ',' ('\t' for .tsv files).
	Delimiter rune

	// KeepBlankLines makes blank lines rows of nulls instead of skipping
	// them.
	KeepBlankLines bool

	// MultivalentColumns are split again with SecondaryDelimiter.
	MultivalentColumns []string
	SecondaryDelimiter rune

	// RawRecordColumn, if set, adds a last column holding each row's
	// record as it appears in the input.
	RawRecordColumn string

	// InferRows is the number of rows, counted over the files in order,
	// that type inference reads: 0 reads them all.
	InferRows int

	// MaxFieldSize limits the bytes of a field; 0 means 16 MiB, -1 no
	// limit.
	MaxFieldSize int
}

// IsCSVName reports whether a file name is CSV or TSV, possibly
// compressed: data.csv, data.TSV, data.csv.gz, data.tsv.zst (case is
// ignored). [DetectFormat] gives [CSV] for exactly these names.
func IsCSVName(name string) bool {
	ext := dataExt(name)
	return ext == ".csv" || ext == ".tsv"
}

// dataExt returns the lower-case extension of a file name, under a
// compression extension: ".csv" for data.CSV.gz.
func dataExt(name string) string {
	name = strings.ToLower(name)
	if tfrecord.CompressionFromPath(name) != tfrecord.None {
		name = strings.TrimSuffix(name, filepath.Ext(name))
	}
	return filepath.Ext(name)
}

// csvDelimiter is the delimiter of a file: the option's, else tab for TSV.
func csvDelimiter(path string, o *CSVOptions) rune {
	if o.Delimiter != 0 {
		return o.Delimiter
	}
	if dataExt(path) == ".tsv" {
		return '\t'
	}
	return ','
}

// openCSVFile opens one CSV file, decompressing it by its extension.
func openCSVFile(f recordFile, opts *ReadOptions) (io.Reader, io.Closer, error) {
	r, c, err := openFile(f.path, opts)
	if err != nil {
		return nil, nil, err
	}
	zr, err := tfrecord.NewDecompressor(r, tfrecord.CompressionFromPath(f.name))
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("tfxio: %s: %w", f.name, err)
	}
	return zr, closerFunc(func() error { zr.Close(); return c.Close() }), nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// openCSV reads CSV files as one reader: a first pass infers the types
// over all of them unless a TFMD schema gives them, so that every batch
// has the same schema.
func openCSV(paths []string, opts ReadOptions) (array.RecordReader, error) {
	files := make([]recordFile, len(paths))
	for i, p := range paths {
		files[i] = recordFile{name: p, path: p}
	}
	co := opts.CSV
	delim := csvDelimiter(paths[0], &co)
	for _, p := range paths[1:] {
		if d := csvDelimiter(p, &co); d != delim {
			return nil, fmt.Errorf("tfxio: inputs mix delimiters: %s is separated by %q, %s by %q; set the delimiter", paths[0], delim, p, d)
		}
	}
	base := csv.Options{
		ColumnNames:        co.ColumnNames,
		Delimiter:          delim,
		KeepBlankLines:     co.KeepBlankLines,
		MultivalentColumns: co.MultivalentColumns,
		SecondaryDelimiter: co.SecondaryDelimiter,
		RawRecordColumn:    co.RawRecordColumn,
		Schema:             opts.Schema,
		InferRows:          co.InferRows,
		BatchSize:          opts.BatchSize,
		MaxFieldSize:       co.MaxFieldSize,
		Workers:            opts.Workers,
		Allocator:          opts.allocator(),
	}
	// Standard input is read twice: for its header or the inference
	// pass, then for the rows.
	files, cleanup, err := spoolStdin(files, opts.stdin())
	if err != nil {
		return nil, err
	}
	schema, names, err := csvSchema(files, base)
	if err != nil {
		cleanup()
		return nil, err
	}
	ro := base
	ro.Schema = nil // the Arrow schema says it all
	i := 0
	c, err := newChain(paths, func(string) (array.RecordReader, io.Closer, error) {
		f := files[i]
		i++
		r, closer, err := openCSVFile(f, &opts)
		if err != nil {
			return nil, nil, err
		}
		cr, err := csv.NewReader(r, schema, ro)
		if err == nil && !slices.Equal(cr.ColumnNames(), names) {
			cr.Release()
			err = fmt.Errorf("csv: the header %q differs from %s's %q", cr.ColumnNames(), files[0].name, names)
		}
		if err != nil {
			closer.Close()
			return nil, nil, fmt.Errorf("tfxio: %s: %w", f.name, err)
		}
		return &namedReader{RecordReader: cr, path: f.name}, closer, nil
	})
	if err != nil {
		cleanup()
		return nil, err
	}
	return &cleanupReader{RecordReader: c, cleanup: cleanup}, nil
}

// csvSchema reads the headers of the files (and, without a TFMD schema,
// their rows up to InferRows) and returns the Arrow schema of the output
// and the column names.
func csvSchema(files []recordFile, o csv.Options) (*arrow.Schema, []string, error) {
	in, err := csv.NewInferrer(o)
	if err != nil {
		return nil, nil, fmt.Errorf("tfxio: %w", err)
	}
	for k, f := range files {
		if o.Schema != nil && k > 0 {
			break // each reader checks its file's header
		}
		r, c, err := openCSVFile(f, &ReadOptions{})
		if err != nil {
			return nil, nil, err
		}
		err = in.Add(r)
		c.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("tfxio: %s: %w", f.name, err)
		}
	}
	schema, err := in.Schema()
	if err != nil {
		return nil, nil, fmt.Errorf("tfxio: %w", err)
	}
	return schema, in.ColumnNames(), nil
}
