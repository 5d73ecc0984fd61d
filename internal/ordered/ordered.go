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
// Results that are not delivered because of an error are released if they
// have a Release method (as Arrow record batches do).
//
// src and sink are called from one goroutine each (never concurrently with
// themselves). The first error from src, fn or sink, or ctx's error, stops
// the run and is returned; results after a failed item are not delivered.
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
		in   T
		out  U
		err  error
		ran  bool // fn ran and succeeded: out is ours to deliver or release
		done chan struct{}
	}
	jobs := make(chan *job, workers)      // to workers
	pending := make(chan *job, 2*workers) // in input order, to the sink

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out, j.err = call(fn, j.in)
				j.ran = j.err == nil
				close(j.done)
			}
		}()
	}

	// The producer reads src and hands each item to the workers and, in
	// order, to the consumer below.
	var srcErr error
	go func() {
		defer close(pending)
		defer close(jobs)
		for {
			in, err := src()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					srcErr = err
				}
				return
			}
			j := &job{in: in, done: make(chan struct{})}
			select {
			case pending <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				close(j.done)
				return
			}
		}
	}()

	var err error
	for j := range pending {
		<-j.done
		if err == nil && ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		if err != nil {
			if j.ran {
				release(j.out) // drain so the producer and workers can finish
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
	wg.Wait()
	if err == nil {
		err = srcErr
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

func serial[T, U any](ctx context.Context, src func() (T, error), fn func(T) (U, error), sink func(U) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		in, err := src()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		out, err := call(fn, in)
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
