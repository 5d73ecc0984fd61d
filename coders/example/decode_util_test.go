package example_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

func decNewMem(t testing.TB) *memory.CheckedAllocator {
	t.Helper()
	return memory.NewCheckedAllocator(memory.NewGoAllocator())
}

// decRefOptions converts options for the reference decoder.
func decRefOptions(o example.DecodeOptions) reference.DecodeOptions {
	r := reference.DecodeOptions{
		Schema:         o.Schema,
		ArrowSchema:    o.ArrowSchema,
		Sequence:       o.RecordType == example.SequenceExample,
		SequenceColumn: o.SequenceColumn,
		List:           o.ListType == example.List,
		Allocator:      o.Allocator,
	}
	switch o.BytesType {
	case example.Binary:
		r.Bytes = arrow.BinaryTypes.Binary
	case example.String:
		r.Bytes = arrow.BinaryTypes.String
	case example.LargeString:
		r.Bytes = arrow.BinaryTypes.LargeString
	}
	return r
}

// decDecodeFast decodes with a new fast Decoder.
func decDecodeFast(o example.DecodeOptions, recs [][]byte) (arrow.RecordBatch, error) {
	d, err := o.NewDecoder()
	if err != nil {
		return nil, err
	}
	return d.Decode(recs)
}

// decDiffBatches compares two batches value by value, floats by their bits,
// and returns "" when they are equal.
func decDiffBatches(want, got arrow.RecordBatch) string {
	if !want.Schema().Equal(got.Schema()) {
		return fmt.Sprintf("schema:\nwant %v\ngot  %v", want.Schema(), got.Schema())
	}
	if want.NumRows() != got.NumRows() {
		return fmt.Sprintf("rows: want %d, got %d", want.NumRows(), got.NumRows())
	}
	for i, f := range want.Schema().Fields() {
		n := int(want.NumRows())
		if d := decDiffArrays(f.Name, want.Column(i), 0, n, got.Column(i), 0, n); d != "" {
			return d
		}
	}
	return ""
}

func decDiffArrays(path string, a arrow.Array, as, ae int, b arrow.Array, bs, be int) string {
	if !arrow.TypeEqual(a.DataType(), b.DataType()) {
		return fmt.Sprintf("%s: type want %v, got %v", path, a.DataType(), b.DataType())
	}
	if ae-as != be-bs {
		return fmt.Sprintf("%s: length want %d, got %d", path, ae-as, be-bs)
	}
	for k := 0; k < ae-as; k++ {
		i, j := as+k, bs+k
		p := fmt.Sprintf("%s[%d]", path, k)
		if a.IsNull(i) != b.IsNull(j) {
			return fmt.Sprintf("%s: null want %v, got %v", p, a.IsNull(i), b.IsNull(j))
		}
		if a.IsNull(i) {
			continue
		}
		switch a := a.(type) {
		case array.ListLike:
			s1, e1 := a.ValueOffsets(i)
			s2, e2 := b.(array.ListLike).ValueOffsets(j)
			if d := decDiffArrays(p, a.ListValues(), int(s1), int(e1), b.(array.ListLike).ListValues(), int(s2), int(e2)); d != "" {
				return d
			}
		case *array.Struct:
			bs := b.(*array.Struct)
			for f := 0; f < a.NumField(); f++ {
				name := a.DataType().(*arrow.StructType).Field(f).Name
				if d := decDiffArrays(p+"."+name, a.Field(f), i, i+1, bs.Field(f), j, j+1); d != "" {
					return d
				}
			}
		case *array.Float32:
			x, y := math.Float32bits(a.Value(i)), math.Float32bits(b.(*array.Float32).Value(j))
			if x != y {
				return fmt.Sprintf("%s: want %#08x, got %#08x", p, x, y)
			}
		case *array.Int64:
			if x, y := a.Value(i), b.(*array.Int64).Value(j); x != y {
				return fmt.Sprintf("%s: want %d, got %d", p, x, y)
			}
		case *array.Null:
		default:
			if x, y := a.ValueStr(i), b.ValueStr(j); x != y {
				return fmt.Sprintf("%s: want %q, got %q", p, x, y)
			}
		}
	}
	return ""
}

// decCheckLayout checks what tfx-bsl's layout guarantees beyond values: null
// list cells have no child values and list children hold exactly the
// values their offsets cover.
func decCheckLayout(t testing.TB, rb arrow.RecordBatch) {
	t.Helper()
	for i, f := range rb.Schema().Fields() {
		if err := decLayoutErr(f.Name, rb.Column(i)); err != nil {
			t.Error(err)
		}
	}
}

func decLayoutErr(path string, a arrow.Array) error {
	switch a := a.(type) {
	case array.ListLike:
		n := a.Len()
		for i := 0; i < n; i++ {
			if s, e := a.ValueOffsets(i); a.IsNull(i) && s != e {
				return fmt.Errorf("%s[%d]: null cell covers %d child values", path, i, e-s)
			}
		}
		if n > 0 {
			s, _ := a.ValueOffsets(0)
			_, e := a.ValueOffsets(n - 1)
			if s != 0 || int(e) != a.ListValues().Len() {
				return fmt.Errorf("%s: offsets cover [%d,%d) of %d child values", path, s, e, a.ListValues().Len())
			}
		}
		return decLayoutErr(path+"[]", a.ListValues())
	case *array.Struct:
		if a.NullN() != 0 {
			return fmt.Errorf("%s: struct has %d nulls", path, a.NullN())
		}
		for f := 0; f < a.NumField(); f++ {
			if err := decLayoutErr(path+"."+a.DataType().(*arrow.StructType).Field(f).Name, a.Field(f)); err != nil {
				return err
			}
		}
	}
	return nil
}

// decErrText returns an error's message, or "" for nil.
func decErrText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// decDifferential decodes records with both paths and fails the test unless
// both fail with the same message or both give equal batches.
func decDifferential(t testing.TB, o example.DecodeOptions, recs [][]byte) {
	t.Helper()
	mem := decNewMem(t)
	defer mem.AssertSize(t, 0)
	o.Allocator = mem
	want, werr := reference.Decode(decRefOptions(o), recs)
	got, gerr := decDecodeFast(o, recs)
	if want != nil {
		defer want.Release()
	}
	if got != nil {
		defer got.Release()
	}
	if decErrText(werr) != decErrText(gerr) {
		t.Fatalf("errors differ:\nreference: %v\nfast:      %v", werr, gerr)
	}
	if werr != nil {
		var re *example.RecordError
		if strings.HasPrefix(gerr.Error(), "example: record") && !errors.As(gerr, &re) {
			t.Fatalf("fast error %v is not a *RecordError", gerr)
		}
		return
	}
	if d := decDiffBatches(want, got); d != "" {
		t.Fatalf("batches differ: %s", d)
	}
	decCheckLayout(t, got)
}

// decSmallSchema is a TFMD schema with some taxi features, a duplicate
// and a name that never occurs.
func decSmallSchema(t testing.TB) *metadatapb.Schema {
	return &metadatapb.Schema{Feature: []*metadatapb.Feature{
		{Name: proto.String("fare"), Type: metadatapb.FeatureType_FLOAT.Enum()},
		{Name: proto.String("company"), Type: metadatapb.FeatureType_BYTES.Enum()},
		{Name: proto.String("trip_start_hour"), Type: metadatapb.FeatureType_INT.Enum()},
		{Name: proto.String("never"), Type: metadatapb.FeatureType_INT.Enum()},
		{Name: proto.String("fare"), Type: metadatapb.FeatureType_INT.Enum()}, // duplicate: skipped
	}}
}

// decSmallSequenceSchema is a TFMD schema for synth.Sequence records.
func decSmallSequenceSchema(t testing.TB) *metadatapb.Schema {
	return &metadatapb.Schema{Feature: []*metadatapb.Feature{
		{Name: proto.String("user_id"), Type: metadatapb.FeatureType_INT.Enum()},
		{Name: proto.String(example.DefaultSequenceColumn), Type: metadatapb.FeatureType_STRUCT.Enum(),
			DomainInfo: &metadatapb.Feature_StructDomain{StructDomain: &metadatapb.StructDomain{Feature: []*metadatapb.Feature{
				{Name: proto.String("query"), Type: metadatapb.FeatureType_BYTES.Enum()},
				{Name: proto.String("clicks"), Type: metadatapb.FeatureType_INT.Enum()},
				{Name: proto.String("missing"), Type: metadatapb.FeatureType_FLOAT.Enum()},
			}}}},
		{Name: proto.String("score"), Type: metadatapb.FeatureType_FLOAT.Enum()},
	}}
}
