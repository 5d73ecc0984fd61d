package example_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// The ragged schema of tfx-bsl's example_coder_test.py.
const nestedSchema = `
tensor_representation_group {
  key: ""
  value {
    tensor_representation {
      key: "x"
      value { ragged_tensor { feature_path { step: "x" } partition { uniform_row_length: 2 } } }
    }
    tensor_representation {
      key: "y"
      value {
        ragged_tensor {
          feature_path { step: "y$values" }
          partition { row_length: "y$row_length_1" }
          partition { uniform_row_length: 2 }
        }
      }
    }
    tensor_representation {
      key: "z"
      value {
        ragged_tensor {
          feature_path { step: "z$values" }
          partition { row_length: "z$row_length_1" }
          partition { uniform_row_length: 2 }
          partition { row_length: "z$row_length_2" }
        }
      }
    }
  }
}`

// The ragged batch of tfx-bsl's example_coder_test.py.
const nestedRows = `[
  {"x": ["YQ==", "Yg=="], "y": [[1, 2]], "z": [[[4], [5]]]},
  {"x": null, "y": [[3, 4]], "z": null},
  {"x": null, "y": null, "z": [[[6], []]]},
  {"x": [], "y": [[]], "z": [[[], []]]}
]`

var nestedFields = []arrow.Field{
	{Name: "x", Type: ll(lbin), Nullable: true},
	{Name: "y", Type: ll(ll(f32)), Nullable: true},
	{Name: "z", Type: ll(ll(ll(i64))), Nullable: true},
}

var nestedWant = []string{
	`features {
	   feature { key: "x" value { bytes_list { value: ["a", "b"] } } }
	   feature { key: "y$values" value { float_list { value: [1, 2] } } }
	   feature { key: "y$row_length_1" value { int64_list { value: [1] } } }
	   feature { key: "z$values" value { int64_list { value: [4, 5] } } }
	   feature { key: "z$row_length_1" value { int64_list { value: [1] } } }
	   feature { key: "z$row_length_2" value { int64_list { value: [1, 1] } } }
	 }`,
	`features {
	   feature { key: "x" value { } }
	   feature { key: "y$values" value { float_list { value: [3, 4] } } }
	   feature { key: "y$row_length_1" value { int64_list { value: [1] } } }
	   feature { key: "z$values" value { } }
	   feature { key: "z$row_length_1" value { } }
	   feature { key: "z$row_length_2" value { } }
	 }`,
	`features {
	   feature { key: "x" value { } }
	   feature { key: "y$values" value { } }
	   feature { key: "y$row_length_1" value { } }
	   feature { key: "z$values" value { int64_list { value: [6] } } }
	   feature { key: "z$row_length_1" value { int64_list { value: [1] } } }
	   feature { key: "z$row_length_2" value { int64_list { value: [1, 0] } } }
	 }`,
	`features {
	   feature { key: "x" value { bytes_list { } } }
	   feature { key: "y$values" value { float_list { } } }
	   feature { key: "y$row_length_1" value { int64_list { value: [0] } } }
	   feature { key: "z$values" value { int64_list { } } }
	   feature { key: "z$row_length_1" value { int64_list { value: [1] } } }
	   feature { key: "z$row_length_2" value { int64_list { value: [0, 0] } } }
	 }`,
}

type encodeCase struct {
	name  string
	opts  example.EncodeOptions
	batch func(t *testing.T, mem memory.Allocator) arrow.RecordBatch
	want  []string // text protos
}

// fromJSON returns a batch builder for encodeCase.
func fromJSON(fields []arrow.Field, rows string) func(*testing.T, memory.Allocator) arrow.RecordBatch {
	return func(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
		return jsonBatch(t, mem, fields, rows)
	}
}

func field(name string, dt arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: dt, Nullable: true}
}

var exampleCases = []encodeCase{{
	name: "tfx-bsl encode case 1",
	batch: fromJSON([]arrow.Field{field("x", ll(lbin)), field("y", lst(f32)), field("z", ll(i64))}, `[
		{"x": ["YQ==", "Yg=="], "y": [1, 2], "z": [4, 5]},
		{"x": null, "y": null, "z": null},
		{"x": null, "y": null, "z": null},
		{"x": [], "y": [], "z": []}]`),
	want: []string{
		`features { feature { key: "x" value { bytes_list { value: ["a", "b"] } } }
		            feature { key: "y" value { float_list { value: [1, 2] } } }
		            feature { key: "z" value { int64_list { value: [4, 5] } } } }`,
		`features { feature { key: "x" value {} } feature { key: "y" value {} } feature { key: "z" value {} } }`,
		`features { feature { key: "x" value {} } feature { key: "y" value {} } feature { key: "z" value {} } }`,
		`features { feature { key: "x" value { bytes_list {} } }
		            feature { key: "y" value { float_list {} } }
		            feature { key: "z" value { int64_list {} } } }`,
	},
}, {
	name: "tfx-bsl encode case 2",
	batch: fromJSON([]arrow.Field{field("x", ll(bin)), field("y", ll(f32)), field("z", lst(i64))}, `[
		{"x": null, "y": null, "z": null},
		{"x": null, "y": null, "z": null},
		{"x": ["YQ==", "Yg=="], "y": [1, 2], "z": [4, 5]}]`),
	want: []string{
		`features { feature { key: "x" value {} } feature { key: "y" value {} } feature { key: "z" value {} } }`,
		`features { feature { key: "x" value {} } feature { key: "y" value {} } feature { key: "z" value {} } }`,
		`features { feature { key: "x" value { bytes_list { value: ["a", "b"] } } }
		            feature { key: "y" value { float_list { value: [1, 2] } } }
		            feature { key: "z" value { int64_list { value: [4, 5] } } } }`,
	},
}, {
	name: "scalar columns are one-value lists, null scalars kind-less",
	batch: fromJSON([]arrow.Field{field("i", i32), field("s", str), field("b", arrow.FixedWidthTypes.Boolean), field("f", f64)}, `[
		{"i": 1, "s": "a", "b": true, "f": 0.5},
		{"i": null, "s": null, "b": null, "f": null},
		{"i": -3, "s": "", "b": false, "f": -2}]`),
	want: []string{
		`features { feature { key: "i" value { int64_list { value: 1 } } } feature { key: "s" value { bytes_list { value: "a" } } }
		            feature { key: "b" value { int64_list { value: 1 } } } feature { key: "f" value { float_list { value: 0.5 } } } }`,
		`features { feature { key: "i" value {} } feature { key: "s" value {} } feature { key: "b" value {} } feature { key: "f" value {} } }`,
		`features { feature { key: "i" value { int64_list { value: -3 } } } feature { key: "s" value { bytes_list { value: "" } } }
		            feature { key: "b" value { int64_list { value: 0 } } } feature { key: "f" value { float_list { value: -2 } } } }`,
	},
}, {
	name: "every integer width",
	batch: fromJSON([]arrow.Field{
		field("i8", lst(arrow.PrimitiveTypes.Int8)), field("i16", lst(arrow.PrimitiveTypes.Int16)),
		field("i32", lst(i32)), field("i64", lst(i64)),
		field("u8", lst(arrow.PrimitiveTypes.Uint8)), field("u16", lst(arrow.PrimitiveTypes.Uint16)),
		field("u32", lst(arrow.PrimitiveTypes.Uint32)), field("u64", lst(u64)),
		field("bool", lst(arrow.FixedWidthTypes.Boolean))}, `[
		{"i8": [-128, 127], "i16": [-32768, 32767], "i32": [-2147483648, 2147483647],
		 "i64": [-9223372036854775808, 9223372036854775807],
		 "u8": [0, 127, 128, 255], "u16": [65535], "u32": [4294967295], "u64": [0, 9223372036854775807],
		 "bool": [true, false, true]}]`),
	want: []string{`features {
		feature { key: "i8" value { int64_list { value: [-128, 127] } } }
		feature { key: "i16" value { int64_list { value: [-32768, 32767] } } }
		feature { key: "i32" value { int64_list { value: [-2147483648, 2147483647] } } }
		feature { key: "i64" value { int64_list { value: [-9223372036854775808, 9223372036854775807] } } }
		feature { key: "u8" value { int64_list { value: [0, 127, 128, 255] } } }
		feature { key: "u16" value { int64_list { value: [65535] } } }
		feature { key: "u32" value { int64_list { value: [4294967295] } } }
		feature { key: "u64" value { int64_list { value: [0, 9223372036854775807] } } }
		feature { key: "bool" value { int64_list { value: [1, 0, 1] } } } }`},
}, {
	name: "float64 rounds to nearest float32, float16 exact",
	batch: fromJSON([]arrow.Field{field("d", lst(f64)), field("h", lst(arrow.FixedWidthTypes.Float16))}, `[
		{"d": [16777217, 0.1, 1e300, -1e300, 1e-50, -0.0], "h": [0.5, -2, 65504, 0.00006103515625]}]`),
	want: []string{`features {
		feature { key: "d" value { float_list { value: [16777216, 0.1, inf, -inf, 0, -0] } } }
		feature { key: "h" value { float_list { value: [0.5, -2, 65504, 0.00006103515625] } } } }`},
}, {
	name: "bytes types",
	batch: fromJSON([]arrow.Field{
		field("b", lst(bin)), field("lb", lst(lbin)), field("s", lst(str)), field("ls", ll(lutf8)),
		field("fsb", lst(&arrow.FixedSizeBinaryType{ByteWidth: 2}))}, `[
		{"b": ["/w==", ""], "lb": ["AA=="], "s": ["héllo"], "ls": ["x", "y"], "fsb": ["YWI=", "Y2Q="]}]`),
	want: []string{`features {
		feature { key: "b" value { bytes_list { value: ["\xff", ""] } } }
		feature { key: "lb" value { bytes_list { value: ["\x00"] } } }
		feature { key: "s" value { bytes_list { value: ["héllo"] } } }
		feature { key: "ls" value { bytes_list { value: ["x", "y"] } } }
		feature { key: "fsb" value { bytes_list { value: ["ab", "cd"] } } } }`},
}, {
	name: "null-typed columns are kind-less in every row",
	batch: fromJSON([]arrow.Field{field("n", arrow.Null), field("ln", lst(arrow.Null))}, `[
		{"n": null, "ln": null}, {"n": null, "ln": []}]`),
	want: []string{
		`features { feature { key: "n" value {} } feature { key: "ln" value {} } }`,
		`features { feature { key: "n" value {} } feature { key: "ln" value {} } }`,
	},
}, {
	name: "fixed_size_list and list views",
	batch: fromJSON([]arrow.Field{
		field("fsl", arrow.FixedSizeListOf(2, f32)), field("lv", arrow.ListViewOf(i64)), field("llv", arrow.LargeListViewOf(str))}, `[
		{"fsl": [1, 2], "lv": [1], "llv": ["a"]},
		{"fsl": null, "lv": null, "llv": []},
		{"fsl": [3, 4], "lv": [], "llv": null}]`),
	want: []string{
		`features { feature { key: "fsl" value { float_list { value: [1, 2] } } } feature { key: "lv" value { int64_list { value: [1] } } }
		            feature { key: "llv" value { bytes_list { value: ["a"] } } } }`,
		`features { feature { key: "fsl" value {} } feature { key: "lv" value {} } feature { key: "llv" value { bytes_list {} } } }`,
		`features { feature { key: "fsl" value { float_list { value: [3, 4] } } } feature { key: "lv" value { int64_list {} } }
		            feature { key: "llv" value {} } }`,
	},
}, {
	name: "dictionary-encoded strings",
	batch: fromJSON([]arrow.Field{
		field("d", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: str}),
		field("ld", ll(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: bin}))}, `[
		{"d": "red", "ld": ["eA==", "eQ==", "eA=="]},
		{"d": null, "ld": null},
		{"d": "blue", "ld": []}]`),
	want: []string{
		`features { feature { key: "d" value { bytes_list { value: "red" } } } feature { key: "ld" value { bytes_list { value: ["x", "y", "x"] } } } }`,
		`features { feature { key: "d" value {} } feature { key: "ld" value {} } }`,
		`features { feature { key: "d" value { bytes_list { value: "blue" } } } feature { key: "ld" value { bytes_list {} } } }`,
	},
}, {
	name:  "no rows",
	batch: fromJSON([]arrow.Field{field("a", ll(f32))}, `[]`),
	want:  []string{},
}, {
	name: "no columns",
	batch: func(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
		return array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 2)
	},
	want: []string{`features {}`, `features {}`},
}, {
	name:  "tfx-bsl ragged case",
	opts:  example.EncodeOptions{Schema: mustSchema(nestedSchema)},
	batch: fromJSON(nestedFields, nestedRows),
	want:  nestedWant,
}, {
	name: "tfx-bsl ragged case, x not ragged",
	opts: example.EncodeOptions{Schema: mustSchema(`
		tensor_representation_group { key: "" value {
		  tensor_representation { key: "y" value { ragged_tensor { feature_path { step: "y$values" }
		    partition { row_length: "y$row_length_1" } partition { uniform_row_length: 2 } } } }
		  tensor_representation { key: "z" value { ragged_tensor { feature_path { step: "z$values" }
		    partition { row_length: "z$row_length_1" } partition { uniform_row_length: 2 } partition { row_length: "z$row_length_2" } } } } } }`)},
	batch: fromJSON(nestedFields, nestedRows),
	want:  nestedWant,
}, {
	name: "tfx-bsl ragged case, representations in two groups",
	opts: example.EncodeOptions{Schema: mustSchema(`
		tensor_representation_group { key: "1" value {
		  tensor_representation { key: "z" value { ragged_tensor { feature_path { step: "z$values" }
		    partition { row_length: "z$row_length_1" } partition { uniform_row_length: 2 } partition { row_length: "z$row_length_2" } } } } } }
		tensor_representation_group { key: "2" value {
		  tensor_representation { key: "y" value { ragged_tensor { feature_path { step: "y$values" }
		    partition { row_length: "y$row_length_1" } partition { uniform_row_length: 2 } } } } } }
		tensor_representation_group { key: "3" value {
		  tensor_representation { key: "x" value { dense_tensor { column_name: "x" } } } } }`)},
	batch: fromJSON(nestedFields, nestedRows),
	want:  nestedWant,
}, {
	name: "ragged: list levels, uniform partitions on both sides, null column",
	opts: example.EncodeOptions{Schema: mustSchema(`
		tensor_representation_group { key: "" value {
		  tensor_representation { key: "r" value { ragged_tensor { feature_path { step: "v" }
		    partition { uniform_row_length: 5 } partition { row_length: "len" } partition { uniform_row_length: 3 } } } }
		  tensor_representation { key: "n" value { ragged_tensor { feature_path { step: "nv" } partition { row_length: "nl" } } } }
		  tensor_representation { key: "absent" value { ragged_tensor { feature_path { step: "zz" } } } } } }`)},
	batch: fromJSON([]arrow.Field{field("r", lst(lst(str))), field("n", arrow.Null)}, `[
		{"r": [["a", "b", "c"], ["d", "e", "f", "g", "h", "i"]], "n": null},
		{"r": null, "n": null},
		{"r": [], "n": null}]`),
	want: []string{
		`features { feature { key: "v" value { bytes_list { value: ["a", "b", "c", "d", "e", "f", "g", "h", "i"] } } }
		            feature { key: "len" value { int64_list { value: [1, 2] } } }
		            feature { key: "nv" value {} } feature { key: "nl" value {} } }`,
		`features { feature { key: "v" value {} } feature { key: "len" value {} } feature { key: "nv" value {} } feature { key: "nl" value {} } }`,
		`features { feature { key: "v" value { bytes_list {} } } feature { key: "len" value { int64_list {} } }
		            feature { key: "nv" value {} } feature { key: "nl" value {} } }`,
	},
}}

var sequenceCases = []encodeCase{{
	name: "context and feature lists",
	opts: example.EncodeOptions{RecordType: example.SequenceExample},
	batch: fromJSON([]arrow.Field{
		field("a", ll(i64)),
		field(example.DefaultSequenceColumn, arrow.StructOf(
			field("b", ll(ll(f32))), field("c", lst(lst(lbin))), field("d", ll(ll(i64)))))}, `[
		{"a": [1], "##SEQUENCE##": {"b": [[1, 2], []], "c": null, "d": [[1099511627776, -1]]}},
		{"a": null, "##SEQUENCE##": {"b": [], "c": [null, ["eA=="]], "d": null}},
		{"a": [], "##SEQUENCE##": null}]`),
	want: []string{
		`context { feature { key: "a" value { int64_list { value: 1 } } } }
		 feature_lists {
		   feature_list { key: "b" value { feature { float_list { value: [1, 2] } } feature { float_list {} } } }
		   feature_list { key: "d" value { feature { int64_list { value: [1099511627776, -1] } } } } }`,
		`context { feature { key: "a" value {} } }
		 feature_lists {
		   feature_list { key: "b" value {} }
		   feature_list { key: "c" value { feature {} feature { bytes_list { value: "x" } } } } }`,
		`context { feature { key: "a" value { int64_list {} } } }`,
	},
}, {
	name: "struct<> gives empty feature_lists, no context columns no context",
	opts: example.EncodeOptions{RecordType: example.SequenceExample},
	batch: fromJSON([]arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf())},
		`[{"##SEQUENCE##": {}}, {"##SEQUENCE##": {}}]`),
	want: []string{`feature_lists {}`, `feature_lists {}`},
}, {
	name: "LL<LL<null>> children: each inner null a kind-less Feature",
	opts: example.EncodeOptions{RecordType: example.SequenceExample, SequenceColumn: "seq"},
	batch: fromJSON([]arrow.Field{field("seq", arrow.StructOf(field("u", ll(ll(arrow.Null)))))}, `[
		{"seq": {"u": [null, null]}}, {"seq": {"u": []}}, {"seq": {"u": null}}, {"seq": {"u": [[]]}}]`),
	want: []string{
		`feature_lists { feature_list { key: "u" value { feature {} feature {} } } }`,
		`feature_lists { feature_list { key: "u" value {} } }`,
		`feature_lists {}`,
		`feature_lists { feature_list { key: "u" value { feature {} } } }`,
	},
}, {
	name: "LL<null> children, as the decoder types untyped feature lists: each element a kind-less step",
	opts: example.EncodeOptions{RecordType: example.SequenceExample},
	batch: fromJSON([]arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf(field("u", ll(arrow.Null)), field("v", lst(arrow.Null))))}, `[
		{"##SEQUENCE##": {"u": [null, null], "v": []}}, {"##SEQUENCE##": {"u": null, "v": [null]}}]`),
	want: []string{
		`feature_lists { feature_list { key: "u" value { feature {} feature {} } } feature_list { key: "v" value {} } }`,
		`feature_lists { feature_list { key: "v" value { feature {} } } }`,
	},
}, {
	name: "without a sequence column only the context",
	opts: example.EncodeOptions{RecordType: example.SequenceExample},
	batch: fromJSON([]arrow.Field{field("a", ll(f32)), field("seq", arrow.StructOf(field("u", ll(ll(f32)))))},
		`[{"a": [1], "seq": {"u": null}}]`),
	want: nil, // an error: "seq" is a struct column, but not the sequence column
}, {
	name:  "a null-typed sequence column has no feature_lists",
	opts:  example.EncodeOptions{RecordType: example.SequenceExample},
	batch: fromJSON([]arrow.Field{field("a", ll(f32)), field(example.DefaultSequenceColumn, arrow.Null)}, `[{"a": [1]}]`),
	want:  []string{`context { feature { key: "a" value { float_list { value: 1 } } } }`},
}, {
	name: "ragged context column",
	opts: example.EncodeOptions{RecordType: example.SequenceExample, Schema: mustSchema(`
		tensor_representation_group { key: "" value {
		  tensor_representation { key: "r" value { ragged_tensor { feature_path { step: "rv" } partition { row_length: "rl" } } } } } }`)},
	batch: fromJSON([]arrow.Field{field("r", ll(ll(i64))), field(example.DefaultSequenceColumn, arrow.StructOf(field("s", ll(ll(i64)))))},
		`[{"r": [[1], [2, 3]], "##SEQUENCE##": {"s": [[4]]}}]`),
	want: []string{`context { feature { key: "rv" value { int64_list { value: [1, 2, 3] } } } feature { key: "rl" value { int64_list { value: [1, 2] } } } }
		feature_lists { feature_list { key: "s" value { feature { int64_list { value: 4 } } } } }`},
}}

func mustSchema(s string) *metadatapb.Schema {
	m := &metadatapb.Schema{}
	if err := prototext.Unmarshal([]byte(s), m); err != nil {
		panic(err)
	}
	return m
}

func TestEncode(t *testing.T) {
	run := func(t *testing.T, tc encodeCase, seq bool) {
		for _, det := range []bool{false, true} {
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			rb := tc.batch(t, mem)
			defer rb.Release()
			opts := tc.opts
			opts.Deterministic = det

			got, err := opts.EncodeBatch(rb)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("EncodeBatch succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("EncodeBatch: %v", err)
			}
			var want []proto.Message
			if seq {
				want = textSequences(t, tc.want...)
			} else {
				want = textExamples(t, tc.want...)
			}
			if diff := cmp.Diff(want, parseRecords(t, got, seq), protocmp.Transform()); diff != "" {
				t.Errorf("Deterministic=%v: records differ (-want +got):\n%s", det, diff)
			}

			ref, err := reference.Encode(refOptions(opts), rb)
			if err != nil {
				t.Fatalf("reference.Encode: %v", err)
			}
			if diff := cmp.Diff(want, parseRecords(t, ref, seq), protocmp.Transform()); diff != "" {
				t.Errorf("Deterministic=%v: reference records differ (-want +got):\n%s", det, diff)
			}
			if det {
				for i := range got {
					if !bytes.Equal(got[i], ref[i]) {
						t.Errorf("record %d: fast %x, proto.Marshal %x", i, got[i], ref[i])
					}
				}
			}
		}
	}
	for _, tc := range exampleCases {
		t.Run("Example/"+tc.name, func(t *testing.T) { run(t, tc, false) })
	}
	for _, tc := range sequenceCases {
		t.Run("SequenceExample/"+tc.name, func(t *testing.T) { run(t, tc, true) })
	}
}

// TestEncodeWire checks exact bytes, written out by hand from wire.md §4.
func TestEncodeWire(t *testing.T) {
	tests := []struct {
		name   string
		fields []arrow.Field
		rows   string
		opts   example.EncodeOptions
		want   []string // hex
	}{{
		name:   "float_list [1]",
		fields: []arrow.Field{field("a", ll(f32))},
		rows:   `[{"a": [1]}]`,
		//       Example.features { entry { key "a" value Feature{ float_list{ packed [1.0] } } } }
		want: []string{"0a0f" + "0a0d" + "0a0161" + "1208" + "1206" + "0a04" + "0000803f"},
	}, {
		name:   "null, empty and negative int64",
		fields: []arrow.Field{field("a", ll(i64))},
		rows:   `[{"a": null}, {"a": []}, {"a": [-1, 300]}]`,
		want: []string{
			"0a07" + "0a05" + "0a0161" + "1200",
			"0a09" + "0a07" + "0a0161" + "1202" + "1a00",
			"0a17" + "0a15" + "0a0161" + "1210" + "1a0e" + "0a0c" + "ffffffffffffffffff01" + "ac02",
		},
	}, {
		name:   "bytes_list and deterministic order",
		fields: []arrow.Field{field("b", ll(lbin)), field("a", ll(lbin))},
		rows:   `[{"b": ["", "eHk="], "a": []}]`,
		opts:   example.EncodeOptions{Deterministic: true},
		want:   []string{"0a18" + "0a07" + "0a0161" + "1202" + "0a00" + "0a0d" + "0a0162" + "1208" + "0a06" + "0a00" + "0a027879"},
	}, {
		name:   "empty key",
		fields: []arrow.Field{field("", ll(f32))},
		rows:   `[{"": null}]`,
		want:   []string{"0a06" + "0a04" + "0a00" + "1200"},
	}, {
		name:   "sequence example",
		fields: []arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf(field("s", ll(ll(i64)))))},
		rows:   `[{"##SEQUENCE##": {"s": [[7], null]}}]`,
		opts:   example.EncodeOptions{RecordType: example.SequenceExample},
		//      feature_lists { entry { key "s" value FeatureList { Feature{int64_list[7]}, Feature{} } } }
		want: []string{"1210" + "0a0e" + "0a0173" + "1209" + "0a05" + "1a03" + "0a0107" + "0a00"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			rb := jsonBatch(t, mem, tc.fields, tc.rows)
			defer rb.Release()
			got, err := tc.opts.EncodeBatch(rb)
			if err != nil {
				t.Fatal(err)
			}
			var gotHex []string
			for _, r := range got {
				gotHex = append(gotHex, hex.EncodeToString(r))
			}
			if diff := cmp.Diff(tc.want, gotHex); diff != "" {
				t.Errorf("records differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    example.EncodeOptions
		fields  []arrow.Field
		rows    string // JSON rows; "" means the error comes from NewEncoder alone
		wantErr string
	}{{
		name:    "duplicate column names",
		fields:  []arrow.Field{field("x", ll(lbin)), field("y", ll(f32)), field("x", ll(f32))},
		wantErr: "example: RecordBatch contains duplicate column names: x",
	}, {
		name:    "struct column is not a list",
		fields:  []arrow.Field{field("s", arrow.StructOf(field("a", i64)))},
		wantErr: `example: Error encoding feature "s": Expected ListArray or LargeListArray`,
	}, {
		name:    "date32 is not a value type",
		fields:  []arrow.Field{field("d", arrow.FixedWidthTypes.Date32)},
		wantErr: `example: Error encoding feature "d": Expected ListArray or LargeListArray`,
	}, {
		name:    "list of date32",
		fields:  []arrow.Field{field("d", ll(arrow.FixedWidthTypes.Date32))},
		wantErr: `example: Error encoding feature "d": Bad field type`,
	}, {
		name:    "list of list view",
		fields:  []arrow.Field{field("d", ll(arrow.ListViewOf(f32)))},
		wantErr: `example: Error encoding feature "d": Bad field type`,
	}, {
		name:    "nested list without partitions (tfx-bsl case)",
		fields:  []arrow.Field{field("x", ll(ll(lbin)))},
		wantErr: `example: Error encoding feature "x": Nested depth of large_list is larger than the number of provided partitions (or no partitions were provided). Expected 0 partitions. If the column represents RaggedTensor, then create the encoder with TFMD schema containing RaggedTensor TensorRepresentations with partitions.`,
	}, {
		name: "ragged 2d expected, got 1d (tfx-bsl case)",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { feature_path { step: "x" } partition { row_length: "x$row_length_1" } } } } } }`)},
		fields:  []arrow.Field{field("x", ll(lbin))},
		wantErr: `example: Error encoding feature "x": Expected 1 partitions, but got flat values array. You may need to adjust RaggedTensor partitions in the provided schema.`,
	}, {
		name: "ragged partitions on a scalar column",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { feature_path { step: "x" } partition { row_length: "l" } } } } } }`)},
		fields:  []arrow.Field{field("x", i64)},
		wantErr: `example: Error encoding feature "x": Expected 1 partitions, but got flat values array. You may need to adjust RaggedTensor partitions in the provided schema.`,
	}, {
		name: "ragged deeper than partitions",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { feature_path { step: "x" } partition { row_length: "l" } } } } } }`)},
		fields:  []arrow.Field{field("x", ll(ll(ll(f32))))},
		wantErr: `example: Error encoding feature "x": Nested depth of large_list is larger than the number of provided partitions (or no partitions were provided). Expected 1 partitions. If the column represents RaggedTensor, then create the encoder with TFMD schema containing RaggedTensor TensorRepresentations with partitions.`,
	}, {
		name: "ragged shallower than partitions",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { feature_path { step: "x" } partition { row_length: "l1" } partition { row_length: "l2" } } } } } }`)},
		fields:  []arrow.Field{field("x", ll(ll(f32)))},
		wantErr: `example: Error encoding feature "x": Nested depth of large_list is smaller than the number of partitions in the provided TensorRepresentation. Expected to have 2 partitions.`,
	}, {
		name: "ragged source columns conflict (tfx-bsl case)",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { feature_path { step: "y$values" } } } }
			tensor_representation { key: "y" value { ragged_tensor { feature_path { step: "y$values" } } } } } }`)},
		fields:  []arrow.Field{field("x", ll(lbin)), field("y", ll(ll(i64)))},
		wantErr: `example: Source column "y$values" of ragged feature "y" conflicts with another source column in the same batch.`,
	}, {
		name: "ragged source column is another column's name",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "y" value { ragged_tensor { feature_path { step: "x" } } } } } }`)},
		fields:  []arrow.Field{field("x", ll(lbin)), field("y", ll(i64))},
		wantErr: `example: Source column "x" of ragged feature "y" conflicts with another column in the same batch.`,
	}, {
		name: "ragged path with two steps",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { feature_path { step: "a" step: "b" } } } } } }`)},
		fields:  []arrow.Field{field("y", ll(i64))},
		wantErr: `example: RaggedTensors with nested or empty value column paths are not supported.`,
	}, {
		name: "ragged empty path",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { } } } } }`)},
		wantErr: `example: RaggedTensors with nested or empty value column paths are not supported.`,
	}, {
		name: "ragged zero uniform_row_length",
		opts: example.EncodeOptions{Schema: mustSchema(`tensor_representation_group { key: "" value {
			tensor_representation { key: "x" value { ragged_tensor { feature_path { step: "x" } partition { row_length: "l" } partition { uniform_row_length: 0 } } } } } }`)},
		fields:  []arrow.Field{field("x", ll(ll(f32)))},
		wantErr: `example: Error encoding feature "x": uniform_row_length partitions after row_length partition "l" must be positive`,
	}, {
		name:    "uint64 above MaxInt64",
		fields:  []arrow.Field{field("a", ll(i64)), field("u", ll(u64))},
		rows:    `[{"a": [1], "u": [1]}, {"a": [1], "u": [5, 18446744073709551615]}]`,
		wantErr: `example: record 1: Error encoding feature "u": uint64 value 18446744073709551615 does not fit in int64_list`,
	}, {
		name:    "uint64 scalar above MaxInt64",
		fields:  []arrow.Field{field("u", u64)},
		rows:    `[{"u": 9223372036854775808}]`,
		wantErr: `example: record 0: Error encoding feature "u": uint64 value 9223372036854775808 does not fit in int64_list`,
	}, {
		name:    "null list element; the first bad row wins, then the first column",
		fields:  []arrow.Field{field("a", ll(f32)), field("b", ll(str)), field("c", ll(f32))},
		rows:    `[{"a": [1], "b": ["x"], "c": [1]}, {"a": [1], "b": [null], "c": [null]}, {"a": [null], "b": [], "c": []}]`,
		wantErr: `example: record 1: Error encoding feature "b": list element is null; tf.Example lists cannot hold nulls`,
	}, {
		name:    "list of null with a value",
		fields:  []arrow.Field{field("n", ll(arrow.Null))},
		rows:    `[{"n": []}, {"n": [null]}]`,
		wantErr: `example: record 1: Error encoding feature "n": list element is null; tf.Example lists cannot hold nulls`,
	}, {
		name:    "sequence column is not a struct",
		opts:    example.EncodeOptions{RecordType: example.SequenceExample},
		fields:  []arrow.Field{field(example.DefaultSequenceColumn, ll(f32))},
		wantErr: `example: Error encoding feature "##SEQUENCE##": Expected StructArray of feature lists`,
	}, {
		name:    "sequence feature is not a list of lists",
		opts:    example.EncodeOptions{RecordType: example.SequenceExample},
		fields:  []arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf(field("s", ll(f32))))},
		wantErr: `example: Error encoding sequence feature "s": Expected ListArray or LargeListArray of ListArray or LargeListArray`,
	}, {
		name:    "sequence feature of bad values",
		opts:    example.EncodeOptions{RecordType: example.SequenceExample},
		fields:  []arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf(field("s", ll(ll(arrow.FixedWidthTypes.Date64)))))},
		wantErr: `example: Error encoding sequence feature "s": Bad field type`,
	}, {
		name:    "duplicate sequence features",
		opts:    example.EncodeOptions{RecordType: example.SequenceExample},
		fields:  []arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf(field("s", ll(ll(f32))), field("s", ll(ll(f32)))))},
		wantErr: `example: Error encoding feature "##SEQUENCE##": duplicate sequence feature names: s`,
	}, {
		name:    "null in a sequence feature",
		opts:    example.EncodeOptions{RecordType: example.SequenceExample},
		fields:  []arrow.Field{field("a", ll(u64)), field(example.DefaultSequenceColumn, arrow.StructOf(field("s", ll(ll(f32)))))},
		rows:    `[{"a": [1], "##SEQUENCE##": {"s": [[1, null]]}}, {"a": [18446744073709551615], "##SEQUENCE##": {"s": []}}]`,
		wantErr: `example: record 0: Error encoding sequence feature "s": list element is null; tf.Example lists cannot hold nulls`,
	}, {
		name:    "a struct column in Example mode",
		fields:  []arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf(field("s", ll(ll(f32)))))},
		wantErr: `example: Error encoding feature "##SEQUENCE##": Expected ListArray or LargeListArray`,
	}, {
		name:    "feature name that is not UTF-8",
		fields:  []arrow.Field{field("ok", ll(f32)), field("\xff", ll(f32))},
		wantErr: `example: feature name "\xff" is not valid UTF-8`,
	}, {
		name:    "sequence feature name that is not UTF-8",
		opts:    example.EncodeOptions{RecordType: example.SequenceExample},
		fields:  []arrow.Field{field(example.DefaultSequenceColumn, arrow.StructOf(field("\xfe", ll(ll(f32)))))},
		wantErr: `example: sequence feature name "\xfe" is not valid UTF-8`,
	}, {
		name:    "unknown record type",
		opts:    example.EncodeOptions{RecordType: 7},
		wantErr: `example: unknown record type RecordType(7)`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			schema := arrow.NewSchema(tc.fields, nil)
			_, err := tc.opts.NewEncoder(schema)
			if tc.rows == "" {
				if got := errText(err); got != tc.wantErr {
					t.Fatalf("NewEncoder error:\n got %s\nwant %s", got, tc.wantErr)
				}
				if tc.opts.RecordType > example.SequenceExample {
					return // the reference has no other record types
				}
				empty := emptyBatch(mem, schema)
				defer empty.Release()
				if _, refErr := reference.Encode(refOptions(tc.opts), empty); errText(refErr) != tc.wantErr {
					t.Errorf("reference error:\n got %s\nwant %s", errText(refErr), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewEncoder: %v", err)
			}
			rb := jsonBatch(t, mem, tc.fields, tc.rows)
			defer rb.Release()
			_, err = tc.opts.EncodeBatch(rb)
			if got := errText(err); got != tc.wantErr {
				t.Errorf("EncodeBatch error:\n got %s\nwant %s", got, tc.wantErr)
			}
			var re *example.RecordError
			if !errors.As(err, &re) {
				t.Errorf("error %T is not a *RecordError", err)
			}
			_, refErr := reference.Encode(refOptions(tc.opts), rb)
			if got := errText(refErr); got != tc.wantErr {
				t.Errorf("reference error:\n got %s\nwant %s", got, tc.wantErr)
			}
		})
	}
}

func TestEncodeDictionaryIndexOutOfRange(t *testing.T) {
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	dict := jsonArray(t, mem, str, `["a", "b"]`)
	defer dict.Release()
	idx := jsonArray(t, mem, arrow.PrimitiveTypes.Int8, `[0, 1, 5]`)
	defer idx.Release()
	d := array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: str}, idx, dict)
	rb := batchOf([]arrow.Field{field("d", d.DataType())}, d)
	defer rb.Release()
	const want = `example: record 2: Error encoding feature "d": dictionary index 5 out of range [0, 2)`
	_, err := example.EncodeOptions{}.EncodeBatch(rb)
	if got := errText(err); got != want {
		t.Errorf("EncodeBatch error:\n got %s\nwant %s", got, want)
	}
	_, err = reference.Encode(reference.EncodeOptions{}, rb)
	if got := errText(err); got != want {
		t.Errorf("reference error:\n got %s\nwant %s", got, want)
	}
}

func TestEncodeSchemaMismatch(t *testing.T) {
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	enc, err := example.EncodeOptions{}.NewEncoder(arrow.NewSchema([]arrow.Field{field("a", ll(f32))}, nil))
	if err != nil {
		t.Fatal(err)
	}
	rb := jsonBatch(t, mem, []arrow.Field{field("a", ll(i64))}, `[{"a": [1]}]`)
	defer rb.Release()
	dst := [][]byte{[]byte("keep")}
	got, err := enc.Encode(rb, dst)
	if err == nil || !strings.Contains(err.Error(), "differs from the encoder's schema") {
		t.Errorf("Encode error = %v, want a schema mismatch", err)
	}
	if len(got) != 1 {
		t.Errorf("Encode returned %d records on error, want dst unchanged", len(got))
	}
	// Metadata and nullability do not matter.
	rb2 := jsonBatch(t, mem, []arrow.Field{{Name: "a", Type: ll(f32), Nullable: false}}, `[{"a": [1]}]`)
	defer rb2.Release()
	if _, err := enc.Encode(rb2, nil); err != nil {
		t.Errorf("Encode with a non-nullable field: %v", err)
	}
}

// TestEncodeArena checks the ownership rules of Encode's records.
func TestEncodeArena(t *testing.T) {
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	fields := []arrow.Field{field("a", ll(i64))}
	rb1 := jsonBatch(t, mem, fields, `[{"a": [1]}, {"a": [2, 3]}]`)
	defer rb1.Release()
	rb2 := jsonBatch(t, mem, fields, `[{"a": [4]}]`)
	defer rb2.Release()
	enc, err := example.EncodeOptions{}.NewEncoder(rb1.Schema())
	if err != nil {
		t.Fatal(err)
	}
	dst, err := enc.Encode(rb1, [][]byte{[]byte("existing")})
	if err != nil {
		t.Fatal(err)
	}
	if len(dst) != 3 || string(dst[0]) != "existing" {
		t.Fatalf("Encode did not append to dst: %q", dst)
	}
	first := bytes.Clone(dst[1])
	second := bytes.Clone(dst[2])
	// Appending to a record must not overwrite the next one.
	_ = append(dst[1], 0xff, 0xff, 0xff)
	if !bytes.Equal(dst[2], second) {
		t.Errorf("appending to record 0 changed record 1")
	}
	// The next Encode reuses the memory.
	got, err := enc.Encode(rb2, dst[:0])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, got[0]) {
		t.Errorf("record of the second batch equals the first batch's")
	}
	want := textExamples(t, `features { feature { key: "a" value { int64_list { value: 4 } } } }`)
	if diff := cmp.Diff(want, parseRecords(t, got, false), protocmp.Transform()); diff != "" {
		t.Errorf("second batch (-want +got):\n%s", diff)
	}
}

// TestEncodeSliced encodes slices of batches (arrays with offsets) and
// compares with encoding the same rows built afresh.
func TestEncodeSliced(t *testing.T) {
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	fields := []arrow.Field{
		field("f", ll(f32)), field("i", lst(i32)), field("b", ll(str)), field("s", str), field("h", f64),
		field("fsl", arrow.FixedSizeListOf(2, i64)), field("fsb", lst(&arrow.FixedSizeBinaryType{ByteWidth: 1})),
		field("bo", lst(arrow.FixedWidthTypes.Boolean)), field("n", arrow.Null),
		field("sb", bin), field("slb", lbin), field("lb", lst(bin)), field("llb", ll(lbin)), field("ls", lutf8),
		field("d", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: str}),
		field(example.DefaultSequenceColumn, arrow.StructOf(field("q", ll(lst(i64))))),
	}
	rows := []string{
		`{"sb": "YQ==", "slb": "YmM=", "lb": ["ZA==", ""], "llb": ["ZWY="], "ls": "g", "f": [1, 2], "i": [1], "b": ["a"], "s": "x", "h": 1.5, "fsl": [1, 2], "fsb": ["YQ=="], "bo": [true], "d": "p", "##SEQUENCE##": {"q": [[1], [2, 3]]}}`,
		`{"sb": null, "slb": "", "lb": null, "llb": [], "ls": null, "f": null, "i": [], "b": null, "s": null, "h": null, "fsl": null, "fsb": [], "bo": null, "d": null, "##SEQUENCE##": {"q": null}}`,
		`{"sb": "/w==", "slb": null, "lb": [], "llb": null, "ls": "hi", "f": [3], "i": [-4, 5], "b": ["bc", ""], "s": "yz", "h": -0.25, "fsl": [3, 4], "fsb": ["Yg==", "Yw=="], "bo": [false, true], "d": "q", "##SEQUENCE##": null}`,
		`{"sb": "", "slb": "Zw==", "lb": ["aA=="], "llb": ["aQ==", "ag=="], "ls": "", "f": [], "i": null, "b": [], "s": "", "h": 8, "fsl": [5, 6], "fsb": null, "bo": [], "d": "p", "##SEQUENCE##": {"q": [[], null]}}`,
		`{"sb": "aw==", "slb": "bA==", "lb": ["bQ=="], "llb": [""], "ls": "j", "f": [4, 5, 6], "i": [7], "b": ["d"], "s": "w", "h": 2, "fsl": null, "fsb": ["ZA=="], "bo": [true], "d": null, "##SEQUENCE##": {"q": []}}`,
	}
	full := jsonBatch(t, mem, fields, "["+strings.Join(rows, ",")+"]")
	defer full.Release()
	for _, seq := range []bool{false, true} {
		opts := example.EncodeOptions{Deterministic: true}
		if seq {
			opts.RecordType = example.SequenceExample
		}
		for lo := 0; lo <= len(rows); lo++ {
			for hi := lo; hi <= len(rows); hi++ {
				rb := full.NewSlice(int64(lo), int64(hi))
				fresh := jsonBatch(t, mem, fields, "["+strings.Join(rows[lo:hi], ",")+"]")
				if !seq {
					rb = dropColumn(rb, len(fields)-1)
					fresh = dropColumn(fresh, len(fields)-1)
				}
				got, err := opts.EncodeBatch(rb)
				if err != nil {
					t.Fatalf("slice [%d:%d]: %v", lo, hi, err)
				}
				want, err := opts.EncodeBatch(fresh)
				if err != nil {
					t.Fatalf("fresh [%d:%d]: %v", lo, hi, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("seq=%v slice [%d:%d] encodes differently (-fresh +slice):\n%s", seq, lo, hi, diff)
				}
				ref, err := reference.Encode(refOptions(opts), rb)
				if err != nil {
					t.Fatalf("reference slice [%d:%d]: %v", lo, hi, err)
				}
				if diff := cmp.Diff(ref, got); diff != "" {
					t.Errorf("seq=%v slice [%d:%d] differs from proto.Marshal (-reference +fast):\n%s", seq, lo, hi, diff)
				}
				rb.Release()
				fresh.Release()
			}
		}
	}
}

// emptyBatch returns a batch of schema with no rows.
func emptyBatch(mem memory.Allocator, schema *arrow.Schema) arrow.RecordBatch {
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		cols[i] = array.MakeArrayOfNull(mem, f.Type, 0)
	}
	return batchOf(schema.Fields(), cols...)
}

// dropColumn returns rb without column i, releasing rb.
func dropColumn(rb arrow.RecordBatch, i int) arrow.RecordBatch {
	fields := slices.Delete(slices.Clone(rb.Schema().Fields()), i, i+1)
	cols := slices.Delete(slices.Clone(rb.Columns()), i, i+1)
	out := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rb.NumRows())
	rb.Release()
	return out
}

func TestEncodeFloatBits(t *testing.T) {
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	vals := []float32{
		math.Float32frombits(0x7fc00000), math.Float32frombits(0xffc00001), math.Float32frombits(0x7f800001),
		math.Float32frombits(0x7fbfffff), float32(math.Copysign(0, -1)), math.Float32frombits(1),
		math.MaxFloat32, float32(math.Inf(-1)),
	}
	b := array.NewLargeListBuilder(mem, f32)
	b.Append(true)
	b.ValueBuilder().(*array.Float32Builder).AppendValues(vals, nil)
	list := b.NewArray()
	b.Release()
	rb := batchOf([]arrow.Field{field("f", list.DataType())}, list)
	defer rb.Release()
	recs, err := example.EncodeOptions{}.EncodeBatch(rb)
	if err != nil {
		t.Fatal(err)
	}
	got := parseRecords(t, recs, false)[0].(*examplepb.Example).GetFeatures().GetFeature()["f"].GetFloatList().GetValue()
	for i := range vals {
		if math.Float32bits(got[i]) != math.Float32bits(vals[i]) {
			t.Errorf("value %d: bits %08x, want %08x", i, math.Float32bits(got[i]), math.Float32bits(vals[i]))
		}
	}
}

// TestEncodeFloat16Bits checks float16 conversion on the values arrow-go's
// own float16.Num.Float32 gets wrong (subnormals) and NaN payloads.
func TestEncodeFloat16Bits(t *testing.T) {
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	tests := []struct {
		half uint16
		want uint32 // float32 bits
	}{
		{0x0001, 0x33800000}, // smallest subnormal, 2^-24
		{0x03ff, 0x387fc000}, // largest subnormal
		{0x8200, 0xb8000000}, // -2^-15
		{0x0400, 0x38800000}, // smallest normal, 2^-14
		{0x3c00, 0x3f800000}, // 1
		{0x7bff, 0x477fe000}, // 65504
		{0x7c00, 0x7f800000}, // +Inf
		{0xfc00, 0xff800000}, // -Inf
		{0x7e00, 0x7fc00000}, // quiet NaN
		{0x7c01, 0x7f802000}, // signalling NaN, payload 1
		{0xfe01, 0xffc02000}, // negative quiet NaN with payload
		{0x8000, 0x80000000}, // -0
	}
	b := array.NewFloat16Builder(mem)
	for _, tc := range tests {
		b.Append(float16.FromBits(tc.half))
	}
	a := b.NewArray()
	b.Release()
	rb := batchOf([]arrow.Field{field("h", a.DataType())}, a)
	defer rb.Release()
	recs, err := example.EncodeOptions{}.EncodeBatch(rb)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := reference.Encode(reference.EncodeOptions{}, rb)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range tests {
		for name, r := range map[string][]byte{"fast": recs[i], "reference": ref[i]} {
			got := parseRecords(t, [][]byte{r}, false)[0].(*examplepb.Example).GetFeatures().GetFeature()["h"].GetFloatList().GetValue()
			if len(got) != 1 || math.Float32bits(got[0]) != tc.want {
				t.Errorf("%s: half %04x gives %v, want bits %08x", name, tc.half, got, tc.want)
			}
		}
	}
}
