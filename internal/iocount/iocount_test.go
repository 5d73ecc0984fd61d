package iocount

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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

func TestRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var batches []arrow.RecordBatch
	for _, n := range []int{3, 0, 5} {
		b := array.NewInt64Builder(mem)
		b.AppendValues(make([]int64, n), nil)
		col := b.NewArray()
		b.Release()
		batches = append(batches, array.NewRecordBatch(schema, []arrow.Array{col}, int64(n)))
		col.Release()
	}
	rr, err := array.NewRecordReader(schema, batches)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		b.Release()
	}
	var total, calls int64
	r := &Rows{RecordReader: rr, Add: func(n int64) { total += n; calls++ }}
	for r.Next() {
	}
	r.Release()
	if total != 8 || calls != 3 {
		t.Errorf("counted %d rows in %d calls; want 8 in 3", total, calls)
	}
}
