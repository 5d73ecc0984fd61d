package iocount

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReader(t *testing.T) {
	var total, calls int64
	r := &Reader{R: iotest.OneByteReader(strings.NewReader("hello")), Add: func(n int64) { total += n; calls++ }}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "hello" || total != 5 || calls != 5 {
		t.Errorf("read %q, counted %d bytes in %d calls; want hello, 5 in 5 (none for the empty read at EOF)", b, total, calls)
	}
}
