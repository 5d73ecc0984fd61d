package tfrecord

import (
	"bytes"
	stdgzip "compress/gzip"
	stdzlib "compress/zlib"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gobsl/gobsl/internal/cputime"
)

const benchSize = 64 << 20 // bytes of framed records in the benchmark stream

var bench struct {
	once sync.Once
	recs [][]byte
	// framed stream, and compressed by this package's Writer
	plain []byte
	comp  map[Compression][]byte
}

// benchData returns about 64 MiB of records of about 1 KiB (900 to 1100
// bytes), framed and compressed every way. The records look like
// tf.Examples to a compressor: the same feature names in every record,
// then values: 4-byte floats from a few hundred distinct values, small
// varint-like integers, and words from a small vocabulary. They compress
// about 5 times with gzip (the real TFX files in GOBSL_REALDATA, 10 times).
func benchData(b *testing.B) ([][]byte, []byte, map[Compression][]byte) {
	bench.once.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		word := func(min, n int) []byte {
			w := make([]byte, min+rng.IntN(n))
			for j := range w {
				w[j] = byte('a' + rng.IntN(26))
			}
			return w
		}
		features := make([][]byte, 40)
		for i := range features {
			features[i] = word(6, 12)
		}
		vocab := make([][]byte, 200)
		for i := range vocab {
			vocab[i] = word(3, 10)
		}
		floats := make([][4]byte, 300)
		for i := range floats {
			floats[i] = [4]byte{byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())}
		}
		var plain []byte
		for len(plain) < benchSize {
			size := 900 + rng.IntN(201)
			rec := make([]byte, 0, size+64)
			for i := 0; len(rec) < size; i = (i + 1) % len(features) {
				rec = append(rec, 0x0a, byte(len(features[i])))
				rec = append(rec, features[i]...)
				switch i % 3 {
				case 0:
					f := floats[rng.IntN(len(floats))]
					rec = append(rec, 0x12, 4, f[0], f[1], f[2], f[3])
				case 1:
					rec = append(rec, 0x1a, 2, byte(rng.IntN(128)), byte(rng.IntN(4)))
				case 2:
					w := vocab[rng.IntN(len(vocab))]
					rec = append(rec, 0x22, byte(len(w)))
					rec = append(rec, w...)
				}
			}
			rec = rec[:size]
			bench.recs = append(bench.recs, rec)
			plain = AppendRecord(plain, rec)
		}
		bench.plain = plain
		bench.comp = map[Compression][]byte{}
		for _, c := range []Compression{Gzip, Zlib, Zstd} {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, WithWriterCompression(c))
			if err != nil {
				panic(err)
			}
			for _, rec := range bench.recs {
				if err := w.Write(rec); err != nil {
					panic(err)
				}
			}
			if err := w.Close(); err != nil {
				panic(err)
			}
			bench.comp[c] = buf.Bytes()
		}
	})
	b.ResetTimer()
	return bench.recs, bench.plain, bench.comp
}

// BenchmarkRead reads the whole stream per iteration, checking every CRC.
// Throughput is in uncompressed (framed) bytes.
func BenchmarkRead(b *testing.B) {
	recs, plain, comp := benchData(b)
	stdGzip := func(r io.Reader) (io.Reader, error) { return stdgzip.NewReader(r) }
	stdZlib := func(r io.Reader) (io.Reader, error) { return stdzlib.NewReader(r) }
	cases := []struct {
		name string
		in   []byte
		wrap func(io.Reader) (io.Reader, error) // an external decoder; then WithCompression(None)
	}{
		{"none", plain, nil},
		{"gzip-klauspost", comp[Gzip], nil},
		{"gzip-stdlib", comp[Gzip], stdGzip},
		{"zlib-klauspost", comp[Zlib], nil},
		{"zlib-stdlib", comp[Zlib], stdZlib},
		{"zstd", comp[Zstd], nil},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			cpu := cputime.Now()
			defer cputime.Report(b, cpu)
			for b.Loop() {
				var src io.Reader = bytes.NewReader(bc.in)
				var opts []ReaderOption
				if bc.wrap != nil {
					var err error
					if src, err = bc.wrap(src); err != nil {
						b.Fatal(err)
					}
					opts = append(opts, WithCompression(None))
				}
				r, err := NewReader(src, opts...)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				r.Close()
				if n != len(recs) {
					b.Fatalf("read %d records, want %d", n, len(recs))
				}
			}
		})
	}
}

// realGzipFiles returns the gzip files of GOBSL_REALDATA (81 files written
// by TensorFlow/TFX) and their total decompressed size, or skips.
func realGzipFiles(b *testing.B) ([][]byte, int64) {
	dir, entries := realData(b)
	var files [][]byte
	var total int64
	for _, e := range entries {
		if e.Compression != "GZIP" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Path))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		total += e.DecompressedBytes
	}
	return files, total
}

// readGzipFiles reads every record of every file, with klauspost's gzip
// decoder or, if stdlib, with the standard library's wrapped around the
// source and WithCompression(None).
func readGzipFiles(b *testing.B, files [][]byte, stdlib bool) {
	for _, f := range files {
		var src io.Reader = bytes.NewReader(f)
		opt := WithCompression(Gzip)
		if stdlib {
			var err error
			if src, err = stdgzip.NewReader(src); err != nil {
				b.Fatal(err)
			}
			opt = WithCompression(None)
		}
		r, err := NewReader(src, opt)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
}

// BenchmarkReadRealGzip reads every gzip file of GOBSL_REALDATA (29 MB
// decompressed) per iteration, with klauspost's decoder and, for
// comparison, the standard library's.
func BenchmarkReadRealGzip(b *testing.B) {
	files, total := realGzipFiles(b)
	for _, bc := range []struct {
		name   string
		stdlib bool
	}{{"klauspost", false}, {"stdlib", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			cpu := cputime.Now()
			defer cputime.Report(b, cpu)
			for b.Loop() {
				readGzipFiles(b, files, bc.stdlib)
			}
		})
	}
}

// BenchmarkGzipSpeedup alternates a klauspost pass and a standard-library
// pass over the same gzip data in each iteration and reports the ratio of
// their CPU times ("speedup": stdlib over klauspost). Pairing the passes
// keeps the ratio steady on a machine whose load changes, where separate
// benchmarks drift apart.
func BenchmarkGzipSpeedup(b *testing.B) {
	_, _, comp := benchData(b)
	sets := []struct {
		name  string
		files func(b *testing.B) [][]byte
	}{
		{"synthetic", func(*testing.B) [][]byte { return [][]byte{comp[Gzip]} }},
		{"real", func(b *testing.B) [][]byte { files, _ := realGzipFiles(b); return files }},
	}
	for _, set := range sets {
		b.Run(set.name, func(b *testing.B) {
			files := set.files(b)
			var fast, slow time.Duration
			for b.Loop() {
				c0 := cputime.Now()
				if !cputime.Available() {
					b.Skip("no CPU time on this platform")
				}
				readGzipFiles(b, files, false)
				c1 := cputime.Now()
				readGzipFiles(b, files, true)
				c2 := cputime.Now()
				fast += c1 - c0
				slow += c2 - c1
			}
			b.ReportMetric(float64(slow)/float64(fast), "speedup")
			b.ReportMetric(float64(fast)/float64(b.N), "klauspost-cpu-ns/op")
			b.ReportMetric(float64(slow)/float64(b.N), "stdlib-cpu-ns/op")
		})
	}
}

// copySink copies what it is given into a buffer, as a reader must.
type copySink struct{ buf []byte }

func (s *copySink) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		p = p[copy(s.buf, p):]
	}
	return n, nil
}

// BenchmarkCopy is the baseline of BenchmarkRead/none: the same bytes,
// copied out of a bytes.Reader into a buffer of the reader's size, with
// no framing and no CRC.
func BenchmarkCopy(b *testing.B) {
	_, plain, _ := benchData(b)
	sink := &copySink{buf: make([]byte, defaultBufferSize)}
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	cpu := cputime.Now()
	defer cputime.Report(b, cpu)
	for b.Loop() {
		if _, err := io.Copy(sink, bytes.NewReader(plain)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCRC is the other half of the floor under BenchmarkRead/none:
// checking both CRCs of every record where it lies, with no copy.
// Read/none costs about Copy + CRC.
func BenchmarkCRC(b *testing.B) {
	_, plain, _ := benchData(b)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	cpu := cputime.Now()
	defer cputime.Report(b, cpu)
	for b.Loop() {
		for p := plain; len(p) > 0; {
			n := int(binary.LittleEndian.Uint64(p))
			if !validHeader(p) || maskedCRC(p[headerSize:headerSize+n]) != binary.LittleEndian.Uint32(p[headerSize+n:]) {
				b.Fatal("bad CRC")
			}
			p = p[headerSize+n+footerSize:]
		}
	}
}

// BenchmarkLengthCRC compares the table-driven CRC of a length field with
// crc32.Checksum on its 8 bytes.
func BenchmarkLengthCRC(b *testing.B) {
	hdr := header(1000)
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			if !validHeader(hdr) {
				b.Fatal("bad")
			}
		}
	})
	b.Run("maskedCRC", func(b *testing.B) { // internal/crc32c, as for record data
		for b.Loop() {
			if maskedCRC(hdr[:8]) != binary.LittleEndian.Uint32(hdr[8:]) {
				b.Fatal("bad")
			}
		}
	})
}

// BenchmarkNext measures one record per operation, in the steady state
// (an endless stream): it must not allocate.
func BenchmarkNext(b *testing.B) {
	recs, plain, _ := benchData(b)
	cycle := recordStarts(recs[:1000])[1000] // the first 1000 records, repeated
	r, err := NewReader(&cycleReader{data: plain[:cycle]}, WithCompression(None))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(cycle / 1000))
	b.ReportAllocs()
	cpu := cputime.Now()
	defer cputime.Report(b, cpu)
	for b.Loop() {
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite writes the records per iteration, to io.Discard.
func BenchmarkWrite(b *testing.B) {
	recs, plain, _ := benchData(b)
	for _, c := range []Compression{None, Gzip, Zlib, Zstd} {
		b.Run(c.String(), func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			cpu := cputime.Now()
			defer cputime.Report(b, cpu)
			for b.Loop() {
				w, err := NewWriter(io.Discard, WithWriterCompression(c))
				if err != nil {
					b.Fatal(err)
				}
				for _, rec := range recs {
					if err := w.Write(rec); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendRecord frames ~1 KiB records into a reused buffer.
func BenchmarkAppendRecord(b *testing.B) {
	recs, _, _ := benchData(b)
	dst := make([]byte, 0, 4096)
	b.SetBytes(int64(len(recs[0]) + headerSize + footerSize))
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendRecord(dst[:0], recs[0])
	}
}
