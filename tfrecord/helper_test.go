package tfrecord

import (
	"bytes"
	stdgzip "compress/gzip"
	stdzlib "compress/zlib"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/zstd"
)

// readAll reads r to its end and returns copies of the records and the
// error that ended the stream (nil for io.EOF).
func readAll(r *Reader) ([][]byte, error) {
	recs := [][]byte{}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, bytes.Clone(rec))
	}
}

// readBytes reads the stream b with opts.
func readBytes(t testing.TB, b []byte, opts ...ReaderOption) ([][]byte, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b), opts...)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	defer r.Close()
	return readAll(r)
}

// compress compresses b with c using codecs independent of Writer: the
// standard library's gzip and zlib, and klauspost's zstd.
func compress(t testing.TB, c Compression, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch c {
	case None:
		return bytes.Clone(b)
	case Gzip:
		w = stdgzip.NewWriter(&buf)
	case Zlib:
		w = stdzlib.NewWriter(&buf)
	case Zstd:
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	default:
		t.Fatalf("compress: %v", c)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sampleRecords returns n records of varied sizes, including empty ones.
func sampleRecords(n int) [][]byte {
	recs := make([][]byte, n)
	for i := range recs {
		size := (i * 37) % 300
		if i%5 == 4 {
			size = 0
		}
		rec := make([]byte, size)
		for j := range rec {
			rec[j] = byte(i*7 + j*13)
		}
		recs[i] = rec
	}
	return recs
}

// recordStarts returns the offset of each record of a framed stream, plus
// the stream's length.
func recordStarts(recs [][]byte) []int {
	starts := []int{0}
	for _, r := range recs {
		starts = append(starts, starts[len(starts)-1]+headerSize+len(r)+footerSize)
	}
	return starts
}

// asError returns err as an *Error, failing the test if it is not one.
func asError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *tfrecord.Error", err, err)
	}
	return e
}

// cycleReader returns data over and over, forever.
type cycleReader struct {
	data []byte
	i    int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := copy(p, c.data[c.i:])
	if c.i += n; c.i == len(c.data) {
		c.i = 0
	}
	return n, nil
}

// errAfterReader returns data, then err.
type errAfterReader struct {
	data []byte
	err  error
}

func (e *errAfterReader) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func describe(recs [][]byte) string {
	var b bytes.Buffer
	for i, r := range recs {
		fmt.Fprintf(&b, "%d:%d ", i, len(r))
	}
	return b.String()
}

// equalRecords reports whether a and b hold the same records (cmp.Equal is
// slow on large byte slices).
func equalRecords(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// iotestHalf reads b half a request at a time.
func iotestHalf(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }

// smallBuffer starts the reader with a 64-byte buffer: loops that create
// thousands of readers stay cheap, and refills and growth happen often.
func smallBuffer(c *readerConfig) error {
	c.bufferSize = 64
	return nil
}
