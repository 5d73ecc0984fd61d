package tfrecord

import (
	"encoding/binary"
	"hash/crc32"
)

const (
	headerSize   = 12 // uint64 length + uint32 masked CRC of the length
	footerSize   = 4  // uint32 masked CRC of the data
	maskDelta    = 0xa282ead8
	levelDefault = -1000 // sentinel for "no WithCompressionLevel"
)

// DefaultMaxRecordSize is the default limit on a record's length: 1 GiB.
// See [WithMaxRecordSize].
const DefaultMaxRecordSize = 1 << 30

// castagnoli is the CRC-32C table; hash/crc32 uses the SSE4.2 / ARMv8
// instructions for it where available.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC returns TensorFlow's masked CRC-32C of b.
func maskedCRC(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return (c>>15 | c<<17) + maskDelta
}

// validHeader reports whether the 12-byte header hdr carries a length whose
// masked CRC matches.
func validHeader(hdr []byte) bool {
	return maskedCRC(hdr[:8]) == binary.LittleEndian.Uint32(hdr[8:12])
}

// AppendRecord appends rec, framed as one TFRecord, to dst and returns the
// extended slice. It lets parallel encoders frame records on many cores and
// hand the bytes to a single writer.
func AppendRecord(dst, rec []byte) []byte {
	// The header is built in place: a local array would escape to the
	// heap through hash/crc32's function-variable dispatch.
	n := len(dst)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(len(rec)))
	dst = binary.LittleEndian.AppendUint32(dst, maskedCRC(dst[n:n+8]))
	dst = append(dst, rec...)
	return binary.LittleEndian.AppendUint32(dst, maskedCRC(rec))
}
