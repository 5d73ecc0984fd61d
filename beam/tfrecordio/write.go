package tfrecordio

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gobsl/gobsl/beam/internal/shard"
	"github.com/gobsl/gobsl/tfrecord"
)

func init() {
	register.DoFn5x1[context.Context, int, func(*int) bool, func(*[]byte) bool, func(int, string), error](&writeFn{})
	register.Iter1[int]()
	register.Iter1[[]byte]()
}

// A WriteOption configures [Write].
type WriteOption func(*writeConfig) error

type writeConfig struct {
	numShards   int
	compression tfrecord.Compression
	level       int
	hasLevel    bool
}

// WithNumShards sets the number of shard files (default 1). Every shard
// is written, empty or not.
func WithNumShards(n int) WriteOption {
	return func(c *writeConfig) error {
		if n < 1 {
			return fmt.Errorf("tfrecordio: number of shards %d is not positive", n)
		}
		c.numShards = n
		return nil
	}
}

// WithCompression sets the compression of the shards: None (the
// default), Gzip, Zlib or Zstd. The shard names end in its extension
// ([tfrecord.Compression.Ext]): ".gz", ".zz" or ".zst".
func WithCompression(comp tfrecord.Compression) WriteOption {
	return func(c *writeConfig) error {
		if comp == tfrecord.Auto {
			return fmt.Errorf("tfrecordio: compression auto is for reading")
		}
		c.compression = comp
		return nil
	}
}

// WithCompressionLevel sets the compressor's level, as
// [tfrecord.WithCompressionLevel].
func WithCompressionLevel(level int) WriteOption {
	return func(c *writeConfig) error {
		c.level, c.hasLevel = level, true
		return nil
	}
}

// Write writes records (a PCollection of []byte) as TFRecord files named
// prefix-SSSSS-of-NNNNN followed by the compression's extension, and
// returns the PCollection of their names. It is TryWrite, panicking on
// invalid arguments as beam.ParDo does.
func Write(s beam.Scope, prefix string, records beam.PCollection, opts ...WriteOption) beam.PCollection {
	names, err := TryWrite(s, prefix, records, opts...)
	if err != nil {
		panic(err)
	}
	return names
}

// TryWrite writes records (a PCollection of []byte) as TFRecord files named
// prefix-SSSSS-of-NNNNN followed by the compression's extension, and
// returns the PCollection of their names.
//
// Records go to the shards round-robin, from a random shard in each
// bundle. Each shard is written to a temporary file in a folder
// ".temp-NAME-ID" beside the shards, and the shards are renamed into
// place in a last step that runs once all are written: no shard appears
// before the whole write has succeeded. Existing files of the same names
// are replaced. A prefix with a scheme ("gs://…") is written through the
// Beam file system of that scheme.
func TryWrite(s beam.Scope, prefix string, records beam.PCollection, opts ...WriteOption) (beam.PCollection, error) {
	cfg := writeConfig{numShards: 1, compression: tfrecord.None}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return beam.PCollection{}, err
		}
	}
	// Check the compression and level now rather than on the workers.
	w, err := tfrecord.NewWriter(io.Discard, cfg.writerOptions()...)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("tfrecordio: %w", err)
	}
	w.Close()
	sp, err := shard.NewSpec(prefix, cfg.compression.Ext(), cfg.numShards)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("tfrecordio: %w", err)
	}
	s = s.Scope("tfrecordio.Write")
	groups := shard.Group(s, cfg.numShards, records)
	written := beam.ParDo(s, &writeFn{Spec: sp, Compression: int(cfg.compression), Level: cfg.level, HasLevel: cfg.hasLevel}, groups)
	return shard.Finalize(s, sp, written), nil
}

func (c *writeConfig) writerOptions() []tfrecord.WriterOption {
	o := []tfrecord.WriterOption{tfrecord.WithWriterCompression(c.compression)}
	if c.hasLevel {
		o = append(o, tfrecord.WithCompressionLevel(c.level))
	}
	return o
}

// writeFn writes one shard to a temporary file.
type writeFn struct {
	Spec        shard.Spec
	Compression int
	Level       int
	HasLevel    bool
}

func (fn *writeFn) ProcessElement(ctx context.Context, i int, _ func(*int) bool, records func(*[]byte) bool, emit func(int, string)) error {
	cfg := writeConfig{compression: tfrecord.Compression(fn.Compression), level: fn.Level, hasLevel: fn.HasLevel}
	name, f, err := fn.Spec.Create(ctx, i)
	if err != nil {
		return fmt.Errorf("tfrecordio: %w", err)
	}
	w, err := tfrecord.NewWriter(f, cfg.writerOptions()...)
	if err != nil {
		f.Close()
		return fmt.Errorf("tfrecordio: %w", err)
	}
	var rec []byte
	for records(&rec) {
		if err = w.Write(rec); err != nil {
			break
		}
	}
	if err == nil {
		err = w.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("tfrecordio: %s: %w", name, err)
	}
	emit(i, name)
	return nil
}
