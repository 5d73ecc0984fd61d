package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/internal/textfmt"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/stats"
	"github.com/gobsl/gobsl/tfxio"
)

// schema infer: a TFMD schema from data, as TFDV's infer_schema.

func init() {
	register(&command{
		name:    "schema",
		args:    "infer|show INPUT...",
		summary: "infer a TFMD schema (schema.pbtxt) from data, or show a file's schema",
		help: `inspect schema show prints the schema of the inputs: the Arrow schema of
Parquet and Arrow IPC files (as stored, with its metadata), and for TFRecord,
CSV and JSON lines data, which carry no schema, the TFMD schema inferred
from the first --sample records (as 'schema infer' on them; other records
may add features). --arrow prints the Arrow schema of any input instead:
for TFRecord data, the columns a schemaless convert would write
(reading all of it).

inspect schema infer computes the statistics of the inputs (as 'inspect
stats') and infers a TFMD schema from them as TFDV's infer_schema does:
feature types, presence (min_count; min_fraction 1 when no example lacks
the feature), value counts or, with --infer-shape (the default, as TFDV),
a fixed shape for features every example has with the same number of
values, bool/int/string domains (a string domain for string features of at
most --max-string-domain-size distinct values), and a STRUCT feature with a
struct_domain for the ##SEQUENCE## column of tf.SequenceExample input.

The schema is printed in text format (schema.pbtxt), or written to -o
(binary when the name ends in .pb).

Inputs are read as by convert: TFRecord (tf.Example, or tf.SequenceExample
with --record-type), Arrow IPC, Parquet, CSV, JSON lines.

Examples:
  inspect schema show data.parquet
  inspect schema show --sample 1000 'data-*.tfrecord.gz'
  inspect schema show --arrow data.tfrecord.gz
  inspect schema infer data/Split-train/
  inspect schema infer -o schema.pbtxt --infer-shape=false 'data-*.gz'
  inspect schema infer --record-type sequence_example seq.tfrecord.gz
  inspect schema infer --max-string-domain-size 20 data.csv`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var o schemaFlags
			fs.StringVar(&o.out, "o", "", "write the schema to this file (.pb binary, else text) instead of standard output")
			fs.BoolVar(&o.force, "force", false, "replace an existing -o file")
			fs.IntVar(&o.maxDomain, "max-string-domain-size", schema.DefaultMaxStringDomainSize, "largest number of distinct values that gets a string domain (0 or negative: none)")
			fs.BoolVar(&o.inferShape, "infer-shape", true, "fixed shapes for always-present features of fixed valency (false: value_count)")
			fs.Int64Var(&o.sample, "sample", 10000, "show: records to infer a TFMD schema from (TFRecord, CSV, JSON lines; 0: all)")
			fs.BoolVar(&o.arrow, "arrow", false, "show: the Arrow schema of any input (all of a TFRecord input is read)")
			o.in.bind(fs)
			return func(e *env, args []string) error { return runSchema(e, args, &o) }
		},
	})
}

type schemaFlags struct {
	sample     int64
	arrow      bool
	out        string
	force      bool
	maxDomain  int
	inferShape bool
	in         inputFlags
}

func runSchema(e *env, args []string, o *schemaFlags) error {
	if len(args) > 0 && args[0] == "show" {
		return runSchemaShow(e, args[1:], o)
	}
	if len(args) == 0 || args[0] != "infer" {
		if len(args) > 0 {
			return usagef("unknown schema subcommand %q (want infer or show)", args[0])
		}
		return usagef("missing subcommand (want: schema infer|show INPUT...)")
	}
	opts := schema.InferOptions{MaxStringDomainSize: o.maxDomain, InferFeatureShape: o.inferShape}
	if o.maxDomain == 0 {
		opts.MaxStringDomainSize = -1 // 0 distinct values: no domains
	}
	l, err := o.in.statistics(e, args[1:], stats.Options{}, 0)
	if err != nil {
		return err
	}
	s, err := opts.Infer(l)
	if err != nil {
		return err
	}
	if o.out == "" {
		b, err := protoText(s)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(b)
		return err
	}
	return writeProto(o.out, o.force, s)
}

// inputFlags are the options of commands that read data through tfxio.
type inputFlags struct {
	recordType, from   string
	batchSize, workers int
	quiet              bool
	csv                csvFlags
}

func (o *inputFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&o.recordType, "record-type", "example", "TFRecord payload: example or sequence_example")
	fs.StringVar(&o.from, "from", "", "input format (default: by extension)")
	fs.IntVar(&o.batchSize, "batch-size", tfxio.DefaultBatchSize, "records per batch")
	fs.IntVar(&o.workers, "workers", 0, "decoding and statistics goroutines (default: all cores)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress display")
	o.csv.bind(fs)
}

// readOptions are the tfxio options the flags say, reading "-" from e's
// standard input.
func (o *inputFlags) readOptions(e *env) (tfxio.ReadOptions, error) {
	ro := tfxio.ReadOptions{Stdin: e.stdin}
	if o.batchSize <= 0 {
		return ro, usagef("--batch-size must be positive")
	}
	var err error
	switch rt, err := parseRecordType(o.recordType); {
	case err != nil:
		return ro, err
	case rt == typeExample:
		ro.RecordType = example.Example
	case rt == typeSequenceExample:
		ro.RecordType = example.SequenceExample
	default:
		return ro, usagef("--record-type must be example or sequence_example")
	}
	if o.from != "" {
		if ro.Format, err = tfxio.ParseFormat(o.from); err != nil {
			return ro, usagef("%v", err)
		}
	}
	if ro.CSV, err = o.csv.options(); err != nil {
		return ro, usagef("%v", err)
	}
	ro.BatchSize, ro.Workers = o.batchSize, o.workers
	return ro, nil
}

// statistics reads the inputs schemaless and returns their statistics,
// of the first limit rows if limit is positive.
func (o *inputFlags) statistics(e *env, args []string, so stats.Options, limit int64) (*metadatapb.DatasetFeatureStatisticsList, error) {
	if len(args) == 0 {
		return nil, usagef("no input files")
	}
	ro, err := o.readOptions(e)
	if err != nil {
		return nil, err
	}
	paths, err := files(args)
	if err != nil {
		return nil, err
	}
	p := startProgress(e.stderr, o.quiet, totalSize(paths))
	defer p.stop()
	ro.Progress = p.addBytesFunc()
	r, err := tfxio.Open(e.ctx, paths, ro)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	so.Workers = o.workers
	var rr array.RecordReader = r
	if limit > 0 {
		rr = &firstRows{RecordReader: r, left: limit}
	}
	return stats.Compute(e.ctx, countRows(rr, p), so)
}

// firstRows reads the first rows of a RecordReader (slicing the batch that
// crosses the limit).
type firstRows struct {
	array.RecordReader
	left int64
	cur  arrow.RecordBatch
}

func (f *firstRows) Next() bool {
	if f.cur != nil {
		f.cur.Release()
		f.cur = nil
	}
	if f.left <= 0 || !f.RecordReader.Next() {
		return false
	}
	rb := f.RecordReader.RecordBatch()
	n := min(rb.NumRows(), f.left)
	f.left -= n
	f.cur = rb.NewSlice(0, n)
	return true
}

func (f *firstRows) RecordBatch() arrow.RecordBatch { return f.cur }

func (f *firstRows) Record() arrow.RecordBatch { return f.cur }

func (f *firstRows) Release() {
	if f.cur != nil {
		f.cur.Release()
		f.cur = nil
	}
}

// runSchemaShow prints the schema of each input (or of all of them, for
// TFRecord and text data, whose TFMD schema is inferred from a sample).
func runSchemaShow(e *env, args []string, o *schemaFlags) error {
	if len(args) == 0 {
		return usagef("no input files (want: schema show INPUT...)")
	}
	ro, err := o.in.readOptions(e)
	if err != nil {
		return err
	}
	paths, err := files(args)
	if err != nil {
		return err
	}
	format := ro.Format
	if format == "" {
		if format, err = tfxio.DetectFormat(paths[0]); err != nil {
			return err
		}
	}
	switch {
	case o.arrow || format == tfxio.Parquet || format == tfxio.Arrow || format == tfxio.ArrowStream:
		r, err := tfxio.Open(e.ctx, paths, ro)
		if err != nil {
			return err
		}
		defer r.Release()
		_, err = fmt.Fprintln(e.stdout, r.Schema())
		return err
	}
	l, err := o.in.statistics(e, args, stats.Options{}, o.sample)
	if err != nil {
		return err
	}
	s, err := schema.InferOptions{MaxStringDomainSize: o.maxDomain, InferFeatureShape: o.inferShape}.Infer(l)
	if err != nil {
		return err
	}
	b, err := protoText(s)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(b)
	return err
}

// writeProto writes m to path: binary for .pb, JSON for .json, else text.
func writeProto(path string, force bool, m proto.Message) error {
	var b []byte
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pb", ".bin":
		b, err = proto.MarshalOptions{Deterministic: true}.Marshal(m)
	case ".json":
		b, err = formatJSONProto(m)
	default:
		b, err = protoText(m)
	}
	if err != nil {
		return err
	}
	f, err := fileset.Create(path, force)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// protoText returns m in text format as TFX writes it, the same for every
// build.
func protoText(m proto.Message) ([]byte, error) { return textfmt.Format(m) }

// formatJSONProto returns m as indented proto3 JSON (as Python's
// MessageToJson), the same for every build.
func formatJSONProto(m proto.Message) ([]byte, error) {
	b, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
