package tfrecord

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriterBytes(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	recs := sampleRecords(20)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written before Flush; want the Writer to buffer", buf.Len())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := refFrame(recs...); !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("Writer output differs from the reference framing")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := w.Flush(); err == nil {
		t.Error("Flush after Close succeeded")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func TestWriterOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    []WriterOption
		wantErr bool
	}{
		{"default", nil, false},
		{"none", []WriterOption{WithWriterCompression(None)}, false},
		{"auto", []WriterOption{WithWriterCompression(Auto)}, true},
		{"unknown", []WriterOption{WithWriterCompression(7)}, true},
		{"gzip level 1", []WriterOption{WithWriterCompression(Gzip), WithCompressionLevel(1)}, false},
		{"level before compression", []WriterOption{WithCompressionLevel(9), WithWriterCompression(Zlib)}, false},
		{"gzip level -2", []WriterOption{WithWriterCompression(Gzip), WithCompressionLevel(-2)}, false},
		{"gzip level 10", []WriterOption{WithWriterCompression(Gzip), WithCompressionLevel(10)}, true},
		{"zlib level -3", []WriterOption{WithWriterCompression(Zlib), WithCompressionLevel(-3)}, true},
		{"zstd level 1", []WriterOption{WithWriterCompression(Zstd), WithCompressionLevel(1)}, false},
		{"zstd level 22", []WriterOption{WithWriterCompression(Zstd), WithCompressionLevel(22)}, false},
		{"zstd level 0", []WriterOption{WithWriterCompression(Zstd), WithCompressionLevel(0)}, true},
		{"zstd level 23", []WriterOption{WithWriterCompression(Zstd), WithCompressionLevel(23)}, true},
		{"level without compression", []WriterOption{WithCompressionLevel(5)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := NewWriter(io.Discard, tt.opts...)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewWriter: %v, want error %v", err, tt.wantErr)
			}
			if err != nil && strings.Count(err.Error(), "tfrecord:") != 1 {
				t.Errorf("error %q: want exactly one tfrecord: prefix", err)
			}
			if err == nil {
				if err := w.Close(); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestCompressionLevels checks that the level reaches the codec: the
// stored level (0) must not compress.
func TestCompressionLevels(t *testing.T) {
	rec := bytes.Repeat([]byte("compressible "), 1000)
	size := func(opts ...WriterOption) int {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Len()
	}
	for _, c := range []Compression{Gzip, Zlib} {
		stored, best := size(WithWriterCompression(c), WithCompressionLevel(0)), size(WithWriterCompression(c), WithCompressionLevel(9))
		if stored < len(rec) || best > len(rec)/10 {
			t.Errorf("%v: level 0 gives %d bytes, level 9 %d, for %d", c, stored, best, len(rec))
		}
	}
	fast, best := size(WithWriterCompression(Zstd), WithCompressionLevel(1)), size(WithWriterCompression(Zstd), WithCompressionLevel(19))
	if fast > len(rec)/10 || best > len(rec)/10 {
		t.Errorf("zstd: level 1 gives %d bytes, level 19 %d, for %d", fast, best, len(rec))
	}
}

// failWriter accepts n bytes, then fails.
type failWriter struct {
	n   int
	err error
}

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return len(p), nil
	}
	n := f.n
	f.n = 0
	return n, f.err
}

func TestWriterErrorsAreSticky(t *testing.T) {
	diskFull := errors.New("disk full")
	for _, c := range []Compression{None, Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			w, err := NewWriter(&failWriter{n: 100, err: diskFull}, WithWriterCompression(c))
			if err != nil {
				t.Fatal(err)
			}
			rec := make([]byte, 100<<10) // larger than the buffer, and incompressible
			rand.NewChaCha8([32]byte{}).Read(rec)
			var first error
			for range 10 {
				if err := w.Write(rec); err != nil {
					first = err
					break
				}
			}
			if first == nil {
				first = w.Flush()
			}
			if !errors.Is(first, diskFull) {
				t.Fatalf("error %v, want disk full", first)
			}
			if err := w.Write(rec); !errors.Is(err, diskFull) {
				t.Errorf("Write after failure: %v", err)
			}
			if err := w.Flush(); !errors.Is(err, diskFull) {
				t.Errorf("Flush after failure: %v", err)
			}
			if err := w.Close(); !errors.Is(err, diskFull) {
				t.Errorf("Close after failure: %v", err)
			}
			if err := w.Close(); !errors.Is(err, diskFull) {
				t.Errorf("second Close: %v", err)
			}
		})
	}
}

func TestWriterCloseReportsError(t *testing.T) {
	diskFull := errors.New("disk full")
	w, err := NewWriter(&failWriter{n: 5, err: diskFull})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]byte("foo")); err != nil {
		t.Fatalf("buffered Write: %v", err)
	}
	if err := w.Close(); !errors.Is(err, diskFull) {
		t.Errorf("Close = %v, want disk full", err)
	}
}

// TestFlushMakesRecordsReadable: after Flush, a reader sees every record
// written so far, even from an unfinished compressed stream.
func TestFlushMakesRecordsReadable(t *testing.T) {
	for _, c := range []Compression{None, Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, WithWriterCompression(c))
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			recs := sampleRecords(10)
			for _, r := range recs {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			r, err := NewReader(bytes.NewReader(buf.Bytes()), WithCompression(c))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got [][]byte
			for range recs {
				rec, err := r.Next()
				if err != nil {
					t.Fatalf("after %d records: %v", len(got), err)
				}
				got = append(got, bytes.Clone(rec))
			}
			if diff := cmp.Diff(recs, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriterAllocs(t *testing.T) {
	w, err := NewWriter(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	rec := make([]byte, 1000)
	if allocs := testing.AllocsPerRun(1000, func() { w.Write(rec) }); allocs != 0 {
		t.Errorf("%v allocations per Write, want 0", allocs)
	}
}
