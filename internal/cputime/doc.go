// Package cputime measures the CPU time of the process for benchmarks.
//
// On a machine shared with other work, waiting for a core inflates wall
// time but not CPU time, so gobsl's benchmarks report both: they take
// [Now] before the loop and call [Report] after it, which adds a
// "cpu-ns/op" metric.
package cputime
