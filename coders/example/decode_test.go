package example_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Shorthands for expected types and records.
var (
	decI64  = arrow.PrimitiveTypes.Int64
	decF32  = arrow.PrimitiveTypes.Float32
	decLB   = arrow.BinaryTypes.LargeBinary
	decNull = arrow.Null
)

func decLL(t arrow.DataType) arrow.DataType { return arrow.LargeListOf(t) }
func decL(t arrow.DataType) arrow.DataType  { return arrow.ListOf(t) }

var decUnsetF = &examplepb.Feature{}

// decEx marshals a tf.Example with the given features.
func decEx(m map[string]*examplepb.Feature) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: m}})
	if err != nil {
		panic(err)
	}
	return b
}

// decSeq marshals a tf.SequenceExample; lists == nil leaves feature_lists
// unset.
func decSeq(ctx map[string]*examplepb.Feature, lists map[string][]*examplepb.Feature) []byte {
	m := &examplepb.SequenceExample{}
	if ctx != nil {
		m.Context = &examplepb.Features{Feature: ctx}
	}
	if lists != nil {
		m.FeatureLists = &examplepb.FeatureLists{FeatureList: map[string]*examplepb.FeatureList{}}
		for k, v := range lists {
			m.FeatureLists.FeatureList[k] = &examplepb.FeatureList{Feature: v}
		}
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func decFeat(name string, t metadatapb.FeatureType) *metadatapb.Feature {
	return &metadatapb.Feature{Name: proto.String(name), Type: t.Enum()}
}

func decStructFeat(name string, children ...*metadatapb.Feature) *metadatapb.Feature {
	f := decFeat(name, metadatapb.FeatureType_STRUCT)
	f.DomainInfo = &metadatapb.Feature_StructDomain{StructDomain: &metadatapb.StructDomain{Feature: children}}
	return f
}

func decSchema(fs ...*metadatapb.Feature) *metadatapb.Schema { return &metadatapb.Schema{Feature: fs} }

const (
	tINT    = metadatapb.FeatureType_INT
	tFLOAT  = metadatapb.FeatureType_FLOAT
	tBYTES  = metadatapb.FeatureType_BYTES
	tSTRUCT = metadatapb.FeatureType_STRUCT
	tUNK    = metadatapb.FeatureType_TYPE_UNKNOWN
)

// decCol is an expected column. Cells are nil (null), []int64, []float32,
// []string (bytes) or, for feature lists, []any of such steps. A struct
// column has children instead of cells.
type decCol struct {
	name     string
	typ      arrow.DataType
	cells    []any
	children []decCol
}

func decAppend(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	lb := b.(array.ListLikeBuilder)
	lb.Append(true)
	vb := lb.ValueBuilder()
	switch v := v.(type) {
	case []int64:
		vb.(*array.Int64Builder).AppendValues(v, nil)
	case []float32:
		vb.(*array.Float32Builder).AppendValues(v, nil)
	case []string:
		for _, s := range v {
			switch vb := vb.(type) {
			case *array.BinaryBuilder:
				vb.Append([]byte(s))
			case *array.StringBuilder:
				vb.Append(s)
			case *array.LargeStringBuilder:
				vb.Append(s)
			}
		}
	case []any:
		for _, x := range v {
			decAppend(vb, x)
		}
	default:
		panic("decAppend: bad cell")
	}
}

func decBuildCol(mem memory.Allocator, c decCol, n int) arrow.Array {
	switch t := c.typ.(type) {
	case *arrow.NullType:
		return array.NewNull(n)
	case *arrow.StructType:
		var children []arrow.ArrayData
		for _, ch := range c.children {
			a := decBuildCol(mem, ch, n)
			defer a.Release()
			children = append(children, a.Data())
		}
		data := array.NewData(t, n, []*memory.Buffer{nil}, children, 0, 0)
		defer data.Release()
		return array.MakeFromData(data)
	}
	b := array.NewBuilder(mem, c.typ)
	defer b.Release()
	for _, v := range c.cells {
		decAppend(b, v)
	}
	return b.NewArray()
}

// decBatch builds the expected batch of n rows.
func decBatch(mem memory.Allocator, n int, cols ...decCol) arrow.RecordBatch {
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
		arrs[i] = decBuildCol(mem, c, n)
		defer arrs[i].Release()
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, int64(n))
}

func decStruct(name string, children ...decCol) decCol {
	fields := make([]arrow.Field, len(children))
	for i, c := range children {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	return decCol{name: name, typ: arrow.StructOf(fields...), children: children}
}

func decNulls(n int) []any { return make([]any, n) }

var decNaN = math.Float32frombits(0x7fc00001)

type decCase struct {
	name    string
	opts    example.DecodeOptions
	recs    [][]byte
	rows    int      // rows of the expected batch
	want    []decCol // the expected columns
	wantErr string   // or the expected error
	errIdx  int      // and its record index
}

// decRun checks a case against both the fast decoder and the reference.
func decRun(t *testing.T, tc decCase) {
	t.Helper()
	for _, path := range []string{"fast", "reference"} {
		t.Run(path, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			o := tc.opts
			o.Allocator = mem
			var got arrow.RecordBatch
			var err error
			if path == "fast" {
				got, err = decDecodeFast(o, tc.recs)
			} else {
				got, err = reference.Decode(decRefOptions(o), tc.recs)
			}
			if tc.wantErr != "" {
				if got != nil {
					got.Release()
				}
				if diff := cmp.Diff(tc.wantErr, decErrText(err)); diff != "" {
					t.Fatalf("error (-want +got):\n%s", diff)
				}
				if path == "fast" && strings.HasPrefix(tc.wantErr, "example: record") {
					var re *example.RecordError
					if !errors.As(err, &re) || re.Index != tc.errIdx {
						t.Fatalf("error %#v is not a *RecordError with Index %d", err, tc.errIdx)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer got.Release()
			want := decBatch(mem, tc.rows, tc.want...)
			defer want.Release()
			if d := decDiffBatches(want, got); d != "" {
				t.Fatalf("%s\nwant %v\ngot  %v", d, want, got)
			}
			decCheckLayout(t, got)
		})
	}
}

// Rows of behaviour.md §1.1: ExamplesToRecordBatchDecoder.
func TestDecodeExample(t *testing.T) {
	taxiSchema := decSchema(decFeat("b", tBYTES), decFeat("a", tINT), decFeat("f", tFLOAT))
	for _, tc := range []decCase{
		{
			name: "cells/schemaless",
			recs: [][]byte{
				decEx(map[string]*examplepb.Feature{"i": synth.Int64(1, -2)}),
				decEx(map[string]*examplepb.Feature{"i": decUnsetF}),
				decEx(map[string]*examplepb.Feature{"i": synth.Int64()}),
				decEx(map[string]*examplepb.Feature{}),
				{}, // no features at all
			},
			rows: 5,
			want: []decCol{{"i", decLL(decI64), []any{[]int64{1, -2}, nil, []int64{}, nil, nil}, nil}},
		},
		{
			name: "cells/schema",
			opts: example.DecodeOptions{Schema: taxiSchema},
			recs: [][]byte{
				decEx(map[string]*examplepb.Feature{"a": synth.Int64(7), "b": synth.Strings("x", ""), "f": decUnsetF}),
				decEx(map[string]*examplepb.Feature{"a": synth.Int64(), "b": decUnsetF}),
			},
			rows: 2,
			want: []decCol{
				{"b", decLL(decLB), []any{[]string{"x", ""}, nil}, nil},
				{"a", decLL(decI64), []any{[]int64{7}, []int64{}}, nil},
				{"f", decLL(decF32), []any{nil, nil}, nil},
			},
		},
		{
			name: "values are exact",
			recs: [][]byte{decEx(map[string]*examplepb.Feature{
				"f": synth.Float(decNaN, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1)), math.Float32frombits(1)),
				"i": synth.Int64(math.MinInt64, math.MaxInt64),
				"b": synth.Strings("\xff\xfe", "a\x00b"),
			})},
			rows: 1,
			want: []decCol{
				{"b", decLL(decLB), []any{[]string{"\xff\xfe", "a\x00b"}}, nil},
				{"f", decLL(decF32), []any{[]float32{decNaN, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1)), math.Float32frombits(1)}}, nil},
				{"i", decLL(decI64), []any{[]int64{math.MinInt64, math.MaxInt64}}, nil},
			},
		},
		{
			name:    "kind mismatch/schema",
			opts:    example.DecodeOptions{Schema: taxiSchema},
			recs:    [][]byte{decEx(map[string]*examplepb.Feature{"a": synth.Int64(1)}), decEx(map[string]*examplepb.Feature{"a": synth.Float(1)})},
			wantErr: `example: record 1: Feature had wrong type, expected int64_list, found float_list for feature "a"`,
			errIdx:  1,
		},
		{
			name: "kind mismatch/schemaless first kind",
			recs: [][]byte{
				decEx(map[string]*examplepb.Feature{"x": decUnsetF}),
				decEx(map[string]*examplepb.Feature{"x": synth.Strings("s")}),
				decEx(map[string]*examplepb.Feature{"x": synth.Int64(1)}),
			},
			wantErr: `example: record 2: Feature had wrong type, expected bytes_list, found int64_list for feature "x"`,
			errIdx:  2,
		},
		{
			name: "kind mismatch/smallest name in record",
			opts: example.DecodeOptions{Schema: decSchema(decFeat("z", tINT), decFeat("m", tINT), decFeat("a", tINT))},
			recs: [][]byte{
				decEx(map[string]*examplepb.Feature{"z": synth.Float(1), "m": synth.Strings("x"), "a": synth.Int64()}),
			},
			wantErr: `example: record 0: Feature had wrong type, expected int64_list, found bytes_list for feature "m"`,
		},
		{
			name: "kind unset never mismatches",
			opts: example.DecodeOptions{Schema: taxiSchema},
			recs: [][]byte{decEx(map[string]*examplepb.Feature{"a": decUnsetF, "b": decUnsetF})},
			rows: 1,
			want: []decCol{
				{"b", decLL(decLB), decNulls(1), nil},
				{"a", decLL(decI64), decNulls(1), nil},
				{"f", decLL(decF32), decNulls(1), nil},
			},
		},
		{
			name: "features not in schema are ignored",
			opts: example.DecodeOptions{Schema: decSchema(decFeat("a", tINT))},
			recs: [][]byte{
				decEx(map[string]*examplepb.Feature{"a": synth.Int64(1), "other": synth.Float(1)}),
				decEx(map[string]*examplepb.Feature{"other": synth.Strings("kind differs but unchecked")}),
			},
			rows: 2,
			want: []decCol{{"a", decLL(decI64), []any{[]int64{1}, nil}, nil}},
		},
		{
			name:    "parse error",
			recs:    [][]byte{decEx(nil), {0x0a, 0x05}},
			wantErr: "example: record 1: Unable to parse example.",
			errIdx:  1,
		},
		{
			name:    "parse error before a later kind error",
			recs:    [][]byte{decEx(map[string]*examplepb.Feature{"x": synth.Int64(1)}), {0x0a, 0x05}, decEx(map[string]*examplepb.Feature{"x": synth.Float(1)})},
			wantErr: "example: record 1: Unable to parse example.",
			errIdx:  1,
		},
		{
			name:    "parse error wins within a record",
			recs:    [][]byte{decEx(map[string]*examplepb.Feature{"x": synth.Int64(1)}), append(decEx(map[string]*examplepb.Feature{"x": synth.Float(1)}), 0x0a, 0x05)},
			wantErr: "example: record 1: Unable to parse example.",
			errIdx:  1,
		},
		{
			name: "empty batch/schema",
			opts: example.DecodeOptions{Schema: taxiSchema},
			rows: 0,
			want: []decCol{{"b", decLL(decLB), nil, nil}, {"a", decLL(decI64), nil, nil}, {"f", decLL(decF32), nil, nil}},
		},
		{
			name: "empty batch/schemaless",
			rows: 0,
		},
		{
			name: "schemaless union sorted bytewise, back-filled, null columns",
			recs: [][]byte{
				decEx(map[string]*examplepb.Feature{"a": decUnsetF, "_": synth.Int64(1)}),
				decEx(map[string]*examplepb.Feature{"a": synth.Float(2), "B": decUnsetF}),
				decEx(map[string]*examplepb.Feature{"é": synth.Strings("u")}),
			},
			rows: 3,
			want: []decCol{
				{"B", decNull, decNulls(3), nil},
				{"_", decLL(decI64), []any{[]int64{1}, nil, nil}, nil},
				{"a", decLL(decF32), []any{nil, []float32{2}, nil}, nil},
				{"é", decLL(decLB), []any{nil, nil, []string{"u"}}, nil},
			},
		},
		{
			name: "schema order, duplicates, deprecated",
			opts: example.DecodeOptions{Schema: &metadatapb.Schema{
				Feature: []*metadatapb.Feature{
					decFeat("z", tFLOAT),
					decFeat("a", tINT),
					decFeat("z", tBYTES), // the first z wins
					{Name: proto.String("old"), Type: tBYTES.Enum(), Deprecated: proto.Bool(true)},
				},
				SparseFeature: []*metadatapb.SparseFeature{{Name: proto.String("sparse")}},
			}},
			recs: [][]byte{decEx(map[string]*examplepb.Feature{"z": synth.Float(1), "a": synth.Int64(2), "old": synth.Strings("o")})},
			rows: 1,
			want: []decCol{
				{"z", decLL(decF32), []any{[]float32{1}}, nil},
				{"a", decLL(decI64), []any{[]int64{2}}, nil},
				{"old", decLL(decLB), []any{[]string{"o"}}, nil},
			},
		},
		{
			name:    "bad field type/unknown",
			opts:    example.DecodeOptions{Schema: decSchema(decFeat("a", tINT), decFeat("u", tUNK))},
			wantErr: "example: Bad field type for feature: u with type: 0",
		},
		{
			name:    "bad field type/struct",
			opts:    example.DecodeOptions{Schema: decSchema(decStructFeat("s", decFeat("x", tINT)))},
			wantErr: "example: Bad field type for feature: s with type: 4",
		},
		{
			name: "list and binary options",
			opts: example.DecodeOptions{ListType: example.List, BytesType: example.Binary},
			recs: [][]byte{decEx(map[string]*examplepb.Feature{"b": synth.Strings("x"), "i": synth.Int64(1)})},
			rows: 1,
			want: []decCol{
				{"b", decL(arrow.BinaryTypes.Binary), []any{[]string{"x"}}, nil},
				{"i", decL(decI64), []any{[]int64{1}}, nil},
			},
		},
		{
			name: "utf8 option",
			opts: example.DecodeOptions{BytesType: example.String},
			recs: [][]byte{decEx(map[string]*examplepb.Feature{"b": synth.Strings("ü")})},
			rows: 1,
			want: []decCol{{"b", decLL(arrow.BinaryTypes.String), []any{[]string{"ü"}}, nil}},
		},
		{
			name:    "utf8 option rejects invalid UTF-8",
			opts:    example.DecodeOptions{BytesType: example.LargeString},
			recs:    [][]byte{decEx(map[string]*examplepb.Feature{"b": synth.Strings("ok")}), decEx(map[string]*examplepb.Feature{"b": synth.Strings("ok", "\xff")})},
			wantErr: `example: record 1: invalid UTF-8 in bytes_list of feature "b"`,
			errIdx:  1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) { decRun(t, tc) })
	}
}

// Rows of behaviour.md §1.2: SequenceExamplesToRecordBatchDecoder.
func TestDecodeSequenceExample(t *testing.T) {
	seq := example.SequenceExample
	const S = example.DefaultSequenceColumn
	schema := decSchema(
		decFeat("c", tINT),
		decStructFeat(S, decFeat("s", tINT), decFeat("b", tBYTES), decFeat("s", tFLOAT)),
		decFeat("d", tFLOAT),
	)
	cellRecs := [][]byte{
		decSeq(map[string]*examplepb.Feature{"c": synth.Int64(1)}, map[string][]*examplepb.Feature{
			"s": {synth.Int64(1, 2), decUnsetF, synth.Int64()},
			"b": {},
		}),
		decSeq(nil, map[string][]*examplepb.Feature{}),
		decSeq(nil, nil),
	}
	for _, tc := range []decCase{
		{
			name: "cells/schema",
			opts: example.DecodeOptions{RecordType: seq, Schema: schema},
			recs: cellRecs,
			rows: 3,
			want: []decCol{
				{"c", decLL(decI64), []any{[]int64{1}, nil, nil}, nil},
				{"d", decLL(decF32), decNulls(3), nil},
				decStruct(S,
					decCol{"s", decLL(decLL(decI64)), []any{[]any{[]int64{1, 2}, nil, []int64{}}, nil, nil}, nil},
					decCol{"b", decLL(decLL(decLB)), []any{[]any{}, nil, nil}, nil},
				),
			},
		},
		{
			name: "cells/schemaless",
			opts: example.DecodeOptions{RecordType: seq},
			recs: cellRecs,
			rows: 3,
			want: []decCol{
				{"c", decLL(decI64), []any{[]int64{1}, nil, nil}, nil},
				decStruct(S,
					decCol{"b", decLL(decNull), []any{[]any{}, nil, nil}, nil},
					decCol{"s", decLL(decLL(decI64)), []any{[]any{[]int64{1, 2}, nil, []int64{}}, nil, nil}, nil},
				),
			},
		},
		{
			name: "int64 beyond int32 not truncated",
			opts: example.DecodeOptions{RecordType: seq},
			recs: [][]byte{decSeq(nil, map[string][]*examplepb.Feature{"s": {synth.Int64(1<<40, -(1 << 33), math.MinInt64)}})},
			rows: 1,
			want: []decCol{decStruct(S, decCol{"s", decLL(decLL(decI64)), []any{[]any{[]int64{1 << 40, -(1 << 33), math.MinInt64}}}, nil})},
		},
		{
			name: "untyped child is LL<null>",
			opts: example.DecodeOptions{RecordType: seq},
			recs: [][]byte{
				decSeq(nil, map[string][]*examplepb.Feature{"n": {decUnsetF, decUnsetF}}),
				decSeq(nil, map[string][]*examplepb.Feature{"n": {}}),
				decSeq(nil, map[string][]*examplepb.Feature{}),
			},
			rows: 3,
			want: []decCol{decStruct(S, decCol{"n", decLL(decNull), []any{[]any{nil, nil}, []any{}, nil}, nil})},
		},
		{
			name: "child typed by first kind in any list, children sorted",
			opts: example.DecodeOptions{RecordType: seq},
			recs: [][]byte{
				decSeq(nil, map[string][]*examplepb.Feature{"z": {decUnsetF}, "a": {synth.Float(1)}}),
				decSeq(nil, map[string][]*examplepb.Feature{"z": {decUnsetF, synth.Strings("t"), decUnsetF}}),
			},
			rows: 2,
			want: []decCol{decStruct(S,
				decCol{"a", decLL(decLL(decF32)), []any{[]any{[]float32{1}}, nil}, nil},
				decCol{"z", decLL(decLL(decLB)), []any{[]any{nil}, []any{nil, []string{"t"}, nil}}, nil},
			)},
		},
		{
			name: "no feature_lists anywhere: no struct column",
			opts: example.DecodeOptions{RecordType: seq},
			recs: [][]byte{decSeq(map[string]*examplepb.Feature{"c": synth.Float(1)}, nil), {}},
			rows: 2,
			want: []decCol{{"c", decLL(decF32), []any{[]float32{1}, nil}, nil}},
		},
		{
			name: "empty feature_lists: struct<>",
			opts: example.DecodeOptions{RecordType: seq},
			recs: [][]byte{decSeq(nil, map[string][]*examplepb.Feature{}), decSeq(nil, nil)},
			rows: 2,
			want: []decCol{decStruct(S)},
		},
		{
			name: "struct column last and named by option",
			opts: example.DecodeOptions{RecordType: seq, SequenceColumn: "seq"},
			recs: [][]byte{decSeq(map[string]*examplepb.Feature{"zz": synth.Int64(1)}, map[string][]*examplepb.Feature{"a": {synth.Int64(2)}})},
			rows: 1,
			want: []decCol{
				{"zz", decLL(decI64), []any{[]int64{1}}, nil},
				decStruct("seq", decCol{"a", decLL(decLL(decI64)), []any{[]any{[]int64{2}}}, nil}),
			},
		},
		{
			name: "schema without struct: like the Example decoder",
			opts: example.DecodeOptions{RecordType: seq, Schema: decSchema(decFeat("c", tINT), decStructFeat(S))},
			recs: [][]byte{decSeq(map[string]*examplepb.Feature{"c": synth.Int64(1)}, map[string][]*examplepb.Feature{"s": {synth.Int64(2)}})},
			rows: 1,
			want: []decCol{{"c", decLL(decI64), []any{[]int64{1}}, nil}},
		},
		{
			name: "sequence features not in schema ignored",
			opts: example.DecodeOptions{RecordType: seq, Schema: decSchema(decStructFeat(S, decFeat("s", tINT)))},
			recs: [][]byte{decSeq(nil, map[string][]*examplepb.Feature{"s": {synth.Int64(2)}, "x": {synth.Float(1), synth.Strings("mixed")}})},
			rows: 1,
			want: []decCol{decStruct(S, decCol{"s", decLL(decLL(decI64)), []any{[]any{[]int64{2}}}, nil})},
		},
		{
			name:    "sequence column not a struct",
			opts:    example.DecodeOptions{RecordType: seq, Schema: decSchema(decFeat(S, tINT))},
			wantErr: "example: Found a feature in the schema with the sequence_feature_column_name (i.e., ##SEQUENCE##) that is not a struct. The sequence_feature_column_name should be used only for the top-level struct feature with a struct domain that contains each sequence feature as a child.",
		},
		{
			name:    "bad child type",
			opts:    example.DecodeOptions{RecordType: seq, Schema: decSchema(decStructFeat(S, decFeat("s", tINT), decStructFeat("inner")))},
			wantErr: "example: Bad field type for feature: inner with type: 4",
		},
		{
			name:    "mismatch/schema",
			opts:    example.DecodeOptions{RecordType: seq, Schema: decSchema(decStructFeat(S, decFeat("a", tBYTES)))},
			recs:    [][]byte{decSeq(nil, map[string][]*examplepb.Feature{"a": {synth.Strings("x"), decUnsetF, synth.Float(1)}})},
			wantErr: `example: record 0: Feature had wrong type, expected bytes_list, found float_list for sequence feature "a"`,
		},
		{
			name: "mismatch/schemaless within a list",
			opts: example.DecodeOptions{RecordType: seq},
			recs: [][]byte{
				decSeq(nil, map[string][]*examplepb.Feature{"a": {decUnsetF}}),
				decSeq(nil, map[string][]*examplepb.Feature{"a": {decUnsetF, synth.Int64(1), synth.Strings("x"), synth.Float(2)}}),
			},
			wantErr: `example: record 1: Feature had wrong type, expected int64_list, found bytes_list for sequence feature "a"`,
			errIdx:  1,
		},
		{
			name: "mismatch/context reported before feature list",
			opts: example.DecodeOptions{RecordType: seq},
			recs: [][]byte{
				decSeq(map[string]*examplepb.Feature{"z": synth.Int64(1)}, map[string][]*examplepb.Feature{"a": {synth.Int64(1)}}),
				decSeq(map[string]*examplepb.Feature{"z": synth.Float(1)}, map[string][]*examplepb.Feature{"a": {synth.Float(1)}}),
			},
			wantErr: `example: record 1: Feature had wrong type, expected int64_list, found float_list for feature "z"`,
			errIdx:  1,
		},
		{
			name:    "parse error",
			opts:    example.DecodeOptions{RecordType: seq},
			recs:    [][]byte{{0x12, 0x03, 0x0a}},
			wantErr: "example: record 0: Unable to parse sequence example.",
		},
		{
			name: "list options",
			opts: example.DecodeOptions{RecordType: seq, ListType: example.List},
			recs: [][]byte{decSeq(nil, map[string][]*examplepb.Feature{"a": {synth.Int64(1)}, "n": {decUnsetF}})},
			rows: 1,
			want: []decCol{decStruct(S,
				decCol{"a", decL(decL(decI64)), []any{[]any{[]int64{1}}}, nil},
				decCol{"n", decL(decNull), []any{[]any{nil}}, nil},
			)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) { decRun(t, tc) })
	}
}

// DecodeOptions.ArrowSchema fixes the columns exactly.
func TestDecodeArrowSchema(t *testing.T) {
	const S = example.DefaultSequenceColumn
	fixed := arrow.NewSchema([]arrow.Field{
		{Name: "n", Type: decNull, Nullable: true},
		{Name: "i", Type: decL(decI64), Nullable: true},
		{Name: "s", Type: decLL(arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	seqFixed := arrow.NewSchema([]arrow.Field{
		{Name: S, Type: arrow.StructOf(
			arrow.Field{Name: "a", Type: decLL(decL(decF32)), Nullable: true},
			arrow.Field{Name: "u", Type: decLL(decNull), Nullable: true},
		), Nullable: true},
		{Name: "c", Type: decLL(decI64), Nullable: true},
	}, nil)
	for _, tc := range []decCase{
		{
			name: "columns as given, others ignored",
			opts: example.DecodeOptions{ArrowSchema: fixed},
			recs: [][]byte{
				decEx(map[string]*examplepb.Feature{"n": decUnsetF, "i": synth.Int64(1), "other": synth.Float(1)}),
				decEx(map[string]*examplepb.Feature{"s": synth.Strings("x")}),
			},
			rows: 2,
			want: []decCol{
				{"n", decNull, decNulls(2), nil},
				{"i", decL(decI64), []any{[]int64{1}, nil}, nil},
				{"s", decLL(arrow.BinaryTypes.String), []any{nil, []string{"x"}}, nil},
			},
		},
		{
			name:    "null column accepts only kind-not-set",
			opts:    example.DecodeOptions{ArrowSchema: fixed},
			recs:    [][]byte{decEx(map[string]*examplepb.Feature{"n": synth.Int64()})},
			wantErr: `example: record 0: Feature had wrong type, expected kind-not-set, found int64_list for feature "n"`,
		},
		{
			name:    "kinds checked",
			opts:    example.DecodeOptions{ArrowSchema: fixed},
			recs:    [][]byte{decEx(map[string]*examplepb.Feature{"s": synth.Int64(1)})},
			wantErr: `example: record 0: Feature had wrong type, expected bytes_list, found int64_list for feature "s"`,
		},
		{
			name: "sequence struct anywhere, typed as given",
			opts: example.DecodeOptions{RecordType: example.SequenceExample, ArrowSchema: seqFixed},
			recs: [][]byte{
				decSeq(map[string]*examplepb.Feature{"c": synth.Int64(3)}, map[string][]*examplepb.Feature{"a": {synth.Float(1), decUnsetF}, "u": {decUnsetF}}),
				decSeq(nil, nil),
			},
			rows: 2,
			want: []decCol{
				decStruct(S,
					decCol{"a", decLL(decL(decF32)), []any{[]any{[]float32{1}, nil}, nil}, nil},
					decCol{"u", decLL(decNull), []any{[]any{nil}, nil}, nil},
				),
				{"c", decLL(decI64), []any{[]int64{3}, nil}, nil},
			},
		},
		{
			name:    "null child accepts only kind-not-set",
			opts:    example.DecodeOptions{RecordType: example.SequenceExample, ArrowSchema: seqFixed},
			recs:    [][]byte{decSeq(nil, map[string][]*examplepb.Feature{"u": {decUnsetF, synth.Strings("x")}})},
			wantErr: `example: record 0: Feature had wrong type, expected kind-not-set, found bytes_list for sequence feature "u"`,
		},
		{
			name:    "unsupported type",
			opts:    example.DecodeOptions{ArrowSchema: arrow.NewSchema([]arrow.Field{{Name: "x", Type: decLL(arrow.PrimitiveTypes.Int32)}}, nil)},
			wantErr: `example: ArrowSchema field "x" has unsupported type large_list<item: int32, nullable>: want a list of int64, float32, binary or string, or null`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) { decRun(t, tc) })
	}
}

func TestDecoderArrowSchema(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    example.DecodeOptions
		want    *arrow.Schema
		wantErr string
	}{
		{
			name:    "schemaless example",
			wantErr: "ExamplesToRecordBatchDecoder: Unable to get the arrow schema if a TFMD schema was not provided at the construction time.",
		},
		{
			name:    "schemaless sequence",
			opts:    example.DecodeOptions{RecordType: example.SequenceExample},
			wantErr: "SequenceExamplesToRecordBatchDecoder: Unable to get the arrow schema if a TFMD schema was not provided at the construction time.",
		},
		{
			name: "tfmd",
			opts: example.DecodeOptions{Schema: decSchema(decFeat("b", tBYTES), decFeat("a", tINT))},
			want: arrow.NewSchema([]arrow.Field{{Name: "b", Type: decLL(decLB), Nullable: true}, {Name: "a", Type: decLL(decI64), Nullable: true}}, nil),
		},
		{
			name: "tfmd sequence",
			opts: example.DecodeOptions{RecordType: example.SequenceExample, Schema: decSchema(decStructFeat("##SEQUENCE##", decFeat("f", tFLOAT)), decFeat("a", tINT))},
			want: arrow.NewSchema([]arrow.Field{
				{Name: "a", Type: decLL(decI64), Nullable: true},
				{Name: "##SEQUENCE##", Type: arrow.StructOf(arrow.Field{Name: "f", Type: decLL(decLL(decF32)), Nullable: true}), Nullable: true},
			}, nil),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.opts.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.ArrowSchema()
			if diff := cmp.Diff(tc.wantErr, decErrText(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err == nil && !got.Equal(tc.want) {
				t.Fatalf("schema:\nwant %v\ngot  %v", tc.want, got)
			}
			if err != nil && !errors.Is(err, example.ErrNoArrowSchema) {
				t.Fatalf("error %v is not ErrNoArrowSchema", err)
			}
		})
	}
}

func TestDecodeErrorTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d, err := example.DecodeOptions{Allocator: mem}.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Decode([][]byte{{0x0a, 0x05}})
	if !errors.Is(err, example.ErrParseExample) {
		t.Errorf("got %v, want ErrParseExample", err)
	}
	_, err = d.Decode([][]byte{decEx(map[string]*examplepb.Feature{"a": synth.Int64(1)}), decEx(map[string]*examplepb.Feature{"a": synth.Float(1)})})
	var ke *example.KindError
	if !errors.As(err, &ke) {
		t.Fatalf("got %v, want a *KindError", err)
	}
	if diff := cmp.Diff(&example.KindError{Name: "a", Want: example.KindInt64, Got: example.KindFloat}, ke); diff != "" {
		t.Errorf("KindError (-want +got):\n%s", diff)
	}
}

// A Decoder reused across batches gives each batch its own schemaless
// columns, and a failed batch leaves no trace.
func TestDecoderReuse(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d, err := example.DecodeOptions{Allocator: mem}.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	batches := [][][]byte{
		{decEx(map[string]*examplepb.Feature{"a": synth.Int64(1), "b": synth.Strings("x")})},
		{decEx(map[string]*examplepb.Feature{"a": synth.Int64(1)}), {0x0a, 0x05}},
		{decEx(map[string]*examplepb.Feature{"a": synth.Float(2)})},
		synth.Taxi(50, 3),
		{decEx(map[string]*examplepb.Feature{"b": decUnsetF})},
	}
	for i, b := range batches {
		want, werr := reference.Decode(reference.DecodeOptions{Allocator: mem}, b)
		got, gerr := d.Decode(b)
		if decErrText(werr) != decErrText(gerr) {
			t.Fatalf("batch %d: errors differ: %v vs %v", i, werr, gerr)
		}
		if werr != nil {
			continue
		}
		if diff := decDiffBatches(want, got); diff != "" {
			t.Errorf("batch %d: %s", i, diff)
		}
		want.Release()
		got.Release()
	}
}
