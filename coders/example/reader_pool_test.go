package example

import (
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/internal/mempool"
	"github.com/gobsl/gobsl/internal/synth"
)

type recSource struct{ recs [][]byte }

func (s *recSource) Next() ([]byte, error) {
	if len(s.recs) == 0 {
		return nil, io.EOF
	}
	r := s.recs[0]
	s.recs = s.recs[1:]
	return r, nil
}

// TestBatchReaderOwnPool checks that a BatchReader with the default
// allocator recycles through a pool of its own (so that readers running in
// parallel do not trade buffers), which keeps the buffers of its released
// batches until the reader is released and then hands them to the
// process's pool; with an allocator of the caller's, there is no pool.
func TestBatchReaderOwnPool(t *testing.T) {
	recs := synth.Taxi(4096, 5)
	sc, err := NewScanner(DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Scan(recs); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			r, err := NewBatchReader(&recSource{recs}, DecodeOptions{ArrowSchema: sc.ArrowSchema()}, ReaderOptions{BatchSize: 512, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if r.pool == nil || r.pool == mempool.Default() {
				t.Fatal("the reader has no pool of its own")
			}
			n := 0
			for r.Next() {
				n += int(r.RecordBatch().NumRows())
			}
			if err := r.Err(); err != nil || n != len(recs) {
				t.Fatalf("read %d rows, err %v; want %d", n, err, len(recs))
			}
			if r.pool.Kept() == 0 {
				t.Fatal("the buffers of released batches did not come back to the reader's pool")
			}
			before, kept := mempool.Default().Kept(), r.pool.Kept()
			r.Release()
			if got := r.pool.Kept(); got != 0 {
				t.Fatalf("the released reader's pool keeps %d bytes", got)
			}
			// (Unless the process's pool is too full to keep them.)
			if before+kept <= mempool.DefaultKeep && mempool.Default().Kept() <= before {
				t.Fatal("the released reader's buffers did not go to the process's pool")
			}
		})
	}
	t.Run("caller's allocator", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r, err := NewBatchReader(&recSource{recs}, DecodeOptions{ArrowSchema: sc.ArrowSchema(), Allocator: mem}, ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		if r.pool != nil {
			t.Fatal("a reader with the caller's allocator has a pool")
		}
		for r.Next() {
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	})
}
