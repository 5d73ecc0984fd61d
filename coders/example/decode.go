package example

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/internal/mempool"
)

// Errors returned (wrapped in a [*RecordError]) when a record is not a
// valid serialized message. The texts are tfx-bsl's.
var (
	ErrParseExample         = errors.New("Unable to parse example.")
	ErrParseSequenceExample = errors.New("Unable to parse sequence example.")
)

// ErrNoArrowSchema is returned by [Decoder.ArrowSchema] when the decoder has
// neither a TFMD schema nor a fixed Arrow schema, so each batch has its own
// schema.
var ErrNoArrowSchema = errors.New("Unable to get the arrow schema if a TFMD schema was not provided at the construction time.")

// KindError reports a feature whose kind differs from its column's: the
// schema type, the fixed Arrow type, or (without a schema) the first kind
// seen for the name in the batch. Want is [KindUnset] for a column of Arrow
// type null, which accepts only features without a kind.
type KindError struct {
	Name     string
	Sequence bool // a feature list, not a context feature
	Want     Kind
	Got      Kind
}

// Error returns tfx-bsl's message, e.g.
// `Feature had wrong type, expected int64_list, found float_list for feature "x"`.
func (e *KindError) Error() string {
	what := "feature"
	if e.Sequence {
		what = "sequence feature"
	}
	return fmt.Sprintf("Feature had wrong type, expected %v, found %v for %s %q", e.Want, e.Got, what, e.Name)
}

// UTF8Error reports a bytes_list value that is not valid UTF-8 in a column
// decoded as utf8 or large_utf8 ([String], [LargeString]).
type UTF8Error struct {
	Name     string
	Sequence bool
}

func (e *UTF8Error) Error() string {
	what := "feature"
	if e.Sequence {
		what = "sequence feature"
	}
	return fmt.Sprintf("invalid UTF-8 in bytes_list of %s %q", what, e.Name)
}

// Decoder decodes batches of serialized tf.Example or tf.SequenceExample
// records into Arrow record batches, as tfx-bsl's
// ExamplesToRecordBatchDecoder and SequenceExamplesToRecordBatchDecoder do.
//
// A Decoder keeps scratch memory between calls to [Decoder.Decode] so that
// decoding allocates only the output buffers. It is not safe for
// concurrent use: give each goroutine its own, from [Decoder.Clone] or
// another call to [DecodeOptions.NewDecoder].
type Decoder struct {
	opts    DecodeOptions
	mem     memory.Allocator
	pool    *mempool.Allocator // mem if it is a recycling pool, else nil: see handOver
	plan    *decPlan           // immutable, shared by clones
	ctx     decSet             // context (or tf.Example) features
	seq     decSet             // feature lists
	batch   int                // batch counter, to reset columns lazily
	size    int                // records in the batch
	idx     int                // index in the batch of the record being decoded
	rec     int                // serial number of that record in the Decoder's life
	store   bool               // write rows and values (false in a Scanner)
	sawList bool               // some record in the batch had feature_lists
	pend    []*decCol
	spans   [][]byte // values of a map entry with several
	sorted  []*decCol
}

// NewDecoder checks the options and returns a Decoder.
//
// With a TFMD Schema, only top-level Schema.feature is read: INT, FLOAT and
// BYTES become large_list<int64>, large_list<float32> and
// large_list<large_binary> columns (or the types ListType and BytesType
// select), in schema order; a later feature with an already used name is
// skipped. Any other type fails with tfx-bsl's "Bad field type for
// feature: <name> with type: <int>". For SequenceExample records, the
// feature named SequenceColumn must be a STRUCT and its struct_domain
// features become the feature-list columns.
//
// With an ArrowSchema instead, its fields must be lists of int64, float32
// or a binary or string type, or null; for SequenceExample records the
// field named SequenceColumn must be a struct of lists of such lists (or
// lists of null). The types are used as given, list or large_list at each
// level; ListType and BytesType are then ignored.
func (o DecodeOptions) NewDecoder() (*Decoder, error) {
	p, err := newDecPlan(o)
	if err != nil {
		return nil, err
	}
	return p.newDecoder(o), nil
}

// Clone returns a new Decoder with the same options and no scratch state,
// for use on another goroutine. It is cheap: the checked schema is shared.
func (d *Decoder) Clone() *Decoder { return d.plan.newDecoder(d.opts) }

// ArrowSchema returns the schema of every batch the decoder produces: the
// one derived from the TFMD schema, or the fixed ArrowSchema. Without
// either, each batch has its own schema and ArrowSchema fails with
// tfx-bsl's message ([ErrNoArrowSchema] with the decoder's name).
func (d *Decoder) ArrowSchema() (*arrow.Schema, error) {
	if d.plan.schema == nil {
		name := "ExamplesToRecordBatchDecoder"
		if d.plan.recType == SequenceExample {
			name = "SequenceExamplesToRecordBatchDecoder"
		}
		return nil, fmt.Errorf("%s: %w", name, ErrNoArrowSchema)
	}
	return d.plan.schema, nil
}

// Decode decodes records into one record batch with a row per record. The
// caller must Release the batch.
//
// Without a fixed schema, the columns are the names seen in the batch in
// bytewise order, each typed by the first kind seen; names never seen
// with a kind become columns of Arrow type null. Decoding fails as a
// whole when a record cannot be parsed ([ErrParseExample],
// [ErrParseSequenceExample]), has a feature of the wrong kind
// ([*KindError]) or, for utf8 columns, bytes that are not UTF-8
// ([*UTF8Error]); the error is a [*RecordError] with the record's index.
// When a record has several wrong features, the error names the context
// feature with the bytewise smallest name, else the feature list with
// the smallest name. With [List] or [Binary] types, a batch with more
// than 2^31-1 values or bytes in a column fails too.
func (d *Decoder) Decode(records [][]byte) (arrow.RecordBatch, error) {
	d.startBatch(len(records))
	for i, r := range records {
		if err := d.record(i, r); err != nil {
			return nil, err
		}
	}
	return d.finish(len(records))
}
