package stats

import (
	"context"
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Compute reads every batch of r and returns their statistics. Batches
// are summarised on opts.Workers goroutines, batch i by worker i mod
// Workers, each into its own [Accumulator]; the accumulators are merged in
// worker order at the end. The result therefore depends only on the input
// and the number of workers (and not at all on it while every feature has
// at most 16384 values per worker, the sketches' exact range).
//
// Compute does not release r.
func Compute(ctx context.Context, r array.RecordReader, opts Options) (*metadatapb.DatasetFeatureStatisticsList, error) {
	acc, err := ComputeAccumulator(ctx, r, opts)
	if err != nil {
		return nil, err
	}
	return acc.Result(), nil
}

// ComputeAccumulator is [Compute] returning the merged accumulator, for
// callers that go on adding to it or merge it with others.
func ComputeAccumulator(ctx context.Context, r array.RecordReader, opts Options) (*Accumulator, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	accs := make([]*Accumulator, workers)
	chans := make([]chan arrow.RecordBatch, workers)
	errs := make([]error, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for w := range workers {
		accs[w] = NewAccumulator(opts)
		chans[w] = make(chan arrow.RecordBatch, 2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range chans[w] {
				if errs[w] == nil {
					if errs[w] = accs[w].Add(b); errs[w] != nil {
						cancel()
					}
				}
				b.Release()
			}
		}()
	}

	var err error
	for i := 0; ; i++ {
		if err = ctx.Err(); err != nil || !r.Next() {
			break
		}
		b := r.RecordBatch()
		b.Retain()
		select {
		case chans[i%workers] <- b:
		case <-ctx.Done():
			b.Release()
		}
	}
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	if err != nil {
		return nil, err
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	for _, a := range accs[1:] {
		accs[0].Merge(a)
	}
	return accs[0], accs[0].Err()
}
