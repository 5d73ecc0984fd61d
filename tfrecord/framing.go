package tfrecord

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/gobsl/gobsl/internal/crc32c"
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

// castagnoli is hash/crc32's CRC-32C table: the tests' reference.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC returns TensorFlow's masked CRC-32C of b. internal/crc32c
// checks a record of about 1 KiB 3-4 times faster than hash/crc32 on CPUs
// with AVX-512 and VPCLMULQDQ (see BENCHMARKS.part.md).
func maskedCRC(b []byte) uint32 {
	return crc32c.Masked(b)
}

// lengthTable is hash/crc32's slicing-by-8 table for CRC-32C. Checking a
// header's 8 length bytes with it takes 8 lookups, several times less than
// a call to crc32.Checksum, whose dispatch costs more than the work.
var lengthTable = func() (t [8][256]uint32) {
	for i := range 256 {
		c := uint32(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ crc32.Castagnoli
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		for k := 1; k < 8; k++ {
			t[k][i] = t[k-1][i]>>8 ^ t[0][t[k-1][i]&0xff]
		}
	}
	return t
}()

// lengthCRC returns the masked CRC-32C of the 8 bytes of b.
func lengthCRC(b []byte) uint32 {
	_ = b[7]
	t := &lengthTable
	c := ^binary.LittleEndian.Uint32(b)
	c = t[7][c&0xff] ^ t[6][c>>8&0xff] ^ t[5][c>>16&0xff] ^ t[4][c>>24] ^
		t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]]
	c = ^c
	return (c>>15 | c<<17) + maskDelta
}

// validHeader reports whether the 12-byte header hdr carries a length whose
// masked CRC matches.
func validHeader(hdr []byte) bool {
	return lengthCRC(hdr[:8]) == binary.LittleEndian.Uint32(hdr[8:12])
}

// AppendRecord appends rec, framed as one TFRecord, to dst and returns the
// extended slice. It lets parallel encoders frame records on many cores and
// hand the bytes to a single writer.
func AppendRecord(dst, rec []byte) []byte {
	// The header is built in place, in dst.
	n := len(dst)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(len(rec)))
	dst = binary.LittleEndian.AppendUint32(dst, lengthCRC(dst[n:]))
	dst = append(dst, rec...)
	return binary.LittleEndian.AppendUint32(dst, maskedCRC(rec))
}
