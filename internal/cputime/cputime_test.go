package cputime

import "testing"

func TestNowAdvances(t *testing.T) {
	if !Available() {
		t.Skip("no CPU time on this platform")
	}
	start := Now()
	x := 0
	for i := range 50_000_000 {
		x += i ^ x>>3
	}
	if Now() <= start {
		t.Fatalf("CPU time did not advance over a busy loop (x=%d)", x)
	}
}
