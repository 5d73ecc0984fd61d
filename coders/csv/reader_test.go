package csv

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

func ints(v ...int64) []int64       { return v }
func floats(v ...float32) []float32 { return v }
func strs(v ...string) []string     { return v }

func tfmd(features ...string) *metadatapb.Schema {
	s := &metadatapb.Schema{}
	for _, f := range features {
		name, typ, _ := strings.Cut(f, ":")
		s.Feature = append(s.Feature, &metadatapb.Feature{
			Name: &name,
			Type: metadatapb.FeatureType(metadatapb.FeatureType_value[typ]).Enum(),
		})
	}
	return s
}

func arrowSchema(fields ...string) *arrow.Schema {
	var fs []arrow.Field
	for _, f := range fields {
		name, typ, _ := strings.Cut(f, ":")
		t := map[string]arrow.DataType{"int": intListType, "float": floatListType, "bytes": binaryListType, "null": arrow.Null, "utf8": arrow.BinaryTypes.String}[typ]
		fs = append(fs, arrow.Field{Name: name, Type: t, Nullable: true})
	}
	return arrow.NewSchema(fs, nil)
}

var readerTests = []struct {
	name   string
	input  string
	opts   Options
	schema *arrow.Schema
	want   output
	err    string // the whole error text
	errIs  error
}{
	// Inference (§1.5): cell types and the column maximum.
	{
		name:  "header and inference",
		input: "a,b,c,d\n1,1.5,x,\n2,,y,\n",
		want: output{
			Fields:  strs("a: int", "b: float", "c: bytes", "d: null"),
			Batches: []int{2},
			Rows:    [][]any{{ints(1), floats(1.5), strs("x"), nil}, {ints(2), nil, strs("y"), nil}},
		},
	},
	{
		name:  "column type is the maximum over rows",
		input: "a,b\n1,1\n2.5,2.5\n3,x\n",
		want: output{
			Fields:  strs("a: float", "b: bytes"),
			Batches: []int{3},
			Rows:    [][]any{{floats(1), strs("1")}, {floats(2.5), strs("2.5")}, {floats(3), strs("x")}},
		},
	},
	{
		name:  "python int(): whitespace, sign, leading zeros, underscores",
		input: "a,b,c,d,e\n 1,+5,00012,1_000,\t-7\v\n",
		want: output{
			Fields:  strs("a: int", "b: int", "c: int", "d: int", "e: int"),
			Batches: []int{1},
			Rows:    [][]any{{ints(1), ints(5), ints(12), ints(1000), ints(-7)}},
		},
	},
	{
		name:  "python strings: hex, words, a space",
		input: "a,b,c,d\n0x10,true, ,1__0\n",
		want: output{
			Fields:  strs("a: bytes", "b: bytes", "c: bytes", "d: bytes"),
			Batches: []int{1},
			Rows:    [][]any{{strs("0x10"), strs("true"), strs(" "), strs("1__0")}},
		},
	},
	{
		name:  "python float(): nan, infinity, exponents, bare dots",
		input: "a,b,c,d,e,f,g\nnan,-Infinity,1e5,.5,5.,1_0.2_5,1e999\n",
		want: output{
			Fields:  strs("a: float", "b: float", "c: float", "d: float", "e: float", "f: float", "g: float"),
			Batches: []int{1},
			Rows: [][]any{{floats(float32(math.NaN())), floats(float32(math.Inf(-1))), floats(1e5), floats(.5), floats(5),
				floats(10.25), floats(float32(math.Inf(1)))}},
		},
	},
	{
		name:  "integers outside int64 are strings",
		input: "a,b,c\n9223372036854775807,9223372036854775808,-9223372036854775808\n",
		want: output{
			Fields:  strs("a: int", "b: bytes", "c: int"),
			Batches: []int{1},
			Rows:    [][]any{{ints(math.MaxInt64), strs("9223372036854775808"), ints(math.MinInt64)}},
		},
	},
	{
		name:  "floats round from float64 to float32",
		input: "a\n0.1\n16777217\n-0.0\n1e-50\n",
		want: output{
			Fields:  strs("a: float"),
			Batches: []int{4},
			Rows:    [][]any{{floats(0.1)}, {floats(16777216)}, {floats(float32(math.Copysign(0, -1)))}, {floats(0)}},
		},
	},

	// Cell splitting (§1.5 examples).
	{
		name:  "a line of one delimiter is two empty cells",
		input: "a,b\n,\n",
		want:  output{Fields: strs("a: null", "b: null"), Batches: []int{1}, Rows: [][]any{{nil, nil}}},
	},
	{
		name:  "a line of a space is not blank",
		input: "a\n \n",
		want:  output{Fields: strs("a: bytes"), Batches: []int{1}, Rows: [][]any{{strs(" ")}}},
	},
	{
		name:  "characters after a closing quote are appended",
		input: "a,b\na,\"b\"x\n",
		want:  output{Fields: strs("a: bytes", "b: bytes"), Batches: []int{1}, Rows: [][]any{{strs("a"), strs("bx")}}},
	},
	{
		name:  "quotes inside an unquoted field are data",
		input: "a,b\nx\"y,\"p\"q\"r\n",
		want:  output{Fields: strs("a: bytes", "b: bytes"), Batches: []int{1}, Rows: [][]any{{strs(`x"y`), strs(`pq"r`)}}},
	},
	{
		name:  "doubled quotes and delimiters in quotes",
		input: "a,b\n\"x\"\"y\",\"1,5\"\n",
		want:  output{Fields: strs("a: bytes", "b: bytes"), Batches: []int{1}, Rows: [][]any{{strs(`x"y`), strs("1,5")}}},
	},
	{
		name:  "a quoted empty field is empty",
		input: "a,b\n\"\",1\n",
		want:  output{Fields: strs("a: null", "b: int"), Batches: []int{1}, Rows: [][]any{{nil, ints(1)}}},
	},
	{
		name:  "quoted header",
		input: "\"a,b\",\"c\"\"\"\n1,2\n",
		want:  output{Fields: strs("a,b: int", `c": int`), Batches: []int{1}, Rows: [][]any{{ints(1), ints(2)}}},
	},

	// Beyond tfx-bsl: RFC 4180 records that span lines, line endings.
	{
		name:  "quoted fields span lines",
		input: "a,b\n\"line1\nline2\",2\n\"x\n\n\",4\n",
		want: output{
			Fields:  strs("a: bytes", "b: int"),
			Batches: []int{2},
			Rows:    [][]any{{strs("line1\nline2"), ints(2)}, {strs("x\n\n"), ints(4)}},
		},
	},
	{
		name:  "CRLF line endings",
		input: "a,b\r\n1,2\r\n\r\n3,\"x\"\r\n",
		want:  output{Fields: strs("a: int", "b: bytes"), Batches: []int{2}, Rows: [][]any{{ints(1), strs("2")}, {ints(3), strs("x")}}},
	},
	{
		name:  "CRLF inside quotes is data",
		input: "a\r\n\"x\r\ny\"\r\n",
		want:  output{Fields: strs("a: bytes"), Batches: []int{1}, Rows: [][]any{{strs("x\r\ny")}}},
	},
	{
		name:  "a lone CR is data",
		input: "a\nx\ry\n",
		want:  output{Fields: strs("a: bytes"), Batches: []int{1}, Rows: [][]any{{strs("x\ry")}}},
	},
	{
		name:  "no line feed at the end",
		input: "a,b\n1,2",
		want:  output{Fields: strs("a: int", "b: int"), Batches: []int{1}, Rows: [][]any{{ints(1), ints(2)}}},
	},
	{
		name:  "a UTF-8 byte order mark is not part of the header",
		input: "\xef\xbb\xbfa\n1\n",
		want:  output{Fields: strs("a: int"), Batches: []int{1}, Rows: [][]any{{ints(1)}}},
	},
	{
		name:  "tab delimiter",
		input: "a\tb\n1,5\t\"x\ty\"\n",
		opts:  Options{Delimiter: '\t'},
		want:  output{Fields: strs("a: bytes", "b: bytes"), Batches: []int{1}, Rows: [][]any{{strs("1,5"), strs("x\ty")}}},
	},

	// Blank lines.
	{
		name:  "blank lines are skipped",
		input: "a,b\n\n1,2\n\n\n3,4\n\n",
		want:  output{Fields: strs("a: int", "b: int"), Batches: []int{2}, Rows: [][]any{{ints(1), ints(2)}, {ints(3), ints(4)}}},
	},
	{
		name:  "kept blank lines are rows of nulls",
		input: "a,b\n1,2\n\n3,4\n",
		opts:  Options{KeepBlankLines: true},
		want:  output{Fields: strs("a: int", "b: int"), Batches: []int{3}, Rows: [][]any{{ints(1), ints(2)}, {nil, nil}, {ints(3), ints(4)}}},
	},
	{
		name:  "blank lines do not count toward batches",
		input: "a\n1\n\n\n2\n3\n",
		opts:  Options{BatchSize: 2},
		want:  output{Fields: strs("a: int"), Batches: []int{2, 1}, Rows: [][]any{{ints(1)}, {ints(2)}, {ints(3)}}},
	},

	// Multivalent columns.
	{
		name:  "multivalent columns",
		input: "a,b,c,d\n1|2,1|2.5,x|,7\n3,,|,8\n",
		opts:  Options{MultivalentColumns: strs("a", "b", "c"), SecondaryDelimiter: '|'},
		want: output{
			Fields:  strs("a: int", "b: float", "c: bytes", "d: int"),
			Batches: []int{2},
			Rows: [][]any{
				{ints(1, 2), floats(1, 2.5), strs("x", ""), ints(7)},
				{ints(3), nil, strs("", ""), ints(8)},
			},
		},
	},
	{
		name:  "a multivalent column of empty values is a null column",
		input: "a,b\n|,1\n,2\n||,3\n",
		opts:  Options{MultivalentColumns: strs("a"), SecondaryDelimiter: '|'},
		want:  output{Fields: strs("a: null", "b: int"), Batches: []int{3}, Rows: [][]any{{nil, ints(1)}, {nil, ints(2)}, {nil, ints(3)}}},
	},
	{
		name:  "multivalent values are quoted with csv rules",
		input: "a\n\"\"\"x|y\"\"|z\"\n",
		opts:  Options{MultivalentColumns: strs("a"), SecondaryDelimiter: '|'},
		want:  output{Fields: strs("a: bytes"), Batches: []int{1}, Rows: [][]any{{strs("x|y", "z")}}},
	},
	{
		name:  "an empty value of a multivalent INT column fails",
		input: "a\n1|2\n1|\n",
		opts:  Options{MultivalentColumns: strs("a"), SecondaryDelimiter: '|'},
		err:   `csv: line 3, column "a": cannot parse "" (value 2 of "1|") as INT`,
		errIs: ErrValue,
	},

	// Raw records.
	{
		name:  "raw record column",
		input: "a,b\n1,\"x,y\"\n2,z\r\n",
		opts:  Options{RawRecordColumn: "raw"},
		want: output{
			Fields:  strs("a: int", "b: bytes", "raw: bytes"),
			Batches: []int{2},
			Rows:    [][]any{{ints(1), strs("x,y"), strs(`1,"x,y"`)}, {ints(2), strs("z"), strs("2,z")}},
		},
	},
	{
		name:  "raw record of a record that spans lines",
		input: "a\n\"x\ny\"\r\n",
		opts:  Options{RawRecordColumn: "raw"},
		want:  output{Fields: strs("a: bytes", "raw: bytes"), Batches: []int{1}, Rows: [][]any{{strs("x\ny"), strs("\"x\ny\"")}}},
	},
	{
		// tfx-bsl leaves the raw record out here, so that the column is
		// shorter than the others; we append it.
		name:  "raw records of kept blank lines",
		input: "a\n1\n\n2\n",
		opts:  Options{RawRecordColumn: "raw", KeepBlankLines: true},
		want:  output{Fields: strs("a: int", "raw: bytes"), Batches: []int{3}, Rows: [][]any{{ints(1), strs("1")}, {nil, strs("")}, {ints(2), strs("2")}}},
	},
	{
		name:  "raw record column named like a column",
		input: "a,b\n1,2\n",
		opts:  Options{RawRecordColumn: "b"},
		err:   "csv: raw_record_column_name: b is already an existing column name. Please choose a different name.",
	},

	// A TFMD schema.
	{
		name:  "schema types; columns not in the schema are dropped",
		input: "a,b,c\n1,2,3\n,x,\n",
		opts:  Options{Schema: tfmd("c:FLOAT", "a:BYTES")},
		want:  output{Fields: strs("a: bytes", "c: float"), Batches: []int{2}, Rows: [][]any{{strs("1"), floats(3)}, {nil, nil}}},
	},
	{
		name:  "schema with a STRUCT feature",
		input: "a\n1\n",
		opts:  Options{Schema: tfmd("a:INT", "s:STRUCT")},
		err:   "csv: Schema contains invalid type: STRUCT.",
	},
	{
		name:  "schema with a feature of no type",
		input: "a\n1\n",
		opts:  Options{Schema: tfmd("a:TYPE_UNKNOWN")},
		err:   "csv: Schema contains invalid type: TYPE_UNKNOWN.",
	},
	{
		name:  "schema features must be columns",
		input: "a,b\n1,2\n",
		opts:  Options{Schema: tfmd("z:INT")},
		err:   "csv: Schema features are not a subset of column names: ['z'] vs ['a', 'b']",
	},
	{
		name:  "schema forces INT on a float",
		input: "a\n1\n1.5\n",
		opts:  Options{Schema: tfmd("a:INT")},
		err:   `csv: line 3, column "a": cannot parse "1.5" as INT`,
		errIs: ErrValue,
	},
	{
		name:  "schema forces INT on a huge integer",
		input: "a\n99999999999999999999\n",
		opts:  Options{Schema: tfmd("a:INT")},
		err:   `csv: line 2, column "a": cannot parse "99999999999999999999" as INT: out of the int64 range`,
	},
	{
		name:  "schema forces FLOAT on a word",
		input: "a,b\n1,2\n3,1.5x\n",
		opts:  Options{Schema: tfmd("b:FLOAT")},
		err:   `csv: line 3, column "b": cannot parse "1.5x" as FLOAT`,
	},

	// An Arrow schema.
	{
		name:   "arrow schema projects and orders",
		input:  "a,b,c\n1,2,3\n",
		schema: arrowSchema("c:float", "a:bytes"),
		want:   output{Fields: strs("c: float", "a: bytes"), Batches: []int{1}, Rows: [][]any{{floats(3), strs("1")}}},
	},
	{
		name:   "arrow schema with the raw record column",
		input:  "a\n1\n",
		schema: arrowSchema("raw:bytes", "a:int"),
		opts:   Options{RawRecordColumn: "raw"},
		want:   output{Fields: strs("raw: bytes", "a: int"), Batches: []int{1}, Rows: [][]any{{strs("1"), ints(1)}}},
	},
	{
		name:   "arrow schema field that is not a column",
		input:  "a\n1\n",
		schema: arrowSchema("b:int"),
		err:    `csv: schema field "b" is not a column of the input (columns: ['a'])`,
	},
	{
		name:   "arrow schema of an unsupported type",
		input:  "a\n1\n",
		schema: arrowSchema("a:utf8"),
		err:    `csv: column "a" has type utf8; want large_list<item: int64, nullable>, large_list<item: float32, nullable>, large_list<item: large_binary, nullable> or null`,
	},
	{
		name:   "arrow schema without the raw record column",
		input:  "a\n1\n",
		schema: arrowSchema("a:int"),
		opts:   Options{RawRecordColumn: "raw"},
		err:    `csv: the schema has no raw record column "raw"`,
	},
	{
		name:   "a value in a null column is an error, not a null",
		input:  "a\n\nx\n",
		schema: arrowSchema("a:null"),
		err:    `csv: line 3, column "a": cannot parse "x" as null: the column had no values in the rows that type inference read`,
	},

	// Row widths.
	{
		name:  "wrong width during inference",
		input: "a,b\n1,2\n3\n",
		err:   "csv: line 3: Columns do not match specified csv headers: ['a', 'b'] -> [b'3']",
		errIs: ErrFieldCount,
	},
	{
		name:  "wrong width during decoding",
		input: "a,b\n1,2\n\n3,4,5\n",
		opts:  Options{Schema: tfmd("a:INT")},
		err:   "csv: line 4: Encountered a row of unexpected number of columns: 3 vs. 2",
		errIs: ErrFieldCount,
	},
	{
		name:  "wrong width of a row that spans lines",
		input: "a,b\n\"x\ny\"\n",
		err:   `csv: line 2: Columns do not match specified csv headers: ['a', 'b'] -> [b'x\ny']`,
	},

	// Other options.
	{
		name:  "column names given: no header",
		input: "1,2\n3,4\n",
		opts:  Options{ColumnNames: strs("x", "y")},
		want:  output{Fields: strs("x: int", "y: int"), Batches: []int{2}, Rows: [][]any{{ints(1), ints(2)}, {ints(3), ints(4)}}},
	},
	{
		name:  "batches",
		input: "a\n1\n2\n3\n4\n5\n",
		opts:  Options{BatchSize: 2},
		want:  output{Fields: strs("a: int"), Batches: []int{2, 2, 1}, Rows: [][]any{{ints(1)}, {ints(2)}, {ints(3)}, {ints(4)}, {ints(5)}}},
	},
	{
		name:  "a header and no rows: no batches",
		input: "a,b\n\n",
		want:  output{Fields: strs("a: null", "b: null")},
	},
	{
		name:  "no input with column names: no batches",
		input: "",
		opts:  Options{ColumnNames: strs("a")},
		want:  output{Fields: strs("a: null")},
	},
	{
		name:  "inference from the first rows",
		input: "a,b\n1,x\n2.5,y\n",
		opts:  Options{InferRows: 1},
		err:   `csv: line 3, column "a": cannot parse "2.5" as INT`,
	},
	{
		name:  "a null column from the first rows meets a value",
		input: "a,b\n1,\n2,x\n",
		opts:  Options{InferRows: 1},
		err:   `csv: line 3, column "b": cannot parse "x" as null: the column had no values in the rows that type inference read`,
	},

	// Errors with positions.
	{
		name:  "empty input",
		input: "",
		err:   "csv: no header line: the input is empty",
		errIs: ErrNoHeader,
	},
	{
		name:  "blank header",
		input: "\na\n",
		err:   "csv: line 1: no header line",
	},
	{
		name:  "duplicate column names",
		input: "a,b,a\n",
		err:   `csv: duplicate column name "a"`,
	},
	{
		name:  "quote not closed",
		input: "a,b\n1,2\n3,\"x\ny\n",
		err:   `csv: line 3, column "b": extraneous or missing " in quoted-field`,
		errIs: ErrQuote,
	},
	{
		name:  "quote not closed in a later field of a record that spans lines",
		input: "a,b\n\"x\ny\",\"z\n",
		err:   `csv: record on line 2; line 3, column "b": extraneous or missing " in quoted-field`,
	},
	{
		name:  "field too large",
		input: "a,b\n1,2\n3,12345\n",
		opts:  Options{MaxFieldSize: 4},
		err:   `csv: line 3, column "b": field too large`,
		errIs: ErrFieldSize,
	},
	{
		name:  "header too large",
		input: "abcdef\n1\n",
		opts:  Options{MaxFieldSize: 4},
		err:   "csv: line 1: field too large: the header is longer than 4 bytes",
	},
	{
		name:  "conversion error on a later line of a record",
		input: "a,b\n\"x\ny\",1\n\"p\nq\",z\n",
		opts:  Options{Schema: tfmd("a:BYTES", "b:INT")},
		err:   `csv: record on line 4; line 5, column "b": cannot parse "z" as INT`,
	},

	// Invalid options.
	{
		name: "delimiter is a quote",
		opts: Options{Delimiter: '"'},
		err:  `csv: invalid delimiter '"': want an ASCII character other than '"', '\r' and '\n'`,
	},
	{
		name: "delimiter is not ASCII",
		opts: Options{Delimiter: '§'},
		err:  `csv: invalid delimiter '§': want an ASCII character other than '"', '\r' and '\n'`,
	},
	{
		name: "multivalent columns without a secondary delimiter",
		opts: Options{MultivalentColumns: strs("a")},
		err:  "csv: secondary_delimiter must be specified if there are multivalent columns",
	},
	{
		name:  "multivalent column that is not a column",
		input: "a\n1\n",
		opts:  Options{MultivalentColumns: strs("b"), SecondaryDelimiter: '|'},
		err:   `csv: multivalent column "b" is not a column (columns: ['a'])`,
	},
	{
		name: "negative batch size",
		opts: Options{BatchSize: -1},
		err:  "csv: BatchSize is -1; want a positive number",
	},
	{
		name:   "both schemas",
		schema: arrowSchema("a:int"),
		opts:   Options{Schema: tfmd("a:INT")},
		err:    "csv: NewReader: both an Arrow schema and Options.Schema are given; pass one",
	},
}

func TestReader(t *testing.T) {
	for _, tt := range readerTests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			// Tiny read blocks exercise records that cross blocks.
			for _, run := range []struct{ workers, block int }{{1, 0}, {3, 0}, {1, 1}, {2, 5}} {
				opts := tt.opts
				opts.Workers, opts.blockSize = run.workers, run.block
				got, err := read(t, mem, tt.input, tt.schema, opts)
				if errText(err) != tt.err {
					t.Fatalf("%+v: error %q, want %q", run, errText(err), tt.err)
				}
				if tt.errIs != nil && !errors.Is(err, tt.errIs) {
					t.Errorf("%+v: error %v is not %v", run, err, tt.errIs)
				}
				if err != nil {
					continue
				}
				if diff := cmp.Diff(tt.want, got, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%+v: output (-want +got):\n%s", run, diff)
				}
			}
		})
	}
}
