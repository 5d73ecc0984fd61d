// Command coreuse reads a Go execution trace (inspect writes one when
// GOBSL_TRACE names a file) and reports how many goroutines were running
// over time: how long none, one, or two or more ran, and with -buckets D
// the time under two running in each interval of length D. It shows where
// a run leaves a core idle (start-up, row-group closes, the tail). With
// -goroutines it also lists the goroutines that ran at least 1 % of the
// trace: how long each ran, waited for a core (runnable), and waited for
// something else, by reason and the innermost gobsl function it waited in.
//
//	GOMAXPROCS=2 GOBSL_TRACE=t.trace inspect convert IN OUT
//	go run ./coreuse -buckets 25ms t.trace     (in tools/)
//	go test -run '^$' -bench X -trace t.trace ./pkg && go run ./coreuse -goroutines t.trace
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	buckets := flag.Duration("buckets", 0, "also report the time under two running per interval of this length")
	perG := flag.Bool("goroutines", false, "also report each busy goroutine's time running, runnable and waiting")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: coreuse [-buckets D] [-goroutines] TRACE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *buckets, *perG); err != nil {
		fmt.Fprintln(os.Stderr, "coreuse:", err)
		os.Exit(1)
	}
}

type change struct {
	t     trace.Time
	delta int
}

// goState is where a goroutine has been since a time.
type goState struct {
	since trace.Time
	name  string // "running", "runnable" or "waiting: REASON in FUNC"
}

func run(path string, bucket time.Duration, perG bool) error {
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
		states     = map[trace.GoID]goState{}
		spent      = map[trace.GoID]map[string]time.Duration{}
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
		if perG {
			g := st.Resource.Goroutine()
			if old, ok := states[g]; ok {
				if spent[g] == nil {
					spent[g] = map[string]time.Duration{}
				}
				spent[g][old.name] += time.Duration(e.Time() - old.since)
			}
			states[g] = goState{e.Time(), stateName(to, st)}
		}
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
	if perG {
		reportGoroutines(spent, time.Duration(end-start)/100, ms)
	}
	return nil
}

// stateName names a goroutine's new state; for waiting, the reason and the
// innermost gobsl function on its stack.
func stateName(to trace.GoState, st trace.StateTransition) string {
	switch to {
	case trace.GoRunning:
		return "running"
	case trace.GoRunnable:
		return "runnable"
	case trace.GoWaiting:
		name := "waiting: " + st.Reason
		for f := range st.Stack.Frames() {
			if strings.Contains(f.Func, "gobsl/gobsl/") {
				return name + " in " + f.Func[strings.LastIndex(f.Func, "/")+1:]
			}
		}
		return name
	}
	return to.String()
}

// reportGoroutines prints, for each goroutine that ran for at least least,
// its time in every state, longest first.
func reportGoroutines(spent map[trace.GoID]map[string]time.Duration, least time.Duration, ms func(time.Duration) string) {
	var ids []trace.GoID
	for g, by := range spent {
		if by["running"] >= least {
			ids = append(ids, g)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return spent[ids[i]]["running"] > spent[ids[j]]["running"] })
	for _, g := range ids {
		by := spent[g]
		names := make([]string, 0, len(by))
		for n := range by {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return by[names[i]] > by[names[j]] })
		fmt.Printf("goroutine %d:\n", g)
		for _, n := range names {
			if by[n] >= 100*time.Microsecond {
				fmt.Printf("  %9s  %s\n", ms(by[n]), n)
			}
		}
	}
}
