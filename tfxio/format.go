package tfxio

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gobsl/gobsl/tfrecord"
)

// Format is a file format that tfxio reads or writes.
type Format string

const (
	TFRecord    Format = "tfrecord"
	Arrow       Format = "arrow"  // Arrow IPC file format
	ArrowStream Format = "arrows" // Arrow IPC stream format
	Parquet     Format = "parquet"
	JSONL       Format = "jsonl" // JSON lines, one object per row
	CSV         Format = "csv"   // CSV or TSV, read only; see CSVOptions
)

// ParseFormat checks a format name given by a user.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case TFRecord, Arrow, ArrowStream, Parquet, JSONL:
		return f, nil
	case "ndjson", "json":
		return JSONL, nil
	case CSV, "tsv":
		return CSV, nil
	case "pq":
		return Parquet, nil
	case "feather", "ipc":
		return Arrow, nil
	case "arrow-stream", "stream":
		return ArrowStream, nil
	case "tfrecords":
		return TFRecord, nil
	}
	return "", fmt.Errorf("tfxio: unknown format %q (want tfrecord, parquet, arrow, arrows, jsonl or csv)", s)
}

// DetectFormat tells the format of a file from its name. A compression
// extension (.gz, .zz, .zlib, .deflate, .zst) on its own means TFRecord, as
// TFX names its shards "data_tfrecord-00000-of-00001.gz".
func DetectFormat(path string) (Format, error) {
	name := strings.ToLower(filepath.Base(path))
	if isCSVName(name) { // .csv, .tsv, also compressed: data.csv.gz
		return CSV, nil
	}
	if tfrecord.CompressionFromPath(name) != tfrecord.None {
		return TFRecord, nil
	}
	ext := filepath.Ext(name)
	switch ext {
	case ".tfrecord", ".tfrecords", ".tfr":
		return TFRecord, nil
	case ".arrow", ".feather", ".ipc":
		return Arrow, nil
	case ".arrows":
		return ArrowStream, nil
	case ".parquet", ".pq":
		return Parquet, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	}
	if strings.Contains(name, "tfrecord") {
		return TFRecord, nil // data_tfrecord-00000-of-00001, train.tfrecord-00001-of-00010
	}
	if ext == "" {
		return "", fmt.Errorf("tfxio: cannot tell the format of %q (no extension): name it", path)
	}
	return "", fmt.Errorf("tfxio: cannot tell the format of %q from its extension %q: name it", path, ext)
}
