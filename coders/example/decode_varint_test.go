package example

import (
	"math/rand/v2"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestDecVarintMatchesProtowire(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		b := make([]byte, 12)
		for j := range b {
			b[j] = byte(r.Uint32())
			if r.IntN(3) == 0 {
				b[j] |= 0x80
			}
			if r.IntN(4) == 0 {
				b[j] &= 0x7f
			}
		}
		if r.IntN(3) == 0 {
			b = protowire.AppendVarint(nil, r.Uint64()>>r.UintN(64))
			b = append(b, byte(r.Uint32()), 0, 0, 0, 0, 0, 0, 0, 0, 0)
		}
		b = b[:r.IntN(len(b)+1)]
		v1, n1 := protowire.ConsumeVarint(b)
		v2, n2 := decVarint(b)
		if n1 < 0 {
			n1 = -1
		}
		if v1 != v2 || n1 != n2 {
			t.Fatalf("%x: want %d,%d got %d,%d", b, v1, n1, v2, n2)
		}
	}
}
