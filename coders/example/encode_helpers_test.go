package example_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Shorthands for Arrow types in test tables.
var (
	f32   = arrow.PrimitiveTypes.Float32
	f64   = arrow.PrimitiveTypes.Float64
	i64   = arrow.PrimitiveTypes.Int64
	i32   = arrow.PrimitiveTypes.Int32
	u64   = arrow.PrimitiveTypes.Uint64
	bin   = arrow.BinaryTypes.Binary
	lbin  = arrow.BinaryTypes.LargeBinary
	str   = arrow.BinaryTypes.String
	lutf8 = arrow.BinaryTypes.LargeString
)

func ll(t arrow.DataType) arrow.DataType  { return arrow.LargeListOf(t) }
func lst(t arrow.DataType) arrow.DataType { return arrow.ListOf(t) }

func newMem(t testing.TB) *memory.CheckedAllocator {
	t.Helper()
	return memory.NewCheckedAllocator(memory.NewGoAllocator())
}

// jsonBatch builds a record batch from the fields and a JSON array of row
// objects (binary values are base64, as arrow's JSON reader wants them).
func jsonBatch(t testing.TB, mem memory.Allocator, fields []arrow.Field, rows string) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema(fields, nil)
	rb, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(rows))
	if err != nil {
		t.Fatalf("RecordFromJSON(%s): %v", rows, err)
	}
	return rb
}

// jsonArray builds one array from JSON.
func jsonArray(t testing.TB, mem memory.Allocator, dt arrow.DataType, js string) arrow.Array {
	t.Helper()
	a, _, err := array.FromJSON(mem, dt, strings.NewReader(js))
	if err != nil {
		t.Fatalf("FromJSON(%v, %s): %v", dt, js, err)
	}
	return a
}

// batchOf builds a record batch from fields and arrays, releasing the
// arrays.
func batchOf(fields []arrow.Field, cols ...arrow.Array) arrow.RecordBatch {
	n := int64(0)
	if len(cols) > 0 {
		n = int64(cols[0].Len())
	}
	rb := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, n)
	for _, c := range cols {
		c.Release()
	}
	return rb
}

// textExamples parses tf.Example text protos.
func textExamples(t testing.TB, texts ...string) []proto.Message {
	t.Helper()
	out := make([]proto.Message, len(texts))
	for i, s := range texts {
		m := &examplepb.Example{}
		if err := prototext.Unmarshal([]byte(s), m); err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		out[i] = m
	}
	return out
}

// textSequences parses tf.SequenceExample text protos.
func textSequences(t testing.TB, texts ...string) []proto.Message {
	t.Helper()
	out := make([]proto.Message, len(texts))
	for i, s := range texts {
		m := &examplepb.SequenceExample{}
		if err := prototext.Unmarshal([]byte(s), m); err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		out[i] = m
	}
	return out
}

// parseRecords parses serialized records as Examples or SequenceExamples.
func parseRecords(t testing.TB, recs [][]byte, seq bool) []proto.Message {
	t.Helper()
	out := make([]proto.Message, len(recs))
	for i, r := range recs {
		var m proto.Message = &examplepb.Example{}
		if seq {
			m = &examplepb.SequenceExample{}
		}
		if err := proto.Unmarshal(r, m); err != nil {
			t.Fatalf("record %d does not parse: %v", i, err)
		}
		out[i] = m
	}
	return out
}

// textSchema parses a TFMD schema text proto.
func textSchema(t testing.TB, s string) *metadatapb.Schema {
	t.Helper()
	m := &metadatapb.Schema{}
	if err := prototext.Unmarshal([]byte(s), m); err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	return m
}

// refOptions converts options for the reference encoder.
func refOptions(o example.EncodeOptions) reference.EncodeOptions {
	return reference.EncodeOptions{
		Schema:         o.Schema,
		Sequence:       o.RecordType == example.SequenceExample,
		SequenceColumn: o.SequenceColumn,
		Deterministic:  o.Deterministic,
	}
}

// errText returns err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// parseAll parses records, returning an error instead of failing a test.
func parseAll(recs [][]byte, seq bool) ([]proto.Message, error) {
	out := make([]proto.Message, len(recs))
	for i, r := range recs {
		var m proto.Message = &examplepb.Example{}
		if seq {
			m = &examplepb.SequenceExample{}
		}
		if err := proto.Unmarshal(r, m); err != nil {
			return nil, fmt.Errorf("record %d does not parse: %v", i, err)
		}
		out[i] = m
	}
	return out, nil
}

// floatBits compares float32 values by their bits, so NaN payloads and -0
// count.
var floatBits = cmp.Comparer(func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) })
