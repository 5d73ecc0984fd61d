// Package ordered runs a function over a stream of items on many goroutines
// and delivers the results in input order, with bounded memory.
//
// It is the parallel engine behind decoding and encoding: read batches
// in order, transform them on all cores, write them in order.
package ordered

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
)

// Map reads items from src until it returns io.EOF, applies fn to each on
// up to workers goroutines (GOMAXPROCS when workers <= 0), and passes the
// results to sink in the order src produced them. At most 2*workers items
// are in flight, so memory stays bounded.
//
// Each worker calls src itself, under a lock, and then runs fn on what it
// read: the item is produced on the core that transforms it (so a batch
// copied out of a reader is still in that core's cache), and there is no
// separate reader goroutine to hand items over. Every item src returns is
// passed to fn, even after an error or cancellation, so fn can release it.
//
// Results that are not delivered because of an error are released if they
// have a Release method (as Arrow record batches do).
//
// src is never called concurrently with itself, and sink is called from the
// caller's goroutine. The first error from src, fn or sink, or ctx's error,
// stops the run and is returned; results after a failed item are not
// delivered. A panic in src or fn becomes an error wrapping [ErrPanic].
func Map[T, U any](ctx context.Context, workers int, src func() (T, error), fn func(T) (U, error), sink func(U) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 {
		return serial(ctx, src, fn, sink)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	type job struct {
		out  U
		err  error
		ran  bool // fn ran and succeeded: out is ours to deliver or release
		done chan struct{}
	}
	// A worker takes a token before reading an item and the sink gives it
	// back once the item's result is consumed, so pending never fills.
	tokens := make(chan struct{}, 2*workers)
	pending := make(chan *job, 2*workers) // in input order, to the sink

	var (
		mu      sync.Mutex // serializes src and the order of pending
		srcDone bool
		srcErr  error
	)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return
				}
				mu.Lock()
				if srcDone || ctx.Err() != nil {
					mu.Unlock()
					<-tokens
					return
				}
				in, err := callSrc(src)
				if err != nil {
					srcDone = true
					if !errors.Is(err, io.EOF) {
						srcErr = err
					}
					mu.Unlock()
					<-tokens
					return
				}
				j := &job{done: make(chan struct{})}
				pending <- j // never blocks: a token is held for it
				mu.Unlock()
				j.out, j.err = call(fn, in)
				j.ran = j.err == nil
				close(j.done)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(pending)
	}()

	var err error
	for j := range pending {
		<-j.done
		<-tokens
		if err == nil && ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		if err != nil {
			if j.ran {
				release(j.out) // drain so the workers can finish
			}
			continue
		}
		if j.err != nil {
			err = j.err
		} else {
			err = sink(j.out)
		}
		if err != nil {
			cancel(err)
		}
	}
	if err == nil {
		err = srcErr
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// step reads an item from src and applies fn to it; end reports that the
// error is src's io.EOF (so that an io.EOF from fn is not taken for the
// end of the input).
func step[T, U any](src func() (T, error), fn func(T) (U, error)) (out U, end bool, err error) {
	in, err := callSrc(src)
	if err != nil {
		return out, errors.Is(err, io.EOF), err
	}
	out, err = call(fn, in)
	return out, false, err
}

func serial[T, U any](ctx context.Context, src func() (T, error), fn func(T) (U, error), sink func(U) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		out, end, err := step(src, fn)
		if end {
			return nil
		}
		if err != nil {
			return err
		}
		if err := sink(out); err != nil {
			return err
		}
	}
}

func release[U any](u U) {
	if r, ok := any(u).(interface{ Release() }); ok && any(u) != nil {
		r.Release()
	}
}

// ErrPanic wraps a panic in fn, returned as Map's error: a bug in one
// worker must not take down a host process (the C API runs inside Python).
var ErrPanic = errors.New("ordered: panic in a worker")

func call[T, U any](fn func(T) (U, error), in T) (out U, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v\n%s", ErrPanic, r, debug.Stack())
		}
	}()
	return fn(in)
}

// callSrc calls src, turning a panic into an error.
func callSrc[T any](src func() (T, error)) (in T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v\n%s", ErrPanic, r, debug.Stack())
		}
	}()
	return src()
}
