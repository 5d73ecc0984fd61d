package tfxio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/gobsl/gobsl/coders/csv"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// csvRows reads every batch of r as rows of printed cells.
func csvRows(t *testing.T, r array.RecordReader) ([]string, []string, error) {
	t.Helper()
	var fields, rows []string
	for _, f := range r.Schema().Fields() {
		fields = append(fields, f.Name+": "+f.Type.String())
	}
	for r.Next() {
		rb := r.RecordBatch()
		for i := 0; i < int(rb.NumRows()); i++ {
			var b bytes.Buffer
			for j, c := range rb.Columns() {
				if j > 0 {
					b.WriteString(" ")
				}
				if c.IsNull(i) || c.DataType().ID() == arrow.NULL {
					b.WriteString("null")
				} else {
					s := array.NewSlice(c, int64(i), int64(i+1))
					b.WriteString(s.String())
					s.Release()
				}
			}
			rows = append(rows, b.String())
		}
	}
	return fields, rows, r.Err()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	var data []byte
	switch ext := filepath.Ext(path); {
	case strings.HasPrefix(content, "raw:"):
		data = []byte(content[4:])
	case ext == ".gz":
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(content))
		w.Close()
		data = b.Bytes()
	case ext == ".zst":
		w, _ := zstd.NewWriter(nil)
		data = w.EncodeAll([]byte(content), nil)
	default:
		data = []byte(content)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCSV(t *testing.T) {
	const (
		L = "large_list<item: int64, nullable>"
		F = "large_list<item: float32, nullable>"
		B = "large_list<item: large_binary, nullable>"
	)
	name, typ := "b", metadatapb.FeatureType_FLOAT
	nameA, typA := "a", metadatapb.FeatureType_BYTES
	schema := &metadatapb.Schema{Feature: []*metadatapb.Feature{{Name: &name, Type: &typ}, {Name: &nameA, Type: &typA}}}
	tests := []struct {
		name   string
		files  map[string]string // name -> content
		inputs []string          // patterns, relative to the directory
		opts   ReadOptions
		fields []string
		rows   []string
		err    string // the error, with DIR for the directory
	}{
		{
			name:   "types inferred over all files",
			files:  map[string]string{"1.csv": "a,b\n1,2\n", "2.csv": "a,b\n3,2.5\n,x\n"},
			inputs: []string{"1.csv", "2.csv"},
			fields: []string{"a: " + L, "b: " + B},
			rows:   []string{`[[1]] [["2"]]`, `[[3]] [["2.5"]]`, `null [["x"]]`},
		},
		{
			name:   "directory, tsv, gzip and zstd",
			files:  map[string]string{"d/1.tsv.gz": "a\tb\n1\t2,5\n", "d/2.tsv.zst": "a\tb\n2\tx\n", "d/3.tsv": "a\tb\n3\t\n"},
			inputs: []string{"d/"},
			fields: []string{"a: " + L, "b: " + B},
			rows:   []string{`[[1]] [["2,5"]]`, `[[2]] [["x"]]`, `[[3]] null`},
		},
		{
			name:   "TFMD schema",
			files:  map[string]string{"1.csv": "a,b,c\n1,2,3\n", "2.csv": "a,b,c\nx,2.5,y\n"},
			inputs: []string{"*.csv"},
			opts:   ReadOptions{Schema: schema},
			fields: []string{"a: " + B, "b: " + F},
			rows:   []string{`[["1"]] [[2]]`, `[["x"]] [[2.5]]`},
		},
		{
			name:   "column names, no headers; raw records; batch size",
			files:  map[string]string{"1.csv": "1,2\n\n3,4\n"},
			inputs: []string{"1.csv"},
			opts:   ReadOptions{BatchSize: 1, CSV: CSVOptions{ColumnNames: []string{"x", "y"}, RawRecordColumn: "raw", KeepBlankLines: true}},
			fields: []string{"x: " + L, "y: " + L, "raw: " + B},
			rows:   []string{`[[1]] [[2]] [["1,2"]]`, `null null [[""]]`, `[[3]] [[4]] [["3,4"]]`},
		},
		{
			name:   "inference from the first rows of the first files",
			files:  map[string]string{"1.csv": "a\n1\n", "2.csv": "a\n2\n3\n", "3.csv": "a\nx\n"},
			inputs: []string{"1.csv", "2.csv", "3.csv"},
			opts:   ReadOptions{CSV: CSVOptions{InferRows: 2}},
			err:    `tfxio: DIR/3.csv: csv: line 2, column "a": cannot parse "x" as INT`,
		},
		{
			name:   "multivalent, semicolons",
			files:  map[string]string{"1.csv": "a;b\n1|2;x\n"},
			inputs: []string{"1.csv"},
			opts:   ReadOptions{CSV: CSVOptions{Delimiter: ';', MultivalentColumns: []string{"a"}, SecondaryDelimiter: '|'}},
			fields: []string{"a: " + L, "b: " + B},
			rows:   []string{`[[1 2]] [["x"]]`},
		},
		{
			name:   "headers differ",
			files:  map[string]string{"1.csv": "a,b\n1,2\n", "2.csv": "a,c\n1,2\n"},
			inputs: []string{"1.csv", "2.csv"},
			err:    "tfxio: DIR/2.csv: csv: the header ['a', 'c'] differs from the first input's ['a', 'b']",
		},
		{
			name:   "headers differ with a TFMD schema",
			files:  map[string]string{"1.csv": "a,b\n1,2\n", "2.csv": "b,a\n1,2\n"},
			inputs: []string{"1.csv", "2.csv"},
			opts:   ReadOptions{Schema: schema},
			err:    `tfxio: DIR/2.csv: csv: the header ["b" "a"] differs from DIR/1.csv's ["a" "b"]`,
		},
		{
			name:   "a bad cell names file, line and column",
			files:  map[string]string{"1.csv": "a,b\n1,2\n", "2.csv": "a,b\n1,2\n\n\"x\ny\",z\n"},
			inputs: []string{"1.csv", "2.csv"},
			opts:   ReadOptions{Schema: schema},
			err:    `tfxio: DIR/2.csv: csv: record on line 4; line 5, column "b": cannot parse "z" as FLOAT`,
		},
		{
			name:   "a row of the wrong width during inference",
			files:  map[string]string{"1.csv": "a,b\n1,2\n3\n"},
			inputs: []string{"1.csv"},
			err:    "tfxio: DIR/1.csv: csv: line 3: Columns do not match specified csv headers: ['a', 'b'] -> [b'3']",
		},
		{
			name:   "mixed delimiters",
			files:  map[string]string{"1.csv": "a\n", "2.tsv": "a\n"},
			inputs: []string{"1.csv", "2.tsv"},
			err:    `tfxio: inputs mix delimiters: DIR/1.csv is separated by ',', DIR/2.tsv by '\t'; set the delimiter`,
		},
		{
			name:   "not gzip",
			files:  map[string]string{"1.csv.gz": "raw:a,b,c\n1,2,3\n"},
			inputs: []string{"1.csv.gz"},
			err:    "tfxio: DIR/1.csv.gz: gzip: invalid header",
		},
		{
			name:   "empty file",
			files:  map[string]string{"1.csv": ""},
			inputs: []string{"1.csv"},
			err:    "tfxio: DIR/1.csv: csv: no header line: the input is empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			for name, content := range tt.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
				writeFile(t, filepath.Join(dir, name), content)
			}
			var inputs []string
			for _, in := range tt.inputs {
				inputs = append(inputs, filepath.Join(dir, in))
			}
			tt.opts.Allocator = mem
			r, err := Open(context.Background(), inputs, tt.opts)
			var fields, rows []string
			if err == nil {
				fields, rows, err = csvRows(t, r)
				r.Release()
			}
			want := strings.ReplaceAll(tt.err, "DIR", dir)
			if got := fmt.Sprint(err); err != nil && got != want || err == nil && want != "" {
				t.Fatalf("error %v, want %s", err, want)
			}
			if err != nil {
				if !errors.As(err, new(*csv.ParseError)) && tt.name == "a bad cell names file, line and column" {
					t.Errorf("%v is not a *csv.ParseError", err)
				}
				return
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.rows, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectCSV(t *testing.T) {
	for _, name := range []string{"a.csv", "A.CSV", "a.tsv", "data.csv.gz", "x/y.tsv.zst", "d.csv.zz"} {
		if f, err := DetectFormat(name); err != nil || f != CSV {
			t.Errorf("DetectFormat(%q) = %v, %v; want csv", name, f, err)
		}
		if !IsCSVName(name) {
			t.Errorf("IsCSVName(%q) = false", name)
		}
	}
	for _, name := range []string{"data_tfrecord-00000-of-00001.gz", "a.csv.arrow", "csv.gz", "a.csv/b"} {
		if f, _ := DetectFormat(name); f == CSV {
			t.Errorf("DetectFormat(%q) = csv", name)
		}
		if IsCSVName(name) {
			t.Errorf("IsCSVName(%q) = true", name)
		}
	}
	for _, s := range []string{"csv", "CSV", "tsv"} {
		if f, err := ParseFormat(s); err != nil || f != CSV {
			t.Errorf("ParseFormat(%q) = %v, %v", s, f, err)
		}
	}
}
