package tfrecord

import (
	"bytes"
	stdgzip "compress/gzip"
	stdzlib "compress/zlib"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
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
// bytes) that compress roughly as tf.Examples do (3 to 4 times with
// gzip), framed and compressed every way.
func benchData(b *testing.B) ([][]byte, []byte, map[Compression][]byte) {
	bench.once.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		words := make([][]byte, 512)
		for i := range words {
			w := make([]byte, 3+rng.IntN(8))
			for j := range w {
				w[j] = byte('a' + rng.IntN(26))
			}
			words[i] = w
		}
		var plain []byte
		for len(plain) < benchSize {
			size := 900 + rng.IntN(201)
			rec := make([]byte, 0, size+16)
			for len(rec) < size {
				if rng.IntN(4) == 0 {
					rec = append(rec, byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()))
				} else {
					rec = append(rec, words[rng.IntN(len(words))]...)
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

// reportCPU adds a cpu-ns/op metric: the process's CPU time per
// operation, since start. Run it after the loop.
func reportCPU(b *testing.B, start time.Duration) {
	if now, ok := processCPU(); ok && b.N > 0 {
		b.ReportMetric(float64(now-start)/float64(b.N), "cpu-ns/op")
	}
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
			cpu, _ := processCPU()
			defer reportCPU(b, cpu)
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
	cpu, _ := processCPU()
	defer reportCPU(b, cpu)
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
	cpu, _ := processCPU()
	defer reportCPU(b, cpu)
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
	b.Run("crc32.Checksum", func(b *testing.B) {
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
	cpu, _ := processCPU()
	defer reportCPU(b, cpu)
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
			cpu, _ := processCPU()
			defer reportCPU(b, cpu)
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
