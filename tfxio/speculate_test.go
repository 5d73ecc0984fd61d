package tfxio

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
)

// readAll reads every batch of paths; it returns them (retained), the
// reader's schema and its error.
func readAll(t *testing.T, paths []string, opts ReadOptions) ([]arrow.RecordBatch, *arrow.Schema, error) {
	t.Helper()
	r, err := Open(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out []arrow.RecordBatch
	for r.Next() {
		rb := r.RecordBatch()
		rb.Retain()
		out = append(out, rb)
	}
	return out, r.Schema(), r.Err()
}

// sameBatches fails the test unless got are the batches of the two-pass
// read, want.
func sameBatches(t *testing.T, got, want []arrow.RecordBatch) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d batches, want %d", len(got), len(want))
	}
	for i := range want {
		if !array.RecordEqual(got[i], want[i]) {
			t.Fatalf("batch %d differs from the two-pass read", i)
		}
	}
}

func release(rbs []arrow.RecordBatch) {
	for _, rb := range rbs {
		rb.Release()
	}
}

// TestSpeculativeSchema reads schemaless TFRecord input decoded with the
// schema of its first records while the whole input is scanned: where
// later records add nothing the batches are those of the two-pass read;
// where they add a column, or a kind to a column the first records left
// untyped, the read stops with a SchemaChangedError carrying the two-pass
// schema, and reading again with it gives the two-pass batches.
func TestSpeculativeSchema(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	record := func(feats map[string]*examplepb.Feature) []byte {
		b, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: feats}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	n := speculateRecords + 6000
	for _, tc := range []struct {
		name    string
		extra   map[string]*examplepb.Feature // in record at only
		at      int
		changed bool
	}{
		{"same schema", nil, 0, false},
		{"late column", map[string]*examplepb.Feature{"zz_late": synth.Int64(7)}, n - 1, true},
		{"late kind", map[string]*examplepb.Feature{"untyped": synth.Float(1.5)}, n - 1, true},
		// Found before the end: the scan stops there, without the whole
		// schema; the second read makes a first pass.
		{"column in the middle", map[string]*examplepb.Feature{"zz_mid": synth.Int64(7)}, speculateRecords + 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			recs := synth.Taxi(n, 3)
			// Every record has "untyped" with no kind: a null column,
			// unless the last record gives it one.
			for i := range recs {
				var ex examplepb.Example
				if err := proto.Unmarshal(recs[i], &ex); err != nil {
					t.Fatal(err)
				}
				ex.Features.Feature["untyped"] = &examplepb.Feature{}
				if i == tc.at {
					for k, v := range tc.extra {
						ex.Features.Feature[k] = v
					}
				}
				recs[i] = record(ex.Features.Feature)
			}
			path := filepath.Join(t.TempDir(), "in.tfrecord")
			writeTFRecord(t, path, recs)
			paths := []string{path}

			want, wantSchema, err := readAll(t, paths, ReadOptions{Allocator: mem, BatchSize: 500, Workers: 2})
			defer release(want)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := readAll(t, paths, ReadOptions{Allocator: mem, BatchSize: 500, Workers: 2, Speculate: true})
			defer func() { release(got) }()
			var changed *SchemaChangedError
			switch {
			case tc.changed && !errors.As(err, &changed):
				t.Fatalf("speculative read: got error %v, want a SchemaChangedError", err)
			case tc.changed:
				if (changed.Schema == nil) != (tc.at < n-1) {
					t.Fatalf("SchemaChangedError schema %v, for a change at record %d of %d", changed.Schema, tc.at, n)
				}
				if changed.Schema != nil && !changed.Schema.Equal(wantSchema) {
					t.Fatalf("SchemaChangedError schema\n%v\nwant the two-pass schema\n%v", changed.Schema, wantSchema)
				}
				release(got)
				got, _, err = readAll(t, paths, ReadOptions{Allocator: mem, BatchSize: 500, Workers: 2, ArrowSchema: changed.Schema})
				if err != nil {
					t.Fatal(err)
				}
			case err != nil:
				t.Fatal(err)
			}
			sameBatches(t, got, want)
		})
	}
}

// TestSpeculativeSchemaSequence: tf.SequenceExample input with a feature
// list first seen in one record. Among the first records but after the
// scan's first chunk, the provisional schema has it and the read must not
// stop (the struct column of feature lists grows chunk by chunk); in the
// last record, the read stops with the whole schema.
func TestSpeculativeSchemaSequence(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	n := speculateRecords + 3000
	for _, tc := range []struct {
		name    string
		at      int
		changed bool
	}{
		{"among the first records", speculateRecords - 10, false},
		{"in the last record", n - 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			recs := make([][]byte, n)
			for i := range recs {
				lists := map[string]*examplepb.FeatureList{
					"clicks": {Feature: []*examplepb.Feature{synth.Int64(int64(i)), synth.Int64(1, 2)}},
				}
				if i == tc.at {
					lists["rare"] = &examplepb.FeatureList{Feature: []*examplepb.Feature{synth.Float(0.5)}}
				}
				b, err := proto.Marshal(&examplepb.SequenceExample{
					// pad: 400 bytes a record, so that the scan's first
					// chunks hold far fewer records than the prefix that
					// gives the provisional schema.
					Context: &examplepb.Features{Feature: map[string]*examplepb.Feature{
						"id":  synth.Int64(int64(i)),
						"pad": synth.Bytes(make([]byte, 400)),
					}},
					FeatureLists: &examplepb.FeatureLists{FeatureList: lists},
				})
				if err != nil {
					t.Fatal(err)
				}
				recs[i] = b
			}
			path := filepath.Join(t.TempDir(), "seq.tfrecord")
			writeTFRecord(t, path, recs)
			opts := ReadOptions{Allocator: mem, BatchSize: 700, Workers: 2, RecordType: example.SequenceExample}
			want, wantSchema, err := readAll(t, []string{path}, opts)
			defer release(want)
			if err != nil {
				t.Fatal(err)
			}
			opts.Speculate = true
			got, _, err := readAll(t, []string{path}, opts)
			defer func() { release(got) }()
			var changed *SchemaChangedError
			switch {
			case !tc.changed && err != nil:
				t.Fatalf("speculative read: %v", err)
			case tc.changed && (!errors.As(err, &changed) || !changed.Schema.Equal(wantSchema)):
				t.Fatalf("speculative read: got %v, want a SchemaChangedError with the two-pass schema", err)
			case tc.changed:
				return
			}
			sameBatches(t, got, want)
		})
	}
}

// TestConvertLateColumn: Convert of schemaless input whose last record
// adds a column writes it (after one restart), from a file and from
// standard input (two passes, no restart), and reports every row.
func TestConvertLateColumn(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	dir := t.TempDir()
	late, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{
		"zz_late": synth.Int64(7),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.tfrecord")
	writeTFRecord(t, in, append(synth.Taxi(speculateRecords+1000, 4), late))
	want := int64(speculateRecords + 1001)
	for _, tc := range []struct {
		name     string
		input    string
		restarts int
	}{
		{"file", in, 1},
		{"standard input", "-", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var stdin io.Reader
			if tc.input == "-" {
				f, err := os.Open(in)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				stdin = f
			}
			out := filepath.Join(dir, tc.name+".arrow")
			var rows int64
			restarts := 0
			n, err := Convert(context.Background(), []string{tc.input}, out, ConvertOptions{
				Read:    ReadOptions{Format: TFRecord, Allocator: mem, Workers: 2, Stdin: stdin},
				Rows:    func(k int64) { rows += k },
				Restart: func() { restarts++; rows = 0 },
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != want || rows != want || restarts != tc.restarts {
				t.Errorf("%d rows written, %d reported, %d restarts; want %d, %d, %d", n, rows, restarts, want, want, tc.restarts)
			}
			got, schema, err := readAll(t, []string{out}, ReadOptions{Allocator: mem})
			defer release(got)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := schema.FieldsByName("zz_late"); !ok {
				t.Errorf("output lacks the late column: %v", schema)
			}
		})
	}
}
