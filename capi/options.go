//go:build cgo

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/stats"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

// usageError is a bad argument or option: status GOBSL_EUSAGE, as the CLI's
// exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// readOptions are the JSON options of every function that reads data. The
// names follow the CLI's flags, with underscores.
type readOptions struct {
	Format     string      `json:"format"`      // tfrecord, parquet, arrow, arrows, jsonl, csv; "" by extension
	SchemaPath string      `json:"schema_path"` // a TFMD schema file (.pbtxt or binary)
	RecordType string      `json:"record_type"` // example (default) or sequence_example
	BatchSize  int         `json:"batch_size"`  // records per batch; 0 means tfxio.DefaultBatchSize
	Columns    []string    `json:"columns"`     // the columns to keep, in this order; nil keeps all
	Workers    int         `json:"workers"`     // decoding goroutines; 0 means all cores
	ListType   string      `json:"list_type"`   // large_list (default) or list
	BytesType  string      `json:"bytes_type"`  // large_binary (default), binary, string, large_string
	CSV        *csvOptions `json:"csv"`
}

// csvOptions mirror tfxio.CSVOptions and the CLI's CSV flags.
type csvOptions struct {
	ColumnNames        []string `json:"column_names"`
	Delimiter          string   `json:"delimiter"`
	KeepBlankLines     bool     `json:"keep_blank_lines"`
	MultivalentColumns []string `json:"multivalent_columns"`
	SecondaryDelimiter string   `json:"secondary_delimiter"`
	RawRecordColumn    string   `json:"raw_record_column"`
	InferRows          int      `json:"infer_rows"`
	MaxFieldSize       int      `json:"max_field_size"`
}

// writeOptions are the JSON options of gobsl_write.
type writeOptions struct {
	Format             string `json:"format"`
	SchemaPath         string `json:"schema_path"`
	RecordType         string `json:"record_type"`
	Compression        string `json:"compression"` // auto (by extension), none, gzip, zlib, zstd
	Shards             int    `json:"shards"`
	ParquetCompression string `json:"parquet_compression"`
	Force              bool   `json:"force"`
	Deterministic      bool   `json:"deterministic"`
	Workers            int    `json:"workers"`
}

// statsOptions are stats.Options; the zero values mean TFDV's defaults.
type statsOptions struct {
	Name                         string `json:"name"`
	NumTopValues                 int    `json:"num_top_values"`
	NumRankHistogramBuckets      int    `json:"num_rank_histogram_buckets"`
	NumValuesHistogramBuckets    int    `json:"num_values_histogram_buckets"`
	NumHistogramBuckets          int    `json:"num_histogram_buckets"`
	NumQuantilesHistogramBuckets int    `json:"num_quantiles_histogram_buckets"`
}

// protoOutput chooses the encoding of a returned proto.
type protoOutput struct {
	Output string `json:"output"` // binary (default) or text
}

// inferOptions are the options of gobsl_infer_schema: the CLI's schema
// infer defaults (shapes inferred, string domains of up to 100 values).
type inferOptions struct {
	readOptions
	statsOptions
	protoOutput
	InferShape          *bool `json:"infer_shape"`            // default true, as TFDV and the CLI
	MaxStringDomainSize *int  `json:"max_string_domain_size"` // default 100; 0 or less: no string domains
}

type statsCallOptions struct {
	readOptions
	statsOptions
	protoOutput
}

// tensorOptions are the options of gobsl_tensors_open.
type tensorOptions struct {
	readOptions
	// Representation: "auto" (default) derives the tensors as tfx-bsl:
	// from the schema's tensor representations and features, or without a
	// schema from the Arrow types (list columns become varlen sparse
	// tensors); "ragged" makes every varlen sparse tensor a ragged tensor
	// instead (values and row splits, both shared with the Arrow buffers).
	Representation string `json:"representation"`
}

// decodeOptions parses a JSON object into v; "" means all defaults. Unknown
// keys are a usage error.
func decodeOptions(s string, v any) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			return usagef("unknown option %s", f)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			field := te.Field
			for _, embedded := range []string{"readOptions.", "statsOptions.", "protoOutput."} {
				field = strings.TrimPrefix(field, embedded)
			}
			return usagef("option %q: want a JSON %s, not %s", field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return usagef("options: %v", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return usagef("options: trailing data after the JSON object")
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int64":
		return "integer"
	case "bool":
		return "boolean"
	case "slice":
		return "array"
	case "ptr", "struct":
		return "object or value"
	}
	return goKind
}

// loadSchema returns the TFMD schema given as bytes or by path; nil when
// neither is given.
func loadSchema(data []byte, path string) (*metadatapb.Schema, error) {
	switch {
	case data != nil && path != "":
		return nil, usagef("schema given twice: as bytes and as schema_path %q", path)
	case data != nil:
		return schema.Parse(data)
	case path != "":
		return schema.Load(path)
	}
	return nil, nil
}

// parseRecordType accepts the CLI's names.
func parseRecordType(s string) (example.RecordType, error) {
	switch s {
	case "", "example", "tf.Example":
		return example.Example, nil
	case "sequence_example", "sequence-example", "tf.SequenceExample":
		return example.SequenceExample, nil
	}
	return 0, usagef("unknown record type %q (want example or sequence_example)", s)
}

// parseDelimiter reads a delimiter: one character, or \t or tab (as the CLI).
func parseDelimiter(name, s string) (rune, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case `\t`, "tab":
		return '\t', nil
	}
	if r, n := utf8.DecodeRuneInString(s); n == len(s) && r != utf8.RuneError {
		return r, nil
	}
	return 0, usagef("%s must be one character (or \\t or tab), not %q", name, s)
}

// tfxio returns the tfxio options the JSON options give; s is the schema.
func (o *readOptions) tfxio(s *metadatapb.Schema) (tfxio.ReadOptions, error) {
	var ro tfxio.ReadOptions
	var err error
	if o.Format != "" {
		if ro.Format, err = tfxio.ParseFormat(o.Format); err != nil {
			return ro, usagef("%v", err)
		}
	}
	if ro.RecordType, err = parseRecordType(o.RecordType); err != nil {
		return ro, err
	}
	switch o.ListType {
	case "", "large_list":
		ro.ListType = example.LargeList
	case "list":
		ro.ListType = example.List
	default:
		return ro, usagef("unknown list_type %q (want large_list or list)", o.ListType)
	}
	switch o.BytesType {
	case "", "large_binary":
		ro.BytesType = example.LargeBinary
	case "binary":
		ro.BytesType = example.Binary
	case "string", "utf8":
		ro.BytesType = example.String
	case "large_string", "large_utf8":
		ro.BytesType = example.LargeString
	default:
		return ro, usagef("unknown bytes_type %q (want large_binary, binary, string or large_string)", o.BytesType)
	}
	if o.BatchSize < 0 {
		return ro, usagef("batch_size must be positive")
	}
	if o.Workers < 0 {
		return ro, usagef("workers must be 0 (all cores) or more")
	}
	ro.BatchSize, ro.Workers = o.BatchSize, o.Workers
	if ro.BatchSize == 0 {
		ro.BatchSize = tfxio.DefaultBatchSize
	}
	if c := o.CSV; c != nil {
		if ro.CSV.Delimiter, err = parseDelimiter("csv.delimiter", c.Delimiter); err != nil {
			return ro, err
		}
		if ro.CSV.SecondaryDelimiter, err = parseDelimiter("csv.secondary_delimiter", c.SecondaryDelimiter); err != nil {
			return ro, err
		}
		if c.InferRows < 0 {
			return ro, usagef("csv.infer_rows must be 0 (all rows) or more")
		}
		ro.CSV.ColumnNames = c.ColumnNames
		ro.CSV.KeepBlankLines = c.KeepBlankLines
		ro.CSV.MultivalentColumns = c.MultivalentColumns
		ro.CSV.RawRecordColumn = c.RawRecordColumn
		ro.CSV.InferRows = c.InferRows
		ro.CSV.MaxFieldSize = c.MaxFieldSize
	}
	if err := checkColumns(o.Columns); err != nil {
		return ro, err
	}
	ro.Schema = pruneSchema(s, o.Columns, ro.Format)
	return ro, nil
}

func checkColumns(cols []string) error {
	if cols == nil {
		return nil
	}
	if len(cols) == 0 {
		return usagef("columns is empty (omit it to keep every column)")
	}
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if seen[c] {
			return usagef("column %q is listed twice in columns", c)
		}
		seen[c] = true
	}
	return nil
}

// pruneSchema drops the features that columns does not keep from a copy of
// s, so that TFRecord decoding skips them instead of decoding and dropping
// them. Only the top-level feature list changes: other parts of the schema
// do not decide which columns a decode makes.
func pruneSchema(s *metadatapb.Schema, columns []string, f tfxio.Format) *metadatapb.Schema {
	if s == nil || columns == nil || (f != "" && f != tfxio.TFRecord) {
		return s
	}
	keep := make(map[string]bool, len(columns))
	for _, c := range columns {
		keep[c] = true
	}
	p := proto.CloneOf(s)
	p.Feature = p.Feature[:0]
	for _, ft := range s.GetFeature() {
		if keep[ft.GetName()] {
			p.Feature = append(p.Feature, proto.CloneOf(ft))
		}
	}
	return p
}

// tfxio returns the write options; s is the schema.
func (o *writeOptions) tfxio(s *metadatapb.Schema) (tfxio.WriteOptions, error) {
	var wo tfxio.WriteOptions
	var err error
	if o.Format != "" {
		if wo.Format, err = tfxio.ParseFormat(o.Format); err != nil {
			return wo, usagef("%v", err)
		}
	}
	if wo.RecordType, err = parseRecordType(o.RecordType); err != nil {
		return wo, err
	}
	if wo.Compression, err = tfrecord.ParseCompression(o.Compression); err != nil {
		return wo, usagef("%v", err)
	}
	if o.Shards < 0 {
		return wo, usagef("shards must be 0 or more")
	}
	if o.Workers < 0 {
		return wo, usagef("workers must be 0 (all cores) or more")
	}
	wo.Shards, wo.Force, wo.Deterministic, wo.Workers = o.Shards, o.Force, o.Deterministic, o.Workers
	wo.ParquetCompression = o.ParquetCompression
	wo.Schema = s
	return wo, nil
}

func (o *statsOptions) stats(s *metadatapb.Schema, workers int) stats.Options {
	return stats.Options{
		Name:                         o.Name,
		NumTopValues:                 o.NumTopValues,
		NumRankHistogramBuckets:      o.NumRankHistogramBuckets,
		NumValuesHistogramBuckets:    o.NumValuesHistogramBuckets,
		NumHistogramBuckets:          o.NumHistogramBuckets,
		NumQuantilesHistogramBuckets: o.NumQuantilesHistogramBuckets,
		Schema:                       s,
		Workers:                      workers,
	}
}

// marshal encodes m as the output option says: binary (deterministic) or
// text as TFX writes it (and as the CLI prints it).
func (o protoOutput) marshal(m proto.Message) ([]byte, error) {
	switch o.Output {
	case "", "binary":
		return proto.MarshalOptions{Deterministic: true}.Marshal(m)
	case "text", "pbtxt":
		return protoText(m)
	}
	return nil, usagef("unknown output %q (want binary or text)", o.Output)
}

// infer returns the schema.InferOptions: the CLI's defaults.
func (o *inferOptions) infer(s *metadatapb.Schema) schema.InferOptions {
	opts := schema.InferOptions{MaxStringDomainSize: schema.DefaultMaxStringDomainSize, InferFeatureShape: true}
	if o.InferShape != nil {
		opts.InferFeatureShape = *o.InferShape
	}
	if o.MaxStringDomainSize != nil {
		opts.MaxStringDomainSize = *o.MaxStringDomainSize
		if opts.MaxStringDomainSize == 0 {
			opts.MaxStringDomainSize = -1 // 0 distinct values: no domains, as the CLI
		}
	}
	opts.Stats = o.statsOptions.stats(s, o.Workers)
	return opts
}
