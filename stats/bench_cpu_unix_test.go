//go:build unix

package stats

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the process has used,
// which on a shared machine varies far less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
