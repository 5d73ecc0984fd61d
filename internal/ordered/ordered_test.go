package ordered

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

func counter(n int) func() (int, error) {
	i := 0
	return func() (int, error) {
		if i == n {
			return 0, io.EOF
		}
		i++
		return i - 1, nil
	}
}

func TestMapKeepsOrder(t *testing.T) {
	for _, workers := range []int{0, 1, 2, 7} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			var got []int
			err := Map(context.Background(), workers, counter(500),
				func(i int) (int, error) {
					time.Sleep(time.Duration(rand.IntN(50)) * time.Microsecond)
					return i * i, nil
				},
				func(v int) error { got = append(got, v); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 500 {
				t.Fatalf("got %d results, want 500", len(got))
			}
			for i, v := range got {
				if v != i*i {
					t.Fatalf("result %d = %d, want %d", i, v, i*i)
				}
			}
		})
	}
}

type res struct{ released *atomic.Int64 }

func (r res) Release() { r.released.Add(1) }

func TestMapErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		src     func() func() (int, error) // fresh source per run
		fn      func(int) (int, error)
		sink    func(int) error
		wantErr error
		maxSeen int
	}{
		{
			name: "fn error stops delivery",
			src:  func() func() (int, error) { return counter(1000) },
			fn: func(i int) (int, error) {
				if i == 10 {
					return 0, boom
				}
				return i, nil
			},
			sink:    func(int) error { return nil },
			wantErr: boom,
			maxSeen: 9,
		},
		{
			name: "sink error",
			src:  func() func() (int, error) { return counter(1000) },
			fn:   func(i int) (int, error) { return i, nil },
			sink: func(i int) error {
				if i == 3 {
					return boom
				}
				return nil
			},
			wantErr: boom,
			maxSeen: 3,
		},
		{
			name: "src error",
			src: func() func() (int, error) {
				c := counter(5)
				return func() (int, error) {
					v, err := c()
					if err == io.EOF {
						return 0, boom
					}
					return v, err
				}
			},
			fn:      func(i int) (int, error) { return i, nil },
			sink:    func(int) error { return nil },
			wantErr: boom,
			maxSeen: 4,
		},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				seen := -1
				err := Map(context.Background(), workers, tt.src(), tt.fn, func(v int) error {
					if v != seen+1 {
						t.Errorf("got %d after %d", v, seen)
					}
					seen = v
					return tt.sink(v)
				})
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if seen > tt.maxSeen {
					t.Fatalf("delivered up to %d, want at most %d", seen, tt.maxSeen)
				}
			})
		}
	}
}

func TestMapReleasesUndelivered(t *testing.T) {
	var made, released atomic.Int64
	boom := errors.New("boom")
	delivered := 0
	err := Map(context.Background(), 4, counter(200),
		func(i int) (res, error) { made.Add(1); return res{&released}, nil },
		func(r res) error {
			delivered++
			r.Release()
			if delivered == 5 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if made.Load() != released.Load() {
		t.Fatalf("made %d results, released %d", made.Load(), released.Load())
	}
}

func TestMapContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Map(ctx, 2, func() (int, error) { return 1, nil }, // endless
		func(i int) (int, error) { return i, nil },
		func(int) error {
			n++
			if n == 100 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestMapRecoversPanics(t *testing.T) {
	for _, workers := range []int{1, 3} {
		err := Map(context.Background(), workers, counter(50),
			func(i int) (int, error) {
				if i == 7 {
					panic("boom")
				}
				return i, nil
			},
			func(int) error { return nil })
		if !errors.Is(err, ErrPanic) {
			t.Errorf("workers=%d: err = %v, want ErrPanic", workers, err)
		}
	}
}

// TestMapRunsEveryInput checks that fn sees every item src returned, so
// that inputs holding resources are released by fn even when an error or
// a cancellation stops the run early.
func TestMapRunsEveryInput(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		failFn  int // fn fails on this item; -1 never
		failOut int // sink fails on this item; -1 never
		cancel  int // cancel the context in sink at this item; -1 never
	}{
		{"fn error", 7, -1, -1},
		{"sink error", -1, 5, -1},
		{"cancel", -1, -1, 9},
		{"clean", -1, -1, -1},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2, 5} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var read, ran atomic.Int64
				src := counter(300)
				err := Map(ctx, workers,
					func() (int, error) {
						i, err := src()
						if err == nil {
							read.Add(1)
						}
						return i, err
					},
					func(i int) (int, error) {
						ran.Add(1)
						time.Sleep(time.Duration(rand.IntN(20)) * time.Microsecond)
						if i == tt.failFn {
							return 0, boom
						}
						return i, nil
					},
					func(i int) error {
						if i == tt.cancel {
							cancel()
						}
						if i == tt.failOut {
							return boom
						}
						return nil
					})
				if (tt.failFn >= 0 || tt.failOut >= 0) && !errors.Is(err, boom) {
					t.Fatalf("err = %v, want boom", err)
				}
				if tt.cancel >= 0 && !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v, want context.Canceled", err)
				}
				if read.Load() != ran.Load() {
					t.Fatalf("src returned %d items, fn ran on %d", read.Load(), ran.Load())
				}
			})
		}
	}
}
