package tfrecord

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// Check values from spec/wire.md section 5.
func TestMaskedCRC(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want uint32
	}{
		{"foo", []byte("foo"), 0xfebe8a61},
		{"LE64(3)", le64(3), 0x0e4999b0},
		{"empty", nil, refMask(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskedCRC(tt.in); got != tt.want {
				t.Errorf("maskedCRC(%q) = %#08x, want %#08x", tt.in, got, tt.want)
			}
			if got := refMask(refCRC(tt.in)); got != tt.want {
				t.Errorf("reference maskedCRC(%q) = %#08x, want %#08x", tt.in, got, tt.want)
			}
		})
	}
}

func TestCRC32CCheckValue(t *testing.T) {
	const want = 0xe3069283 // crc32c("123456789")
	if got := crc32.Checksum([]byte("123456789"), castagnoli); got != want {
		t.Errorf("crc32c = %#08x, want %#08x", got, want)
	}
	if got := refCRC([]byte("123456789")); got != want {
		t.Errorf("reference crc32c = %#08x, want %#08x", got, want)
	}
}

func TestAppendRecord(t *testing.T) {
	foo, err := base64.StdEncoding.DecodeString("AwAAAAAAAACwmUkOZm9vYYq+/g==")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dst  []byte
		rec  []byte
		want []byte
	}{
		{"foo", nil, []byte("foo"), foo},
		{"appends", []byte("xy"), []byte("foo"), append([]byte("xy"), foo...)},
		{"empty record", nil, nil, refFrame(nil)},
		{"1000 bytes", nil, bytes.Repeat([]byte{7}, 1000), refFrame(bytes.Repeat([]byte{7}, 1000))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AppendRecord(tt.dst, tt.rec); !bytes.Equal(got, tt.want) {
				t.Errorf("AppendRecord = %x, want %x", got, tt.want)
			}
		})
	}
}

func TestScanHeader(t *testing.T) {
	rec := refFrame([]byte("foo"))
	tests := []struct {
		name      string
		in        []byte
		max       uint64
		wantI     int
		wantFound bool
	}{
		{"at start", rec, 100, 0, true},
		{"after junk", append([]byte("junk"), rec...), 100, 4, true},
		{"too large for max", append([]byte("junk"), rec...), 2, len(rec) + 4 - 11, false},
		{"none", bytes.Repeat([]byte{0xff}, 30), 100, 30 - 11, false},
		{"exactly 12 junk", bytes.Repeat([]byte{0}, 12), 100, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, found := scanHeader(tt.in, tt.max)
			if i != tt.wantI || found != tt.wantFound {
				t.Errorf("scanHeader = %d, %v; want %d, %v", i, found, tt.wantI, tt.wantFound)
			}
		})
	}
}

func TestAppendRecordAllocs(t *testing.T) {
	rec := make([]byte, 1000)
	dst := make([]byte, 0, 2000)
	if allocs := testing.AllocsPerRun(100, func() { dst = AppendRecord(dst[:0], rec) }); allocs != 0 {
		t.Errorf("%v allocations per AppendRecord into a large enough slice, want 0", allocs)
	}
}

// TestLengthCRC compares the table-driven CRC of length fields with
// hash/crc32 and with the bitwise reference.
func TestLengthCRC(t *testing.T) {
	values := []uint64{0, 1, 3, 0x9c78, 1 << 30, 1<<62 + 12345, 1<<64 - 1}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		values = append(values, rng.Uint64(), rng.Uint64()>>rng.IntN(64))
	}
	for _, v := range values {
		b := le64(v)
		if got, want := lengthCRC(b), maskedCRC(b); got != want {
			t.Fatalf("lengthCRC(%#x) = %#08x, hash/crc32 gives %#08x", v, got, want)
		}
		if got, want := lengthCRC(b), refMask(refCRC(b)); got != want {
			t.Fatalf("lengthCRC(%#x) = %#08x, reference gives %#08x", v, got, want)
		}
	}
	if got := lengthCRC(le64(3)); got != 0x0e4999b0 {
		t.Errorf("lengthCRC(LE64(3)) = %#08x, want 0x0e4999b0", got)
	}
}
