//go:build amd64 && !purego

package crc32c

import (
	"math/bits"

	"golang.org/x/sys/cpu"
)

// updateAVX512 returns the CRC-32C state (not inverted) after adding p to
// the state crc. It needs AVX-512 F, BW and VL, VPCLMULQDQ and SSE4.2
// ([hasAVX512]), and handles any length.
//
//go:noescape
func updateAVX512(crc uint32, p []byte) uint32

// updateSSE42 is updateAVX512 with the SSE4.2 CRC32 instruction, one
// 8-byte word at a time: fast only for short inputs.
//
//go:noescape
func updateSSE42(crc uint32, p []byte) uint32

var (
	hasSSE42  = cpu.X86.HasSSE42
	hasAVX512 = hasSSE42 && cpu.X86.HasAVX && cpu.X86.HasPCLMULQDQ &&
		cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL &&
		cpu.X86.HasAVX512VPCLMULQDQ
)

const (
	// avx512Min is the shortest input given to updateAVX512: below it,
	// the CRC32 instruction's single stream finishes first.
	avx512Min = 128
	// sse42Max is the length from which hash/crc32 runs three CRC32
	// streams (3 × 168 bytes); below it, it runs one, as updateSSE42 does
	// without hash/crc32's dispatch.
	sse42Max = 504
)

func update(crc uint32, p []byte) uint32 {
	if len(p) >= avx512Min && hasAVX512 {
		return ^updateAVX512(^crc, p)
	}
	if len(p) < sse42Max && hasSSE42 {
		return ^updateSSE42(^crc, p)
	}
	return updateGeneric(crc, p)
}

// implementations lists every implementation usable on this machine, for
// the tests. Each takes any length, whatever update's thresholds.
var implementations = func() []implementation {
	impls := []implementation{{"generic", updateGeneric}}
	if hasSSE42 {
		impls = append(impls, implementation{"sse42", func(crc uint32, p []byte) uint32 {
			return ^updateSSE42(^crc, p)
		}})
	}
	if hasAVX512 {
		impls = append(impls, implementation{"avx512", func(crc uint32, p []byte) uint32 {
			return ^updateAVX512(^crc, p)
		}})
	}
	return impls
}()

// The constants of updateAVX512, derived from the polynomial at init.
//
// Bit i of a CRC state (or of a message) stands for the coefficient of
// x^(31-i) (of x^(8n-1-i)): the bit order is reflected. A carry-less
// product of two such 64-bit words is off by one bit, x·A·B, which the
// constants below absorb. Folding a 128-bit lane L·x^64 + H (L its low
// word) forward by D bits adds L·x^(64+D) + H·x^D; with a constant word
// k = reverse32(R)<<1, which stands for x^31·R, the product is
// x^32·L·R, so R = x^(D+32) mod P for the low word and x^(D-32) mod P for
// the high word.
var (
	// foldK folds each lane of four 512-bit accumulators by 2048 bits.
	foldK = foldConst(2048)
	// laneK folds lane j (of 16: four 512-bit accumulators) to the last
	// lane, by 128·(15-j) bits; lane 15's is zero and is added as it is.
	laneK = func() (k [16][2]uint64) {
		for j := range 15 {
			k[j] = foldConst(128 * (15 - j))
		}
		return k
	}()
	// headK[z] moves the initial state in front of z zero bytes of
	// padding: the carry-less product of the state and headK[z] is
	// added to the first 8 bytes of the padded input. It is
	// reverse32(x^(31-8z) mod P): for z = 0, x^31, which adds the state
	// to the first 4 bytes, as hash/crc32 does.
	headK = func() (k [256]uint32) {
		for z := range k {
			k[z] = bits.Reverse32(xPow(31 - 8*z))
		}
		return k
	}()
	// byteIndex holds 0, 1, …, 255: compared with the padding length,
	// it gives the masks of the first 256-byte block.
	byteIndex = func() (b [256]byte) {
		for i := range b {
			b[i] = byte(i)
		}
		return b
	}()
)

// foldConst returns the constants that fold a 128-bit lane forward by d
// bits: the low word's, then the high word's.
func foldConst(d int) [2]uint64 {
	return [2]uint64{
		uint64(bits.Reverse32(xPow(d+32))) << 1,
		uint64(bits.Reverse32(xPow(d-32))) << 1,
	}
}

// poly is the CRC-32C generator polynomial P, with x^32, in the normal bit
// order (bit d is the coefficient of x^d).
const poly = 1<<32 | 0x1edc6f41

// xInv is x^-1 mod P: P has a constant term, so x·(P-1)/x = P-1 ≡ 1.
const xInv = (poly ^ 1) >> 1

// mulMod returns a·b mod P, in the normal bit order.
func mulMod(a, b uint32) uint32 {
	var r uint64
	for i := range 32 {
		if b>>i&1 != 0 {
			r ^= uint64(a) << i
		}
	}
	for i := 63; i >= 32; i-- {
		if r>>i&1 != 0 {
			r ^= poly << (i - 32)
		}
	}
	return uint32(r)
}

// xPow returns x^e mod P, in the normal bit order; e may be negative.
func xPow(e int) uint32 {
	base := uint32(2) // x
	if e < 0 {
		base, e = xInv, -e
	}
	r := uint32(1)
	for ; e > 0; e >>= 1 {
		if e&1 != 0 {
			r = mulMod(r, base)
		}
		base = mulMod(base, base)
	}
	return r
}
