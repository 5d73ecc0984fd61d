//go:build !amd64 || purego

package crc32c

func update(crc uint32, p []byte) uint32 {
	return updateGeneric(crc, p)
}

// implementations lists every implementation usable on this machine, for
// the tests.
var implementations = []implementation{
	{"generic", updateGeneric},
}
