package tfxio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
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

// Tensor files, write only: the tensors of the batches (package
// github.com/gobsl/gobsl/tensors).
const (
	NPZ         Format = "npz"         // NumPy .npz
	Safetensors Format = "safetensors" // .safetensors
)

// ParseFormat checks a format name given by a user.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case TFRecord, Arrow, ArrowStream, Parquet, JSONL, NPZ, Safetensors:
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
	return "", fmt.Errorf("tfxio: unknown format %q (want tfrecord, parquet, arrow, arrows, jsonl, csv, npz or safetensors)", s)
}

// DetectFormat tells the format of a file from its name. A compression
// extension (.gz, .zz, .zlib, .deflate, .zst) on its own means TFRecord, as
// TFX names its shards "data_tfrecord-00000-of-00001.gz". When the name
// does not tell (TFX writes files such as "stats_tfrecord" and "plots"), the
// first bytes of an existing file do.
func DetectFormat(path string) (Format, error) {
	name := strings.ToLower(filepath.Base(path))
	if IsCSVName(name) { // .csv, .tsv, also compressed: data.csv.gz
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
	case ".npz":
		return NPZ, nil
	case ".safetensors":
		return Safetensors, nil
	}
	if strings.Contains(name, "tfrecord") {
		return TFRecord, nil // data_tfrecord-00000-of-00001, train.tfrecord-00001-of-00010
	}
	if f, ok := sniffFile(path); ok {
		return f, nil
	}
	if ext == "" {
		return "", fmt.Errorf("tfxio: cannot tell the format of %q (no extension): name it", path)
	}
	return "", fmt.Errorf("tfxio: cannot tell the format of %q from its extension %q: name it", path, ext)
}

// sniffFile tells a format from the first bytes of an existing file: the
// Parquet and Arrow magic numbers, an Arrow stream's continuation marker,
// a JSON object, or a TFRecord header whose length CRC agrees.
func sniffFile(path string) (Format, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	head := make([]byte, 12)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return Parquet, true
	case bytes.HasPrefix(head, []byte("ARROW1")):
		return Arrow, true
	case bytes.HasPrefix(head, []byte{0xff, 0xff, 0xff, 0xff}):
		return ArrowStream, true
	case n == 12 && tfrecordHeader(head):
		return TFRecord, true
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}), bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return TFRecord, true // gzip or zstd: what compressed files without a name mostly are
	case bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("{")):
		return JSONL, true
	}
	return "", false
}

// tfrecordHeader reports whether hdr is a TFRecord length and its masked
// CRC-32C.
func tfrecordHeader(hdr []byte) bool {
	c := crc32.Checksum(hdr[:8], crc32.MakeTable(crc32.Castagnoli))
	masked := (c>>15 | c<<17) + 0xa282ead8
	return binary.LittleEndian.Uint32(hdr[8:12]) == masked
}
