//go:build !race

package pqwrite

const raceEnabled = false
