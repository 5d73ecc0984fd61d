package csv

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
)

// onlyReader hides io.Seeker.
type onlyReader struct{ io.Reader }

func manyRows(n int) string {
	var b strings.Builder
	b.WriteString("i,f,s\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%d.5,s%d\n", i, i, i%7)
	}
	return b.String()
}

func TestNewReaderInference(t *testing.T) {
	input := "a,b\n1,x\n2,y\n3.5,z\n"
	tests := []struct {
		name   string
		r      io.Reader
		opts   Options
		fields []string
		err    string
	}{
		{"seekable, all rows", strings.NewReader(input), Options{}, strs("a: float", "b: bytes"), ""},
		{"not seekable, all rows", onlyReader{strings.NewReader(input)}, Options{},
			nil, "csv: NewReader: inferring types from every row reads the input twice, which needs an io.Seeker; pass a schema from Infer, Options.Schema, or set Options.InferRows"},
		{"not seekable, first rows", onlyReader{strings.NewReader(input)}, Options{InferRows: 3}, strs("a: float", "b: bytes"), ""},
		{"not seekable, first row", onlyReader{iotest.OneByteReader(strings.NewReader(input))}, Options{InferRows: 1, blockSize: 3}, strs("a: int", "b: bytes"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tt.opts.Allocator = mem
			r, err := NewReader(tt.r, nil, tt.opts)
			if errText(err) != tt.err {
				t.Fatalf("error %q, want %q", errText(err), tt.err)
			}
			if err != nil {
				return
			}
			defer r.Release()
			if diff := cmp.Diff(tt.fields, fieldsOf(r.Schema())); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			out, err := drain(t, r)
			if tt.opts.InferRows == 1 {
				// Row 3 has a float in the INT column a: an error, reading
				// again what inference read.
				if want := `csv: line 4, column "a": cannot parse "3.5" as INT`; errText(err) != want {
					t.Errorf("error %q, want %q", errText(err), want)
				}
				return
			}
			if err != nil || len(out.Rows) != 3 {
				t.Errorf("read %d rows, error %v; want 3 rows", len(out.Rows), err)
			}
		})
	}
}

func TestInferrerManyInputs(t *testing.T) {
	tests := []struct {
		name   string
		inputs []string
		opts   Options
		fields []string
		rows   int64
		err    string
	}{
		{"types merge", []string{"a,b\n1,\n", "a,b\n2.5,\n", "a,b\n3,x\n"}, Options{}, strs("a: float", "b: bytes"), 3, ""},
		{"first rows only", []string{"a,b\n1,\n2,\n", "a,b\n2.5,x\n"}, Options{InferRows: 2}, strs("a: int", "b: null"), 2, ""},
		{"rows span inputs", []string{"a,b\n1,\n", "a,b\n2.5,x\n3,y\n"}, Options{InferRows: 2}, strs("a: float", "b: bytes"), 2, ""},
		{"headers differ", []string{"a,b\n1,2\n", "a,c\n1,2\n"}, Options{}, nil, 0, "csv: the header ['a', 'c'] differs from the first input's ['a', 'b']"},
		{"a later header is still checked", []string{"a\n1\n", "b\n1\n"}, Options{InferRows: 1}, nil, 0, "csv: the header ['b'] differs from the first input's ['a']"},
		{"column names", []string{"1,2\n", "3,x\n"}, Options{ColumnNames: strs("p", "q")}, strs("p: int", "q: bytes"), 2, ""},
		{"TFMD schema: headers only", []string{"a,b\n1,2\n", "a,b\nx,y\n"}, Options{Schema: tfmd("b:FLOAT")}, strs("b: float"), 0, ""},
		{"raw record", []string{"a\n1\n"}, Options{RawRecordColumn: "r"}, strs("a: int", "r: bytes"), 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := NewInferrer(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.inputs {
				if err = in.Add(strings.NewReader(s)); err != nil {
					break
				}
			}
			if errText(err) != tt.err {
				t.Fatalf("error %q, want %q", errText(err), tt.err)
			}
			if err != nil {
				return
			}
			s, err := in.Schema()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(s)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if in.Rows() != tt.rows {
				t.Errorf("Rows() = %d, want %d", in.Rows(), tt.rows)
			}
		})
	}
}

// TestReleaseEarly stops a reader in the middle of the input: no goroutine
// and no buffer may be left behind.
func TestReleaseEarly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	input := manyRows(20000)
	schema, err := Infer(strings.NewReader(input), Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, n := range []int{0, 1, 3} {
		r, err := NewReader(strings.NewReader(input), schema, Options{Allocator: mem, BatchSize: 100, Workers: 4})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n && r.Next(); i++ {
		}
		if n == 3 {
			r.RecordBatch().Retain()
			defer r.RecordBatch().Release() // a batch outlives its reader
		}
		r.Retain()
		r.Release() // not the last reference
		r.Release()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines left, %d before", g, before)
	}
}

// TestManyBatches reads a larger input on several workers: the rows come
// back in order.
func TestManyBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 5000
	got, err := read(t, mem, manyRows(n), nil, Options{BatchSize: 64, Workers: 4, blockSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != n {
		t.Fatalf("%d rows, want %d", len(got.Rows), n)
	}
	for i, row := range got.Rows {
		want := []any{ints(int64(i)), floats(float32(i) + .5), strs(fmt.Sprintf("s%d", i%7))}
		if diff := cmp.Diff(want, row); diff != "" {
			t.Fatalf("row %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestReadError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("a\n1\n2"), iotest.ErrReader(boom))
	rr, err := NewReader(r, arrowSchema("a:int"), Options{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	out, err := drain(t, rr)
	// The cut record "2" is not taken for a whole one.
	if !errors.Is(err, boom) || len(out.Rows) != 0 {
		t.Errorf("rows %v, error %v; want no rows and boom", out.Rows, err)
	}
}

func TestParseErrorText(t *testing.T) {
	tests := []struct {
		err  ParseError
		want string
	}{
		{ParseError{StartLine: 3, Line: 3, Err: ErrQuote}, `csv: line 3: extraneous or missing " in quoted-field`},
		{ParseError{StartLine: 3, Line: 3, Column: 2, Err: ErrFieldSize}, "csv: line 3, column 2: field too large"},
		{ParseError{StartLine: 3, Line: 5, Column: 2, Name: "b", Err: ErrFieldSize}, `csv: record on line 3; line 5, column "b": field too large`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
		if !errors.Is(&tt.err, tt.err.Err) {
			t.Errorf("%v does not unwrap", tt.err)
		}
	}
}

func TestPythonRepr(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{pyStrList(strs("a", "it's", `say "hi"`, `both '"`, "tab\t", "é", "\x00")), `['a', "it's", 'say "hi"', 'both \'"', 'tab\t', 'é', '\x00']`},
		{pyBytesList([][]byte{[]byte("a"), []byte("é"), []byte(`\`), {}}), `[b'a', b'\xc3\xa9', b'\\', b'']`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}
