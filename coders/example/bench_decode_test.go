package example_test

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
	"github.com/gobsl/gobsl/internal/cputime"
	"github.com/gobsl/gobsl/internal/mempool"
	"github.com/gobsl/gobsl/internal/synth"
)

// decBenchShapes are the inputs of the decode benchmarks: one batch each.
var decBenchShapes = []struct {
	name string
	opts example.DecodeOptions
	recs func() [][]byte
}{
	{"taxi", example.DecodeOptions{}, func() [][]byte { return synth.Taxi(1024, 1) }},
	{"longlists", example.DecodeOptions{}, func() [][]byte { return synth.LongLists(256, 2) }},
	{"sequence", example.DecodeOptions{RecordType: example.SequenceExample}, func() [][]byte { return synth.Sequence(1024, 3) }},
}

func decBytesOf(recs [][]byte) int64 {
	var n int64
	for _, r := range recs {
		n += int64(len(r))
	}
	return n
}

func decReportRecords(b *testing.B, perOp int) {
	b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDecode decodes one batch per op, schemaless, with the
// proto.Unmarshal reference and with the fast decoder (reused).
func BenchmarkDecode(b *testing.B) {
	for _, sh := range decBenchShapes {
		recs := sh.recs()
		for _, path := range []string{"reference", "fast"} {
			b.Run(fmt.Sprintf("shape=%s/path=%s", sh.name, path), func(b *testing.B) {
				o := sh.opts
				o.Allocator = memory.NewGoAllocator()
				d, err := o.NewDecoder()
				if err != nil {
					b.Fatal(err)
				}
				ro := decRefOptions(o)
				b.SetBytes(decBytesOf(recs))
				b.ReportAllocs()
				for b.Loop() {
					if path == "fast" {
						rb, err := d.Decode(recs)
						if err != nil {
							b.Fatal(err)
						}
						rb.Release()
					} else {
						rb, err := reference.Decode(ro, recs)
						if err != nil {
							b.Fatal(err)
						}
						rb.Release()
					}
				}
				decReportRecords(b, len(recs))
			})
		}
	}
}

// decLoopSource yields the same records n times over; stable makes it a
// StableSource (records in memory, decoded where they are), else the
// reader copies them as it does from a stream such as a TFRecord file.
type decLoopSource struct {
	recs   [][]byte
	i, n   int
	stable bool
}

func (s *decLoopSource) RecordsStable() bool { return s.stable }

func (s *decLoopSource) Next() ([]byte, error) {
	if s.i == s.n*len(s.recs) {
		return nil, io.EOF
	}
	r := s.recs[s.i%len(s.recs)]
	s.i++
	return r, nil
}

// readerInput returns the records and the options with the Arrow schema of
// all of them fixed, as a BatchReader needs.
func readerInput(b *testing.B, recs [][]byte, opts example.DecodeOptions) ([][]byte, example.DecodeOptions) {
	b.Helper()
	sc, err := example.NewScanner(opts)
	if err != nil {
		b.Fatal(err)
	}
	if err := sc.Scan(recs); err != nil {
		b.Fatal(err)
	}
	opts.ArrowSchema = sc.ArrowSchema()
	return recs, opts
}

// decodeIndependent decodes total records, batch (1024 records, as
// drainBatchReader's batches) over and over, on workers goroutines, each
// with a Decoder of its own and an equal share of the batches, and returns
// the wall time.
func decodeIndependent(b *testing.B, batch [][]byte, o example.DecodeOptions, total, workers int) time.Duration {
	b.Helper()
	decs := make([]*example.Decoder, workers)
	for i := range decs {
		o := o // a pool of its own: nothing shared
		pool := mempool.NewChild(mempool.Default(), mempool.DefaultKeep)
		defer pool.Close() // its buffers back to the process's pool, as a reader's
		o.Allocator = pool
		d, err := o.NewDecoder()
		if err != nil {
			b.Fatal(err)
		}
		decs[i] = d
	}
	batches := total / len(batch) / workers
	var wg sync.WaitGroup
	errs := make([]error, workers)
	t0 := time.Now()
	for i, d := range decs {
		wg.Go(func() {
			for range batches {
				rb, err := d.Decode(batch)
				if err != nil {
					errs[i] = err
					return
				}
				rb.Release()
			}
		})
	}
	wg.Wait()
	took := time.Since(t0)
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	return took
}

// drainBatchReader decodes total records (recs over and over) with a
// BatchReader of batches of 1024 on workers goroutines, from a source of
// the given kind.
func drainBatchReader(b *testing.B, recs [][]byte, o example.DecodeOptions, total, workers int, src decSourceKind) {
	b.Helper()
	r, err := example.NewBatchReader(&decLoopSource{recs: recs, n: total / len(recs), stable: src.stable}, o, example.ReaderOptions{BatchSize: 1024, Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
}

// decSourceKind is where a benchmarked BatchReader's records come from:
// memory (a StableSource: the records decoded where they are, as
// BenchmarkDecode decodes them on one core) or a stream (copied into the
// reader's arenas, as from a TFRecord file).
type decSourceKind struct {
	name   string
	stable bool
}

var decSources = []decSourceKind{{"memory", true}, {"stream", false}}

// BenchmarkBatchReader reads 64 batches of 1024 records per op through a
// BatchReader with 1 or 2 workers (run it with -cpu 2), from memory or a
// stream.
func BenchmarkBatchReader(b *testing.B) {
	for _, sh := range decBenchShapes {
		recs, o := readerInput(b, sh.recs(), sh.opts)
		const rounds = 64
		total := rounds * 1024
		for _, workers := range []int{1, 2} {
			for _, src := range decSources {
				b.Run(fmt.Sprintf("shape=%s/workers=%d/source=%s", sh.name, workers, src.name), func(b *testing.B) {
					b.SetBytes(decBytesOf(recs) * int64(total/len(recs)))
					b.ReportAllocs()
					cpu := cputime.Now()
					defer cputime.Report(b, cpu)
					for b.Loop() {
						drainBatchReader(b, recs, o, total, workers, src)
					}
					decReportRecords(b, total)
				})
			}
		}
	}
}

// BenchmarkDecodeSpeedup alternates the reference and the fast decoder on
// the same batch in every op and reports the ratio of their times, which
// is robust to load from other processes that slows both alike. A GC
// before each decode keeps one decoder's garbage from being collected on
// the other's time.
func BenchmarkDecodeSpeedup(b *testing.B) {
	for _, sh := range decBenchShapes {
		recs := sh.recs()
		b.Run("shape="+sh.name, func(b *testing.B) {
			o := sh.opts
			o.Allocator = memory.NewGoAllocator()
			d, err := o.NewDecoder()
			if err != nil {
				b.Fatal(err)
			}
			ro := decRefOptions(o)
			var ref, fast time.Duration
			for b.Loop() {
				runtime.GC()
				t0 := time.Now()
				rb, err := reference.Decode(ro, recs)
				if err != nil {
					b.Fatal(err)
				}
				rb.Release()
				ref += time.Since(t0)
				runtime.GC()
				t1 := time.Now()
				rb, err = d.Decode(recs)
				if err != nil {
					b.Fatal(err)
				}
				rb.Release()
				fast += time.Since(t1)
			}
			b.ReportMetric(float64(ref)/float64(fast), "x-speedup")
		})
	}
}

// BenchmarkDecodeParallel decodes the same batch with one Decoder per
// goroutine (run it with -cpu 1,2): the decoder's own scaling, without
// the BatchReader's pipeline.
func BenchmarkDecodeParallel(b *testing.B) {
	for _, sh := range decBenchShapes {
		recs := sh.recs()
		b.Run("shape="+sh.name, func(b *testing.B) {
			b.SetBytes(decBytesOf(recs))
			b.RunParallel(func(pb *testing.PB) {
				d, err := sh.opts.NewDecoder()
				if err != nil {
					panic(err)
				}
				for pb.Next() {
					rb, err := d.Decode(recs)
					if err != nil {
						panic(err)
					}
					rb.Release()
				}
			})
		})
	}
}

// BenchmarkBatchReaderSpeedup alternates a BatchReader with 1 worker on 1
// core (GOMAXPROCS=1) and with 2 workers on 2 cores within every op, 64
// batches of 1024 records each, and reports how much faster 2 cores are
// (wall time, x-speedup). Pairing the runs makes the ratio robust to a
// noisy host; it needs two idle cores to mean anything. The records come
// from memory (decoded where they are: the all-cores counterpart of
// BenchmarkDecode) or from a stream (copied into arenas first).
//
// Every op also measures the host: the same batches decoded by one
// Decoder on 1 core against two independent Decoders, one per goroutine
// and nothing shared (each with a pool of its own), on 2 cores (x-bound:
// what the machine's second core gives this work at the moment; 2.00 on
// an ideal machine), and reports x-speedup / x-bound as x-of-bound (what
// the pipeline keeps of it). x-speedup-med is the median of the ops'
// own speed-ups: the host slows down in bursts, which the total of a run
// (x-speedup) carries and the median mostly does not.
func BenchmarkBatchReaderSpeedup(b *testing.B) { batchReaderSpeedup(b, 64) }

// BenchmarkBatchReaderSpeedupLong is BenchmarkBatchReaderSpeedup with 512
// batches a run: a large input, where starting the second worker (its
// decoder, arena and first batches' memory) weighs less.
func BenchmarkBatchReaderSpeedupLong(b *testing.B) { batchReaderSpeedup(b, 512) }

func batchReaderSpeedup(b *testing.B, rounds int) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, sh := range decBenchShapes {
		recs, o := readerInput(b, sh.recs(), sh.opts)
		total := rounds * 1024
		batch := make([][]byte, 1024) // the first batch the reader makes
		for i := range batch {
			batch[i] = recs[i%len(recs)]
		}
		for _, src := range decSources {
			b.Run("shape="+sh.name+"/source="+src.name, func(b *testing.B) {
				var took, alone [3]time.Duration
				var pairs []float64
				for b.Loop() {
					var leg [3]time.Duration
					for _, cores := range []int{1, 2} {
						runtime.GOMAXPROCS(cores)
						runtime.GC()
						t0 := time.Now()
						drainBatchReader(b, recs, o, total, cores, src)
						leg[cores] = time.Since(t0)
						took[cores] += leg[cores]
					}
					pairs = append(pairs, float64(leg[1])/float64(leg[2]))
					for _, cores := range []int{1, 2} {
						runtime.GOMAXPROCS(cores)
						runtime.GC()
						alone[cores] += decodeIndependent(b, batch, o, total, cores)
					}
				}
				speedup, bound := float64(took[1])/float64(took[2]), float64(alone[1])/float64(alone[2])
				b.ReportMetric(speedup, "x-speedup")
				b.ReportMetric(bound, "x-bound")
				b.ReportMetric(speedup/bound, "x-of-bound")
				slices.Sort(pairs)
				b.ReportMetric(pairs[len(pairs)/2], "x-speedup-med")
			})
		}
	}
}
