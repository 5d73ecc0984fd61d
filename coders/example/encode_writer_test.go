package example_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/tfrecord"
)

var _ example.RecordSink = (*tfrecord.Writer)(nil)

// collect is a RecordSink that keeps copies of the records.
type collect struct {
	recs  [][]byte
	failN int // fail the write of record failN-1; 0: never
}

func (c *collect) Write(rec []byte) error {
	if c.failN > 0 && len(c.recs) == c.failN-1 {
		return errors.New("disk full")
	}
	c.recs = append(c.recs, bytes.Clone(rec))
	return nil
}

// errReader is a RecordReader that fails after its batches.
type errReader struct {
	array.RecordReader
	err error
}

func (r *errReader) Err() error { return r.err }

// writerBatches returns batches of 0 to 40 rows, some sliced, with one
// uint64 overflow at row bad (counted across batches) when bad >= 0.
func writerBatches(t *testing.T, mem memory.Allocator, bad int) (*arrow.Schema, []arrow.RecordBatch) {
	t.Helper()
	fields := []arrow.Field{field("f", ll(f32)), field("u", u64), field("s", str)}
	var batches []arrow.RecordBatch
	row := 0
	for i := range 12 {
		n := (i * 7) % 41
		rows := "["
		for r := range n + 2 {
			if r > 0 {
				rows += ","
			}
			u := uint64(row + r - 1)
			if row+r-1 == bad {
				u = 1 << 63
			}
			rows += fmt.Sprintf(`{"f": [%d, 0.5], "u": %d, "s": "r%d"}`, r, u, row+r-1)
		}
		rb := jsonBatch(t, mem, fields, rows+"]")
		s := rb.NewSlice(1, int64(n+1)) // drop the first and last rows
		rb.Release()
		batches = append(batches, s)
		row += n
	}
	return arrow.NewSchema(fields, nil), batches
}

func TestEncodeAll(t *testing.T) {
	for _, workers := range []int{0, 1, 2, 5} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			schema, batches := writerBatches(t, mem, -1)
			opts := example.EncodeOptions{Deterministic: true}
			var want [][]byte
			for _, rb := range batches {
				recs, err := opts.EncodeBatch(rb)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, recs...)
			}
			rr, err := array.NewRecordReader(schema, batches)
			if err != nil {
				t.Fatal(err)
			}
			for _, rb := range batches {
				rb.Release() // rr holds them now
			}
			defer rr.Release()
			var sink collect
			n, err := example.EncodeAll(context.Background(), rr, opts, workers, &sink)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(len(want)) {
				t.Errorf("EncodeAll wrote %d records, want %d", n, len(want))
			}
			if diff := cmp.Diff(want, sink.recs); diff != "" {
				t.Errorf("records differ from EncodeBatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeAllErrors(t *testing.T) {
	tests := []struct {
		name    string
		bad     int   // row with a uint64 overflow, or -1
		failN   int   // sink fails on record failN-1
		readErr error // rr.Err after the batches
		cancel  bool
		wantErr string
		wantN   int64 // records written; -1: any
	}{{
		name:    "encoding error counts rows across batches",
		bad:     100,
		wantErr: `example: record 100: Error encoding feature "u": uint64 value 9223372036854775808 does not fit in int64_list`,
		wantN:   70, // the batches before the one holding row 100 (rows 70-104)
	}, {
		name:    "sink error",
		bad:     -1,
		failN:   50,
		wantErr: "example: writing record 49: disk full",
		wantN:   49,
	}, {
		name:    "reader error",
		bad:     -1,
		readErr: errors.New("bad file"),
		wantErr: "bad file",
		wantN:   -1,
	}, {
		name:    "cancelled",
		bad:     -1,
		cancel:  true,
		wantErr: "context canceled",
		wantN:   0,
	}}
	for _, tc := range tests {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", tc.name, workers), func(t *testing.T) {
				mem := newMem(t)
				defer mem.AssertSize(t, 0)
				schema, batches := writerBatches(t, mem, tc.bad)
				rr, err := array.NewRecordReader(schema, batches)
				if err != nil {
					t.Fatal(err)
				}
				for _, rb := range batches {
					rb.Release()
				}
				defer rr.Release()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tc.cancel {
					cancel()
				}
				sink := &collect{failN: tc.failN}
				n, err := example.EncodeAll(ctx, &errReader{RecordReader: rr, err: tc.readErr}, example.EncodeOptions{}, workers, sink)
				if got := errText(err); got != tc.wantErr {
					t.Errorf("error:\n got %s\nwant %s", got, tc.wantErr)
				}
				if tc.wantN >= 0 && n != tc.wantN {
					t.Errorf("wrote %d records, want %d", n, tc.wantN)
				}
				if n != int64(len(sink.recs)) {
					t.Errorf("reported %d records, sink got %d", n, len(sink.recs))
				}
			})
		}
	}
}

func TestEncodeAllBadSchema(t *testing.T) {
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{field("d", arrow.FixedWidthTypes.Date32)}, nil)
	rr, err := array.NewRecordReader(schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	_, err = example.EncodeAll(context.Background(), rr, example.EncodeOptions{}, 2, &collect{})
	const want = `example: Error encoding feature "d": Expected ListArray or LargeListArray`
	if errText(err) != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}
