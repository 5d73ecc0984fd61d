// Command gobsl-beam converts and summarises ML data sets on Apache Beam:
// CSV or TFRecord in, sharded TFRecord or Parquet out, and TFDV-compatible
// statistics. It is the example pipeline of the gobsl Beam module and runs
// on any Beam runner: Prism locally, Dataflow, Flink or Spark.
//
//	gobsl-beam [flags] INPUT... OUTPUT
//
// INPUT is CSV (.csv, .tsv, compressed .gz/.zz/.zst; each file with a
// header line) or TFRecord of tf.Example (any other name; directories,
// globs, prefix@N). OUTPUT is a TFRecord name (.tfrecord, compressed
// .gz/.zz/.zst) or a Parquet name (.parquet), written as --shards files
// NAME-SSSSS-of-NNNNN.EXT; "-" writes none. --stats FILE also writes the
// statistics of the data (binary DatasetFeatureStatisticsList, or text for
// .pbtxt).
//
// A session on Prism, in process:
//
//	$ gobsl-beam --runner prism --shards 4 --stats stats.pbtxt data.csv data2.csv out/taxi.tfrecord.gz
//	$ ls out
//	taxi.tfrecord-00000-of-00004.gz  taxi.tfrecord-00002-of-00004.gz
//	taxi.tfrecord-00001-of-00004.gz  taxi.tfrecord-00003-of-00004.gz
//	$ gobsl-beam --runner prism 'out/taxi.tfrecord@4.gz' out/taxi.parquet
//
// On a cluster (see beam/README.md): --runner dataflow with --project,
// --region, --staging_location; or --runner universal (also flink, spark)
// with --endpoint HOST:PORT of the job server, --environment_type
// (DOCKER, PROCESS, EXTERNAL, LOOPBACK) and --environment_config; a
// worker binary built for linux/amd64 is given with --worker_binary.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

func main() {
	var c config
	c.bind(flag.CommandLine)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gobsl-beam [flags] INPUT... OUTPUT\n\nflags of gobsl-beam (Beam's own flags, such as --runner, follow):\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	beam.Init() // a worker started by a runner does not return from here
	ctx := context.Background()
	if err := c.setArgs(flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "gobsl-beam:", err)
		os.Exit(2)
	}
	p, s := beam.NewPipelineWithRoot()
	if err := build(s, &c); err != nil {
		fmt.Fprintln(os.Stderr, "gobsl-beam:", err)
		os.Exit(2)
	}
	if err := beamx.Run(ctx, p); err != nil {
		log.Exitf(ctx, "gobsl-beam: %v", err)
	}
}

// bind declares the command's flags.
func (c *config) bind(fs *flag.FlagSet) {
	fs.IntVar(&c.shards, "shards", 1, "number of output shards")
	fs.StringVar(&c.stats, "stats", "", "also write the statistics of the data to `FILE` (.pbtxt: text)")
	fs.StringVar(&c.schema, "schema", "", "TFMD schema (.pbtxt or binary) giving the columns of the input")
	fs.IntVar(&c.batchSize, "batch-size", 1024, "records per record batch")
	fs.StringVar(&c.parquetCompression, "parquet-compression", "zstd", "Parquet codec: zstd, snappy, gzip, lz4, brotli or none")
	fs.Func("column-names", "comma-separated `NAMES` of the columns of CSV input without header lines", func(v string) error {
		c.columnNames = strings.Split(v, ",")
		return nil
	})
}

func (c *config) setArgs(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("need at least one input and an output (see -help)")
	}
	c.inputs, c.output = args[:len(args)-1], args[len(args)-1]
	return nil
}
