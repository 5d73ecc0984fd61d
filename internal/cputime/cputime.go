package cputime

import (
	"testing"
	"time"
)

// Available reports whether [Now] measures anything on this platform.
func Available() bool { return available }

// Now returns the CPU time (user and system) the process has used so
// far. Where the platform does not say (see [Available]) it returns the
// wall time instead, so that ratios of two measurements still mean
// something.
func Now() time.Duration { return now() }

// Report adds the CPU time per op since start as "cpu-ns/op"; it adds
// nothing where CPU time is not [Available].
func Report(b *testing.B, start time.Duration) {
	if available && b.N > 0 {
		b.ReportMetric(float64(now()-start)/float64(b.N), "cpu-ns/op")
	}
}
