package jsonl

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestWriteValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
		{Name: "f", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Float32), Nullable: true},
		{Name: "b", Type: arrow.LargeListOf(arrow.BinaryTypes.LargeBinary), Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.Null, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	il := b.Field(0).(*array.LargeListBuilder)
	il.Append(true)
	il.ValueBuilder().(*array.Int64Builder).AppendValues([]int64{math.MinInt64, 1 << 60}, nil)
	il.AppendNull()
	fl := b.Field(1).(*array.LargeListBuilder)
	fl.Append(true)
	fl.ValueBuilder().(*array.Float32Builder).AppendValues([]float32{0.1, float32(math.NaN()), float32(math.Inf(-1)), 2}, nil)
	fl.Append(true) // []
	bl := b.Field(2).(*array.LargeListBuilder)
	bl.Append(true)
	bl.ValueBuilder().(*array.BinaryBuilder).AppendValues([][]byte{[]byte("a\"\n<"), {0xff}}, nil)
	bl.AppendNull()
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"é", ""}, []bool{true, false})
	b.Field(4).(*array.NullBuilder).AppendNulls(2)
	rb := b.NewRecordBatch()
	defer rb.Release()

	var out bytes.Buffer
	w := NewWriter(&out, schema)
	if err := w.Write(rb); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"i":[-9223372036854775808,1152921504606846976],"f":[0.1,"NaN","-Infinity",2],"b":["a\"\n<",{"base64":"/w=="}],"s":"é","n":null}` + "\n" +
		`{"i":null,"f":[],"b":null,"s":null,"n":null}` + "\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}

	// Read back with the same schema.
	r, err := NewReader(&out, schema, Options{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	got := r.RecordBatch()
	// NaN != NaN for RecordEqual: compare the text forms instead.
	if a, b := AppendRow(nil, got, 0), AppendRow(nil, rb, 0); !bytes.Equal(a, b) {
		t.Errorf("row 0 read back as %s, want %s", a, b)
	}
	if a, b := AppendRow(nil, got, 1), AppendRow(nil, rb, 1); !bytes.Equal(a, b) {
		t.Errorf("row 1 read back as %s, want %s", a, b)
	}
	if r.Next() || r.Err() != nil {
		t.Errorf("more batches, or error %v", r.Err())
	}
}

func TestReadErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
		{Name: "b", Type: arrow.LargeListOf(arrow.BinaryTypes.LargeBinary), Nullable: true},
	}, nil)
	tests := []struct {
		name, in, want string
		line           int64
	}{
		{"float for int", `{"i": [1.5]}`, `column "i": cannot read 1.5 as int64`, 1},
		{"int overflow", "\n" + `{"i": 9223372036854775808}`, "cannot read 9223372036854775808 as int64", 2},
		{"number for bytes", `{"b": [1]}`, `want a string or {"base64":...}, got the number 1`, 1},
		{"bad base64", `{"b": [{"base64": "!!"}]}`, "bad base64", 1},
		{"array line", `[1]`, "line 1", 1},
		{"two values", `{} {}`, "more than one JSON value", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r, err := NewReader(strings.NewReader(tt.in), schema, Options{Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			for r.Next() {
			}
			var pe *ParseError
			if !errors.As(r.Err(), &pe) || pe.Line != tt.line || !strings.Contains(pe.Error(), tt.want) {
				t.Errorf("err = %v, want line %d and %q", r.Err(), tt.line, tt.want)
			}
		})
	}
}

func TestLineTooLong(t *testing.T) {
	_, err := Infer(strings.NewReader(`{"a": "`+strings.Repeat("x", 100)+`"}`), Options{MaxLineSize: 50})
	if !errors.Is(err, ErrLineTooLong) {
		t.Errorf("err = %v, want ErrLineTooLong", err)
	}
}

// FuzzReader: inference and reading never panic, never leak, and what is
// read writes back to text that reads again to the same text.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`{"a": 1, "b": [1.5, "NaN"], "c": "x"}`,
		`{"s": {"x": [[1], null, []]}}` + "\n" + `{"s": {"y": [null]}}`,
		`{"b": {"base64": "/w=="}, "e": [[1], [2, 3]]}`,
		`{"a": [true, false]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		schema, err := Infer(bytes.NewReader(in), Options{})
		if err != nil {
			return
		}
		text := readAll(t, in, schema, mem)
		if text == nil {
			return
		}
		again := readAll(t, text, schema, mem)
		if !bytes.Equal(text, again) {
			t.Fatalf("not stable:\n%s\n%s", text, again)
		}
	})
}

// readAll reads in as schema and writes it back as JSON lines; nil if
// reading fails.
func readAll(t *testing.T, in []byte, schema *arrow.Schema, mem memory.Allocator) []byte {
	r, err := NewReader(bytes.NewReader(in), schema, Options{Allocator: mem, BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out bytes.Buffer
	w := NewWriter(&out, schema)
	for r.Next() {
		if err := w.Write(r.RecordBatch()); err != nil {
			t.Fatal(err)
		}
	}
	if r.Err() != nil {
		return nil
	}
	if err := w.Flush(); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	return out.Bytes()
}
