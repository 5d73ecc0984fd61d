package schema

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/coders/example"
)

func TestToArrow(t *testing.T) {
	ll := arrow.LargeListOf
	f := func(name string, typ arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: typ, Nullable: true}
	}
	tests := []struct {
		name   string
		schema string
		opts   ArrowOptions
		want   *arrow.Schema
		err    bool
	}{{
		name:   "tf.Example, tfx-bsl types, schema order, first name wins",
		schema: `feature { name: "b" type: BYTES } feature { name: "i" type: INT } feature { name: "f" type: FLOAT } feature { name: "i" type: FLOAT }`,
		want: arrow.NewSchema([]arrow.Field{
			f("b", ll(arrow.BinaryTypes.LargeBinary)), f("i", ll(arrow.PrimitiveTypes.Int64)), f("f", ll(arrow.PrimitiveTypes.Float32)),
		}, nil),
	}, {
		name:   "list and utf8",
		schema: `feature { name: "b" type: BYTES }`,
		opts:   ArrowOptions{ListType: example.List, BytesType: example.String},
		want:   arrow.NewSchema([]arrow.Field{f("b", arrow.ListOf(arrow.BinaryTypes.String))}, nil),
	}, {
		name: "tf.SequenceExample: the struct column last",
		schema: `feature { name: "##SEQUENCE##" type: STRUCT struct_domain { feature { name: "s" type: INT } } }
			feature { name: "c" type: FLOAT }`,
		opts: ArrowOptions{RecordType: example.SequenceExample},
		want: arrow.NewSchema([]arrow.Field{
			f("c", ll(arrow.PrimitiveTypes.Float32)),
			f("##SEQUENCE##", arrow.StructOf(f("s", ll(ll(arrow.PrimitiveTypes.Int64))))),
		}, nil),
	}, {
		name:   "STRUCT in tf.Example",
		schema: `feature { name: "s" type: STRUCT }`,
		err:    true,
	}, {
		name:   "no type",
		schema: `feature { name: "x" }`,
		err:    true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToArrow(parseSchema(t, tt.schema), tt.opts)
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error: %v", err, tt.err)
			}
			if err == nil && !got.Equal(tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestFromArrow(t *testing.T) {
	f := func(name string, typ arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: typ, Nullable: true}
	}
	tests := []struct {
		name  string
		arrow *arrow.Schema
		want  string
		err   error
	}{{
		name: "lists, plain columns, null, struct",
		arrow: arrow.NewSchema([]arrow.Field{
			f("i", arrow.LargeListOf(arrow.PrimitiveTypes.Int64)),
			f("u", arrow.PrimitiveTypes.Uint8),
			f("bool", arrow.FixedWidthTypes.Boolean),
			f("x", arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Float64))),
			f("s", arrow.BinaryTypes.String),
			f("n", arrow.Null),
			f("##SEQUENCE##", arrow.StructOf(f("a", arrow.LargeListOf(arrow.LargeListOf(arrow.BinaryTypes.LargeBinary))))),
		}, nil),
		want: `feature { name: "i" type: INT } feature { name: "u" type: INT } feature { name: "bool" type: INT }
			feature { name: "x" type: FLOAT } feature { name: "s" type: BYTES } feature { name: "n" type: BYTES }
			feature { name: "##SEQUENCE##" type: STRUCT struct_domain { feature { name: "a" type: BYTES } } }`,
	}, {
		name:  "map",
		arrow: arrow.NewSchema([]arrow.Field{f("m", arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64))}, nil),
		err:   ErrArrowType,
	}, {
		name:  "timestamp in a struct",
		arrow: arrow.NewSchema([]arrow.Field{f("s", arrow.StructOf(f("t", arrow.FixedWidthTypes.Timestamp_s)))}, nil),
		err:   ErrArrowType,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromArrow(tt.arrow)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(parseSchema(t, tt.want), got, protocmp.Transform()); diff != "" {
				t.Errorf("schema (-want +got):\n%s", diff)
			}
		})
	}
}

// TestArrowRoundTrip maps a schema to Arrow and back: names and types
// survive.
func TestArrowRoundTrip(t *testing.T) {
	s := parseSchema(t, `feature { name: "c" type: FLOAT presence { min_count: 1 } }
		feature { name: "##SEQUENCE##" type: STRUCT struct_domain { feature { name: "a" type: INT } feature { name: "b" type: BYTES } } }`)
	as, err := ToArrow(s, ArrowOptions{RecordType: example.SequenceExample})
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromArrow(as)
	if err != nil {
		t.Fatal(err)
	}
	want := parseSchema(t, `feature { name: "c" type: FLOAT }
		feature { name: "##SEQUENCE##" type: STRUCT struct_domain { feature { name: "a" type: INT } feature { name: "b" type: BYTES } } }`)
	if diff := cmp.Diff(want, back, protocmp.Transform()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
