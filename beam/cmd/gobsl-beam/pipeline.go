package main

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/beam/coders"
	"github.com/gobsl/gobsl/beam/csvio"
	"github.com/gobsl/gobsl/beam/parquetio"
	beamstats "github.com/gobsl/gobsl/beam/stats"
	"github.com/gobsl/gobsl/beam/tfrecordio"
	"github.com/gobsl/gobsl/coders/csv"
	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/stats"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

func init() {
	beam.RegisterType(reflect.TypeOf((*writeProtoFn)(nil)).Elem())
	register.DoFn2x1[context.Context, *metadatapb.DatasetFeatureStatisticsList, error](&writeProtoFn{})
}

// config is what the command line asks for.
type config struct {
	inputs             []string
	output             string // "-": none
	shards             int
	stats              string
	schema             string
	batchSize          int
	parquetCompression string
	columnNames        []string
}

// build adds the pipeline that c asks for to s.
func build(s beam.Scope, c *config) error {
	var sch *metadatapb.Schema
	if c.schema != "" {
		var err error
		if sch, err = schema.Load(c.schema); err != nil {
			return err
		}
	}
	csvIn := tfxio.IsCSVName(c.inputs[0])
	for _, in := range c.inputs[1:] {
		if tfxio.IsCSVName(in) != csvIn {
			return fmt.Errorf("inputs mix CSV and TFRecord: %s and %s", c.inputs[0], in)
		}
	}

	// The input, as records or as batches (or both).
	var records, batches beam.PCollection
	if csvIn {
		var err error
		batches, err = csvio.Read(s, csv.Options{ColumnNames: c.columnNames, Schema: sch}, c.batchSize, c.inputs...)
		if err != nil {
			return err
		}
	} else {
		records = tfrecordio.Read(s, c.inputs...)
	}
	decoded := func() beam.PCollection {
		if !batches.IsValid() {
			batches = coders.DecodeExamples(s, records, coders.DecodeOptions{Example: example.DecodeOptions{Schema: sch}, BatchSize: c.batchSize})
		}
		return batches
	}

	switch out := c.output; {
	case out == "-":
	case strings.HasSuffix(strings.ToLower(out), ".parquet"):
		if _, err := parquetio.TryWrite(s, strings.TrimSuffix(out, filepath.Ext(out)), decoded(),
			parquetio.WithNumShards(c.shards), parquetio.WithCompression(c.parquetCompression)); err != nil {
			return err
		}
	default:
		comp := tfrecord.CompressionFromPath(out)
		if !records.IsValid() {
			records = coders.EncodeExamples(s, batches, example.EncodeOptions{Schema: sch})
		}
		if _, err := tfrecordio.TryWrite(s, strings.TrimSuffix(out, comp.Ext()), records,
			tfrecordio.WithNumShards(c.shards), tfrecordio.WithCompression(comp)); err != nil {
			return err
		}
	}
	if c.stats != "" {
		l := beamstats.Generate(s, decoded(), stats.Options{Schema: sch})
		beam.ParDo0(s, &writeProtoFn{Path: c.stats}, l)
	}
	return nil
}

// writeProtoFn writes the statistics to a file, in text for .pbtxt.
type writeProtoFn struct {
	Path string
}

func (fn *writeProtoFn) ProcessElement(ctx context.Context, l *metadatapb.DatasetFeatureStatisticsList) error {
	var b []byte
	var err error
	if strings.HasSuffix(fn.Path, ".pbtxt") {
		b, err = prototext.MarshalOptions{Multiline: true}.Marshal(l)
	} else {
		b, err = proto.MarshalOptions{Deterministic: true}.Marshal(l)
	}
	if err != nil {
		return err
	}
	fs, err := filesystem.New(ctx, fn.Path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, fn.Path)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
