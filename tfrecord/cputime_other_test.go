//go:build !unix

package tfrecord

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
