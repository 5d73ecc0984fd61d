package coders

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

func init() {
	register.DoFn3x1[context.Context, [][]byte, func(arrow.RecordBatch), error](&decodeFn{})
	register.DoFn4x1[context.Context, [][]byte, *arrow.Schema, func(arrow.RecordBatch), error](&decodeScannedFn{})
	register.Combiner3[*arrow.Schema, [][]byte, *arrow.Schema](&scanFn{})
	register.DoFn3x1[context.Context, arrow.RecordBatch, func([]byte), error](&encodeFn{})
	register.Emitter1[arrow.RecordBatch]()
}

// DecodeOptions configures DecodeExamples and ScanExamples. The zero value
// decodes tf.Example records without a schema, in batches of
// DefaultBatchSize.
type DecodeOptions struct {
	// Example configures the decoder as example.DecodeOptions does. Its
	// Allocator is ignored: batches live on the Go heap. Without a Schema
	// or an ArrowSchema, the records are scanned first (ScanExamples) and
	// every batch has the schema of the whole input, as tfxio.Open gives.
	Example example.DecodeOptions

	// BatchSize is the number of records per batch; 0 means
	// DefaultBatchSize.
	BatchSize int
}

// decoderConfig is example.DecodeOptions in a form Beam can serialise in
// a DoFn: the schemas as bytes.
type decoderConfig struct {
	Schema         []byte // binary TFMD schema, or nil
	ArrowSchema    []byte // EncodeSchema, or nil
	RecordType     int
	SequenceColumn string
	ListType       int
	BytesType      int
}

func newDecoderConfig(o example.DecodeOptions) (decoderConfig, error) {
	c := decoderConfig{
		RecordType:     int(o.RecordType),
		SequenceColumn: o.SequenceColumn,
		ListType:       int(o.ListType),
		BytesType:      int(o.BytesType),
	}
	var err error
	if o.Schema != nil {
		if c.Schema, err = proto.Marshal(o.Schema); err != nil {
			return c, fmt.Errorf("coders: %w", err)
		}
	}
	if o.ArrowSchema != nil {
		if c.ArrowSchema, err = EncodeSchema(o.ArrowSchema); err != nil {
			return c, err
		}
	}
	// Fail at construction rather than on the workers.
	_, err = o.NewDecoder()
	return c, err
}

func (c decoderConfig) options() (example.DecodeOptions, error) {
	o := example.DecodeOptions{
		RecordType:     example.RecordType(c.RecordType),
		SequenceColumn: c.SequenceColumn,
		ListType:       example.ListType(c.ListType),
		BytesType:      example.BytesType(c.BytesType),
		Allocator:      mem,
	}
	if c.Schema != nil {
		o.Schema = new(metadatapb.Schema)
		if err := proto.Unmarshal(c.Schema, o.Schema); err != nil {
			return o, fmt.Errorf("coders: %w", err)
		}
	}
	if c.ArrowSchema != nil {
		s, err := DecodeSchema(c.ArrowSchema)
		if err != nil {
			return o, err
		}
		o.ArrowSchema = s
	}
	return o, nil
}

// DecodeExamples decodes records (a PCollection of serialized tf.Example
// or tf.SequenceExample, []byte) into a PCollection of arrow.RecordBatch,
// as example.Decoder does, in batches of opts.BatchSize records of one
// bundle. Batches are encoded between steps as Arrow IPC streams
// (EncodeBatch). It panics on invalid options, as beam.ParDo does.
func DecodeExamples(s beam.Scope, records beam.PCollection, opts DecodeOptions) beam.PCollection {
	s = s.Scope("coders.DecodeExamples")
	c, err := newDecoderConfig(opts.Example)
	if err != nil {
		panic(err)
	}
	batches := Batch(s, opts.BatchSize, records)
	if c.Schema != nil || c.ArrowSchema != nil {
		return beam.ParDo(s, &decodeFn{Config: c}, batches)
	}
	schema := scan(s, c, batches)
	return beam.ParDo(s, &decodeScannedFn{Config: c}, batches, beam.SideInput{Input: schema})
}

// ScanExamples returns the Arrow schema (a PCollection of one
// *arrow.Schema) that a schemaless decode of all the records gives, as
// example.Scanner does: the bytewise-sorted union of feature names, each
// typed by its kind (null when never seen with one), the feature-list
// struct last. A feature seen with two kinds is an error, as it is when
// decoding.
func ScanExamples(s beam.Scope, records beam.PCollection, opts DecodeOptions) beam.PCollection {
	s = s.Scope("coders.ScanExamples")
	c, err := newDecoderConfig(opts.Example)
	if err != nil {
		panic(err)
	}
	return scan(s, c, Batch(s, opts.BatchSize, records))
}

func scan(s beam.Scope, c decoderConfig, batches beam.PCollection) beam.PCollection {
	return beam.Combine(s, &scanFn{Config: c}, batches)
}

type decodeFn struct {
	Config decoderConfig
	dec    *example.Decoder
}

func (fn *decodeFn) Setup() error {
	o, err := fn.Config.options()
	if err != nil {
		return err
	}
	fn.dec, err = o.NewDecoder()
	return err
}

func (fn *decodeFn) ProcessElement(_ context.Context, records [][]byte, emit func(arrow.RecordBatch)) error {
	rb, err := fn.dec.Decode(records)
	if err != nil {
		return fmt.Errorf("coders: %w", err)
	}
	emit(rb)
	return nil
}

// decodeScannedFn decodes with the schema that scanFn found.
type decodeScannedFn struct {
	Config decoderConfig
	schema *arrow.Schema
	dec    *example.Decoder
}

func (fn *decodeScannedFn) ProcessElement(_ context.Context, records [][]byte, schema *arrow.Schema, emit func(arrow.RecordBatch)) error {
	if fn.dec == nil || !fn.schema.Equal(schema) {
		o, err := fn.Config.options()
		if err != nil {
			return err
		}
		o.ArrowSchema = schema
		if fn.dec, err = o.NewDecoder(); err != nil {
			return fmt.Errorf("coders: %w", err)
		}
		fn.schema = schema
	}
	rb, err := fn.dec.Decode(records)
	if err != nil {
		return fmt.Errorf("coders: %w", err)
	}
	emit(rb)
	return nil
}

// scanFn is a CombineFn of batches of records into the schema of all of
// them. Its accumulator is a schema; an empty schema has no fields.
type scanFn struct {
	Config decoderConfig
}

func (fn *scanFn) CreateAccumulator() *arrow.Schema { return arrow.NewSchema(nil, nil) }

func (fn *scanFn) AddInput(acc *arrow.Schema, records [][]byte) (*arrow.Schema, error) {
	o, err := fn.Config.options()
	if err != nil {
		return nil, err
	}
	sc, err := example.NewScanner(o)
	if err != nil {
		return nil, fmt.Errorf("coders: %w", err)
	}
	if err := sc.Scan(records); err != nil {
		return nil, fmt.Errorf("coders: %w", err)
	}
	return fn.MergeAccumulators(acc, sc.ArrowSchema())
}

func (fn *scanFn) MergeAccumulators(a, b *arrow.Schema) (*arrow.Schema, error) {
	seq := fn.Config.SequenceColumn
	if seq == "" {
		seq = example.DefaultSequenceColumn
	}
	if example.RecordType(fn.Config.RecordType) != example.SequenceExample {
		seq = ""
	}
	fields, err := mergeFields(a.Fields(), b.Fields(), seq)
	if err != nil {
		return nil, err
	}
	return arrow.NewSchema(fields, nil), nil
}

func (fn *scanFn) ExtractOutput(acc *arrow.Schema) *arrow.Schema { return acc }

// mergeFields returns the union of two scanned field lists, sorted by
// name but for the feature-list struct seq, which goes last. A field
// typed in one list and untyped (null leaves) in the other takes the type;
// two different types are the kind conflict that decoding would report.
func mergeFields(a, b []arrow.Field, seq string) ([]arrow.Field, error) {
	byName := make(map[string]arrow.Field, len(a)+len(b))
	for _, f := range a {
		byName[f.Name] = f
	}
	for _, f := range b {
		g, ok := byName[f.Name]
		if !ok {
			byName[f.Name] = f
			continue
		}
		t, err := mergeType(g.Type, f.Type)
		if err != nil {
			return nil, fmt.Errorf("coders: feature %q: %w", f.Name, err)
		}
		g.Type = t
		byName[f.Name] = g
	}
	out := make([]arrow.Field, 0, len(byName))
	for _, f := range byName {
		out = append(out, f)
	}
	slices.SortFunc(out, func(x, y arrow.Field) int {
		switch {
		case x.Name == seq:
			return 1
		case y.Name == seq:
			return -1
		}
		return strings.Compare(x.Name, y.Name)
	})
	return out, nil
}

func mergeType(a, b arrow.DataType) (arrow.DataType, error) {
	if sa, ok := a.(*arrow.StructType); ok {
		sb, ok := b.(*arrow.StructType)
		if !ok {
			return nil, fmt.Errorf("types %v and %v", a, b)
		}
		fields, err := mergeFields(sa.Fields(), sb.Fields(), "")
		if err != nil {
			return nil, err
		}
		return arrow.StructOf(fields...), nil
	}
	switch {
	case untyped(b) || arrow.TypeEqual(a, b):
		return a, nil
	case untyped(a):
		return b, nil
	}
	return nil, fmt.Errorf("values of types %v and %v", a, b)
}

// untyped reports whether t is null or lists of null: a feature seen only
// without a kind.
func untyped(t arrow.DataType) bool {
	for {
		switch l := t.(type) {
		case *arrow.NullType:
			return true
		case arrow.ListLikeType:
			t = l.Elem()
		default:
			return false
		}
	}
}

// encoderConfig is example.EncodeOptions in a form Beam can serialise.
type encoderConfig struct {
	Schema         []byte
	RecordType     int
	SequenceColumn string
	Deterministic  bool
}

// EncodeExamples encodes batches (a PCollection of arrow.RecordBatch)
// into serialized tf.Example or tf.SequenceExample records, one per row,
// as example.Encoder does: a PCollection of []byte. It panics on invalid
// options, as beam.ParDo does.
func EncodeExamples(s beam.Scope, batches beam.PCollection, opts example.EncodeOptions) beam.PCollection {
	c := encoderConfig{RecordType: int(opts.RecordType), SequenceColumn: opts.SequenceColumn, Deterministic: opts.Deterministic}
	if opts.Schema != nil {
		b, err := proto.Marshal(opts.Schema)
		if err != nil {
			panic(fmt.Errorf("coders: %w", err))
		}
		c.Schema = b
	}
	return beam.ParDo(s.Scope("coders.EncodeExamples"), &encodeFn{Config: c}, batches)
}

type encodeFn struct {
	Config encoderConfig
	opts   example.EncodeOptions
	enc    *example.Encoder
}

func (fn *encodeFn) Setup() error {
	c := fn.Config
	fn.opts = example.EncodeOptions{RecordType: example.RecordType(c.RecordType), SequenceColumn: c.SequenceColumn, Deterministic: c.Deterministic}
	if c.Schema != nil {
		fn.opts.Schema = new(metadatapb.Schema)
		if err := proto.Unmarshal(c.Schema, fn.opts.Schema); err != nil {
			return fmt.Errorf("coders: %w", err)
		}
	}
	return nil
}

func (fn *encodeFn) ProcessElement(_ context.Context, rb arrow.RecordBatch, emit func([]byte)) error {
	if fn.enc == nil || !fn.enc.Schema().Equal(rb.Schema()) {
		enc, err := fn.opts.NewEncoder(rb.Schema())
		if err != nil {
			return fmt.Errorf("coders: %w", err)
		}
		fn.enc = enc
	}
	recs, err := fn.enc.Encode(rb, nil)
	if err != nil {
		return fmt.Errorf("coders: %w", err)
	}
	// The records share the encoder's buffer, which the next batch
	// overwrites; later steps may keep them, so each gets a copy.
	n := 0
	for _, r := range recs {
		n += len(r)
	}
	buf := make([]byte, 0, n)
	for _, r := range recs {
		buf = append(buf, r...)
		emit(buf[len(buf)-len(r) : len(buf) : len(buf)])
	}
	return nil
}
