package main

import (
	"flag"
	"fmt"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

func init() {
	register(&command{
		name:    "convert",
		args:    "INPUT... OUTPUT",
		summary: "convert between TFRecord, Parquet and Arrow IPC, or to tensors",
		help: `Converts every record of the inputs into OUTPUT. Formats follow the file
extensions (or --from/--to):
  tfrecord  .tfrecord .tfrecords, compressed .gz .zz .zlib .zst
            (tf.Example, or tf.SequenceExample with --record-type)
  parquet   .parquet (zstd by default; the Arrow schema is stored with it)
  arrow     .arrow .feather (Arrow IPC file)
  arrows    .arrows (Arrow IPC stream; works with - on pipes)
  csv       .csv .tsv, compressed .csv.gz (input only; --column-names,
            --delimiter, --skip-blank-lines, --multivalent-columns,
            --secondary-delimiter, --raw-record-column, --infer-rows)
  npz       .npz (NumPy; output only: tensors, see below)
  safetensors .safetensors (output only: tensors, see below)

TFRecord input is decoded on all cores. Without --schema, the columns are
the union of all feature names, sorted, typed by the first kind seen, as
tfx-bsl's schemaless decoder does. The input is read once: decoded with the
columns of its first 4096 records while every record is checked; if later
records add a column or a kind, the output is written again with all of
them (standard input gets a first pass instead). With --schema (a TFMD
schema.pbtxt), the columns are the schema's. Parquet columns are encoded
on all cores too.
CSV input is typed as tfx-bsl's CSV decoder does: by inference over all
rows (--infer-rows N: the first N), or by --schema.

.npz and .safetensors output holds tensors, as tfx-bsl's TensorAdapter
makes them, of all the input's rows: the tensor representations of
--schema (its tensor_representation_group "" and those inferred from its
features), or without --schema a sparse tensor per list column and a
ragged one per nested list. A tensor NAME is stored as NAME (dense),
NAME.indices/.values/.dense_shape (sparse) or NAME.values/.row_splits/
.row_splits1... (ragged); bytes are |S<n> arrays in .npz, NAME.bytes and
NAME.offsets in .safetensors.

The output appears only when the conversion is complete: it is written
under a temporary name and renamed. An existing output is not replaced
without --force.

Examples:
  inspect convert data/Split-train/ train.arrow
  inspect convert --schema schema.pbtxt 'data-*.gz' out.arrows
  inspect convert --shards 4 table.arrow out.tfrecord.gz
  inspect convert --record-type sequence_example seq.tfrecord.gz seq.arrow
  inspect convert --raw-record-column raw data.csv data2.csv taxi.tfrecord.gz
  inspect convert --schema schema.pbtxt 'data-*.gz' train.npz`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var o convertFlags
			fs.StringVar(&o.schema, "schema", "", "TFMD schema (.pbtxt or binary) for TFRecord and CSV input and ragged output")
			fs.StringVar(&o.recordType, "record-type", "example", "TFRecord payload: example or sequence_example")
			fs.IntVar(&o.batchSize, "batch-size", tfxio.DefaultBatchSize, "records per batch")
			fs.StringVar(&o.from, "from", "", "input format (default: by extension)")
			fs.StringVar(&o.to, "to", "", "output format (default: by extension)")
			fs.StringVar(&o.compression, "compression", "auto", "TFRecord output compression: auto (by extension), none, gzip, zlib, zstd")
			fs.IntVar(&o.shards, "shards", 0, "write TFRecord or Parquet output as N shards PREFIX-00000-of-0000N")
			fs.StringVar(&o.parquetCompression, "parquet-compression", "zstd", "Parquet codec: zstd, snappy, gzip, lz4, brotli or none")
			fs.BoolVar(&o.force, "force", false, "replace existing output files")
			fs.IntVar(&o.workers, "workers", 0, "decoding and encoding goroutines (default: all cores)")
			fs.BoolVar(&o.deterministic, "deterministic", false, "write each record's features sorted by name")
			fs.BoolVar(&o.quiet, "quiet", false, "no progress display")
			o.csv.bind(fs)
			return func(e *env, args []string) error { return runConvert(e, args, &o) }
		},
	})
}

type convertFlags struct {
	schema, recordType, from, to, compression string
	parquetCompression                        string
	batchSize, shards, workers                int
	force, deterministic, quiet               bool
	csv                                       csvFlags
}

func runConvert(e *env, args []string, o *convertFlags) error {
	if len(args) < 2 {
		return usagef("need at least one input and an output")
	}
	inputs, output := args[:len(args)-1], args[len(args)-1]
	if o.batchSize <= 0 {
		return usagef("--batch-size must be positive")
	}
	rt, err := parseRecordType(o.recordType)
	if err != nil {
		return err
	}
	ro := tfxio.ReadOptions{Stdin: e.stdin}
	var wo tfxio.WriteOptions
	switch rt {
	case typeExample:
		ro.RecordType, wo.RecordType = example.Example, example.Example
	case typeSequenceExample:
		ro.RecordType, wo.RecordType = example.SequenceExample, example.SequenceExample
	default:
		return usagef("--record-type must be example or sequence_example")
	}
	if o.from != "" {
		if ro.Format, err = tfxio.ParseFormat(o.from); err != nil {
			return usagef("%v", err)
		}
	}
	if o.to != "" {
		if wo.Format, err = tfxio.ParseFormat(o.to); err != nil {
			return usagef("%v", err)
		}
	}
	if wo.Compression, err = tfrecord.ParseCompression(o.compression); err != nil {
		return usagef("%v", err)
	}
	if o.schema != "" {
		s, err := schema.Load(o.schema)
		if err != nil {
			return err
		}
		ro.Schema, wo.Schema = s, s
	}
	ro.BatchSize, ro.Workers = o.batchSize, o.workers
	if ro.CSV, err = o.csv.options(); err != nil {
		return usagef("%v", err)
	}
	wo.ParquetCompression = o.parquetCompression
	wo.Shards, wo.Force, wo.Workers, wo.Deterministic = o.shards, o.force, o.workers, o.deterministic

	paths, err := files(inputs)
	if err != nil {
		return err
	}
	p := startProgress(e.stderr, o.quiet, totalSize(paths))
	defer p.stop()
	ro.Progress = p.addBytesFunc()

	n, err := tfxio.Convert(e.ctx, paths, output, tfxio.ConvertOptions{
		Read: ro, Write: wo, Rows: p.addRecordsFunc(), Restart: p.restart,
	})
	if err != nil {
		return err
	}
	p.stop()
	if !o.quiet && isTerminal(e.stderr) {
		fmt.Fprintf(e.stderr, "%d records -> %s\n", n, output)
	}
	return nil
}
