package example_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
	"github.com/gobsl/gobsl/internal/cputime"
	"github.com/gobsl/gobsl/internal/synth"
)

// benchShapes are the inputs of the encoder benchmarks: synth records
// decoded (without a schema) into batches of batchRows rows.
var benchShapes = []struct {
	name      string
	records   func() [][]byte
	batchRows int
}{
	{"taxi", func() [][]byte { return synth.Taxi(16384, 1) }, 4096},
	{"longlists", func() [][]byte { return synth.LongLists(1024, 1) }, 256},
}

// benchBatches decodes records into batches of n rows with one schema.
func benchBatches(b *testing.B, recs [][]byte, n int) []arrow.RecordBatch {
	b.Helper()
	sc, err := example.NewScanner(example.DecodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := sc.Scan(recs); err != nil {
		b.Fatal(err)
	}
	dec, err := example.DecodeOptions{ArrowSchema: sc.ArrowSchema()}.NewDecoder()
	if err != nil {
		b.Fatal(err)
	}
	var out []arrow.RecordBatch
	for lo := 0; lo < len(recs); lo += n {
		rb, err := dec.Decode(recs[lo:min(lo+n, len(recs))])
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, rb)
	}
	return out
}

func releaseAll(bs []arrow.RecordBatch) {
	for _, rb := range bs {
		rb.Release()
	}
}

// BenchmarkEncode encodes one batch: path=fast is the Encoder, path=reference
// builds examplepb messages and calls proto.Marshal. The byte rate is of
// the serialized records.
func BenchmarkEncode(b *testing.B) {
	for _, shape := range benchShapes {
		batches := benchBatches(b, shape.records(), shape.batchRows)
		rb := batches[0]
		recs, err := example.EncodeOptions{}.EncodeBatch(rb)
		if err != nil {
			b.Fatal(err)
		}
		size := 0
		for _, r := range recs {
			size += len(r)
		}
		report := func(b *testing.B) {
			b.ReportMetric(float64(rb.NumRows())*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		}
		b.Run(fmt.Sprintf("shape=%s/path=reference", shape.name), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := cputime.Now()
			for b.Loop() {
				if _, err := reference.Encode(reference.EncodeOptions{}, rb); err != nil {
					b.Fatal(err)
				}
			}
			cputime.Report(b, cpu)
			report(b)
		})
		b.Run(fmt.Sprintf("shape=%s/path=fast", shape.name), func(b *testing.B) {
			enc, err := example.EncodeOptions{}.NewEncoder(rb.Schema())
			if err != nil {
				b.Fatal(err)
			}
			var out [][]byte
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := cputime.Now()
			for b.Loop() {
				if out, err = enc.Encode(rb, out[:0]); err != nil {
					b.Fatal(err)
				}
			}
			cputime.Report(b, cpu)
			report(b)
		})
		releaseAll(batches)
	}
}

// discard is a RecordSink that only counts.
type discard struct{ n int }

func (d *discard) Write(rec []byte) error { d.n += len(rec); return nil }

// BenchmarkEncodeAll encodes a stream of batches on 1 or 2 workers.
func BenchmarkEncodeAll(b *testing.B) {
	for _, shape := range benchShapes {
		recs := shape.records()
		batches := benchBatches(b, recs, shape.batchRows/4)
		var size discard
		for _, rb := range batches {
			out, err := example.EncodeOptions{}.EncodeBatch(rb)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range out {
				size.Write(r)
			}
		}
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("shape=%s/workers=%d", shape.name, workers), func(b *testing.B) {
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				cpu := cputime.Now()
				for b.Loop() {
					rr, err := array.NewRecordReader(batches[0].Schema(), batches)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := example.EncodeAll(context.Background(), rr, example.EncodeOptions{}, workers, &discard{}); err != nil {
						b.Fatal(err)
					}
					rr.Release()
				}
				cputime.Report(b, cpu)
				b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			})
		}
		releaseAll(batches)
	}
}

// BenchmarkEncodeSpeedup alternates the reference and the fast encoder
// within every op (after a GC each), so that the load of a shared machine
// falls on both alike, and reports their ratio in wall and CPU time.
func BenchmarkEncodeSpeedup(b *testing.B) {
	for _, shape := range benchShapes {
		batches := benchBatches(b, shape.records(), shape.batchRows)
		rb := batches[0]
		b.Run("shape="+shape.name, func(b *testing.B) {
			enc, err := example.EncodeOptions{}.NewEncoder(rb.Schema())
			if err != nil {
				b.Fatal(err)
			}
			var out [][]byte
			var ref, fast, refCPU, fastCPU time.Duration
			for b.Loop() {
				runtime.GC()
				t0, c0 := time.Now(), cputime.Now()
				if _, err := reference.Encode(reference.EncodeOptions{}, rb); err != nil {
					b.Fatal(err)
				}
				ref += time.Since(t0)
				refCPU += cputime.Now() - c0
				runtime.GC()
				t1, c1 := time.Now(), cputime.Now()
				if out, err = enc.Encode(rb, out[:0]); err != nil {
					b.Fatal(err)
				}
				fast += time.Since(t1)
				fastCPU += cputime.Now() - c1
			}
			b.ReportMetric(float64(ref)/float64(fast), "x-speedup")
			if fastCPU > 0 {
				b.ReportMetric(float64(refCPU)/float64(fastCPU), "x-cpu-speedup")
			}
		})
		releaseAll(batches)
	}
}

// BenchmarkEncodeAllSpeedup alternates EncodeAll on 1 and on 2 workers
// within every op and reports how much faster 2 workers are (wall time).
// Each call encodes the shape's batches 8 times over (128 batches), so
// that the steady state, not the start of a call, is measured. It needs
// two idle cores to mean anything.
func BenchmarkEncodeAllSpeedup(b *testing.B) {
	for _, shape := range benchShapes {
		batches := benchBatches(b, shape.records(), shape.batchRows/4)
		var many []arrow.RecordBatch
		for range 8 {
			many = append(many, batches...)
		}
		b.Run("shape="+shape.name, func(b *testing.B) {
			var took [3]time.Duration
			for b.Loop() {
				for _, workers := range []int{1, 2} {
					rr, err := array.NewRecordReader(batches[0].Schema(), many)
					if err != nil {
						b.Fatal(err)
					}
					runtime.GC()
					t0 := time.Now()
					if _, err := example.EncodeAll(context.Background(), rr, example.EncodeOptions{}, workers, &discard{}); err != nil {
						b.Fatal(err)
					}
					took[workers] += time.Since(t0)
					rr.Release()
				}
			}
			b.ReportMetric(float64(took[1])/float64(took[2]), "x-speedup")
		})
		releaseAll(batches)
	}
}
