package tfrecord

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gobsl/gobsl/fileset"
)

// readFile reads a whole TFRecord file with Open.
func readFile(t *testing.T, path string, opts ...ReaderOption) ([][]byte, Compression) {
	t.Helper()
	r, err := Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	}()
	recs, err := readAll(r.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return recs, r.Compression()
}

func TestCreateOpen(t *testing.T) {
	recs := sampleRecords(30)
	tests := []struct {
		name string
		file string
		opts []WriterOption
		want Compression
	}{
		{"plain", "a.tfrecord", nil, None},
		{"gzip by extension", "a.tfrecord.gz", nil, Gzip},
		{"zlib by extension", "a.zlib", nil, Zlib},
		{"zstd by extension", "a.zst", nil, Zstd},
		{"option wins over extension", "b.gz", []WriterOption{WithWriterCompression(Zstd)}, Zstd},
		{"level with extension", "c.gz", []WriterOption{WithCompressionLevel(1)}, Gzip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			w, err := Create(path, false, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if w.Name() != path {
				t.Errorf("Name() = %q", w.Name())
			}
			for _, r := range recs {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("file visible before Close: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			// Detected from the content: WithCompression(Auto).
			got, comp := readFile(t, path)
			if comp != tt.want {
				t.Errorf("compression %v, want %v", comp, tt.want)
			}
			if !equalRecords(recs, got) {
				t.Errorf("records differ: %s", describe(got))
			}
		})
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.tfrecord")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Create over an existing file: %v", err)
	}
	w, err := Create(path, true)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("new"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := readFile(t, path); len(got) != 1 || string(got[0]) != "new" {
		t.Errorf("records %q", got)
	}
}

func TestFileWriterAbort(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "a.zst"), false)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("foo"))
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("directory holds %d entries after Abort", len(entries))
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}
}

func TestOpenErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "damaged.tfrecord")
	if err := os.WriteFile(path, append(refFrame([]byte("foo")), 1, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = readAll(r.Reader)
	if e := asError(t, err); e.Path != path || e.Offset != 19 || e.Reason != TruncatedHeader {
		t.Errorf("error %v, want a truncated header at 19 in %s", err, path)
	}
	if !strings.Contains(err.Error(), path+": truncated record at 19") {
		t.Errorf("error text %q does not name the file", err)
	}

	if _, err := Open(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
	if _, err := Open(path, WithMaxRecordSize(-5)); err == nil {
		t.Error("Open with a bad option succeeded")
	}
}

// TestOpenPathDecidesShortStreams: for a stream too short to sniff, the
// file's extension decides, here making a 3-byte .gz file a gzip error
// rather than a truncated record.
func TestOpenPathDecidesShortStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.gz")
	if err := os.WriteFile(path, []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Compression() != Gzip {
		t.Errorf("Compression() = %v, want gzip", r.Compression())
	}
	if _, err := r.Next(); asError(t, err).Reason != BadCompression {
		t.Errorf("Next: %v, want a bad compressed stream", err)
	}
}

func TestCreateShards(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "data_tfrecord")
	s, err := CreateShards(prefix, 3, false, WithWriterCompression(Gzip))
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{
		prefix + "-00000-of-00003.gz",
		prefix + "-00001-of-00003.gz",
		prefix + "-00002-of-00003.gz",
	}
	if diff := cmp.Diff(wantNames, s.Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
	recs := sampleRecords(10)
	for _, r := range recs {
		if err := s.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if files, err := fileset.Expand(dir); err == nil {
		t.Errorf("shards visible before Close: %q", files)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := fileset.Expand(prefix + "@3.gz")
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		got, comp := readFile(t, f)
		var want [][]byte
		for j := i; j < len(recs); j += 3 {
			want = append(want, recs[j])
		}
		if comp != Gzip || !equalRecords(want, got) {
			t.Errorf("shard %d: %v, records %s; want gzip, %s", i, comp, describe(got), describe(want))
		}
	}
	if err := s.Write([]byte("late")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestCreateShardsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "out")
	existing := fileset.ShardName(prefix, 2, 4, "")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateShards(prefix, 4, false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("CreateShards over an existing shard: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the old shard", len(entries))
	}

	s, err := CreateShards(prefix, 4, true)
	if err != nil {
		t.Fatal(err)
	}
	s.Write([]byte("x"))
	if err := s.Abort(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries after Abort, want only the old shard", len(entries))
	}
	if err := s.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}

	if _, err := CreateShards(prefix, 0, false); err == nil {
		t.Error("CreateShards with 0 shards succeeded")
	}
	if _, err := CreateShards(prefix, 2, false, WithWriterCompression(Auto)); err == nil {
		t.Error("CreateShards with Auto succeeded")
	}
}
