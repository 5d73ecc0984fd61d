// Command coreuse reads a Go execution trace (inspect writes one when
// GOBSL_TRACE names a file) and reports how many goroutines were running
// over time: how long none, one, or two or more ran, and with -buckets D
// the time under two running in each interval of length D. It shows where
// a run leaves a core idle (start-up, row-group closes, the tail).
//
//	GOMAXPROCS=2 GOBSL_TRACE=t.trace inspect convert IN OUT
//	go run ./coreuse -buckets 25ms t.trace     (in tools/)
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	buckets := flag.Duration("buckets", 0, "also report the time under two running per interval of this length")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: coreuse [-buckets D] TRACE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *buckets); err != nil {
		fmt.Fprintln(os.Stderr, "coreuse:", err)
		os.Exit(1)
	}
}

type change struct {
	t     trace.Time
	delta int
}

func run(path string, bucket time.Duration) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		return err
	}
	var (
		changes    []change
		start, end trace.Time
	)
	for {
		e, err := r.ReadEvent()
		if err != nil {
			break // io.EOF, or a truncated trace: report what was read
		}
		if start == 0 {
			start = e.Time()
		}
		end = e.Time()
		if e.Kind() != trace.EventStateTransition {
			continue
		}
		st := e.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		from, to := st.Goroutine()
		switch {
		case to == trace.GoRunning && from != trace.GoRunning:
			changes = append(changes, change{e.Time(), +1})
		case from == trace.GoRunning && to != trace.GoRunning:
			changes = append(changes, change{e.Time(), -1})
		}
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].t < changes[j].t })
	var (
		by    [3]time.Duration // none, one, two or more running
		under = map[int]time.Duration{}
		n     int
		prev  = start
	)
	for _, c := range changes {
		by[min(n, 2)] += time.Duration(c.t - prev)
		if bucket > 0 && n < 2 {
			for t := prev; t < c.t; {
				b := int(time.Duration(t-start) / bucket)
				stop := min(start+trace.Time((b+1)*int(bucket)), c.t)
				under[b] += time.Duration(stop - t)
				t = stop
			}
		}
		prev = c.t
		n += c.delta
	}
	if bucket > 0 {
		for b := 0; b <= int(time.Duration(end-start)/bucket); b++ {
			fmt.Printf("%8v-%-8v %v under two running\n", time.Duration(b)*bucket, time.Duration(b+1)*bucket, under[b].Round(100*time.Microsecond))
		}
	}
	ms := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	fmt.Printf("%s traced: none running %s, one %s, two or more %s\n", ms(time.Duration(end-start)), ms(by[0]), ms(by[1]), ms(by[2]))
	return nil
}
