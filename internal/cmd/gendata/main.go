// Command gendata writes the bundled sample data that the README's demo and
// the tests use: deterministic synthetic tf.Example and tf.SequenceExample
// TFRecord files made by [github.com/gobsl/gobsl/internal/synth].
//
//	go run ./internal/cmd/gendata -o testdata
//
// It writes, under the output directory:
//
//	taxi.tfrecord.gz      2,000 taxi-like tf.Examples (15 mixed scalar features, some missing), gzip
//	longlists.tfrecord    50 tf.Examples with hundreds of values per feature, uncompressed
//	sequence.tfrecord.zst 300 tf.SequenceExamples, zstd
//	edge.tfrecord         tf.Examples with edge values and unusual but valid encodings
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/tfrecord"
)

func main() {
	out := flag.String("o", "testdata", "output directory")
	force := flag.Bool("force", true, "replace existing files")
	flag.Parse()
	if err := run(*out, *force); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func run(dir string, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name string
		recs [][]byte
	}{
		{"taxi.tfrecord.gz", synth.Taxi(2000, 1)},
		{"longlists.tfrecord", synth.LongLists(50, 2)},
		{"sequence.tfrecord.zst", synth.Sequence(300, 3)},
		{"edge.tfrecord", synth.Edge()},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		w, err := tfrecord.Create(path, force)
		if err != nil {
			return err
		}
		for _, r := range f.recs {
			if err := w.Write(r); err != nil {
				w.Abort()
				return err
			}
		}
		if err := w.Close(); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d records)\n", path, len(f.recs))
	}
	return nil
}
