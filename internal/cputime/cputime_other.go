//go:build !unix

package cputime

import "time"

const available = false

// now falls back to wall time, so that ratios of two measurements still
// mean something where CPU time is missing.
func now() time.Duration { return time.Duration(time.Now().UnixNano()) }
