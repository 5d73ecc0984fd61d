// Package crc32c computes the CRC-32C (Castagnoli) checksum that TFRecord
// framing uses, faster than [hash/crc32] on inputs of about 1 KiB.
//
// [Update] and [Checksum] have exactly the semantics of [hash/crc32.Update]
// and [hash/crc32.Checksum] with the [hash/crc32.Castagnoli] table:
//
//	crc32c.Checksum(p) == crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli))
//
// # Why
//
// hash/crc32 computes CRC-32C with the SSE4.2 CRC32 instruction and runs
// three interleaved streams only over whole 504-byte blocks, so a record
// of about 1 KiB is checked largely as a single stream, at 8-12 GB/s.
// On amd64 CPUs with AVX-512 and VPCLMULQDQ this package folds the input
// 256 bytes at a time with carry-less multiplication instead (the method
// of Intel's "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ"), and uses the CRC32 instruction only for short inputs and
// for the final 128-to-32-bit reduction.
//
// # Implementations
//
//   - amd64 with AVX-512 (F, BW, VL) and VPCLMULQDQ, from 128 bytes: the
//     input is padded in front with zero bytes to a multiple of 256 bytes
//     (with masked loads, which read no byte outside it), folded with four
//     512-bit accumulators, and the 16 lanes are reduced at once with
//     per-lane constants. Shorter inputs use the CRC32 instruction.
//   - amd64 with SSE4.2 only: the CRC32 instruction for short inputs,
//     hash/crc32 for the rest.
//   - other architectures, or the purego build tag: hash/crc32.
//
// The folding constants are derived at init from the polynomial, not
// copied from a table; the tests check every implementation against
// hash/crc32.
//
// # Related packages
//
//   - [hash/crc32]: the reference; the fallback on other CPUs.
//   - [github.com/gobsl/gobsl/tfrecord]: its masked CRC of record data.
package crc32c
