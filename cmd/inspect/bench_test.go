package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/tfrecord"
)

// TestMain lets benchmarks run inspect as a child process (to measure its
// peak RSS and its speed with a given number of cores) without building a
// binary: the test binary runs main when GOBSL_RUN_INSPECT is set.
func TestMain(m *testing.M) {
	if os.Getenv("GOBSL_RUN_INSPECT") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// benchInput writes n taxi-like records as a gzip TFRecord file once per
// process, in chunks so that memory stays small.
func benchInput(b *testing.B, n int) string {
	b.Helper()
	// "gz2": files of an earlier version of this function, named
	// .tfrecord.gz, were not compressed (the writer took the compression
	// from the ".part" name).
	path := filepath.Join(os.TempDir(), fmt.Sprintf("gobsl-bench-taxi-%d-gz2.tfrecord.gz", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	w, err := tfrecord.Create(path+".part", true, tfrecord.WithWriterCompression(tfrecord.Gzip))
	if err != nil {
		b.Fatal(err)
	}
	for done, seed := 0, uint64(1); done < n; seed++ {
		chunk := min(10000, n-done)
		for _, r := range synth.Taxi(chunk, seed) {
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
		done += chunk
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".part", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// runChild runs inspect with args and GOMAXPROCS=procs; it returns the
// child's peak RSS in MiB.
func runChild(b *testing.B, procs int, args ...string) float64 {
	b.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GOBSL_RUN_INSPECT=1", "GOMAXPROCS="+strconv.Itoa(procs))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("inspect %v: %v\n%s", args, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return float64(ru.Maxrss) / 1024 // KiB on Linux
}

// BenchmarkConvertRSS converts 1x and 10x inputs (gzip TFRecord to
// Parquet) and reports the peak RSS: it must not grow with the input.
func BenchmarkConvertRSS(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			in := benchInput(b, n)
			fi, err := os.Stat(in)
			if err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(b.TempDir(), "out.parquet")
			b.SetBytes(fi.Size())
			var rss float64
			for b.Loop() {
				rss = max(rss, runChild(b, 2, "convert", "--force", "--quiet", in, out))
			}
			b.ReportMetric(rss, "peak-RSS-MiB")
		})
	}
}

// BenchmarkConvertCores converts a gzip TFRecord file to Parquet with 1
// and 2 cores, one after the other in every op (the host's speed drifts
// from minute to minute; pairing cancels it): "speedup" is the ratio of
// their total times, "cores=N-s" their mean times. The larger input
// weighs the fixed costs of a run (start-up, the first batches, the last
// row group, the output's fsync) less.
func BenchmarkConvertCores(b *testing.B) {
	for _, n := range []int{300_000, 1_000_000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			in := benchInput(b, n)
			fi, err := os.Stat(in)
			if err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(b.TempDir(), "out.parquet")
			b.SetBytes(fi.Size())
			var took [3]time.Duration
			for b.Loop() {
				for _, procs := range []int{1, 2} {
					start := time.Now()
					runChild(b, procs, "convert", "--force", "--quiet", "--workers", strconv.Itoa(procs), in, out)
					took[procs] += time.Since(start)
				}
			}
			b.ReportMetric(took[1].Seconds()/took[2].Seconds(), "speedup")
			b.ReportMetric(took[1].Seconds()/float64(b.N), "cores=1-s")
			b.ReportMetric(took[2].Seconds()/float64(b.N), "cores=2-s")
		})
	}
}
