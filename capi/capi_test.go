//go:build cgo

package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/tensors"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

// The C ABI itself is tested from C (capi/testdata/stream_test.c) and
// Python (python/tests), which python/test.sh builds and runs; these tests
// cover the Go side of it.

func TestDecodeOptions(t *testing.T) {
	tests := []struct {
		label, json string
		want        string // error text, "" for none
		usage       bool
	}{
		{"empty", "", "", false},
		{"blank", "  ", "", false},
		{"defaults", "{}", "", false},
		{"fields", `{"batch_size": 7, "columns": ["a"], "csv": {"delimiter": ";"}}`, "", false},
		{"unknown", `{"batch_sise": 7}`, `unknown option "batch_sise"`, true},
		{"type", `{"batch_size": "7"}`, `option "batch_size": want a JSON integer, not string`, true},
		{"trailing", `{} {}`, "trailing data", true},
		{"syntax", `{`, "options:", true},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			var o tensorOptions
			err := decodeOptions(tt.json, &o)
			checkErr(t, err, tt.want, tt.usage)
		})
	}
}

func checkErr(t *testing.T, err error, want string, usage bool) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("error %v", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
	var ue *usageError
	if errors.As(err, &ue) != usage {
		t.Errorf("usage error: %v, want %v", !usage, usage)
	}
}

func TestReadOptions(t *testing.T) {
	tests := []struct {
		label, json string
		want        string
		check       func(t *testing.T, ro tfxio.ReadOptions)
	}{
		{"defaults", `{}`, "", func(t *testing.T, ro tfxio.ReadOptions) {
			if ro.BatchSize != tfxio.DefaultBatchSize || ro.Format != "" {
				t.Errorf("%+v", ro)
			}
		}},
		{"sequence", `{"record_type": "sequence_example", "format": "tfrecord"}`, "", func(t *testing.T, ro tfxio.ReadOptions) {
			if ro.RecordType != example.SequenceExample || ro.Format != tfxio.TFRecord {
				t.Errorf("%+v", ro)
			}
		}},
		{"csv", `{"csv": {"delimiter": "tab", "column_names": ["a", "b"], "infer_rows": 5}}`, "", func(t *testing.T, ro tfxio.ReadOptions) {
			if ro.CSV.Delimiter != '\t' || ro.CSV.InferRows != 5 || len(ro.CSV.ColumnNames) != 2 {
				t.Errorf("%+v", ro.CSV)
			}
		}},
		{"record type", `{"record_type": "seq"}`, `unknown record type "seq" (want example or sequence_example)`, nil},
		{"format", `{"format": "xml"}`, "xml", nil},
		{"batch", `{"batch_size": -1}`, "batch_size must be positive", nil},
		{"delimiter", `{"csv": {"delimiter": ";;"}}`, "csv.delimiter must be one character", nil},
		{"list type", `{"list_type": "fixed"}`, "unknown list_type", nil},
		{"columns empty", `{"columns": []}`, "columns is empty", nil},
		{"columns twice", `{"columns": ["a", "a"]}`, `column "a" is listed twice`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			var o readOptions
			if err := decodeOptions(tt.json, &o); err != nil {
				t.Fatal(err)
			}
			ro, err := o.tfxio(nil)
			checkErr(t, err, tt.want, true)
			if err == nil && tt.check != nil {
				tt.check(t, ro)
			}
		})
	}
}

// writeTaxi writes n synthetic taxi records and returns the file's path.
func writeTaxi(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "taxi.tfrecord")
	w, err := tfrecord.Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range synth.Taxi(n, 1) {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenColumns(t *testing.T) {
	path := writeTaxi(t, 100)
	o := readOptions{Columns: []string{"trip_seconds", "company"}, BatchSize: 30}
	r, err := openPatterns(context.Background(), []string{path}, &o, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var names []string
	for _, f := range r.Schema().Fields() {
		names = append(names, f.Name)
	}
	if diff := cmp.Diff(o.Columns, names); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	rows := int64(0)
	for r.Next() {
		rb := r.RecordBatch()
		if rb.NumCols() != 2 || !rb.Schema().Equal(r.Schema()) {
			t.Fatalf("batch schema %v", rb.Schema())
		}
		rows += rb.NumRows()
	}
	if err := r.Err(); err != nil || rows != 100 {
		t.Fatalf("%d rows, error %v", rows, err)
	}

	o.Columns = []string{"nope"}
	_, err = openPatterns(context.Background(), []string{path}, &o, nil)
	checkErr(t, err, `no column "nope" in the data (columns: "company", `, true)
	_, err = openPatterns(context.Background(), nil, &o, nil)
	checkErr(t, err, "no input files", true)
	_, err = openPatterns(context.Background(), []string{path + ".missing"}, &readOptions{}, nil)
	checkErr(t, err, "taxi.tfrecord.missing", false)
}

func TestProjectReleases(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.BinaryTypes.String}}, nil)
	var recs []arrow.RecordBatch
	for i := range 3 {
		b := array.NewRecordBuilder(mem, s)
		b.Field(0).(*array.Int64Builder).AppendValues([]int64{int64(i), int64(i + 1)}, nil)
		b.Field(1).(*array.StringBuilder).AppendValues([]string{"x", "y"}, nil)
		recs = append(recs, b.NewRecordBatch())
		b.Release()
	}
	src, err := array.NewRecordReader(s, recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		r.Release()
	}
	p, err := project(src, []string{"b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p.Next() {
		rb := p.RecordBatch()
		if rb.ColumnName(0) != "b" || rb.Column(1).(*array.Int64).Value(0) != int64(n) {
			t.Errorf("batch %d: %v", n, rb)
		}
		n++
	}
	if n != 3 {
		t.Errorf("%d batches", n)
	}
	p.Release()
}

type panicky struct{ array.RecordReader }

func (panicky) Next() bool { panic("boom") }

func TestSafeReaderRecovers(t *testing.T) {
	s := arrow.NewSchema(nil, nil)
	src, err := array.NewRecordReader(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := safe(panicky{src})
	defer r.Release()
	if r.Next() {
		t.Fatal("Next after a panic")
	}
	var pe *panicError
	if !errors.As(r.Err(), &pe) || !strings.Contains(r.Err().Error(), "panic: boom") {
		t.Fatalf("error %v", r.Err())
	}
	if status(r.Err()) != 3 {
		t.Errorf("status %d, want GOBSL_EINTERNAL", status(r.Err()))
	}
}

func TestTensorReader(t *testing.T) {
	path := writeTaxi(t, 50)
	for _, rep := range []string{"auto", "ragged"} {
		t.Run(rep, func(t *testing.T) {
			o := tensorOptions{readOptions: readOptions{BatchSize: 20, Columns: []string{"fare", "company"}}, Representation: rep}
			r, err := openPatterns(context.Background(), []string{path}, &o.readOptions, nil)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := newTensorReader(r, &o, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tr.close()
			var rows int64
			var names []string
			for {
				b, err := tr.next()
				if err != nil {
					t.Fatal(err)
				}
				if b == nil {
					break
				}
				rows += b.rows
				names = names[:0]
				for _, a := range b.arrays {
					names = append(names, a.name)
					if a.dtype != tensors.Bytes && int64(len(a.data)) != elems(a.shape)*int64(a.dtype.Size()) {
						t.Errorf("%s: %d bytes for shape %v", a.name, len(a.data), a.shape)
					}
					if a.dtype == tensors.Bytes && (len(a.offsets) != int(elems(a.shape))+1 || a.offsets[len(a.offsets)-1] != int64(len(a.data))) {
						t.Errorf("%s: offsets %v for %d bytes", a.name, a.offsets, len(a.data))
					}
				}
				b.rb.Release()
			}
			want := []string{"company.indices", "company.values", "company.dense_shape", "fare.indices", "fare.values", "fare.dense_shape"}
			if rep == "ragged" {
				want = []string{"company.values", "company.row_splits", "fare.values", "fare.row_splits"}
			}
			if diff := cmp.Diff(want, names); diff != "" {
				t.Errorf("arrays (-want +got):\n%s", diff)
			}
			if rows != 50 {
				t.Errorf("%d rows", rows)
			}
			if _, err := tr.specJSON(); err != nil {
				t.Error(err)
			}
		})
	}
}

func elems(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

func TestProtoText(t *testing.T) {
	path := writeTaxi(t, 20)
	o := inferOptions{}
	r, err := openPatterns(context.Background(), []string{path}, &o.readOptions, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	inf := o.infer(nil)
	s, err := inf.InferRecords(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := protoOutput{Output: "text"}.marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// TFX's spacing: "name: value" and "message {", whatever prototext's
	// random spacing of this build.
	if !strings.Contains(string(b), "feature {\n  name: \"company\"\n") {
		t.Errorf("text:\n%s", b)
	}
	if _, err := (protoOutput{Output: "yaml"}).marshal(s); err == nil {
		t.Error("yaml accepted")
	}
}

func TestBytesFormat(t *testing.T) {
	tb := &tensorBatch{arrays: []flatArray{
		{name: "n", dtype: tensors.Int64},
		{name: "empty", dtype: tensors.Bytes, offsets: []int64{0}},
		{name: "b", dtype: tensors.Bytes, offsets: []int64{0, 3, 3, 10, 1 << 40}},
	}}
	tests := []struct {
		name string
		i    int
		want string
	}{
		{name: "NoValues", i: 1, want: "<"},
		{name: "Lengths", i: 2, want: "<3s0s7s1099511627766s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // the second call is served from the batch
				got, err := tb.bytesFormat(tt.i)
				if err != nil || string(got) != tt.want {
					t.Errorf("bytesFormat(%d) = %q, %v; want %q", tt.i, got, err, tt.want)
				}
			}
		})
	}
	if _, err := tb.bytesFormat(0); err == nil || !strings.Contains(err.Error(), "not bytes") {
		t.Errorf("bytesFormat of an int64 array: %v", err)
	}
}

// TestBatchIndex checks the range check that gobsl_batch_array and
// gobsl_batch_bytes_format share.
func TestBatchIndex(t *testing.T) {
	tb := &tensorBatch{arrays: make([]flatArray, 3)}
	for _, tt := range []struct {
		i  int64
		ok bool
	}{{-1, false}, {0, true}, {2, true}, {3, false}, {1 << 40, false}} {
		k, err := tb.index(tt.i)
		if (err == nil) != tt.ok || (tt.ok && k != int(tt.i)) {
			t.Errorf("index(%d) = %d, %v; want ok %v", tt.i, k, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "out of range: the batch has 3") {
			t.Errorf("index(%d): %v", tt.i, err)
		}
	}
}
