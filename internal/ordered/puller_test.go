package ordered

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// item is a Puller's result that counts its releases.
type item struct {
	i        int
	released *atomic.Int64
}

func (r item) Release() { r.released.Add(1) }

// waitGoroutines fails t unless the goroutines number at most n within a
// few seconds.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	for range 500 {
		if runtime.NumGoroutine() <= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines left, want at most %d", runtime.NumGoroutine(), n)
}

// TestPuller runs a Puller to the end, or to an error, a cancellation or
// an early Close, and checks what every run must keep: results in input
// order, none after a failed item, the error, every item read passed to
// fn, every result either returned or released, at most 2*workers items
// read and not returned, and no goroutine left after Close.
func TestPuller(t *testing.T) {
	boom := errors.New("boom")
	const n = 300
	tests := []struct {
		name      string
		srcErr    int // src fails instead of reading this item; -1 never
		srcPanic  int // src panics on this item; -1 never
		fnErr     int // fn fails on this item; -1 never
		fnPanic   int // fn panics on this item; -1 never
		cancel    int // cancel the context after Next returned this item; -1 never
		close     int // Close after Next returned this item; -1 never
		slow      bool
		wantErr   error
		wantCount int // results returned
	}{
		{"clean", -1, -1, -1, -1, -1, -1, false, io.EOF, n},
		{"slow consumer", -1, -1, -1, -1, -1, -1, true, io.EOF, n},
		{"src error", 120, -1, -1, -1, -1, -1, false, boom, 120},
		{"src error first", 0, -1, -1, -1, -1, -1, false, boom, 0},
		{"src panic", -1, 33, -1, -1, -1, -1, false, ErrPanic, 33},
		{"fn error", -1, -1, 77, -1, -1, -1, false, boom, 77},
		{"fn error first", -1, -1, 0, -1, -1, -1, true, boom, 0},
		{"fn panic", -1, -1, -1, 5, -1, -1, false, ErrPanic, 5},
		{"cancel", -1, -1, -1, -1, 40, -1, false, context.Canceled, 41},
		{"close early", -1, -1, -1, -1, -1, 10, true, errClosed, 11},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2, 5} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				g := runtime.NumGoroutine()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var read, ran, made, released, maxAhead atomic.Int64
				var returned atomic.Int64
				i := 0
				src := func() (int, error) {
					if i == n {
						return 0, io.EOF
					}
					switch i {
					case tt.srcErr:
						return 0, boom
					case tt.srcPanic:
						panic("src")
					}
					if a := read.Add(1) - returned.Load(); a > maxAhead.Load() {
						maxAhead.Store(a)
					}
					i++
					return i - 1, nil
				}
				fn := func(i int) (item, error) {
					ran.Add(1)
					time.Sleep(time.Duration(rand.IntN(30)) * time.Microsecond)
					switch i {
					case tt.fnErr:
						return item{}, boom
					case tt.fnPanic:
						panic("fn")
					}
					made.Add(1)
					return item{i, &released}, nil
				}
				p := NewPuller(ctx, workers, src, fn)
				var err error
				got := 0
				for {
					var r item
					r, err = p.Next()
					if err != nil {
						break
					}
					returned.Add(1)
					if r.i != got {
						t.Fatalf("result %d is item %d", got, r.i)
					}
					got++
					r.Release()
					if tt.slow && rand.IntN(4) == 0 {
						time.Sleep(200 * time.Microsecond)
					}
					if r.i == tt.cancel {
						cancel()
					}
					if r.i == tt.close {
						p.Close()
					}
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Next() = %v, want %v", err, tt.wantErr)
				}
				if _, again := p.Next(); again != err {
					t.Fatalf("Next() after the end = %v, want %v again", again, err)
				}
				if got != tt.wantCount {
					t.Fatalf("returned %d results, want %d", got, tt.wantCount)
				}
				p.Close()
				p.Close() // twice is harmless
				waitGoroutines(t, g)
				if read.Load() != ran.Load() {
					t.Errorf("src returned %d items, fn ran on %d", read.Load(), ran.Load())
				}
				if made.Load() != released.Load() {
					t.Errorf("fn made %d results, %d released", made.Load(), released.Load())
				}
				// One more than the bound: Next makes room for the next
				// item before this goroutine counts the result it returns.
				if m := maxAhead.Load(); m > int64(2*workers+1) {
					t.Errorf("%d items read ahead of Next, want at most %d", m, 2*workers+1)
				}
			})
		}
	}
}

// TestPullerConsumerWorks checks that Next transforms items itself while
// its result is being made: with two workers, one goroutine runs in the
// background, and fn(0) finishes only once fn(1) has run.
func TestPullerConsumerWorks(t *testing.T) {
	one := make(chan struct{})
	fn := func(i int) (int, error) {
		switch i {
		case 0:
			select {
			case <-one:
			case <-time.After(10 * time.Second):
				return 0, errors.New("item 0 waited for item 1 in vain: one goroutine ran fn")
			}
		case 1:
			close(one)
		}
		return i, nil
	}
	p := NewPuller(context.Background(), 2, counter(2), fn)
	defer p.Close()
	for want := range 2 {
		if got, err := p.Next(); err != nil || got != want {
			t.Fatalf("Next() = %d, %v; want %d", got, err, want)
		}
	}
}

// TestPullerOneWorker checks that a Puller of one worker starts no
// goroutine and runs src and fn on the caller's goroutine, one item per
// call of Next.
func TestPullerOneWorker(t *testing.T) {
	g := runtime.NumGoroutine()
	reads := 0
	src := counter(5)
	p := NewPuller(context.Background(), 1, func() (int, error) { reads++; return src() }, func(i int) (int, error) { return -i, nil })
	defer p.Close()
	if n := runtime.NumGoroutine(); n != g {
		t.Fatalf("%d goroutines after NewPuller, want %d", n, g)
	}
	for want := range 5 {
		if got, err := p.Next(); err != nil || got != -want || reads != want+1 {
			t.Fatalf("Next() = %d, %v after %d reads; want %d after %d", got, err, reads, -want, want+1)
		}
	}
	if _, err := p.Next(); err != io.EOF {
		t.Fatalf("Next() = %v at the end, want io.EOF", err)
	}
}

// TestPullerCanceledContext checks that a Puller with a context done
// already returns its cause.
func TestPullerCanceledContext(t *testing.T) {
	cause := errors.New("stop")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	for _, workers := range []int{1, 3} {
		p := NewPuller(ctx, workers, counter(10), func(i int) (int, error) { return i, nil })
		if _, err := p.Next(); err != cause {
			t.Errorf("workers=%d: Next() = %v, want %v", workers, err, cause)
		}
		p.Close()
	}
}
