//go:build race

package pqwrite

const raceEnabled = true
