//go:build !unix

package stats

import "time"

// cpuTime falls back to wall time where rusage is missing.
func cpuTime() time.Duration { return time.Duration(time.Now().UnixNano()) }
