package crc32c

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// reference is hash/crc32 with the Castagnoli table: the oracle.
func reference(crc uint32, p []byte) uint32 {
	return crc32.Update(crc, crc32.MakeTable(crc32.Castagnoli), p)
}

// random returns n random bytes.
func random(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// impls returns what to test: Update itself, and every implementation
// usable on this machine, each on inputs of any length.
func impls(t testing.TB) []implementation {
	t.Helper()
	all := append([]implementation{{"Update", Update}}, implementations...)
	names := make([]string, len(all))
	for i, im := range all {
		names[i] = im.name
	}
	t.Logf("implementations: %v", names)
	return all
}

func TestVectors(t *testing.T) {
	// RFC 3720 (iSCSI), appendix B.4, and the catalogue check value.
	inc := make([]byte, 32)
	dec := make([]byte, 32)
	ones := make([]byte, 32)
	for i := range 32 {
		inc[i] = byte(i)
		dec[i] = byte(31 - i)
		ones[i] = 0xff
	}
	tests := []struct {
		name string
		in   []byte
		want uint32
	}{
		{"empty", nil, 0},
		{"123456789", []byte("123456789"), 0xe3069283},
		{"32 zeros", make([]byte, 32), 0x8a9136aa},
		{"32 0xff", ones, 0x62a8ab43},
		{"0 to 31", inc, 0x46dd794e},
		{"31 to 0", dec, 0x113fdb5c},
	}
	for _, im := range impls(t) {
		for _, tt := range tests {
			if got := im.update(0, tt.in); got != tt.want {
				t.Errorf("%s(0, %s) = %#08x, want %#08x", im.name, tt.name, got, tt.want)
			}
		}
	}
	for _, tt := range tests {
		if got := Checksum(tt.in); got != tt.want {
			t.Errorf("Checksum(%s) = %#08x, want %#08x", tt.name, got, tt.want)
		}
	}
}

func TestMasked(t *testing.T) {
	// Check values from spec/wire.md section 5.
	for _, tt := range []struct {
		in   string
		want uint32
	}{{"foo", 0xfebe8a61}, {"\x03\x00\x00\x00\x00\x00\x00\x00", 0x0e4999b0}} {
		if got := Masked([]byte(tt.in)); got != tt.want {
			t.Errorf("Masked(%q) = %#08x, want %#08x", tt.in, got, tt.want)
		}
	}
	// TFRecord's mask, as tensorflow/core/lib/hash/crc32c.h defines it.
	rng := rand.New(rand.NewPCG(1, 1))
	for n := range 300 {
		p := random(rng, n*7)
		c := crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli))
		want := (c>>15 | c<<17) + 0xa282ead8
		if got := Masked(p); got != want {
			t.Fatalf("Masked(%d bytes) = %#08x, want %#08x", len(p), got, want)
		}
	}
}

// TestLengths checks every length from 0 to 5000, from random states.
func TestLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	data := random(rng, 5000)
	for _, im := range impls(t) {
		for n := 0; n <= len(data); n++ {
			crc := rng.Uint32()
			if n%7 == 0 {
				crc = 0
			}
			if got, want := im.update(crc, data[:n]), reference(crc, data[:n]); got != want {
				t.Fatalf("%s(%#08x, %d bytes) = %#08x, want %#08x", im.name, crc, n, got, want)
			}
		}
	}
}

// TestAlignment checks every alignment of the input to 64 bytes, for
// lengths around each multiple of 64 up to 1 KiB and some longer ones.
func TestAlignment(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	buf := random(rng, 64+20000)
	var lengths []int
	for m := 0; m <= 1024; m += 64 {
		for d := -3; d <= 3; d++ {
			if m+d >= 0 {
				lengths = append(lengths, m+d)
			}
		}
	}
	for range 40 {
		lengths = append(lengths, rng.IntN(20000))
	}
	for _, im := range impls(t) {
		for off := range 64 {
			for _, n := range lengths {
				p := buf[off : off+n]
				checkUpdate(t, im, rng.Uint32(), p, off)
			}
		}
	}
}

// checkUpdate compares im.update(crc, p) with the reference; off is where
// p starts in its buffer, for the message.
func checkUpdate(t *testing.T, im implementation, crc uint32, p []byte, off int) {
	t.Helper()
	if got, want := im.update(crc, p), reference(crc, p); got != want {
		t.Fatalf("%s(%#08x, %d bytes at offset %d) = %#08x, want %#08x", im.name, crc, len(p), off, got, want)
	}
}

// TestRandomLengths checks random lengths up to 1 MiB.
func TestRandomLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	data := random(rng, 1<<20)
	count := 200
	if testing.Short() {
		count = 20
	}
	for _, im := range impls(t) {
		for range count {
			n := rng.IntN(len(data) + 1)
			off := rng.IntN(len(data) - n + 1)
			p := data[off : off+n]
			checkUpdate(t, im, rng.Uint32(), p, off)
		}
	}
}

// TestIncremental checks chains of Updates over pieces of one input, cut
// at random points, and with the implementations mixed.
func TestIncremental(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	all := impls(t)
	for range 500 {
		data := random(rng, rng.IntN(8192))
		want := reference(0, data)
		for _, im := range all {
			crc, p := uint32(0), data
			for len(p) > 0 {
				n := rng.IntN(len(p) + 1)
				if rng.IntN(4) == 0 {
					n = min(len(p), rng.IntN(16))
				}
				crc = im.update(crc, p[:n])
				p = p[n:]
			}
			if crc != want {
				t.Fatalf("%s: chain over %d bytes = %#08x, want %#08x", im.name, len(data), crc, want)
			}
		}
		crc, p := uint32(0), data
		for len(p) > 0 {
			n := rng.IntN(len(p) + 1)
			crc = all[rng.IntN(len(all))].update(crc, p[:n])
			p = p[n:]
		}
		if crc != want {
			t.Fatalf("mixed chain over %d bytes = %#08x, want %#08x", len(data), crc, want)
		}
	}
}

// TestInputUnchanged checks that no implementation writes to its input.
func TestInputUnchanged(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	data := random(rng, 4096)
	saved := append([]byte(nil), data...)
	for _, im := range impls(t) {
		for n := 0; n <= len(data); n += 61 {
			im.update(rng.Uint32(), data[len(data)-n:])
		}
	}
	if string(data) != string(saved) {
		t.Fatal("an implementation changed its input")
	}
}

func FuzzUpdate(f *testing.F) {
	f.Add(uint32(0), []byte("123456789"), uint16(4))
	f.Add(uint32(0xffffffff), make([]byte, 1000), uint16(999))
	f.Add(uint32(0x12345678), make([]byte, 257), uint16(0))
	f.Fuzz(func(t *testing.T, crc uint32, data []byte, split uint16) {
		want := reference(crc, data)
		cut := int(split) % (len(data) + 1)
		for _, im := range implementations {
			if got := im.update(crc, data); got != want {
				t.Fatalf("%s(%#08x, %d bytes) = %#08x, want %#08x", im.name, crc, len(data), got, want)
			}
			if got := im.update(im.update(crc, data[:cut]), data[cut:]); got != want {
				t.Fatalf("%s: split at %d of %d bytes: %#08x, want %#08x", im.name, cut, len(data), got, want)
			}
		}
		if got := Update(crc, data); got != want {
			t.Fatalf("Update(%#08x, %d bytes) = %#08x, want %#08x", crc, len(data), got, want)
		}
	})
}
