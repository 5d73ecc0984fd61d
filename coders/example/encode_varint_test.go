package example

import (
	"bytes"
	"math"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestPutVarint(t *testing.T) {
	var vals []uint64
	for shift := range 64 {
		v := uint64(1) << shift
		vals = append(vals, v-1, v, v+1)
	}
	vals = append(vals, math.MaxUint64, math.MaxInt64, 1<<63|1, 0x0123456789abcdef)
	buf := make([]byte, 10+slack)
	for _, v := range vals {
		want := protowire.AppendVarint(nil, v)
		for i := range buf {
			buf[i] = 0xee
		}
		p := putVarint(buf, 3, v)
		if got := buf[3:p]; !bytes.Equal(got, want) {
			t.Errorf("putVarint(%#x) = %x, want %x", v, got, want)
		}
		if buf[0] != 0xee || buf[1] != 0xee || buf[2] != 0xee {
			t.Errorf("putVarint(%#x) wrote before its position", v)
		}
	}
}
