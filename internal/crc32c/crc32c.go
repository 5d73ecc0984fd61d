package crc32c

import "hash/crc32"

// table is hash/crc32's Castagnoli table, for the fallback paths.
var table = crc32.MakeTable(crc32.Castagnoli)

// Update returns the result of adding the bytes in p to crc, like
// crc32.Update(crc, crc32.MakeTable(crc32.Castagnoli), p).
func Update(crc uint32, p []byte) uint32 {
	return update(crc, p)
}

// Checksum returns the CRC-32C checksum of p, like
// crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli)).
func Checksum(p []byte) uint32 {
	return update(0, p)
}

// maskDelta is added to the rotated CRC by [Masked].
const maskDelta = 0xa282ead8

// Masked returns TensorFlow's masked CRC-32C of p, the form TFRecord
// stores: the checksum rotated right by 15 bits, plus 0xa282ead8.
func Masked(p []byte) uint32 {
	c := update(0, p)
	return (c>>15 | c<<17) + maskDelta
}

// updateGeneric is hash/crc32's implementation.
func updateGeneric(crc uint32, p []byte) uint32 {
	return crc32.Update(crc, table, p)
}

// implementation is one way to compute Update, for the tests.
type implementation struct {
	name   string
	update func(crc uint32, p []byte) uint32
}
