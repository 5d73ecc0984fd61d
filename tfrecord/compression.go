package tfrecord

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// Compression is the compression wrapped around a whole TFRecord stream.
type Compression int

// The supported compressions.
const (
	// Auto detects the compression when reading: see [NewReader]. It is not
	// valid for writing.
	Auto Compression = iota
	// None is a plain, uncompressed TFRecord stream.
	None
	// Gzip is RFC 1952 gzip (TensorFlow's "GZIP").
	Gzip
	// Zlib is RFC 1950 zlib (TensorFlow's "ZLIB").
	Zlib
	// Zstd is Zstandard. TensorFlow cannot read it; other tools can.
	Zstd
)

var compressionNames = [...]string{Auto: "auto", None: "none", Gzip: "gzip", Zlib: "zlib", Zstd: "zstd"}

// String returns the lower-case name: "auto", "none", "gzip", "zlib" or "zstd".
func (c Compression) String() string {
	if c >= 0 && int(c) < len(compressionNames) {
		return compressionNames[c]
	}
	return "Compression(" + strconv.Itoa(int(c)) + ")"
}

// valid reports whether c is one of the declared constants.
func (c Compression) valid() bool { return c >= Auto && c <= Zstd }

// ParseCompression parses a name as returned by [Compression.String],
// ignoring case. The empty string means [Auto].
func ParseCompression(s string) (Compression, error) {
	if s == "" {
		return Auto, nil
	}
	for c, name := range compressionNames {
		if strings.EqualFold(s, name) {
			return Compression(c), nil
		}
	}
	return Auto, fmt.Errorf("tfrecord: unknown compression %q (want auto, none, gzip, zlib or zstd)", s)
}

// CompressionFromPath guesses the compression from a file name's extension:
// .gz and .gzip mean [Gzip]; .zz, .zlib and .deflate mean [Zlib]; .zst and
// .zstd mean [Zstd]; anything else means [None]. Case is ignored.
func CompressionFromPath(path string) Compression {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".gz", ".gzip":
		return Gzip
	case ".zz", ".zlib", ".deflate":
		return Zlib
	case ".zst", ".zstd":
		return Zstd
	}
	return None
}

// Ext returns the usual file extension, with its dot: ".gz", ".zz" or
// ".zst", and "" for [None] and [Auto].
func (c Compression) Ext() string {
	switch c {
	case Gzip:
		return ".gz"
	case Zlib:
		return ".zz"
	case Zstd:
		return ".zst"
	}
	return ""
}

// sniff decides the compression of a stream from its first bytes (at most
// headerSize of them; fewer if the stream is that short). A valid
// uncompressed record header wins over any magic number, since e.g. the
// zlib header 78 9c is also the start of a plausible length field. When the
// bytes decide nothing, the path's extension does.
func sniff(head []byte, path string) Compression {
	if len(head) == 0 {
		return CompressionFromPath(path)
	}
	if len(head) >= headerSize && validHeader(head) {
		return None
	}
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return Gzip
	case len(head) >= 4 && binary.LittleEndian.Uint32(head) == 0xfd2fb528:
		return Zstd
	case len(head) >= 2 && isZlibHeader(head[0], head[1]):
		return Zlib
	}
	return CompressionFromPath(path)
}

// isZlibHeader reports whether cmf, flg form an RFC 1950 header for a
// deflate stream with a window of at most 32 KiB.
func isZlibHeader(cmf, flg byte) bool {
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}

// NewDecompressor returns a reader of what r holds compressed with c, for
// the other files that name their compression by extension (CSV, text):
// with [CompressionFromPath] it opens data.csv.gz. [None] reads r as it
// is; [Auto] and unknown compressions are errors. The zstd window is
// limited as a [Reader]'s is by default, to 128 MiB. A damaged header is
// the codec's error as it stands ("gzip: invalid header"), for the caller
// to name the file. Closing the returned reader releases the decoder; it
// does not close r.
func NewDecompressor(r io.Reader, c Compression) (io.ReadCloser, error) {
	if c == Auto || !c.valid() {
		return nil, fmt.Errorf("tfrecord: cannot decompress %v", c)
	}
	dec, closer, err := decompressor(c, r, defaultMaxWindow)
	if err != nil {
		return nil, err
	}
	if closer == nil {
		return io.NopCloser(dec), nil
	}
	return readCloser{dec, closer}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// decompressor wraps src in the decoder for c. The returned closer releases
// the decoder; it does not close src.
func decompressor(c Compression, src io.Reader, maxWindow uint64) (io.Reader, io.Closer, error) {
	switch c {
	case Gzip:
		zr, err := gzip.NewReader(src) // multistream by default
		if err != nil {
			return nil, nil, err
		}
		return zr, zr, nil
	case Zlib:
		zr, err := zlib.NewReader(src)
		if err != nil {
			return nil, nil, err
		}
		return zr, zr, nil
	case Zstd:
		zr, err := zstd.NewReader(src,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(maxWindow),
		)
		if err != nil {
			return nil, nil, err
		}
		return zr, closerFunc(zr.Close), nil
	}
	return src, nil, nil
}

// compressor wraps dst in the encoder for c at level (levelDefault picks
// the codec's default). Closing the returned writer finishes the stream but
// does not close dst.
func compressor(c Compression, dst io.Writer, level int) (flushWriteCloser, error) {
	switch c {
	case Gzip:
		if level == levelDefault {
			level = gzip.DefaultCompression
		}
		return gzip.NewWriterLevel(dst, level)
	case Zlib:
		if level == levelDefault {
			level = zlib.DefaultCompression
		}
		return zlib.NewWriterLevel(dst, level)
	case Zstd:
		opts := []zstd.EOption{zstd.WithEncoderConcurrency(1)}
		if level != levelDefault {
			if level < 1 || level > 22 {
				return nil, errors.New("level out of range [1, 22]")
			}
			opts = append(opts, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)))
		}
		return zstd.NewWriter(dst, opts...)
	}
	return nil, fmt.Errorf("cannot compress with %v", c)
}

type flushWriteCloser interface {
	io.WriteCloser
	Flush() error
}

type closerFunc func()

func (f closerFunc) Close() error { f(); return nil }
