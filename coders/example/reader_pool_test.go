package example

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"unsafe"

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

// taxiScanned returns 4096 taxi records and a Scanner that has seen them
// (for their Arrow schema).
func taxiScanned(t *testing.T) ([][]byte, *Scanner) {
	t.Helper()
	recs := synth.Taxi(4096, 5)
	return recs, scanned(t, recs)
}

// scanned returns a Scanner that has seen recs.
func scanned(t *testing.T, recs [][]byte) *Scanner {
	t.Helper()
	sc, err := NewScanner(DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Scan(recs); err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestBatchReaderOwnPool checks that a BatchReader with the default
// allocator recycles through a pool of its own (so that readers running in
// parallel do not trade buffers), which keeps the buffers of its released
// batches until the reader is released and then hands them to the
// process's pool; with an allocator of the caller's, there is no pool.
func TestBatchReaderOwnPool(t *testing.T) {
	recs, sc := taxiScanned(t)
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
			// With several workers, each decoder has a pool of its own
			// under the reader's, which gets the batches it made back.
			pools := []*mempool.Allocator{r.pool}
			for _, j := range r.pipe.all {
				if j.dec.pool != r.pool {
					pools = append(pools, j.dec.pool)
				}
			}
			if (workers > 1) != (len(pools) > 1) {
				t.Fatalf("%d workers, %d decoder pools", workers, len(pools)-1)
			}
			// The decoders' pools (with one worker, the reader's) hold the
			// released batches' buffers; a decoder may have made none.
			makers := pools[1:]
			if workers == 1 {
				makers = pools[:1]
			}
			kept, made := 0, 0
			for _, p := range makers {
				made += p.Kept()
			}
			if made == 0 {
				t.Fatal("the buffers of released batches did not come back to the pools of the decoders that made them")
			}
			for _, p := range pools {
				kept += p.Kept()
			}
			before := mempool.Default().Kept()
			r.Release()
			for _, p := range pools {
				if got := p.Kept(); got != 0 {
					t.Fatalf("a pool of the released reader keeps %d bytes", got)
				}
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

// TestBatchReaderArenas checks that the arenas the records are copied
// into come from the pool (they have its buffers' shape) and go back to it
// when the reader is released, with the decoders' scratch memory, so that
// the next reader starts with them instead of fresh memory. (Which buffer
// the next reader gets is the pool's choice: released batches and scratch
// go back too.)
func TestBatchReaderArenas(t *testing.T) {
	recs, sc := taxiScanned(t)
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			read := func() {
				r, err := NewBatchReader(&recSource{recs}, DecodeOptions{ArrowSchema: sc.ArrowSchema()}, ReaderOptions{BatchSize: 512, Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				for r.Next() {
				}
				if err := r.Err(); err != nil {
					t.Fatal(err)
				}
				arenas := map[*byte]bool{}
				for _, j := range r.pipe.all { // no goroutine of r runs after Next returned false
					if n := cap(j.buf); n > 0 {
						if n&(n-1) != 0 {
							t.Errorf("an arena of %d bytes: not one of the pool's", n)
						}
						arenas[unsafe.SliceData(j.buf[:1])] = true
					}
				}
				if len(arenas) == 0 {
					t.Fatal("no arena")
				}
				jobs := r.pipe.all
				r.Release()
				for _, j := range jobs {
					if j.buf != nil {
						t.Fatal("an arena was not freed by Release")
					}
					for name, c := range j.dec.ctx.byName {
						if c.offs != nil || c.valid != nil || c.i64 != nil || c.f32 != nil || c.boffs != nil || c.bdata != nil {
							t.Fatalf("column %s: scratch memory not given back by Release", name)
						}
					}
				}
			}
			read()
		})
	}
}

// TestDecoderScratchFromPool checks that a Decoder grows its scratch
// memory through its pool: once an earlier decoder has given its scratch
// back, the next one decodes its first batch of long lists (5 MB of
// records; its scratch grows from nothing) taking almost nothing from the
// Go heap (3 KB). Grown by append, the scratch took 16 MB.
func TestDecoderScratchFromPool(t *testing.T) {
	recs := synth.LongLists(1024, 9)
	sc := scanned(t, recs)
	pool := mempool.NewChild(mempool.New(), mempool.DefaultKeep)
	defer pool.Close()
	decode := func() (heap uint64) {
		d, err := DecodeOptions{ArrowSchema: sc.ArrowSchema(), Allocator: pool}.NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rb, err := d.Decode(recs)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		rb.Release()
		d.releaseScratch()
		return after.TotalAlloc - before.TotalAlloc
	}
	first := decode() // fills the pool
	var size int
	for _, r := range recs {
		size += len(r)
	}
	if first < uint64(size) {
		t.Fatalf("the first decoder took %d bytes from the Go heap for %d bytes of records: the test measures nothing", first, size)
	}
	again := decode()
	t.Logf("records %d bytes; heap taken: first %d, again %d", size, first, again)
	if again > uint64(size/20) {
		t.Fatalf("a decoder on a stocked pool took %d bytes from the Go heap for %d bytes of records (the first took %d)", again, size, first)
	}
}

// TestBatchReaderStable checks that a reader of a StableSource decodes the
// records where they are, with no arena, and that one of another source
// copies them.
func TestBatchReaderStable(t *testing.T) {
	recs, sc := taxiScanned(t)
	for _, stable := range []bool{false, true} {
		t.Run(fmt.Sprintf("stable=%v", stable), func(t *testing.T) {
			var src RecordSource = &recSource{recs}
			if stable {
				src = NewSliceSource(recs)
			}
			r, err := NewBatchReader(src, DecodeOptions{ArrowSchema: sc.ArrowSchema()}, ReaderOptions{BatchSize: 512, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			if !r.Next() {
				t.Fatal(r.Err())
			}
			j := r.pipe.all[0] // one worker: Next decoded the batch with the only job
			inPlace := unsafe.SliceData(j.recs[0]) == unsafe.SliceData(recs[0])
			if inPlace != stable || (cap(j.buf) == 0) != stable {
				t.Fatalf("stable source %v: records in place %v, arena of %d bytes", stable, inPlace, cap(j.buf))
			}
		})
	}
}
