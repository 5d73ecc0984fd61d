package tensors

import (
	"math/rand/v2"
	"testing"
)

// TestNonEmptyNull compares nonEmptyNull's byte-skipping walk with a
// plain walk over every bit, on random bitmaps, bit offsets and lengths.
func TestNonEmptyNull(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	naive := func(bm []byte, off int, o offsets, rows int) int {
		for r := range rows {
			i := off + r
			if bm[i>>3]&(1<<(i&7)) == 0 && o.at(r) != o.at(r+1) {
				return r
			}
		}
		return -1
	}
	tests := []struct {
		name      string
		nullEvery int // a null row about every nullEvery rows
		emptyNull bool
	}{
		{name: "NullRowsEmpty", nullEvery: 5, emptyNull: true},
		{name: "RareNonEmptyNull", nullEvery: 50},
		{name: "DenseNulls", nullEvery: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := 0
			for iter := range 2000 {
				rows, off := rng.IntN(100), rng.IntN(20)
				bm := make([]byte, (off+rows+7)/8+1)
				for i := range bm {
					bm[i] = 0xFF
				}
				o64 := make([]int64, rows+1)
				for r := range rows {
					n := int64(rng.IntN(3))
					if rng.IntN(tt.nullEvery) == 0 {
						i := off + r
						bm[i>>3] &^= 1 << (i & 7)
						if tt.emptyNull || rng.IntN(4) != 0 {
							n = 0
						}
					}
					o64[r+1] = o64[r] + n
				}
				for _, o := range []offsets{{o64: o64}, {o32: to32(o64)}} {
					want, got := naive(bm, off, o, rows), nonEmptyNull(bm, off, o, rows)
					if got != want {
						t.Fatalf("iteration %d (rows %d, offset %d): got row %d, want %d", iter, rows, off, got, want)
					}
					if want >= 0 {
						found++
					}
				}
			}
			if tt.emptyNull != (found == 0) {
				t.Errorf("%d inputs with a non-empty null row", found)
			}
		})
	}
}

func to32(v []int64) []int32 {
	out := make([]int32, len(v))
	for i, x := range v {
		out[i] = int32(x)
	}
	return out
}
