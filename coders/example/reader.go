package example

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/internal/mempool"
	"github.com/gobsl/gobsl/internal/ordered"
)

// RecordSource yields serialized records, such as the payloads of a
// TFRecord file. Next returns io.EOF after the last record. The returned
// slice need only be valid until the next call: the [BatchReader] copies
// it (unless the source is a [StableSource]).
type RecordSource interface {
	Next() ([]byte, error)
}

// StableSource is a [RecordSource] whose records stay valid, and
// unchanged, until the [BatchReader] reading it is released: records held
// in memory, such as [NewSliceSource]'s. The reader then decodes them where
// they are; from any other source it copies each batch of records out of
// the source first (the source may reuse its buffer at the next call).
type StableSource interface {
	RecordSource
	// RecordsStable reports whether the records stay valid; false makes
	// the reader copy them.
	RecordsStable() bool
}

// NewSliceSource returns a [StableSource] of the given records, which
// must not change until the reader is released.
func NewSliceSource(records [][]byte) StableSource { return &sliceSource{recs: records} }

type sliceSource struct {
	recs [][]byte
	i    int
}

func (s *sliceSource) Next() ([]byte, error) {
	if s.i == len(s.recs) {
		return nil, io.EOF
	}
	s.i++
	return s.recs[s.i-1], nil
}

func (s *sliceSource) RecordsStable() bool { return true }

// ReaderOptions configures a [BatchReader]. The zero value reads batches
// of 1024 records on GOMAXPROCS goroutines.
type ReaderOptions struct {
	// BatchSize is the number of records per batch (the last batch may
	// be shorter); default 1024.
	BatchSize int

	// Workers is the number of goroutines decoding batches, the
	// caller's included (Next decodes too); default GOMAXPROCS. At most
	// 2*Workers batches are decoded or waiting at a time, besides the one
	// returned by RecordBatch. With 1, Next reads and decodes each batch
	// itself and no goroutine runs, so that a reader uses one core:
	// several single-worker readers in parallel (say, Python threads)
	// then share the cores without contention.
	Workers int

	// Context, if set, stops the reader when done: Next then returns
	// false and Err the context's error.
	Context context.Context
}

// BatchReader decodes records from a [RecordSource] into record batches
// of one fixed schema, decoding several batches in parallel and returning
// them in input order. It implements [array.RecordReader].
//
// Next decodes batches itself, on the caller's goroutine, while the batch
// it returns next is still being decoded: a reader of n workers runs n-1
// goroutines of its own, which read and decode ahead. A caller that only
// passes the batches on thus keeps all n cores decoding with no batch
// handed between goroutines, and one that does heavy work per batch gets
// n-1 cores decoding for it meanwhile.
//
// Errors are returned by Err once Next returns false; a [*RecordError]
// carries the index of the record among all records read. Release stops
// the decoding goroutines (waiting for a pending call of the source's Next
// to return), so a consumer may stop early. A reader is not safe for
// concurrent use: to stop one from another goroutine, cancel its
// ReaderOptions.Context.
type BatchReader struct {
	refs   atomic.Int64
	schema *arrow.Schema
	pool   *mempool.Allocator // the reader's own recycling pool, by default
	pull   *ordered.Puller[*decJob, arrow.RecordBatch]
	pipe   *decPipeline

	cur      arrow.RecordBatch
	err      error
	finished bool
}

var _ array.RecordReader = (*BatchReader)(nil)

// NewBatchReader returns a reader of the records in src. dec must fix the
// schema (Schema or ArrowSchema), so that all batches share it: to decode
// without a TFMD schema, collect the Arrow schema of the whole input with
// a [Scanner] first.
func NewBatchReader(src RecordSource, dec DecodeOptions, ro ReaderOptions) (*BatchReader, error) {
	var pool *mempool.Allocator
	if dec.Allocator == nil {
		pool = mempool.NewChild(mempool.Default(), mempool.DefaultKeep)
		dec.Allocator = pool
	}
	d, err := dec.NewDecoder()
	if err != nil {
		return nil, err
	}
	schema, err := d.ArrowSchema()
	if err != nil {
		return nil, errors.New("example: NewBatchReader needs a fixed schema (DecodeOptions.Schema or ArrowSchema); collect one with a Scanner first")
	}
	if ro.BatchSize < 0 || ro.Workers < 0 {
		return nil, fmt.Errorf("example: negative BatchSize %d or Workers %d", ro.BatchSize, ro.Workers)
	}
	if ro.BatchSize == 0 {
		ro.BatchSize = 1024
	}
	if ro.Workers == 0 {
		ro.Workers = runtime.GOMAXPROCS(0)
	}
	ctx := ro.Context
	if ctx == nil {
		ctx = context.Background()
	}
	r := &BatchReader{pool: pool, schema: schema}
	r.refs.Store(1)
	p := &decPipeline{src: src, size: ro.BatchSize, first: d, arenas: pool}
	if s, ok := src.(StableSource); ok && s.RecordsStable() {
		p.stable = true
	}
	if p.arenas == nil {
		p.arenas = mempool.Default()
	}
	if pool != nil && ro.Workers > 1 {
		p.jobPools = pool
	}
	first := d
	if p.jobPools != nil {
		first = p.clone()
	}
	p.idle = append(p.idle, p.newJob(first))
	r.pipe = p
	r.pull = ordered.NewPuller(ctx, ro.Workers, p.read, p.decode)
	return r, nil
}

// Retain increases the reference count.
func (r *BatchReader) Retain() { r.refs.Add(1) }

// Release decreases the reference count; at zero it stops decoding and
// releases all batches, the current one included.
func (r *BatchReader) Release() {
	n := r.refs.Add(-1)
	if n < 0 {
		panic("example: too many releases of BatchReader")
	}
	if n > 0 {
		return
	}
	r.pull.Close()
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.pipe.release() // no goroutine of the reader runs now
	if r.pool != nil {
		r.pool.Close() // its free buffers, and those of batches released later, to the process's pool
	}
}

// Schema returns the schema of every batch.
func (r *BatchReader) Schema() *arrow.Schema { return r.schema }

// Next advances to the next batch, releasing the previous one. It returns
// false at the end of the input or on error (see Err).
func (r *BatchReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.finished {
		return false
	}
	rb, err := r.pull.Next()
	if err == nil {
		r.cur = rb
		return true
	}
	r.finished = true
	if err != io.EOF {
		r.err = err
	}
	return false
}

// RecordBatch returns the current batch, valid until the next call to
// Next or Release; Retain it to keep it longer.
func (r *BatchReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record returns the current batch.
//
// Deprecated: Use [BatchReader.RecordBatch].
func (r *BatchReader) Record() arrow.RecordBatch { return r.cur }

// Err returns the error that ended the reading, or nil at the end of the
// input.
func (r *BatchReader) Err() error { return r.err }

// decPipeline reads batches of records and decodes them.
type decPipeline struct {
	src   RecordSource
	size  int
	nread int // records read so far
	hint  int // arena size for new batches
	err   error

	// stable: the source's records stay valid (a StableSource), and a
	// job holds them without copying them into its arena.
	stable bool
	first  *Decoder

	// arenas recycles the jobs' arenas through the reader's pool, so a
	// new reader's jobs start with memory that is mapped and warm instead
	// of growing fresh arenas (zeroed, and page-faulted after the runtime
	// returned the last reader's to the OS).
	arenas *mempool.Allocator

	// jobPools, when set (the reader's own pool, with several workers),
	// gives each job's decoder a child pool of its own: a batch's buffers
	// go back to the pool of the decoder that wrote them, so that a core
	// keeps writing into memory its cache holds, rather than into buffers
	// the other core wrote last (two decoders sharing one pool moved
	// their output's cache lines between the cores on every batch).
	jobPools *mempool.Allocator

	mu   sync.Mutex
	idle []*decJob // a stack: the job put back last is taken first
	all  []*decJob // every job made, to free their arenas at the end
}

// decJob is a decoder with a batch of records copied out of the source
// into its arena. ordered.Puller runs read and decode of a batch on the
// same goroutine, which puts its job back just before it reads the next batch:
// as idle jobs form a stack, it usually takes the same job again, so a
// core keeps decoding with its own decoder, arena and scratch memory,
// warm in its cache, rather than with the other core's. (A sync.Pool
// would do the same per P, but it drops its jobs at every other garbage
// collection, and with them the arenas and scratch memory that then have
// to grow again.)
type decJob struct {
	dec   *Decoder
	start int // index of the first record among all
	buf   []byte
	ends  []int
	recs  [][]byte
}

// read is the source of the Puller: it copies the next batch of records
// into the job's arena, or with a StableSource takes the records as they
// are.
func (p *decPipeline) read() (*decJob, error) {
	if p.err != nil {
		return nil, p.err
	}
	j := p.get()
	if j == nil {
		j = p.newJob(p.clone())
	}
	j.start, j.buf, j.ends, j.recs = p.nread, j.buf[:0], j.ends[:0], j.recs[:0]
	if cap(j.buf) < p.hint {
		p.grow(j, p.hint) // sized like the largest batch so far, to spare regrowth
	}
	n := 0 // records read
	for ; n < p.size; n++ {
		rec, err := p.src.Next()
		if err != nil {
			if err == io.EOF {
				p.err = io.EOF
			} else {
				p.err = fmt.Errorf("example: reading record %d: %w", p.nread, err)
			}
			break
		}
		p.nread++
		if p.stable {
			j.recs = append(j.recs, rec)
			continue
		}
		if len(j.buf)+len(rec) > cap(j.buf) {
			p.grow(j, len(j.buf)+len(rec))
		}
		j.buf = append(j.buf, rec...)
		j.ends = append(j.ends, len(j.buf))
	}
	if n == 0 {
		p.put(j)
		return nil, p.err
	}
	if p.stable {
		return j, nil
	}
	p.hint = max(p.hint, len(j.buf)+len(j.buf)/8)
	s := 0
	for _, e := range j.ends {
		j.recs = append(j.recs, j.buf[s:e:e])
		s = e
	}
	return j, nil
}

// decode is the Puller's function: it runs on the workers.
func (p *decPipeline) decode(j *decJob) (arrow.RecordBatch, error) {
	rb, err := j.dec.Decode(j.recs)
	start := j.start
	p.put(j)
	if err != nil {
		var re *RecordError
		if errors.As(err, &re) {
			return nil, &RecordError{Index: start + re.Index, Err: re.Err}
		}
		return nil, err
	}
	return rb, nil
}

// newJob makes a job around dec; its arena comes with its first batch.
func (p *decPipeline) newJob(dec *Decoder) *decJob {
	j := &decJob{dec: dec}
	p.mu.Lock()
	p.all = append(p.all, j)
	p.mu.Unlock()
	return j
}

// clone returns a decoder for a new job: with its own child of jobPools
// when set.
func (p *decPipeline) clone() *Decoder {
	if p.jobPools == nil {
		return p.first.Clone()
	}
	o := p.first.opts
	o.Allocator = mempool.NewChild(p.jobPools, mempool.DefaultKeep)
	return p.first.plan.newDecoder(o)
}

// grow gives j an arena of at least n bytes from the pool, keeping its
// contents, and frees the old one.
func (p *decPipeline) grow(j *decJob, n int) {
	nb := p.arenas.Allocate(max(n, 2*cap(j.buf), 4096))[:len(j.buf)]
	copy(nb, j.buf)
	if cap(j.buf) > 0 {
		p.arenas.Free(j.buf)
	}
	j.buf = nb
}

// release returns the jobs' arenas, and their decoders' scratch memory,
// to the pools, and closes the decoders' own pools (handing their buffers
// to the reader's), once no job runs.
func (p *decPipeline) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.all {
		if cap(j.buf) > 0 {
			p.arenas.Free(j.buf)
		}
		j.buf, j.recs = nil, nil
		j.dec.releaseScratch()
		if p.jobPools != nil {
			j.dec.pool.Close() // a child of jobPools, made by clone
		}
	}
	p.all = nil
}

func (p *decPipeline) get() *decJob {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	j := p.idle[n-1]
	p.idle = p.idle[:n-1]
	return j
}

func (p *decPipeline) put(j *decJob) {
	p.mu.Lock()
	p.idle = append(p.idle, j)
	p.mu.Unlock()
}
