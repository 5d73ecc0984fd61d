package tfxio

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tfrecord"
)

func writeTFRecord(t *testing.T, path string, recs [][]byte) {
	t.Helper()
	w, err := tfrecord.Create(path, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func readTFRecord(t *testing.T, path string) [][]byte {
	t.Helper()
	r, err := tfrecord.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out [][]byte
	for {
		rec, err := r.Next()
		if err != nil {
			if err.Error() == "EOF" {
				return out
			}
			t.Fatal(err)
		}
		out = append(out, append([]byte(nil), rec...))
	}
}

// convert copies the files matching in to out through tfxio.
func convert(t *testing.T, mem memory.Allocator, in []string, out string, ro ReadOptions, wo WriteOptions) (int64, error) {
	t.Helper()
	ro.Allocator, wo.Allocator = mem, mem
	r, err := Open(context.Background(), in, ro)
	if err != nil {
		return 0, err
	}
	defer r.Release()
	return WriteAll(context.Background(), out, r, wo)
}

// sameMeaning compares records as parsed messages, unknown fields dropped
// (Arrow has no place for them), where a missing feature
// and a feature with no kind are the same (both are a null cell in Arrow).
// lossy says what a format cannot keep, so the comparison ignores it.
type lossy struct {
	nanPayloads  bool // JSON has one NaN
	untypedLists bool // a TFMD schema cannot name a feature list that never has a kind
}

func sameMeaning(t *testing.T, rt example.RecordType, want, got [][]byte, loses ...lossy) {
	var l lossy
	if len(loses) > 0 {
		l = loses[0]
	}
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	norm := func(b []byte) proto.Message {
		if rt == example.SequenceExample {
			m := new(examplepb.SequenceExample)
			if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, m); err != nil {
				t.Fatal(err)
			}
			dropUnset(m.GetContext().GetFeature())
			if len(m.GetContext().GetFeature()) == 0 {
				m.Context = nil
			}
			for k, fl := range m.GetFeatureLists().GetFeatureList() {
				typed := false
				for _, f := range fl.GetFeature() {
					typed = typed || f.GetKind() != nil
					if l.nanPayloads {
						canonicalNaN(f)
					}
				}
				if l.untypedLists && !typed {
					delete(m.FeatureLists.FeatureList, k)
				}
			}
			if l.nanPayloads {
				for _, f := range m.GetContext().GetFeature() {
					canonicalNaN(f)
				}
			}
			if fl := m.GetFeatureLists(); fl != nil && len(fl.FeatureList) == 0 {
				m.FeatureLists = nil
			}
			return m
		}
		m := new(examplepb.Example)
		if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, m); err != nil {
			t.Fatal(err)
		}
		dropUnset(m.GetFeatures().GetFeature())
		if l.nanPayloads {
			for _, f := range m.GetFeatures().GetFeature() {
				canonicalNaN(f)
			}
		}
		if len(m.GetFeatures().GetFeature()) == 0 {
			m.Features = nil // no features and an empty features map mean the same
		}
		return m
	}
	det := proto.MarshalOptions{Deterministic: true}
	for i := range want {
		w, g := norm(want[i]), norm(got[i])
		wb, err1 := det.Marshal(w)
		gb, err2 := det.Marshal(g)
		if err1 == nil && err2 == nil && string(wb) == string(gb) {
			continue // bit-identical meaning; cmp below only explains a difference
		}
		if diff := cmp.Diff(w, g, protocmp.Transform(), floatBits); diff != "" {
			t.Fatalf("record %d differs (-want +got):\n%s", i, diff)
		}
	}
}

// floatBits compares floats bit for bit: NaN payloads and -0 must survive.
var floatBits = cmp.Comparer(func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) })

func canonicalNaN(f *examplepb.Feature) {
	for i, v := range f.GetFloatList().GetValue() {
		if v != v {
			f.GetFloatList().Value[i] = float32(math.NaN())
		}
	}
}

func dropUnset(m map[string]*examplepb.Feature) {
	for k, f := range m {
		if f.GetKind() == nil {
			delete(m, k)
		}
	}
}

func TestRoundTripThroughArrow(t *testing.T) {
	tests := []struct {
		name string
		rt   example.RecordType
		recs [][]byte
		ext  string // Arrow file or stream
	}{
		{"taxi/arrow", example.Example, synth.Taxi(3000, 1), ".arrow"},
		{"taxi/arrows", example.Example, synth.Taxi(500, 2), ".arrows"},
		{"longlists", example.Example, synth.LongLists(40, 3), ".arrow"},
		{"taxi/parquet", example.Example, synth.Taxi(2500, 8), ".parquet"},
		{"longlists/parquet", example.Example, synth.LongLists(40, 9), ".parquet"},
		{"edge/parquet", example.Example, synth.Edge(), ".parquet"},
		{"sequence/parquet", example.SequenceExample, synth.Sequence(300, 10), ".parquet"},
		{"edge", example.Example, synth.Edge(), ".arrow"},
		{"sequence", example.SequenceExample, synth.Sequence(700, 4), ".arrow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			in := filepath.Join(dir, "in.tfrecord.gz")
			writeTFRecord(t, in, tt.recs)
			mid := filepath.Join(dir, "mid"+tt.ext)
			back := filepath.Join(dir, "back.tfrecord.zst")
			opts := ReadOptions{RecordType: tt.rt, BatchSize: 256}
			n, err := convert(t, mem, []string{in}, mid, opts, WriteOptions{RecordType: tt.rt})
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(len(tt.recs)) {
				t.Fatalf("converted %d rows, want %d", n, len(tt.recs))
			}
			if _, err := convert(t, mem, []string{mid}, back, opts, WriteOptions{RecordType: tt.rt}); err != nil {
				t.Fatal(err)
			}
			sameMeaning(t, tt.rt, tt.recs, readTFRecord(t, back))
		})
	}
}

// TestSchemalessUnionAcrossFiles: a feature first seen in the last record
// of the second file must be a column of the whole output.
func TestSchemalessUnionAcrossFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	a := synth.Taxi(100, 5)
	late, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{
		"zz_late": synth.Int64(7),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	writeTFRecord(t, filepath.Join(dir, "part-0.tfrecord"), a)
	writeTFRecord(t, filepath.Join(dir, "part-1.tfrecord"), append(synth.Taxi(100, 6), late))
	out := filepath.Join(dir, "out.arrow")
	if _, err := convert(t, mem, []string{filepath.Join(dir, "part-*.tfrecord")}, out, ReadOptions{BatchSize: 64}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), []string{out}, ReadOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if _, ok := r.Schema().FieldsByName("zz_late"); !ok {
		t.Fatalf("schema lacks the late feature: %v", r.Schema())
	}
	rows, lateValues := int64(0), 0
	for r.Next() {
		rb := r.RecordBatch()
		col := rb.Column(rb.Schema().FieldIndices("zz_late")[0]).(*array.LargeList)
		for i := 0; i < col.Len(); i++ {
			if col.IsValid(i) {
				lateValues++
			}
		}
		rows += rb.NumRows()
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if rows != 201 || lateValues != 1 {
		t.Errorf("rows %d (want 201), late values %d (want 1)", rows, lateValues)
	}
}

// TestDecodeErrorNamesPosition: a record that is not a tf.Example fails
// the read with the file, record index and byte offset.
func TestDecodeErrorNamesPosition(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	recs := synth.Taxi(50, 1)
	recs[37] = []byte{0x0a, 0x05} // truncated Features: "Unable to parse example."
	writeTFRecord(t, filepath.Join(dir, "a.tfrecord"), synth.Taxi(10, 2))
	bad := filepath.Join(dir, "b.tfrecord")
	writeTFRecord(t, bad, recs)
	var off int64
	for _, r := range recs[:37] {
		off += int64(len(r)) + 16
	}
	for _, tc := range []struct {
		schemaless bool
		workers    int // 1: the scanning pass runs on one goroutine; 2: pipelined
	}{{true, 1}, {true, 2}, {false, 1}, {false, 2}} {
		schemaless := tc.schemaless
		opts := ReadOptions{Allocator: mem, BatchSize: 8, Workers: tc.workers}
		if !schemaless {
			// With a schema there is no scanning pass: the error comes
			// from the parallel decoder.
			opts.Schema = &metadatapb.Schema{Feature: []*metadatapb.Feature{{
				Name: proto.String("company"), Type: metadatapb.FeatureType_BYTES.Enum(),
			}}}
		}
		r, err := Open(context.Background(), []string{filepath.Join(dir, "*.tfrecord")}, opts)
		if err == nil {
			for r.Next() {
			}
			err = r.Err()
			r.Release()
		}
		var re *RecordError
		if !errors.As(err, &re) {
			t.Fatalf("err = %v, want a *RecordError", err)
		}
		if re.Path != bad || re.Record != 37 || re.Offset != off {
			t.Errorf("error at %s record %d offset %d, want %s record 37 offset %d", re.Path, re.Record, re.Offset, bad, off)
		}
		if !strings.Contains(err.Error(), "Unable to parse example.") {
			t.Errorf("error %q lacks tfx-bsl's text", err)
		}
	}
}

// TestScanErrorBeyondFirstChunk: the schemaless first pass reads records
// in chunks of 256 KiB; a bad record far past the first chunk is still
// reported at its own index and offset, on one goroutine and pipelined.
func TestScanErrorBeyondFirstChunk(t *testing.T) {
	dir := t.TempDir()
	recs := synth.Taxi(2000, 3)
	const badAt = 1900 // about 0.9 MB in: several chunks
	recs[badAt] = []byte{0x0a, 0x05}
	path := filepath.Join(dir, "big.tfrecord")
	writeTFRecord(t, path, recs)
	var off int64
	for _, r := range recs[:badAt] {
		off += int64(len(r)) + 16
	}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			_, err := Open(context.Background(), []string{path}, ReadOptions{Workers: workers})
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *RecordError", err)
			}
			if re.Path != path || re.Record != badAt || re.Offset != off {
				t.Errorf("error at %s record %d offset %d, want %s record %d offset %d", re.Path, re.Record, re.Offset, path, badAt, off)
			}
		})
	}
}

func TestOutputAppearsOnlyWhenComplete(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	recs := synth.Taxi(50, 1)
	recs[40] = []byte{0x0a, 0x05}
	in := filepath.Join(dir, "in.tfrecord")
	writeTFRecord(t, in, recs)
	// Without a schema the first pass finds the bad record before any
	// output exists; with the Arrow schema of the good records, writing
	// fails after five batches and the output must be aborted.
	good := filepath.Join(t.TempDir(), "good.tfrecord")
	writeTFRecord(t, good, recs[:40])
	r, err := Open(context.Background(), []string{good}, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	schema := r.Schema()
	r.Release()
	for _, ro := range []ReadOptions{{BatchSize: 8}, {BatchSize: 8, ArrowSchema: schema}} {
		for _, out := range []string{"out.arrow", "out.arrows", "out.tfrecord.gz"} {
			if _, err := convert(t, mem, []string{in}, filepath.Join(dir, out), ro, WriteOptions{}); err == nil {
				t.Fatalf("%s: conversion of a bad record succeeded", out)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only in.tfrecord", names)
	}
}

func TestShardedOutput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	recs := synth.Taxi(101, 1)
	in := filepath.Join(dir, "in.tfrecord")
	writeTFRecord(t, in, recs)
	if _, err := convert(t, mem, []string{in}, filepath.Join(dir, "out.tfrecord.gz"), ReadOptions{}, WriteOptions{Shards: 4}); err != nil {
		t.Fatal(err)
	}
	var all [][]byte
	for i := range 4 {
		p := filepath.Join(dir, "out.tfrecord-0000"+string(rune('0'+i))+"-of-00004.gz")
		got := readTFRecord(t, p)
		if len(got) < 25 || len(got) > 26 {
			t.Errorf("%s holds %d records, want 25 or 26", p, len(got))
		}
		all = append(all, got...)
	}
	if len(all) != len(recs) {
		t.Errorf("shards hold %d records, want %d", len(all), len(recs))
	}
	// The shard pattern reads them all back.
	r, err := Open(context.Background(), []string{filepath.Join(dir, "out.tfrecord-?????-of-00004.gz")}, ReadOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var rows int64
	for r.Next() {
		rows += r.RecordBatch().NumRows()
	}
	if err := r.Err(); err != nil || rows != 101 {
		t.Errorf("read back %d rows, err %v", rows, err)
	}
}

func TestDetectFormatByContent(t *testing.T) {
	dir := t.TempDir()
	files := map[string]struct {
		content []byte
		want    Format
	}{
		"stats_tfrecord": {tfrecord.AppendRecord(nil, []byte("x")), TFRecord},
		"gz_noext":       {[]byte{0x1f, 0x8b, 8, 0}, TFRecord},
		"pq_noext":       {[]byte("PAR1...."), Parquet},
		"arrow_noext":    {[]byte("ARROW1\x00\x00"), Arrow},
		"stream_noext":   {[]byte{0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0}, ArrowStream},
		"json_noext":     {[]byte("  {\"a\": 1}\n"), JSONL},
	}
	for name, f := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, f.content, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := DetectFormat(p); got != f.want || err != nil {
			t.Errorf("DetectFormat(%s) = %q, %v; want %q", name, got, err, f.want)
		}
	}
	p := filepath.Join(dir, "junk")
	if err := os.WriteFile(p, []byte("hello world, not a format"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := DetectFormat(p); err == nil {
		t.Error("DetectFormat(junk) succeeded")
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		path string
		want Format
		err  bool
	}{
		{"a.tfrecord", TFRecord, false},
		{"a.tfrecords", TFRecord, false},
		{"data_tfrecord-00000-of-00001.gz", TFRecord, false},
		{"x.tfrecord.zst", TFRecord, false},
		{"train.tfrecord-00001-of-00010", TFRecord, false},
		{"t.arrow", Arrow, false},
		{"t.feather", Arrow, false},
		{"t.arrows", ArrowStream, false},
		{"t.parquet", Parquet, false},
		{"README", "", true},
		{"t.xlsx", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := DetectFormat(tt.path)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("DetectFormat(%q) = %q, %v; want %q (error %v)", tt.path, got, err, tt.want, tt.err)
			}
		})
	}
}

var _ arrow.RecordBatch // keep the import for helpers above
