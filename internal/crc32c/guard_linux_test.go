package crc32c

import (
	"math/rand/v2"
	"syscall"
	"testing"
)

// TestGuardPages puts the input against pages that may not be read, on
// either side: the AVX-512 path loads whole blocks from before the input
// with the bytes outside it masked off, which must neither fault nor
// change the result, and no path may read past the end.
func TestGuardPages(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(mem)
	data := mem[page : 2*page]
	if err := syscall.Mprotect(data, syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for _, im := range impls(t) {
		for n := 0; n <= page; n++ {
			crc := rng.Uint32()
			front, back := data[:n], data[page-n:]
			if got, want := im.update(crc, front), reference(crc, front); got != want {
				t.Fatalf("%s: %d bytes at the start of a page = %#08x, want %#08x", im.name, n, got, want)
			}
			if got, want := im.update(crc, back), reference(crc, back); got != want {
				t.Fatalf("%s: %d bytes at the end of a page = %#08x, want %#08x", im.name, n, got, want)
			}
		}
	}
}
