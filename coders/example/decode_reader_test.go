package example_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
)

// decSource yields records through one reused buffer, so a reader that
// kept the slices would see them change.
type decSource struct {
	recs [][]byte
	i    int
	buf  []byte
	err  error // returned instead of io.EOF at the end
}

func (s *decSource) Next() ([]byte, error) {
	if s.i == len(s.recs) {
		if s.err != nil {
			return nil, s.err
		}
		return nil, io.EOF
	}
	s.buf = append(s.buf[:0], s.recs[s.i]...)
	s.i++
	return s.buf, nil
}

// decWaitGoroutines waits for the goroutine count to fall to n.
func decWaitGoroutines(t *testing.T, n int) {
	t.Helper()
	for range 200 {
		if runtime.NumGoroutine() <= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
}

func TestBatchReader(t *testing.T) {
	recs := synth.Taxi(1000, 31)
	for _, tc := range []struct {
		size, workers int
		stable        bool // records from a StableSource, decoded where they are
	}{{1000, 1, false}, {100, 1, false}, {64, 2, false}, {7, 4, false}, {0, 0, false}, {100, 1, true}, {7, 4, true}} {
		t.Run(fmt.Sprintf("size=%d workers=%d stable=%v", tc.size, tc.workers, tc.stable), func(t *testing.T) {
			g := runtime.NumGoroutine()
			defer decWaitGoroutines(t, g)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			sc, err := example.NewScanner(example.DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sc.Scan(recs); err != nil {
				t.Fatal(err)
			}
			o := example.DecodeOptions{ArrowSchema: sc.ArrowSchema(), Allocator: mem}
			whole, err := decDecodeFast(o, recs)
			if err != nil {
				t.Fatal(err)
			}
			defer whole.Release()

			var src example.RecordSource = &decSource{recs: recs}
			if tc.stable {
				src = example.NewSliceSource(recs)
			}
			r, err := example.NewBatchReader(src, o, example.ReaderOptions{BatchSize: tc.size, Workers: tc.workers})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			var parts []arrow.RecordBatch
			for r.Next() {
				b := r.RecordBatch()
				if size := max(tc.size, 1024); b.NumRows() > int64(size) {
					t.Errorf("batch of %d rows, want at most %d", b.NumRows(), size)
				}
				b.Retain()
				defer b.Release()
				parts = append(parts, b)
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			got := decConcat(t, mem, r.Schema(), parts)
			defer got.Release()
			if diff := decDiffBatches(whole, got); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

func TestBatchReaderErrors(t *testing.T) {
	schema := decSmallSchema(t)
	good := synth.Taxi(100, 32)
	bad := append(append(append([][]byte{}, good[:57]...), []byte{0x0a, 0x05}), good[57:]...)
	srcErr := errors.New("disk on fire")
	for _, tc := range []struct {
		name     string
		src      *decSource
		wantRows int64
		wantErr  string
		wantIdx  int
	}{
		{"bad record", &decSource{recs: bad}, 50, "example: record 57: Unable to parse example.", 57},
		{"source error", &decSource{recs: good[:75], err: srcErr}, 75, "example: reading record 75: disk on fire", -1},
	} {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", tc.name, workers), func(t *testing.T) {
				g := runtime.NumGoroutine()
				defer decWaitGoroutines(t, g)
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				tc.src.i = 0
				r, err := example.NewBatchReader(tc.src, example.DecodeOptions{Schema: schema, Allocator: mem}, example.ReaderOptions{BatchSize: 10, Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				defer r.Release()
				var rows int64
				for r.Next() {
					rows += r.RecordBatch().NumRows()
				}
				if rows != tc.wantRows {
					t.Errorf("read %d rows before the error, want %d", rows, tc.wantRows)
				}
				err = r.Err()
				if decErrText(err) != tc.wantErr {
					t.Fatalf("Err() = %v, want %s", err, tc.wantErr)
				}
				var re *example.RecordError
				if tc.wantIdx >= 0 && (!errors.As(err, &re) || re.Index != tc.wantIdx) {
					t.Fatalf("Err() = %#v, want a *RecordError with Index %d", err, tc.wantIdx)
				}
				if tc.wantIdx < 0 && !errors.Is(err, srcErr) {
					t.Fatalf("Err() = %v does not wrap the source's error", err)
				}
				if r.Next() {
					t.Fatal("Next after the end returned true")
				}
			})
		}
	}
}

// Releasing the reader before the end stops the pipeline without leaks.
func TestBatchReaderEarlyRelease(t *testing.T) {
	recs := synth.Taxi(2000, 33)
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			g := runtime.NumGoroutine()
			defer decWaitGoroutines(t, g)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r, err := example.NewBatchReader(&decSource{recs: recs}, example.DecodeOptions{Schema: decSmallSchema(t), Allocator: mem}, example.ReaderOptions{BatchSize: 50, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			r.Retain()
			r.Release() // still one reference
			if !r.Next() || !r.Next() {
				t.Fatal(r.Err())
			}
			r.Release()
		})
	}
}

func TestBatchReaderContext(t *testing.T) {
	g := runtime.NumGoroutine()
	defer decWaitGoroutines(t, g)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	r, err := example.NewBatchReader(&decSource{recs: synth.Taxi(1000, 34)}, example.DecodeOptions{Schema: decSmallSchema(t), Allocator: mem}, example.ReaderOptions{BatchSize: 10, Workers: 2, Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	cancel()
	for r.Next() {
	}
	if !errors.Is(r.Err(), context.Canceled) {
		t.Fatalf("Err() = %v, want context.Canceled", r.Err())
	}
}

func TestBatchReaderNeedsSchema(t *testing.T) {
	_, err := example.NewBatchReader(&decSource{}, example.DecodeOptions{}, example.ReaderOptions{})
	const want = "example: NewBatchReader needs a fixed schema (DecodeOptions.Schema or ArrowSchema); collect one with a Scanner first"
	if decErrText(err) != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if _, err := example.NewBatchReader(&decSource{}, example.DecodeOptions{Schema: decSmallSchema(t)}, example.ReaderOptions{BatchSize: -1}); err == nil {
		t.Fatal("accepted BatchSize -1")
	}
}
