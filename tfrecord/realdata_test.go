package tfrecord

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realEntry is one file of $GOBSL_REALDATA/verify.json, written by an
// independent Python verifier (see PROVENANCE.md there).
type realEntry struct {
	Path              string `json:"path"`
	Compression       string `json:"compression"`
	DecompressedBytes int64  `json:"decompressed_bytes"`
	Records           int64  `json:"records"`
	Errors            []any  `json:"errors"`
	FirstRecord       struct {
		Size    int    `json:"size"`
		HeadHex string `json:"head_hex"`
	} `json:"first_record"`
}

// realData returns the directory named by GOBSL_REALDATA and its entries,
// or skips the test when it is unset.
func realData(t testing.TB) (string, []realEntry) {
	t.Helper()
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		t.Skip("GOBSL_REALDATA is not set")
	}
	entries, err := loadRealEntries(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, entries
}

// loadRealEntries reads dir/verify.json.
func loadRealEntries(dir string) ([]realEntry, error) {
	b, err := os.ReadFile(filepath.Join(dir, "verify.json"))
	if err != nil {
		return nil, err
	}
	var entries []realEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, errors.New("verify.json lists no files")
	}
	return entries, nil
}

var realCompression = map[string]Compression{"NONE": None, "GZIP": Gzip, "ZLIB": Zlib, "ZSTD": Zstd}

// TestRealData reads every TFRecord file that TensorFlow, TFX and Beam
// wrote, as listed in verify.json: the detected compression, the record
// count, the stream length and the first record must agree with it, and
// every CRC must verify. Files that are not TFRecords must fail.
func TestRealData(t *testing.T) {
	dir, entries := realData(t)
	for _, e := range entries {
		t.Run(e.Path, func(t *testing.T) {
			r, err := Open(filepath.Join(dir, e.Path))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			want, isTFRecord := realCompression[e.Compression]
			var n int64
			var first []byte
			var end int64
			for {
				rec, err := r.Next()
				if err != nil {
					if !isTFRecord {
						if !errors.Is(err, ErrCorrupt) {
							t.Errorf("not a TFRecord (%s): error %v, want ErrCorrupt", e.Compression, err)
						}
						return
					}
					if err != io.EOF {
						t.Fatalf("after %d records: %v", n, err)
					}
					break
				}
				if n == 0 {
					first = append(first, rec...)
				}
				n++
				end = r.Offset() + headerSize + int64(len(rec)) + footerSize
			}
			if !isTFRecord {
				t.Fatalf("%s: read %d records without an error", e.Compression, n)
			}
			if r.Compression() != want {
				t.Errorf("compression %v, want %v", r.Compression(), want)
			}
			if n != e.Records {
				t.Errorf("%d records, want %d", n, e.Records)
			}
			if end != e.DecompressedBytes {
				t.Errorf("records end at %d, want %d (the decompressed size)", end, e.DecompressedBytes)
			}
			if len(e.Errors) > 0 {
				t.Errorf("verify.json lists errors %v, but the file read cleanly", e.Errors)
			}
			if n > 0 {
				head := hex.EncodeToString(first)
				if len(first) != e.FirstRecord.Size || !strings.HasPrefix(head, e.FirstRecord.HeadHex) {
					t.Errorf("first record: %d bytes %.32s..., want %d bytes %s...", len(first), head, e.FirstRecord.Size, e.FirstRecord.HeadHex)
				}
			}
		})
	}
}

// TestRealDataDamaged flips one byte in the middle of each real
// uncompressed file: the damage must be found, and salvage mode must
// return all the other records.
func TestRealDataDamaged(t *testing.T) {
	dir, entries := realData(t)
	for _, e := range entries {
		if e.Compression != "NONE" || e.Records < 3 {
			continue
		}
		t.Run(e.Path, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, e.Path))
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0x20
			recs, err := readBytes(t, b)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("damaged file: %d records, error %v; want ErrCorrupt", len(recs), err)
			}
			salvaged, errs := salvageAll(t, mustReader(t, b, WithSalvage(true)))
			if int64(len(salvaged)) != e.Records-1 || len(errs) != 1 {
				t.Errorf("salvage: %d records, errors %v; want %d records, one error", len(salvaged), errs, e.Records-1)
			}
		})
	}
}

func mustReader(t testing.TB, b []byte, opts ...ReaderOption) *Reader {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
