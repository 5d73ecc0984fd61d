//go:build cgo

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gobsl/gobsl/internal/cputime"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

// The Go side of python/BENCHMARKS.part.md: the work gobsl.open_stream
// (Open and every batch) and gobsl.read_numpy (the same plus tensors) do,
// without Python. python/bench.py runs these on the file it times Python
// with, named by GOBSL_BENCH_FILE; without it they use a synthetic file.
//
//	GOBSL_BENCH_FILE=f.tfrecord.gz go test -run '^$' -bench . ./capi

func benchFile(b *testing.B) string {
	if p := os.Getenv("GOBSL_BENCH_FILE"); p != "" {
		return p
	}
	path := filepath.Join(b.TempDir(), "taxi.tfrecord.gz")
	w, err := tfrecord.Create(path, false)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range synth.Taxi(50000, 1) {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchWorkers() []int { return []int{1, 0} }

// reportCPU adds the CPU seconds per op since start (capi reports
// seconds, as python/bench.py does).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((cputime.Now()-start).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkOpen is tfxio.Open and a pass over every batch: what a consumer
// of gobsl_open's Arrow stream makes Go do.
func BenchmarkOpen(b *testing.B) {
	path := benchFile(b)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range benchWorkers() {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.SetBytes(fi.Size())
			b.ReportAllocs()
			cpu := cputime.Now()
			for b.Loop() {
				r, err := tfxio.Open(context.Background(), []string{path}, tfxio.ReadOptions{Workers: w})
				if err != nil {
					b.Fatal(err)
				}
				rows := int64(0)
				for r.Next() {
					rows += r.RecordBatch().NumRows()
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				r.Release()
				b.ReportMetric(float64(rows), "rows/op")
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkTensors is what gobsl.read_numpy makes Go do: Open, then tensors
// of every batch, flattened into the arrays the C ABI hands out.
func BenchmarkTensors(b *testing.B) {
	path := benchFile(b)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, rep := range []string{"auto", "ragged"} {
		for _, w := range benchWorkers() {
			b.Run(fmt.Sprintf("representation=%s/workers=%d", rep, w), func(b *testing.B) {
				b.SetBytes(fi.Size())
				b.ReportAllocs()
				cpu := cputime.Now()
				for b.Loop() {
					o := tensorOptions{readOptions: readOptions{Workers: w}, Representation: rep}
					r, err := openPatterns(context.Background(), []string{path}, &o.readOptions, nil)
					if err != nil {
						b.Fatal(err)
					}
					tr, err := newTensorReader(r, &o, nil)
					if err != nil {
						b.Fatal(err)
					}
					for {
						tb, err := tr.next()
						if err != nil {
							b.Fatal(err)
						}
						if tb == nil {
							break
						}
						tb.rb.Release()
					}
					tr.close()
				}
				reportCPU(b, cpu)
			})
		}
	}
}

// BenchmarkTwoReaders is the Go side of python/bench.py's two-thread
// measurement: what two Python threads each calling gobsl.read_numpy
// (workers=1) make Go do, without Python. Every op reads the file twice
// one read after the other, then twice at once on two goroutines, and
// reports how much faster the parallel pair was (x-speedup) and its CPU
// time over the sequential pair's (cpu-ratio). Run it with -cpu 2.
func BenchmarkTwoReaders(b *testing.B) {
	path := benchFile(b)
	read := func() {
		o := tensorOptions{readOptions: readOptions{Workers: 1}, Representation: "ragged"}
		r, err := openPatterns(context.Background(), []string{path}, &o.readOptions, nil)
		if err != nil {
			b.Error(err)
			return
		}
		tr, err := newTensorReader(r, &o, nil)
		if err != nil {
			b.Error(err)
			return
		}
		defer tr.close()
		for {
			tb, err := tr.next()
			if err != nil {
				b.Error(err)
				return
			}
			if tb == nil {
				return
			}
			tb.rb.Release()
		}
	}
	var seqWall, parWall, seqCPU, parCPU time.Duration
	for b.Loop() {
		t0, c0 := time.Now(), cputime.Now()
		read()
		read()
		seqWall += time.Since(t0)
		seqCPU += cputime.Now() - c0
		t0, c0 = time.Now(), cputime.Now()
		var wg sync.WaitGroup
		wg.Go(read)
		wg.Go(read)
		wg.Wait()
		parWall += time.Since(t0)
		parCPU += cputime.Now() - c0
	}
	b.ReportMetric(float64(seqWall)/float64(parWall), "x-speedup")
	b.ReportMetric(float64(parCPU)/float64(seqCPU), "cpu-ratio")
}
