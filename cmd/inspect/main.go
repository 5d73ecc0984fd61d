// Command inspect looks into, verifies, summarises and converts the files of
// an ML data pipeline: TFRecord files of tf.Example and tf.SequenceExample
// records (uncompressed, gzip, zlib or zstd), Arrow IPC files and streams.
//
// Install it with
//
//	go install github.com/gobsl/gobsl/cmd/inspect@latest
//
// A session:
//
//	$ inspect count 'data/Split-*/*.gz'
//	  9909  data/Split-train/data_tfrecord-00000-of-00001.gz
//	  5091  data/Split-eval/data_tfrecord-00000-of-00001.gz
//	 15000  total
//	$ inspect verify data.tfrecord
//	data.tfrecord: record 2 at offset 176: corrupted record at 176: data CRC mismatch
//	$ inspect head -n 1 --format flat data.tfrecord.gz
//	{"age":[29],"name":["ada"],"score":[0.5]}
//	$ inspect convert data.tfrecord.gz out.arrow
//
// Every command takes file names, globs (quote them), directories,
// shard patterns (prefix@N, prefix-?????-of-NNNNN) and "-" for standard
// input. Exit status: 0 when all is well, 1 when the data is bad, 2 on a
// usage error. Run "inspect help COMMAND" for a command's flags.
//
// The commands are a thin layer over the gobsl library: see the packages
// [github.com/gobsl/gobsl/tfrecord], [github.com/gobsl/gobsl/fileset] and
// [github.com/gobsl/gobsl/coders/example].
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// GOBSL_CPUPROFILE=FILE writes a CPU profile of the run (for
	// BENCHMARKS.md; not a user-facing flag).
	if path := os.Getenv("GOBSL_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	// GOBSL_TRACE=FILE writes an execution trace (go tool trace) of the
	// run, to see where the cores wait.
	if path := os.Getenv("GOBSL_TRACE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if trace.Start(f) == nil {
				defer trace.Stop()
			}
		}
	}
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if code != 0 {
		pprof.StopCPUProfile()
		trace.Stop()
		os.Exit(code)
	}
}
