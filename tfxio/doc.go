// Package tfxio reads and writes every data format of the pipeline through
// one abstraction, as tfx-bsl's TFXIO does: readers are
// [array.RecordReader]s of Arrow record batches, writers take record
// batches.
//
// # Formats
//
// A [Format] is chosen by file extension ([DetectFormat]) or explicitly:
//
//   - [TFRecord]: tf.Example or tf.SequenceExample records in TFRecord
//     files, uncompressed, gzip, zlib or zstd (.tfrecord, .tfrecords, .gz,
//     .zz, .zlib, .zst); decoded and encoded by
//     [github.com/gobsl/gobsl/coders/example] on all cores;
//   - [Arrow]: Arrow IPC files (.arrow, .feather);
//   - [ArrowStream]: Arrow IPC streams (.arrows), which also work on pipes;
//   - [Parquet]: Parquet files (.parquet), zstd-compressed by default, with
//     the Arrow schema stored so that list types come back as written;
//   - [JSONL]: JSON lines (.jsonl, .ndjson), one object per row, as
//     [github.com/gobsl/gobsl/coders/jsonl] describes;
//   - [CSV]: CSV and TSV files (.csv, .tsv, also compressed), read with
//     tfx-bsl's semantics by [github.com/gobsl/gobsl/coders/csv];
//   - [NPZ] and [Safetensors] (output only): the tensors of
//     [github.com/gobsl/gobsl/tensors].
//
// When a name does not tell the format, the first bytes of the file do.
//
// # Reading
//
// [Open] expands file patterns with [github.com/gobsl/gobsl/fileset] and
// returns one RecordReader over all the files, in order. Without a TFMD
// schema, TFRecord input is read twice: a first pass collects the union of
// feature names and kinds ([example.Scanner]), so that every batch of the
// output has the same schema and a feature first seen late is neither
// dropped nor a surprise. Standard input is spooled to a temporary file for
// that first pass. [ReadOptions].ArrowSchema skips the pass (the schema is
// known); [ReadOptions].Speculate reads once instead, decoding with the
// schema of the first records while every record is checked, and stops
// with a [*SchemaChangedError] if later records add to it: for callers
// that can discard their output and start again, as [Convert] does.
//
// Parquet output is written with every column of a batch on its own
// goroutine (internal/pqwrite); the files are those of arrow-go's
// pqarrow.FileWriter.
//
// # Writing
//
// [Create] returns a [Writer]. Output is written under a temporary name
// and appears under its own name only when Close succeeds; Abort removes
// it. [Copy] moves every batch of a reader into a writer, encoding
// TFRecord output on all cores; [WriteAll] creates, copies and closes (or
// aborts) in one call. [Convert] also opens the input, as inspect convert
// does.
package tfxio
