package tfrecord

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCompression(t *testing.T) {
	tests := []struct {
		in      string
		want    Compression
		wantErr bool
	}{
		{"", Auto, false},
		{"auto", Auto, false},
		{"none", None, false},
		{"NONE", None, false},
		{"gzip", Gzip, false},
		{"GZIP", Gzip, false},
		{"Zlib", Zlib, false},
		{"zstd", Zstd, false},
		{"gz", Auto, true},
		{"snappy", Auto, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCompression(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("ParseCompression(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestCompressionNames(t *testing.T) {
	tests := []struct {
		c    Compression
		name string
		ext  string
	}{
		{Auto, "auto", ""},
		{None, "none", ""},
		{Gzip, "gzip", ".gz"},
		{Zlib, "zlib", ".zz"},
		{Zstd, "zstd", ".zst"},
		{42, "Compression(42)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.String(); got != tt.name {
				t.Errorf("String() = %q, want %q", got, tt.name)
			}
			if got := tt.c.Ext(); got != tt.ext {
				t.Errorf("Ext() = %q, want %q", got, tt.ext)
			}
			if tt.c.valid() {
				back, err := ParseCompression(tt.name)
				if err != nil || back != tt.c {
					t.Errorf("ParseCompression(%q) = %v, %v; want %v", tt.name, back, err, tt.c)
				}
				if tt.c != Auto && tt.c != None && CompressionFromPath("x"+tt.ext) != tt.c {
					t.Errorf("CompressionFromPath(x%s) = %v", tt.ext, CompressionFromPath("x"+tt.ext))
				}
			}
		})
	}
}

func TestCompressionFromPath(t *testing.T) {
	tests := []struct {
		path string
		want Compression
	}{
		{"data.tfrecord", None},
		{"data", None},
		{"", None},
		{"data-00000-of-00010.gz", Gzip},
		{"x.GZ", Gzip},
		{"x.gzip", Gzip},
		{"x.zz", Zlib},
		{"x.zlib", Zlib},
		{"x.deflate", Zlib},
		{"x.zst", Zstd},
		{"x.zstd", Zstd},
		{"dir.gz/data", None},
		{"-", None},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := CompressionFromPath(tt.path); got != tt.want {
				t.Errorf("CompressionFromPath(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	recs := [][]byte{[]byte("foo")}
	plain := refFrame(recs...)
	// A record of length 0x9c78 starts with 78 9c, the most common zlib
	// header: the valid length CRC must win.
	zlibLike := refFrame(make([]byte, 0x9c78))
	if !isZlibHeader(zlibLike[0], zlibLike[1]) {
		t.Fatalf("test input %x does not look like zlib", zlibLike[:2])
	}
	damagedZlibLike := bytes.Clone(zlibLike[:headerSize])
	damagedZlibLike[9] ^= 1
	tests := []struct {
		name string
		head []byte
		path string
		want Compression
	}{
		{"plain", plain[:12], "", None},
		{"plain, .gz name", plain[:12], "x.gz", None},
		{"zlib-like length", zlibLike[:12], "x.zz", None},
		{"zlib-like length, bad CRC", damagedZlibLike, "", Zlib},
		{"gzip", compress(t, Gzip, plain)[:12], "", Gzip},
		{"gzip, .tfrecord name", compress(t, Gzip, plain)[:12], "x.tfrecord", Gzip},
		{"zlib", compress(t, Zlib, plain)[:12], "", Zlib},
		{"zstd", compress(t, Zstd, plain)[:12], "", Zstd},
		{"empty zlib stream, 8 bytes", compress(t, Zlib, nil), "", Zlib},
		{"empty, no name", nil, "", None},
		{"empty, .gz name", nil, "x.gz", Gzip},
		{"short junk, .zst name", []byte{1, 2, 3}, "x.zst", Zstd},
		{"short junk", []byte{1, 2, 3}, "", None},
		{"long junk, .gz name", bytes.Repeat([]byte{0xee}, 12), "x.gz", Gzip},
		{"truncated plain header", plain[:7], "", None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniff(tt.head, tt.path); got != tt.want {
				t.Errorf("sniff(%x, %q) = %v, want %v", tt.head, tt.path, got, tt.want)
			}
		})
	}
}

// TestZlibLikeUncompressed reads an uncompressed stream whose first bytes
// are a valid zlib header.
func TestZlibLikeUncompressed(t *testing.T) {
	recs := [][]byte{make([]byte, 0x9c78), []byte("x")}
	r, err := NewReader(bytes.NewReader(refFrame(recs...)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Compression() != None {
		t.Errorf("Compression() = %v, want none", r.Compression())
	}
	got, err := readAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !equalRecords(recs, got) {
		t.Errorf("records differ: got %s", describe(got))
	}
}

// TestRoundTrip writes with Writer and reads back with Reader, with every
// compression, detected and given.
func TestRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), (defaultBufferSize+1000)/16)
	sets := []struct {
		name string
		recs [][]byte
	}{
		{"no records", [][]byte{}},
		{"one empty record", [][]byte{{}}},
		{"empty records", [][]byte{{}, {}, {}}},
		{"foo bar", [][]byte{[]byte("foo"), []byte("bar")}},
		{"mixed", sampleRecords(100)},
		{"larger than the buffer", [][]byte{[]byte("a"), big, []byte("b"), big}},
	}
	for _, c := range []Compression{None, Gzip, Zlib, Zstd} {
		for _, set := range sets {
			t.Run(c.String()+"/"+set.name, func(t *testing.T) {
				var buf bytes.Buffer
				w, err := NewWriter(&buf, WithWriterCompression(c))
				if err != nil {
					t.Fatal(err)
				}
				for _, rec := range set.recs {
					if err := w.Write(rec); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if c == None {
					if recs, fail := refParse(buf.Bytes(), 1<<40); fail != nil || !equalRecords(recs, set.recs) {
						t.Errorf("reference parser disagrees: %d records, %+v", len(recs), fail)
					}
				}
				for _, opt := range []Compression{Auto, c} {
					r, err := NewReader(bytes.NewReader(buf.Bytes()), WithCompression(opt))
					if err != nil {
						t.Fatal(err)
					}
					got, err := readAll(r)
					if err != nil {
						t.Fatalf("WithCompression(%v): %v", opt, err)
					}
					if len(got) != len(set.recs) {
						t.Fatalf("WithCompression(%v): %d records, want %d", opt, len(got), len(set.recs))
					}
					for i := range got {
						if !bytes.Equal(got[i], set.recs[i]) {
							t.Errorf("WithCompression(%v): record %d differs", opt, i)
						}
					}
					if len(set.recs) > 0 && r.Compression() != c {
						t.Errorf("WithCompression(%v): Compression() = %v, want %v", opt, r.Compression(), c)
					}
					r.Close()
				}
			})
		}
	}
}

// TestIndependentCodecs reads streams compressed by other encoders: the
// standard library's gzip and zlib, multi-member gzip.
func TestIndependentCodecs(t *testing.T) {
	recs := sampleRecords(50)
	plain := refFrame(recs...)
	half := len(refFrame(recs[:25]...))
	tests := []struct {
		name string
		in   []byte
		want Compression
	}{
		{"gzip", compress(t, Gzip, plain), Gzip},
		{"zlib", compress(t, Zlib, plain), Zlib},
		{"zstd", compress(t, Zstd, plain), Zstd},
		{"two gzip members", append(compress(t, Gzip, plain[:half]), compress(t, Gzip, plain[half:])...), Gzip},
		{"gzip member split inside a record", append(compress(t, Gzip, plain[:half+5]), compress(t, Gzip, plain[half+5:])...), Gzip},
		{"two zstd frames", append(compress(t, Zstd, plain[:half+5]), compress(t, Zstd, plain[half+5:])...), Zstd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Compression() != tt.want {
				t.Errorf("Compression() = %v, want %v", r.Compression(), tt.want)
			}
			got, err := readAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(recs, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEmptyStream: an empty stream has no records, whatever the
// compression it is said to have.
func TestEmptyStream(t *testing.T) {
	for _, c := range []Compression{Auto, None, Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			got, err := readBytes(t, nil, WithCompression(c))
			if err != nil || len(got) != 0 {
				t.Errorf("got %d records, %v; want none, no error", len(got), err)
			}
		})
	}
}

// TestDamagedCompressedStreams flips and cuts compressed streams: the
// reader must report corruption, or (for bytes the codec ignores, such as
// the gzip MTIME) return exactly the original records. It never returns
// different data without an error.
func TestDamagedCompressedStreams(t *testing.T) {
	recs := sampleRecords(8)
	plain := refFrame(recs...)
	for _, c := range []Compression{Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			in := compress(t, c, plain)
			check := func(what string, b []byte, cleanOK bool) {
				t.Helper()
				got, err := readBytes(t, b, WithCompression(c), smallBuffer)
				if err == nil {
					if !cleanOK && len(b) > 0 {
						t.Fatalf("%s: no error, %d records", what, len(got))
					}
					if len(b) > 0 && !equalRecords(recs, got) {
						t.Fatalf("%s: no error, but the records differ", what)
					}
					return
				}
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s: %v is not ErrCorrupt", what, err)
				}
				e := asError(t, err)
				if e.Reason != BadCompression && e.Reason != DataCRCMismatch && e.Reason != LengthCRCMismatch &&
					!errors.Is(err, ErrTruncated) && e.Reason != TooLarge {
					t.Fatalf("%s: unexpected reason in %v", what, err)
				}
				if !equalRecords(recs[:len(got)], got) {
					t.Fatalf("%s: records before the error differ", what)
				}
			}
			for cut := range len(in) {
				check("cut "+itoa(cut), in[:cut], false)
			}
			for i := range in {
				b := bytes.Clone(in)
				b[i] ^= 0x55
				check("flip "+itoa(i), b, true)
			}
		})
	}
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// TestBadCompressedHeader: a stream that claims a compression it does not
// have fails in Next, not in NewReader.
func TestBadCompressedHeader(t *testing.T) {
	plain := refFrame([]byte("foo"))
	for _, c := range []Compression{Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(plain), WithCompression(c))
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			defer r.Close()
			_, err = r.Next()
			if e := asError(t, err); e.Reason != BadCompression || e.Offset != 0 || !errors.Is(err, ErrCorrupt) {
				t.Errorf("Next: %v, want a bad compressed stream at 0", err)
			}
			if _, err2 := r.Next(); err2 != err {
				t.Errorf("second Next: %v, want the same error", err2)
			}
		})
	}
}

// TestTrailingGarbageAfterGzip: bytes after the last gzip member are not
// silently ignored.
func TestTrailingGarbageAfterGzip(t *testing.T) {
	in := append(compress(t, Gzip, refFrame([]byte("foo"))), "garbage"...)
	got, err := readBytes(t, in)
	if len(got) != 1 || !errors.Is(err, ErrCorrupt) {
		t.Errorf("got %d records, %v; want 1 and a corruption error", len(got), err)
	}
}

func TestZstdWindowLimit(t *testing.T) {
	// A frame whose header asks for a 2 GiB window is refused.
	plain := refFrame(bytes.Repeat([]byte("x"), 1000))
	in := compress(t, Zstd, plain)
	r, err := NewReader(bytes.NewReader(in), func(c *readerConfig) error { c.maxWindow = 1 << 10; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := readAll(r); err == nil {
		// The frame is small enough to be single-segment; check that a
		// bigger one is refused instead.
		t.Skip("encoder wrote a single-segment frame; no window to refuse")
	} else if !errors.Is(err, ErrCorrupt) {
		t.Errorf("error %v is not ErrCorrupt", err)
	}
}

var _ io.Closer = (*Reader)(nil)

// TestNewDecompressor reads text compressed with each codec, and refuses
// Auto.
func TestNewDecompressor(t *testing.T) {
	text := []byte("a,b\n1,2\n")
	for _, c := range []Compression{None, Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if c == None {
				buf.Write(text)
			} else {
				w, err := compressor(c, &buf, levelDefault)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Write(text); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			r, err := NewDecompressor(&buf, c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, text) {
				t.Errorf("got %q, want %q", got, text)
			}
		})
	}
	if _, err := NewDecompressor(bytes.NewReader([]byte("plain text, not gzip")), Gzip); err == nil || err.Error() != "gzip: invalid header" {
		t.Errorf("Gzip over plain text: %v, want gzip: invalid header", err)
	}
	if _, err := NewDecompressor(bytes.NewReader(text), Auto); err == nil {
		t.Error("Auto: no error")
	}
}
