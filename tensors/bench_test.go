package tensors

import (
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// benchBatch is rows rows of a large_list<int64> column with width values
// each, and a large_list<large_list<int64>> column of the same values in
// lists of two.
func benchBatch(rows, width int) arrow.RecordBatch {
	mem := memory.NewGoAllocator()
	fb := array.NewLargeListBuilder(mem, arrow.PrimitiveTypes.Int64)
	defer fb.Release()
	nb := array.NewLargeListBuilder(mem, arrow.LargeListOf(arrow.PrimitiveTypes.Int64))
	defer nb.Release()
	fv := fb.ValueBuilder().(*array.Int64Builder)
	ib := nb.ValueBuilder().(*array.LargeListBuilder)
	iv := ib.ValueBuilder().(*array.Int64Builder)
	for r := range rows {
		fb.Append(true)
		nb.Append(true)
		for j := range width {
			fv.Append(int64(r*width + j))
			if j%2 == 0 {
				ib.Append(true)
			}
			iv.Append(int64(r*width + j))
		}
	}
	flat, nested := fb.NewArray(), nb.NewArray()
	defer flat.Release()
	defer nested.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "flat", Type: flat.DataType()}, {Name: "nested", Type: nested.DataType()}}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{flat, nested}, int64(rows))
}

func BenchmarkConvert(b *testing.B) {
	for _, c := range []struct{ name, rep string }{
		{"dense", `dense_tensor { column_name: "flat" shape { dim { size: 8 } } }`},
		{"varlen", `varlen_sparse_tensor { column_name: "flat" }`},
		{"ragged", `ragged_tensor { feature_path { step: "nested" } }`},
	} {
		const rows, width = 1 << 14, 8
		b.Run(fmt.Sprintf("%s/rows=%d width=%d", c.name, rows, width), func(b *testing.B) {
			rb := benchBatch(rows, width)
			defer rb.Release()
			a, err := NewAdapter(reps(b, map[string]string{"t": c.rep}), rb.Schema())
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(rows * width * 8)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Convert(rb); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConvertNulls converts a ragged tensor of a column with a null
// (empty) row in every 8 (taxi's missing values): the null rows are
// checked against the offsets.
func BenchmarkConvertNulls(b *testing.B) {
	const rows = 1 << 14
	mem := memory.NewGoAllocator()
	lb := array.NewLargeListBuilder(mem, arrow.PrimitiveTypes.Int64)
	vb := lb.ValueBuilder().(*array.Int64Builder)
	for r := range rows {
		if r%8 == 3 {
			lb.AppendNull()
			continue
		}
		lb.Append(true)
		vb.Append(int64(r))
	}
	col := lb.NewArray()
	lb.Release()
	defer col.Release()
	rb := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "flat", Type: col.DataType(), Nullable: true}}, nil), []arrow.Array{col}, rows)
	defer rb.Release()
	a, err := NewAdapter(reps(b, map[string]string{"t": `ragged_tensor { feature_path { step: "flat" } }`}), rb.Schema())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Convert(rb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteNPZ(b *testing.B) {
	const rows, width = 1 << 14, 8
	rb := benchBatch(rows, width)
	defer rb.Release()
	a, err := NewAdapter(reps(b, map[string]string{
		"d": `dense_tensor { column_name: "flat" shape { dim { size: 8 } } }`,
		"r": `ragged_tensor { feature_path { step: "nested" } }`,
	}), rb.Schema())
	if err != nil {
		b.Fatal(err)
	}
	ts, err := a.Convert(rb)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(2 * rows * width * 8)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteNPZ(io.Discard, ts, NPZOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
