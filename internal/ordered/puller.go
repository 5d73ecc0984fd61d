package ordered

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
)

// Puller is a [Map] that its consumer drives: each call to Next returns
// the next result in input order. The consumer's goroutine works too:
// while the result it needs is still being made, Next reads and
// transforms further items itself, so a Puller of n workers runs n-1
// goroutines besides it.
//
// That spares the hand-overs of Map, whose results go from a worker to
// the sink's goroutine and on through a channel: when the consumer does
// little per result (it passes batches on), a Puller of two workers on
// two cores has two goroutines for two cores, each reading and
// transforming its own items, and neither waits for the other as long as
// the results come in about the same time. With one worker, Next reads
// and transforms each item itself and no goroutine runs.
//
// Next and Close must not be called concurrently.
type Puller[T, U any] struct {
	ctx   context.Context
	src   func() (T, error)
	fn    func(T) (U, error)
	bound int // items read and not yet returned by Next, at most

	mu      sync.Mutex
	cond    sync.Cond // signalled on every change of the fields below
	slots   []slot[U] // item i is in slots[i%bound]
	next    int       // index of the item src returns next
	want    int       // index of the result Next returns next
	reading bool      // a goroutine is in src
	srcEnd  bool      // src returned an error: no item from next on
	srcErr  error     // that error, nil for io.EOF
	failed  bool      // fn failed on some item: read no more
	stop    error     // Next returns it: cancellation, Close or a failed item

	wg      sync.WaitGroup
	stopCtx func() bool
}

type slot[U any] struct {
	done bool
	out  U
	err  error
}

// errClosed is returned by Next after Close.
var errClosed = errors.New("ordered: Puller closed")

// NewPuller returns a Puller that reads items from src until it returns
// io.EOF and applies fn to each, on up to workers goroutines counting the
// consumer's (GOMAXPROCS when workers <= 0). At most 2*workers items are
// read and not yet returned, so memory stays bounded. The background
// goroutines start reading at once.
//
// src is never called concurrently with itself. Every item src returns is
// passed to fn, even after an error or cancellation, so fn can release
// it; results that Next does not return are released if they have a
// Release method. A panic in src or fn becomes an error wrapping
// [ErrPanic]. When ctx is done, Next returns its cause.
func NewPuller[T, U any](ctx context.Context, workers int, src func() (T, error), fn func(T) (U, error)) *Puller[T, U] {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &Puller[T, U]{ctx: ctx, src: src, fn: fn, bound: 2 * workers}
	p.cond.L = &p.mu
	p.slots = make([]slot[U], p.bound)
	p.stopCtx = context.AfterFunc(ctx, func() { // to wake waiting goroutines
		p.mu.Lock()
		p.halt(context.Cause(ctx))
		p.mu.Unlock()
	})
	for range workers - 1 {
		p.wg.Go(p.work)
	}
	return p
}

// Next returns the next result in input order, io.EOF after the last one,
// or the error that ended the run: src's, the first of fn's (after the
// results of the items before it), ctx's cause or, after Close, an error.
// After an error every call returns it again.
func (p *Puller[T, U]) Next() (U, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var zero U
	if p.ctx.Err() != nil {
		p.halt(context.Cause(p.ctx))
	}
	for {
		if p.stop != nil {
			return zero, p.stop
		}
		if p.want < p.next {
			if s := &p.slots[p.want%p.bound]; s.done {
				out, err := s.out, s.err
				*s = slot[U]{}
				p.want++
				if err != nil {
					p.halt(err)
					return zero, err
				}
				p.cond.Broadcast() // room for another item
				return out, nil
			}
		} else if p.srcEnd {
			if p.srcErr != nil {
				p.halt(p.srcErr)
				return zero, p.srcErr
			}
			return zero, io.EOF
		}
		// The result is being made elsewhere, or its item is still to
		// read: make one here rather than wait.
		if !p.run(false) {
			p.cond.Wait()
		}
	}
}

// Close stops the background goroutines, waiting for a pending call of src
// or fn to return, and releases the results that Next has not returned.
func (p *Puller[T, U]) Close() {
	p.stopCtx()
	p.mu.Lock()
	p.halt(errClosed)
	p.mu.Unlock()
	p.wg.Wait()
	for i := range p.slots {
		if s := &p.slots[i]; s.done && s.err == nil {
			release(s.out)
		}
		p.slots[i] = slot[U]{}
	}
}

// work is a background goroutine: it reads and transforms items until
// the input ends or the run stops.
func (p *Puller[T, U]) work() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.run(true) {
	}
}

// run reads an item and transforms it, with p.mu held (and released
// meanwhile), and reports whether it called src. When the item may not
// be read yet -- 2*workers items are waiting for Next, or another
// goroutine is in src -- it waits if wait is set and else returns false
// at once. It returns false when no item will be read any more.
func (p *Puller[T, U]) run(wait bool) bool {
	for {
		if p.stop != nil || p.srcEnd || p.failed {
			return false
		}
		if !p.reading && p.next < p.want+p.bound {
			break
		}
		if !wait {
			return false
		}
		p.cond.Wait()
	}
	p.reading = true
	i := p.next
	p.next++
	p.mu.Unlock()
	in, err := callSrc(p.src)
	p.mu.Lock()
	p.reading = false
	p.cond.Broadcast() // src is free
	if err != nil {
		p.next--
		p.srcEnd = true
		if !errors.Is(err, io.EOF) {
			p.srcErr = err
		}
		return true
	}
	p.mu.Unlock()
	out, err := call(p.fn, in)
	p.mu.Lock()
	switch {
	case p.stop != nil:
		if err == nil {
			release(out)
		}
	default:
		if err != nil {
			p.failed = true
		}
		p.slots[i%p.bound] = slot[U]{done: true, out: out, err: err}
	}
	p.cond.Broadcast() // a result is ready
	return true
}

// halt stops the run with err, if it is not stopped already; p.mu is
// held.
func (p *Puller[T, U]) halt(err error) {
	if p.stop == nil {
		p.stop = err
		p.cond.Broadcast()
	}
}
