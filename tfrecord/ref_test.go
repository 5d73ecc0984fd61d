package tfrecord

// A tiny, independent re-implementation of the uncompressed framing, used
// as the oracle of the differential tests: a bit-at-a-time CRC-32C (no
// tables, no hash/crc32) and a parser over a byte slice (no buffering).

// refCRC is the reflected CRC-32C of b, computed bit by bit.
func refCRC(b []byte) uint32 {
	c := ^uint32(0)
	for _, x := range b {
		c ^= uint32(x)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ 0x82f63b78
			} else {
				c >>= 1
			}
		}
	}
	return ^c
}

func refMask(c uint32) uint32 { return (c>>15 | c<<17) + 0xa282ead8 }

func refU64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func refU32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// refFailure is where and why refParse stopped; nil means a clean end.
type refFailure struct {
	Offset int64
	Reason Reason
}

// refParse splits an uncompressed stream into records, checking both CRCs
// and refusing lengths above max.
func refParse(b []byte, max uint64) ([][]byte, *refFailure) {
	var recs [][]byte
	off := 0
	for off < len(b) {
		rest := b[off:]
		if len(rest) < 12 {
			return recs, &refFailure{int64(off), TruncatedHeader}
		}
		if refMask(refCRC(rest[:8])) != refU32(rest[8:12]) {
			return recs, &refFailure{int64(off), LengthCRCMismatch}
		}
		n := refU64(rest)
		if n > max {
			return recs, &refFailure{int64(off), TooLarge}
		}
		if uint64(len(rest)-12) < n+4 {
			return recs, &refFailure{int64(off), TruncatedData}
		}
		data := rest[12 : 12+n]
		if refMask(refCRC(data)) != refU32(rest[12+n:]) {
			return recs, &refFailure{int64(off), DataCRCMismatch}
		}
		recs = append(recs, data)
		off += 12 + int(n) + 4
	}
	return recs, nil
}

// refFrame frames records, for building test inputs independently of
// AppendRecord.
func refFrame(recs ...[]byte) []byte {
	var out []byte
	for _, r := range recs {
		var l [8]byte
		for i := range l {
			l[i] = byte(uint64(len(r)) >> (8 * i))
		}
		out = append(out, l[:]...)
		out = refAppendU32(out, refMask(refCRC(l[:])))
		out = append(out, r...)
		out = refAppendU32(out, refMask(refCRC(r)))
	}
	return out
}

func refAppendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
