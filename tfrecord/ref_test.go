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

// refNext parses the record at the start of b, checking both CRCs and
// refusing lengths above max. It returns the record's data and its framed
// size, or the reason it is bad.
func refNext(b []byte, max uint64) (data []byte, size int, reason Reason) {
	if len(b) < 12 {
		return nil, 0, TruncatedHeader
	}
	if refMask(refCRC(b[:8])) != refU32(b[8:12]) {
		return nil, 0, LengthCRCMismatch
	}
	n := refU64(b)
	if n > max {
		return nil, 0, TooLarge
	}
	if uint64(len(b)-12) < n+4 {
		return nil, 0, TruncatedData
	}
	data = b[12 : 12+n]
	if refMask(refCRC(data)) != refU32(b[12+n:]) {
		return nil, 12 + int(n) + 4, DataCRCMismatch
	}
	return data, 12 + int(n) + 4, 0
}

// refParse splits an uncompressed stream into records, stopping at the
// first bad one.
func refParse(b []byte, max uint64) ([][]byte, *refFailure) {
	var recs [][]byte
	for off := 0; off < len(b); {
		data, size, reason := refNext(b[off:], max)
		if reason != 0 {
			return recs, &refFailure{int64(off), reason}
		}
		recs = append(recs, data)
		off += size
	}
	return recs, nil
}

// refSalvage is salvage mode as documented: after a bad data CRC skip the
// record; after any other damage go on at the next offset with a valid
// header (length at most max, length CRC matching), or at the end.
func refSalvage(b []byte, max uint64) (recs [][]byte, fails []refFailure, skipped int64) {
	for off := 0; off < len(b); {
		data, size, reason := refNext(b[off:], max)
		if reason == 0 {
			recs = append(recs, data)
			off += size
			continue
		}
		fails = append(fails, refFailure{int64(off), reason})
		next := off + size
		if reason != DataCRCMismatch {
			next = off + 1
			for ; next < len(b); next++ {
				if len(b)-next >= 12 && refU64(b[next:]) <= max && refMask(refCRC(b[next:next+8])) == refU32(b[next+8:]) {
					break
				}
			}
		}
		skipped += int64(next - off)
		off = next
	}
	return recs, fails, skipped
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
