package coders

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/csv"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

func init() {
	register.DoFn3x1[[]string, *arrow.Schema, func(arrow.RecordBatch), error](&decodeCSVFn{})
	register.DoFn2x1[[]string, func(arrow.RecordBatch), error](&decodeCSVSchemaFn{})
	register.Combiner3[*arrow.Schema, []string, *arrow.Schema](&inferCSVFn{})
}

// csvConfig is csv.Options in a form Beam can serialise.
type csvConfig struct {
	ColumnNames        []string
	Delimiter          rune
	KeepBlankLines     bool
	MultivalentColumns []string
	SecondaryDelimiter rune
	RawRecordColumn    string
	Schema             []byte // binary TFMD schema, or nil
	MaxFieldSize       int
}

func newCSVConfig(o csv.Options) (csvConfig, error) {
	if len(o.ColumnNames) == 0 {
		return csvConfig{}, fmt.Errorf("coders: CSV lines need Options.ColumnNames")
	}
	if o.InferRows != 0 {
		return csvConfig{}, fmt.Errorf("coders: CSV types are inferred from all lines; Options.InferRows must be 0")
	}
	c := csvConfig{
		ColumnNames:        o.ColumnNames,
		Delimiter:          o.Delimiter,
		KeepBlankLines:     o.KeepBlankLines,
		MultivalentColumns: o.MultivalentColumns,
		SecondaryDelimiter: o.SecondaryDelimiter,
		RawRecordColumn:    o.RawRecordColumn,
		MaxFieldSize:       o.MaxFieldSize,
	}
	if o.Schema != nil {
		b, err := proto.Marshal(o.Schema)
		if err != nil {
			return c, fmt.Errorf("coders: %w", err)
		}
		c.Schema = b
	}
	// Fail at construction rather than on the workers.
	_, err := c.infer(nil)
	return c, err
}

func (c csvConfig) options() (csv.Options, error) {
	o := csv.Options{
		ColumnNames:        c.ColumnNames,
		Delimiter:          c.Delimiter,
		KeepBlankLines:     c.KeepBlankLines,
		MultivalentColumns: c.MultivalentColumns,
		SecondaryDelimiter: c.SecondaryDelimiter,
		RawRecordColumn:    c.RawRecordColumn,
		MaxFieldSize:       c.MaxFieldSize,
		Workers:            1, // Beam runs bundles in parallel
		Allocator:          mem,
	}
	if c.Schema != nil {
		o.Schema = new(metadatapb.Schema)
		if err := proto.Unmarshal(c.Schema, o.Schema); err != nil {
			return o, fmt.Errorf("coders: %w", err)
		}
	}
	return o, nil
}

// joinLines returns lines as one CSV input.
func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// infer returns the schema the lines' values give, as csv.Infer.
func (c csvConfig) infer(lines []string) (*arrow.Schema, error) {
	o, err := c.options()
	if err != nil {
		return nil, err
	}
	s, err := csv.Infer(strings.NewReader(joinLines(lines)), o)
	if err != nil {
		return nil, fmt.Errorf("coders: %w", err)
	}
	return s, nil
}

// decode decodes lines into batches of the schema (nil: the TFMD
// schema's).
func (c csvConfig) decode(lines []string, schema *arrow.Schema, emit func(arrow.RecordBatch)) error {
	o, err := c.options()
	if err != nil {
		return err
	}
	o.BatchSize = max(len(lines), 1)
	r, err := csv.NewReader(strings.NewReader(joinLines(lines)), schema, o)
	if err != nil {
		return fmt.Errorf("coders: %w", err)
	}
	defer r.Release()
	for r.Next() {
		rb := r.RecordBatch()
		rb.Retain()
		emit(rb)
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("coders: %w", err)
	}
	return nil
}

// DecodeCSV decodes lines (a PCollection of string, one CSV record per
// line, without header lines) into a PCollection of arrow.RecordBatch,
// with the semantics of tfx-bsl's CSVToRecordBatch, which package
// [github.com/gobsl/gobsl/coders/csv] implements: batches of up to
// batchSize lines of one bundle (DefaultBatchSize when batchSize <= 0).
//
// opts.ColumnNames must name the columns. The types are opts.Schema's (a
// TFMD schema) or else inferred from every line first (InferCSV), so
// that every batch has the same schema. A record that spans lines (a
// quoted line break) is broken, as tfx-bsl's line-based reading breaks
// it. It panics on invalid options, as beam.ParDo does.
func DecodeCSV(s beam.Scope, lines beam.PCollection, batchSize int, opts csv.Options) beam.PCollection {
	s = s.Scope("coders.DecodeCSV")
	c, err := newCSVConfig(opts)
	if err != nil {
		panic(err)
	}
	batches := Batch(s, batchSize, lines)
	if c.Schema != nil {
		return beam.ParDo(s, &decodeCSVSchemaFn{Config: c}, batches)
	}
	schema := beam.Combine(s, &inferCSVFn{Config: c}, batches)
	return beam.ParDo(s, &decodeCSVFn{Config: c}, batches, beam.SideInput{Input: schema})
}

// InferCSV returns the Arrow schema of the record batches that DecodeCSV
// gives for lines (a PCollection of string) and opts: a PCollection of
// one *arrow.Schema, inferred from every line as csv.Infer does. It
// panics on invalid options, as beam.ParDo does.
func InferCSV(s beam.Scope, lines beam.PCollection, opts csv.Options) beam.PCollection {
	s = s.Scope("coders.InferCSV")
	c, err := newCSVConfig(opts)
	if err != nil {
		panic(err)
	}
	return beam.Combine(s, &inferCSVFn{Config: c}, Batch(s, 0, lines))
}

type decodeCSVFn struct {
	Config csvConfig
}

func (fn *decodeCSVFn) ProcessElement(lines []string, schema *arrow.Schema, emit func(arrow.RecordBatch)) error {
	return fn.Config.decode(lines, schema, emit)
}

type decodeCSVSchemaFn struct {
	Config csvConfig
}

func (fn *decodeCSVSchemaFn) ProcessElement(lines []string, emit func(arrow.RecordBatch)) error {
	return fn.Config.decode(lines, nil, emit)
}

// inferCSVFn is a CombineFn of batches of lines into their schema. The
// accumulator is a schema: a column's type is the greatest seen, in the
// order null < int64 < float32 < binary of tfx-bsl's inference.
type inferCSVFn struct {
	Config csvConfig
}

func (fn *inferCSVFn) CreateAccumulator() (*arrow.Schema, error) { return fn.Config.infer(nil) }

func (fn *inferCSVFn) AddInput(acc *arrow.Schema, lines []string) (*arrow.Schema, error) {
	s, err := fn.Config.infer(lines)
	if err != nil {
		return nil, err
	}
	return fn.MergeAccumulators(acc, s)
}

func (fn *inferCSVFn) MergeAccumulators(a, b *arrow.Schema) (*arrow.Schema, error) {
	if a.NumFields() != b.NumFields() {
		return nil, fmt.Errorf("coders: CSV schemas of %d and %d columns", a.NumFields(), b.NumFields())
	}
	fields := a.Fields()
	for i, f := range b.Fields() {
		if rank(f.Type) > rank(fields[i].Type) {
			fields[i] = f
		}
	}
	return arrow.NewSchema(fields, nil), nil
}

func (fn *inferCSVFn) ExtractOutput(acc *arrow.Schema) *arrow.Schema { return acc }

// rank orders the column types of CSV inference by their leaf type.
func rank(t arrow.DataType) int {
	for {
		l, ok := t.(arrow.ListLikeType)
		if !ok {
			break
		}
		t = l.Elem()
	}
	switch t.ID() {
	case arrow.NULL:
		return 0
	case arrow.INT64:
		return 1
	case arrow.FLOAT32:
		return 2
	}
	return 3
}
