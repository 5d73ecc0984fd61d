package tfxio

import (
	"context"
	"errors"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/internal/iocount"
)

// ConvertOptions configure [Convert].
type ConvertOptions struct {
	Read  ReadOptions
	Write WriteOptions

	// Rows, if set, is called with the number of rows of each batch read.
	Rows func(n int64)

	// Restart, if set, is called when Convert discards what it has
	// written and starts again (see Convert), so that a progress display
	// can start over.
	Restart func()
}

// Convert reads the inputs that patterns name and writes all their rows to
// output, which appears only when complete, and returns the number of
// rows. It is what inspect convert does.
//
// Schemaless TFRecord input is read once rather than twice: speculatively
// (see [ReadOptions].Speculate), decoded with the schema of the first
// records while every record is checked. In the rare input whose later
// records add a column or a kind, the partial output is discarded and the
// input read again with the whole schema (o.Restart is called first).
// Standard input, which can be read only once, is read in two passes
// instead.
func Convert(ctx context.Context, patterns []string, output string, o ConvertOptions) (int64, error) {
	ro := o.Read
	ro.Speculate = ro.ArrowSchema == nil && !slices.Contains(patterns, fileset.Stdin)
	n, err := convertOnce(ctx, patterns, output, ro, o)
	var changed *SchemaChangedError
	if errors.As(err, &changed) {
		if o.Restart != nil {
			o.Restart()
		}
		// A nil Schema (the change was found before the end): a first
		// pass finds it.
		ro.Speculate, ro.ArrowSchema = false, changed.Schema
		n, err = convertOnce(ctx, patterns, output, ro, o)
	}
	return n, err
}

// convertOnce reads patterns and writes output; a failed write leaves no
// output.
func convertOnce(ctx context.Context, patterns []string, output string, ro ReadOptions, o ConvertOptions) (int64, error) {
	r, err := Open(ctx, patterns, ro)
	if err != nil {
		return 0, err
	}
	defer r.Release()
	var src array.RecordReader = r
	if o.Rows != nil {
		src = &iocount.Rows{RecordReader: r, Add: o.Rows}
	}
	return WriteAll(ctx, output, src, o.Write)
}
