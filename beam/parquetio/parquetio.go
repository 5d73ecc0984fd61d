// Package parquetio writes a PCollection of Arrow record batches as
// sharded Parquet files, each written as github.com/gobsl/gobsl/tfxio
// writes Parquet (zstd by default, the Arrow schema stored).
package parquetio

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	_ "github.com/gobsl/gobsl/beam/coders" // the arrow.RecordBatch coder
	"github.com/gobsl/gobsl/beam/internal/shard"
	"github.com/gobsl/gobsl/tfxio"
)

func init() {
	register.Function1x1[arrow.RecordBatch, *arrow.Schema](schemaOf)
	register.Combiner1[*arrow.Schema](&sameSchemaFn{})
	register.DoFn6x1[context.Context, int, func(*int) bool, func(*arrow.RecordBatch) bool, *arrow.Schema, func(int, string), error](&writeFn{})
	register.Iter1[arrow.RecordBatch]()
}

// A WriteOption configures [Write].
type WriteOption func(*writeConfig) error

type writeConfig struct {
	numShards int
	codec     string
}

// WithNumShards sets the number of shard files (default 1). Every shard
// is written, empty or not.
func WithNumShards(n int) WriteOption {
	return func(c *writeConfig) error {
		if n < 1 {
			return fmt.Errorf("parquetio: number of shards %d is not positive", n)
		}
		c.numShards = n
		return nil
	}
}

// WithCompression sets the Parquet codec: zstd (the default), snappy,
// gzip, lz4, brotli or none.
func WithCompression(codec string) WriteOption {
	return func(c *writeConfig) error {
		c.codec = codec
		return nil
	}
}

// Write writes batches (a PCollection of arrow.RecordBatch, all of one
// schema) as Parquet files named prefix-SSSSS-of-NNNNN.parquet and returns
// the PCollection of their names. It is TryWrite, panicking on invalid
// arguments as beam.ParDo does.
func Write(s beam.Scope, prefix string, batches beam.PCollection, opts ...WriteOption) beam.PCollection {
	names, err := TryWrite(s, prefix, batches, opts...)
	if err != nil {
		panic(err)
	}
	return names
}

// TryWrite writes batches (a PCollection of arrow.RecordBatch, all of one
// schema) as Parquet files named prefix-SSSSS-of-NNNNN.parquet and returns
// the PCollection of their names. Batches go to the shards round-robin.
// As tfrecordio.Write, it writes temporary files and renames them into
// place once all are written; empty shards have the schema and no rows.
func TryWrite(s beam.Scope, prefix string, batches beam.PCollection, opts ...WriteOption) (beam.PCollection, error) {
	cfg := writeConfig{numShards: 1}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return beam.PCollection{}, err
		}
	}
	sp, err := shard.NewSpec(prefix, ".parquet", cfg.numShards)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("parquetio: %w", err)
	}
	s = s.Scope("parquetio.Write")
	schema := beam.Combine(s, &sameSchemaFn{}, beam.ParDo(s, schemaOf, batches))
	groups := shard.Group(s, cfg.numShards, batches)
	written := beam.ParDo(s, &writeFn{Spec: sp, Codec: cfg.codec}, groups, beam.SideInput{Input: schema})
	return shard.Finalize(s, sp, written), nil
}

func schemaOf(rb arrow.RecordBatch) *arrow.Schema { return rb.Schema() }

// sameSchemaFn combines the batches' schemas into the one they share; an
// empty schema stands for none seen.
type sameSchemaFn struct{}

func (fn *sameSchemaFn) CreateAccumulator() *arrow.Schema { return arrow.NewSchema(nil, nil) }

func (fn *sameSchemaFn) MergeAccumulators(a, b *arrow.Schema) (*arrow.Schema, error) {
	switch {
	case b.NumFields() == 0:
		return a, nil
	case a.NumFields() == 0:
		return b, nil
	case !a.Equal(b):
		return nil, fmt.Errorf("parquetio: batches of different schemas:\n%v\nand\n%v", a, b)
	}
	return a, nil
}

// writeFn writes one shard: to a local file by tfxio, then copied to its
// temporary name.
type writeFn struct {
	Spec  shard.Spec
	Codec string
}

func (fn *writeFn) ProcessElement(ctx context.Context, i int, _ func(*int) bool, batches func(*arrow.RecordBatch) bool, schema *arrow.Schema, emit func(int, string)) error {
	dir, err := os.MkdirTemp("", "parquetio-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	local := filepath.Join(dir, "shard.parquet")
	w, err := tfxio.Create(local, schema, tfxio.WriteOptions{Format: tfxio.Parquet, ParquetCompression: fn.Codec, Workers: 1})
	if err != nil {
		return fmt.Errorf("parquetio: %w", err)
	}
	var rb arrow.RecordBatch
	for batches(&rb) {
		if err := w.Write(rb); err != nil {
			w.Abort()
			return fmt.Errorf("parquetio: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("parquetio: %w", err)
	}
	name, err := copyTo(ctx, fn.Spec, i, local)
	if err != nil {
		return fmt.Errorf("parquetio: %w", err)
	}
	emit(i, name)
	return nil
}

func copyTo(ctx context.Context, sp shard.Spec, i int, local string) (string, error) {
	in, err := os.Open(local)
	if err != nil {
		return "", err
	}
	defer in.Close()
	name, out, err := sp.Create(ctx, i)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return "", err
	}
	return name, out.Close()
}
