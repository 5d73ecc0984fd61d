package tensors

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"
)

// fuzzRows decodes fuzz input into rows of a two-level list column: nil
// for a null row, a nil inner list for a null inner list.
func fuzzRows(data []byte) (rows [][][]int64, width int, sliceFrom int) {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	width = next()%3 + 1
	sliceFrom = next() % 3
	n := next() % 8
	for range n {
		if next()%5 == 0 {
			rows = append(rows, nil)
			continue
		}
		row := [][]int64{}
		for range next() % 4 {
			inner := []int64{}
			for range next() % 4 {
				inner = append(inner, int64(next())-100)
			}
			row = append(row, inner)
		}
		rows = append(rows, row)
	}
	return rows, width, sliceFrom
}

// FuzzAdapter checks the adapter against a reference written from the
// representations' definitions, on random nested columns: "nested"
// large_list<large_list<int64>> and "flat", the same rows flattened one
// level, as list<int64>; both may be converted from a slice of the batch.
func FuzzAdapter(f *testing.F) {
	f.Add([]byte{2, 0, 5, 1, 2, 3, 4, 5, 0, 7, 3, 1, 2, 3})
	f.Add([]byte{1, 1, 7, 0, 1, 1, 9, 2, 2, 1, 2, 3, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, width, from := fuzzRows(data)
		if from > len(rows) {
			from = len(rows)
		}
		mem := newMem()
		defer mem.AssertSize(t, 0)

		nb := array.NewLargeListBuilder(mem, arrow.LargeListOf(arrow.PrimitiveTypes.Int64))
		defer nb.Release()
		ib := nb.ValueBuilder().(*array.LargeListBuilder)
		vb := ib.ValueBuilder().(*array.Int64Builder)
		fb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int64)
		defer fb.Release()
		fvb := fb.ValueBuilder().(*array.Int64Builder)
		for _, row := range rows {
			nb.Append(row != nil)
			fb.Append(row != nil)
			for _, inner := range row {
				ib.Append(true)
				vb.AppendValues(inner, nil)
				fvb.AppendValues(inner, nil)
			}
		}
		nested, flat := nb.NewArray(), fb.NewArray()
		defer nested.Release()
		defer flat.Release()
		schema := arrow.NewSchema([]arrow.Field{{Name: "nested", Type: nested.DataType(), Nullable: true}, {Name: "flat", Type: flat.DataType(), Nullable: true}}, nil)
		full := array.NewRecordBatch(schema, []arrow.Array{nested, flat}, int64(len(rows)))
		defer full.Release()
		rb := full.NewSlice(int64(from), int64(len(rows)))
		defer rb.Release()
		rows = rows[from:]

		a, err := NewAdapter(reps(t, map[string]string{
			"varlen": `varlen_sparse_tensor { column_name: "flat" }`,
			"dense":  `dense_tensor { column_name: "flat" shape { dim { size: ` + string(rune('0'+width)) + ` } } default_value { int_value: -1 } }`,
		}), schema)
		if err != nil {
			t.Fatal(err)
		}
		ra, err := NewAdapter(reps(t, map[string]string{
			"ragged": `ragged_tensor { feature_path { step: "nested" } row_partition_dtype: INT32 }`,
		}), schema)
		if err != nil {
			t.Fatal(err)
		}

		// The reference.
		var flatRows [][]int64
		for _, row := range rows {
			if row == nil {
				flatRows = append(flatRows, nil)
				continue
			}
			var fr []int64
			for _, inner := range row {
				fr = append(fr, inner...)
			}
			flatRows = append(flatRows, append([]int64{}, fr...))
		}
		varlen := &Sparse{Values: Dense{DType: Int64, Data: []int64{}}, DenseShape: []int64{int64(len(rows)), 0}}
		dense := &Dense{DType: Int64, Shape: []int{len(rows), width}, Data: []int64{}}
		for i, fr := range flatRows {
			for j, v := range fr {
				varlen.Indices = append(varlen.Indices, int64(i), int64(j))
				varlen.Values.Data = append(varlen.Values.Data.([]int64), v)
			}
			varlen.DenseShape[1] = max(varlen.DenseShape[1], int64(len(fr)))
			// Only the total counts (tfx-bsl): rows of other lengths that
			// add up are reshaped as they come.
			if rows[i] == nil {
				for range width {
					dense.Data = append(dense.Data.([]int64), -1)
				}
			} else {
				dense.Data = append(dense.Data.([]int64), fr...)
			}
		}
		denseOK := dense.Len() == len(rows)*width
		varlen.Values.Shape = []int{varlen.Values.Len()}
		ragged := &Ragged{Values: Dense{DType: Int64, Data: []int64{}}, RowSplits: []Dense{i32(0), i32(0)}}
		for _, row := range rows {
			outer := ragged.RowSplits[0].Data.([]int32)
			inner := ragged.RowSplits[1].Data.([]int32)
			for _, in := range row {
				ragged.Values.Data = append(ragged.Values.Data.([]int64), in...)
				inner = append(inner, inner[len(inner)-1]+int32(len(in)))
			}
			ragged.RowSplits[0] = i32(append(outer, outer[len(outer)-1]+int32(len(row)))...)
			ragged.RowSplits[1] = i32(inner...)
		}
		ragged.Values.Shape = []int{ragged.Values.Len()}

		got, err := a.Convert(rb)
		if denseOK {
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]Tensor{"varlen": varlen, "dense": dense}, got, cmpOpts); diff != "" {
				t.Errorf("(-reference +adapter):\n%s", diff)
			}
		} else if te := (*TensorError)(nil); !errors.As(err, &te) || te.Name != "dense" || !errors.Is(err, ErrSizeMismatch) {
			t.Fatalf("dense: %v, want a size mismatch", err)
		}

		got, err = ra.Convert(rb)
		if from > 0 {
			if !errors.Is(err, ErrSliced) {
				t.Fatalf("ragged of a slice: %v, want ErrSliced", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]Tensor{"ragged": ragged}, got, cmpOpts); diff != "" {
			t.Errorf("(-reference +adapter):\n%s", diff)
		}
	})
}
