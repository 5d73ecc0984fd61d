//go:build amd64 && !purego

#include "textflag.h"

// CRC32_BYTES adds the n bytes at p to the state crc with the CRC32
// instruction, 8 bytes at a time, and advances p. The labels it defines
// are given, to be unique in each use.
#define CRC32_BYTES(p, n, crc, loop, tail, tail2, tail1, done) \
	CMPQ   n, $8                                           \
	JB     tail                                            \
loop:                                                   \
	CRC32Q (p), crc                                        \
	ADDQ   $8, p                                           \
	SUBQ   $8, n                                           \
	CMPQ   n, $8                                           \
	JAE    loop                                            \
tail:                                                   \
	TESTQ  $4, n                                           \
	JZ     tail2                                           \
	CRC32L (p), crc                                        \
	ADDQ   $4, p                                           \
tail2:                                                  \
	TESTQ  $2, n                                           \
	JZ     tail1                                           \
	CRC32W (p), crc                                        \
	ADDQ   $2, p                                           \
tail1:                                                  \
	TESTQ  $1, n                                           \
	JZ     done                                            \
	CRC32B (p), crc                                        \
	INCQ   p                                               \
done:

// func updateAVX512(crc uint32, p []byte) uint32
//
// The input is padded in front with z = -len(p) mod 256 zero bytes, which
// do not change a CRC computed from state 0, and read in blocks of 256
// bytes from p-z: the first block with masked loads, which neither read
// nor fault on the z bytes before p. The state crc is moved in front of
// the padding (headK), so it is added to the first 8 bytes of the block.
// A masked load that reaches into a page not mapped in costs hundreds of
// cycles, even for masked bytes only, so if the padding would cross a
// 4 KiB boundary, the first len(p) mod 256 bytes are added with the CRC32
// instruction instead, and the rest needs no padding.
//
// Four 512-bit accumulators fold each block into the next (foldK); the
// 16 lanes of the last are folded into one 128-bit value X at once
// (laneK), and two CRC32Q instructions from state 0 give X·x^32 mod P.
TEXT ·updateAVX512(SB), NOSPLIT, $0-36
	MOVL  crc+0(FP), AX
	MOVQ  p_base+8(FP), SI
	MOVQ  p_len+16(FP), CX
	TESTQ CX, CX
	JZ    empty

	// DX = z.
	MOVQ CX, DX
	NEGQ DX
	ANDQ $255, DX
	MOVQ SI, R9
	ANDQ $4095, R9
	CMPQ R9, DX
	JB   head

pad:
	// SI = p-z, CX = len(p)+z, a multiple of 256.
	SUBQ DX, SI
	ADDQ DX, CX

	// K1-K4: the bytes of the first block at or after p.
	VPBROADCASTB DX, Z4
	VPCMPUB      $2, ·byteIndex+0(SB), Z4, K1
	VPCMPUB      $2, ·byteIndex+64(SB), Z4, K2
	VPCMPUB      $2, ·byteIndex+128(SB), Z4, K3
	VPCMPUB      $2, ·byteIndex+192(SB), Z4, K4
	VMOVDQU8.Z   (SI), K1, Z0
	VMOVDQU8.Z   64(SI), K2, Z1
	VMOVDQU8.Z   128(SI), K3, Z2
	VMOVDQU8.Z   192(SI), K4, Z3

	// Z0 ^= crc ⊗ headK[z], in the first 8 bytes.
	LEAQ       ·headK(SB), R8
	VMOVD      AX, X5
	VMOVD      (R8)(DX*4), X6
	VPCLMULQDQ $0x00, X6, X5, X5
	VPXORQ     Z5, Z0, Z0

	ADDQ $256, SI
	SUBQ $256, CX
	JZ   reduce

	VBROADCASTI32X4 ·foldK(SB), Z8

loop:
	VPCLMULQDQ $0x00, Z8, Z0, Z4
	VPCLMULQDQ $0x11, Z8, Z0, Z0
	VPCLMULQDQ $0x00, Z8, Z1, Z5
	VPCLMULQDQ $0x11, Z8, Z1, Z1
	VPCLMULQDQ $0x00, Z8, Z2, Z6
	VPCLMULQDQ $0x11, Z8, Z2, Z2
	VPCLMULQDQ $0x00, Z8, Z3, Z7
	VPCLMULQDQ $0x11, Z8, Z3, Z3
	VPTERNLOGQ $0x96, (SI), Z4, Z0
	VPTERNLOGQ $0x96, 64(SI), Z5, Z1
	VPTERNLOGQ $0x96, 128(SI), Z6, Z2
	VPTERNLOGQ $0x96, 192(SI), Z7, Z3
	ADDQ       $256, SI
	SUBQ       $256, CX
	JNZ        loop

reduce:
	// Fold lanes 0-14 onto lane 15 and add them up.
	VPCLMULQDQ     $0x00, ·laneK+0(SB), Z0, Z4
	VPCLMULQDQ     $0x11, ·laneK+0(SB), Z0, Z5
	VPCLMULQDQ     $0x00, ·laneK+64(SB), Z1, Z6
	VPCLMULQDQ     $0x11, ·laneK+64(SB), Z1, Z7
	VPCLMULQDQ     $0x00, ·laneK+128(SB), Z2, Z8
	VPCLMULQDQ     $0x11, ·laneK+128(SB), Z2, Z9
	VPCLMULQDQ     $0x00, ·laneK+192(SB), Z3, Z10
	VPCLMULQDQ     $0x11, ·laneK+192(SB), Z3, Z11
	VPTERNLOGQ     $0x96, Z4, Z5, Z6
	VPTERNLOGQ     $0x96, Z7, Z8, Z9
	VPTERNLOGQ     $0x96, Z10, Z11, Z6
	VPXORQ         Z9, Z6, Z6
	VEXTRACTI64X4  $1, Z6, Y7
	VPXORQ         Y7, Y6, Y6
	VEXTRACTI32X4  $1, Y6, X7
	VEXTRACTI32X4  $3, Z3, X8
	VPTERNLOGQ     $0x96, X8, X7, X6

	// X6·x^32 mod P.
	VMOVQ   X6, AX
	VPEXTRQ $1, X6, BX
	XORL    DX, DX
	CRC32Q  AX, DX
	CRC32Q  BX, DX
	VZEROUPPER
	MOVL    DX, ret+32(FP)
	RET

empty:
	MOVL AX, ret+32(FP)
	RET

head:
	// The first len(p) mod 256 bytes, then the rest with z = 0.
	MOVQ CX, R9
	ANDQ $255, R9
	SUBQ R9, CX
	CRC32_BYTES(SI, R9, AX, headLoop, headTail, headTail2, headTail1, headDone)
	TESTQ CX, CX
	JZ    empty
	XORL  DX, DX
	JMP   pad

// func updateSSE42(crc uint32, p []byte) uint32
TEXT ·updateSSE42(SB), NOSPLIT, $0-36
	MOVL crc+0(FP), AX
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), CX
	CRC32_BYTES(SI, CX, AX, loop8, tail, tail2, tail1, done)
	MOVL AX, ret+32(FP)
	RET
