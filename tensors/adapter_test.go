package tensors

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/go-cmp/cmp"
)

// adapterCase converts one batch with some tensor representations. The
// cases follow tfx-bsl's tensor_adapter_test.py, and behaviour.md §2.
type adapterCase struct {
	name  string
	cols  []col
	reps  map[string]string // tensor name -> TensorRepresentation text
	slice []int64           // [i, j]: convert a slice of the batch
	want  map[string]Tensor
	specs map[string]Spec

	newErr  error  // expected from NewAdapter
	convErr error  // expected from Convert
	errText string // expected in the error's text
}

func (c adapterCase) run(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	rb := batch(t, mem, c.cols...)
	defer rb.Release()
	a, err := NewAdapter(reps(t, c.reps), rb.Schema())
	if !checkErr(t, "NewAdapter", err, c.newErr, c.errText) {
		return
	}
	if c.specs != nil {
		if diff := cmp.Diff(c.specs, a.Specs(), cmpOpts); diff != "" {
			t.Errorf("Specs (-want +got):\n%s", diff)
		}
	}
	if c.slice != nil {
		rb = rb.NewSlice(c.slice[0], c.slice[1])
		defer rb.Release()
	}
	got, err := a.Convert(rb)
	if !checkErr(t, "Convert", err, c.convErr, c.errText) {
		return
	}
	if diff := cmp.Diff(c.want, got, cmpOpts); diff != "" {
		t.Errorf("Convert (-want +got):\n%s", diff)
	}
	// Every tensor matches its spec.
	for name, s := range a.Specs() {
		checkSpec(t, name, s, got[name])
	}
}

// checkErr reports whether to go on: err is nil and none was wanted.
func checkErr(t *testing.T, what string, err, want error, text string) bool {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("%s: %v", what, err)
	case want == nil:
		return true
	case err == nil:
		t.Fatalf("%s: no error, want %v", what, want)
	case !errors.Is(err, want):
		t.Fatalf("%s: %v, want errors.Is %v", what, err, want)
	case !strings.Contains(err.Error(), text):
		t.Fatalf("%s: %q does not contain %q", what, err, text)
	}
	return false
}

func checkSpec(t *testing.T, name string, s Spec, tensor Tensor) {
	t.Helper()
	if tensor.Kind() != s.Kind {
		t.Errorf("%s: kind %s, spec %s", name, tensor.Kind(), s.Kind)
		return
	}
	compatible := func(shape []int64) {
		if len(shape) != len(s.Shape) {
			t.Errorf("%s: rank %d, spec %v", name, len(shape), s)
			return
		}
		for i, d := range s.Shape {
			if d >= 0 && shape[i] != int64(d) {
				t.Errorf("%s: shape %v, spec %v", name, shape, s)
			}
		}
	}
	switch x := tensor.(type) {
	case *Dense:
		shape := make([]int64, len(x.Shape))
		for i, d := range x.Shape {
			shape[i] = int64(d)
		}
		compatible(shape)
		if x.DType != s.DType || dtypeOf(x.Data) != s.DType || x.Len() != prod(x.Shape) {
			t.Errorf("%s: %s data %T with %d elements for shape %v, spec %v", name, x.DType, x.Data, x.Len(), x.Shape, s)
		}
	case *Sparse:
		compatible(x.DenseShape)
		if x.Values.DType != s.DType || len(x.Indices) != x.Values.Len()*len(x.DenseShape) {
			t.Errorf("%s: %d indices for %d %s values, spec %v", name, len(x.Indices), x.Values.Len(), x.Values.DType, s)
		}
	case *Ragged:
		if len(x.RowSplits) != s.RaggedRank || x.Values.DType != s.DType || len(x.Values.Shape) != len(s.Shape)-s.RaggedRank {
			t.Errorf("%s: ragged rank %d, values %s%v, spec %v", name, len(x.RowSplits), x.Values.DType, x.Values.Shape, s)
		}
		for k, rs := range x.RowSplits {
			if rs.DType != s.RowSplitsDType {
				t.Errorf("%s: row splits %d are %s, spec %v", name, k, rs.DType, s)
			}
			// Each level's last split is the next level's length.
			next := x.Values.NumRows()
			if k+1 < len(x.RowSplits) {
				next = x.RowSplits[k+1].Len() - 1
			}
			if sp := rs.Int64s(); sp[0] != 0 || sp[len(sp)-1] != int64(next) {
				t.Errorf("%s: row splits %d %v do not split %d items", name, k, sp, next)
			}
		}
	}
}

func TestAdapter(t *testing.T) {
	var cases []adapterCase
	cases = append(cases, denseCases()...)
	cases = append(cases, sparseCases()...)
	cases = append(cases, raggedCases()...)
	cases = append(cases, errorCases()...)
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases named %s", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, c.run)
	}
}

func listName(i int) string { return [...]string{"list", "large_list"}[i] }

func denseCases() []adapterCase {
	var cases []adapterCase
	for _, lt := range allTypes {
		dt, _ := leafDType(lt)
		for li, list := range listKinds {
			cases = append(cases, adapterCase{
				name:  fmt.Sprintf("dense_from_%s_array_%s", listName(li), lt),
				cols:  []col{{"input", list(lt), jsonOf(dt, "[[1,2,3,4],[5,6,7,8]]")}},
				reps:  map[string]string{"output": `dense_tensor { column_name: "input" shape { dim { size: 4 } } }`},
				want:  map[string]Tensor{"output": &Dense{DType: dt, Shape: []int{2, 4}, Data: values(dt, 1, 2, 3, 4, 5, 6, 7, 8)}},
				specs: map[string]Spec{"output": {Kind: KindDense, DType: dt, Shape: []int{-1, 4}}},
			})
		}
	}
	for _, lt := range intTypes {
		dt, _ := leafDType(lt)
		for li, list := range listKinds {
			cases = append(cases, adapterCase{
				name: fmt.Sprintf("default_filled_dense_from_%s_array_%s", listName(li), lt),
				cols: []col{{"input", list(lt), "[null,[1,2,3,4],null]"}},
				reps: map[string]string{"output": `dense_tensor { column_name: "input" shape { dim { size: 2 } dim { size: 2 } } default_value { int_value: 2 } }`},
				want: map[string]Tensor{"output": &Dense{DType: dt, Shape: []int{3, 2, 2}, Data: values(dt, 2, 2, 2, 2, 1, 2, 3, 4, 2, 2, 2, 2)}},
			})
		}
	}
	for _, lt := range floatTypes {
		dt, _ := leafDType(lt)
		cases = append(cases, adapterCase{
			name: fmt.Sprintf("default_filled_dense_from_list_array_%s", lt),
			cols: []col{{"input", arrow.ListOf(lt), "[null,[1,2],null]"}},
			reps: map[string]string{"output": `dense_tensor { column_name: "input" shape { dim { size: 2 } dim { size: 1 } } default_value { float_value: -1 } }`},
			want: map[string]Tensor{"output": &Dense{DType: dt, Shape: []int{3, 2, 1}, Data: values(dt, -1, -1, 1, 2, -1, -1)}},
		})
	}
	for _, lt := range bytesTypes {
		cases = append(cases, adapterCase{
			name:  fmt.Sprintf("default_filled_dense_from_list_array_%s", lt),
			cols:  []col{{"input", arrow.ListOf(lt), `[null,["hello"],null]`}},
			reps:  map[string]string{"output": `dense_tensor { column_name: "input" shape {} default_value { bytes_value: "nil" } }`},
			want:  map[string]Tensor{"output": &Dense{DType: Bytes, Shape: []int{3}, Data: [][]byte{[]byte("nil"), []byte("hello"), []byte("nil")}}},
			specs: map[string]Spec{"output": {Kind: KindDense, DType: Bytes, Shape: []int{-1}}},
		})
	}
	cases = append(cases,
		adapterCase{
			// default_value fills null rows only: an empty row is a size
			// mismatch.
			name:    "default_value_not_for_empty_rows",
			cols:    []col{{"input", largeInt64s, "[null,[],[1]]"}},
			reps:    map[string]string{"output": `dense_tensor { column_name: "input" shape {} default_value { int_value: 7 } }`},
			convErr: ErrSizeMismatch,
			errText: "Error raised when handling tensor 'output': Unable to convert a large_list<item: int64, nullable> column to a tensor of type spec TensorSpec(shape=(None,), dtype=tf.int64): size mismatch. Expected 3 elements but got 2.",
		},
		adapterCase{
			name:    "dense_size_mismatch",
			cols:    []col{{"column", listInt64s, "[[1],null,[2]]"}},
			reps:    map[string]string{"tensor": `dense_tensor { column_name: "column" shape {} }`},
			convErr: ErrSizeMismatch,
			errText: "Error raised when handling tensor 'tensor'",
		},
		adapterCase{
			name:  "dense_of_sliced_batch",
			cols:  []col{{"x", largeInt64s, "[[1,2],[3,4],[5,6],[7,8]]"}},
			reps:  map[string]string{"x": `dense_tensor { column_name: "x" shape { dim { size: 2 } } }`},
			slice: []int64{1, 3},
			want:  map[string]Tensor{"x": &Dense{DType: Int64, Shape: []int{2, 2}, Data: []int64{3, 4, 5, 6}}},
		},
		adapterCase{
			// A null row with values behind it contributes none
			// (pyarrow's flatten); here it makes the data non-contiguous.
			name: "dense_default_with_empty_batch",
			cols: []col{{"x", largeInt64s, "[]"}},
			reps: map[string]string{"x": `dense_tensor { column_name: "x" shape { dim { size: 3 } } default_value { int_value: 1 } }`},
			want: map[string]Tensor{"x": &Dense{DType: Int64, Shape: []int{0, 3}, Data: []int64{}}},
		},
		adapterCase{
			// gobsl extension: a column of scalars is a dense tensor.
			name: "dense_from_scalar_column",
			cols: []col{{"x", arrow.PrimitiveTypes.Float64, "[1.5,null,3]"}},
			reps: map[string]string{"x": `dense_tensor { column_name: "x" shape {} default_value { float_value: 9 } }`},
			want: map[string]Tensor{"x": &Dense{DType: Float64, Shape: []int{3}, Data: []float64{1.5, 9, 3}}},
		},
		adapterCase{
			name:    "dense_from_scalar_column_with_null",
			cols:    []col{{"x", arrow.BinaryTypes.String, `["a",null]`}},
			reps:    map[string]string{"x": `dense_tensor { column_name: "x" shape {} }`},
			convErr: ErrSizeMismatch,
			errText: "Expected 2 elements but got 1",
		},
		adapterCase{
			name:    "null_inside_list",
			cols:    []col{{"x", largeInt64s, "[[1,null]]"}},
			reps:    map[string]string{"x": `varlen_sparse_tensor { column_name: "x" }`},
			convErr: ErrNull,
			errText: "Error raised when handling tensor 'x'",
		},
	)
	return cases
}

func sparseCases() []adapterCase {
	var cases []adapterCase
	for _, lt := range allTypes {
		dt, _ := leafDType(lt)
		cases = append(cases, adapterCase{
			name: fmt.Sprintf("varlen_sparse_from_list_array_%s", lt),
			cols: []col{{"input", arrow.ListOf(lt), jsonOf(dt, "[[1,2],null,[3],[],[5]]")}},
			reps: map[string]string{"output": `varlen_sparse_tensor { column_name: "input" }`},
			want: map[string]Tensor{"output": &Sparse{
				Indices:    []int64{0, 0, 0, 1, 2, 0, 4, 0},
				Values:     Dense{DType: dt, Shape: []int{4}, Data: values(dt, 1, 2, 3, 5)},
				DenseShape: []int64{5, 2},
			}},
			specs: map[string]Spec{"output": {Kind: KindSparse, DType: dt, Shape: []int{-1, -1}}},
		})
		for li, list := range listKinds {
			cases = append(cases, adapterCase{
				name: fmt.Sprintf("1dsparse_tensor_%s_%s", lt, listName(li)),
				cols: []col{
					{"key", list(int64s), "[[0,99],null,[],[8]]"},
					{"value", list(lt), jsonOf(dt, "[[1,2],null,[],[3]]")},
				},
				reps: map[string]string{"output": `sparse_tensor { index_column_names: ["key"] value_column_name: "value" dense_shape { dim { size: 100 } } }`},
				want: map[string]Tensor{"output": &Sparse{
					Indices:    []int64{0, 0, 0, 99, 3, 8},
					Values:     Dense{DType: dt, Shape: []int{3}, Data: values(dt, 1, 2, 3)},
					DenseShape: []int64{4, 100},
				}},
				specs: map[string]Spec{"output": {Kind: KindSparse, DType: dt, Shape: []int{-1, 100}}},
			})
		}
	}
	twoD := []col{
		{"values", listInt64s, "[[1],null,[2],[3,4,5],[]]"},
		// An index column may be of any integer type.
		{"d0", arrow.ListOf(arrow.PrimitiveTypes.Uint32), "[[9],null,[9],[7,8,9],[]]"},
		{"d1", listInt64s, "[[0],null,[0],[0,1,2],[]]"},
	}
	cases = append(cases,
		adapterCase{
			name: "0d_sparse_tensor",
			cols: []col{
				{"key", listInt64s, "[[99],null,[],[8]]"},
				{"value", arrow.ListOf(arrow.PrimitiveTypes.Float32), "[[1],null,[],[3]]"},
			},
			reps:  map[string]string{"output": `sparse_tensor { value_column_name: "value" dense_shape {} }`},
			want:  map[string]Tensor{"output": &Sparse{Indices: []int64{0, 3}, Values: Dense{DType: Float32, Shape: []int{2}, Data: []float32{1, 3}}, DenseShape: []int64{4}}},
			specs: map[string]Spec{"output": {Kind: KindSparse, DType: Float32, Shape: []int{-1}}},
		},
		adapterCase{
			name: "2d_sparse_tensor_known_dense_shape",
			cols: twoD,
			reps: map[string]string{"output": `sparse_tensor { value_column_name: "values" index_column_names: ["d0", "d1"] dense_shape { dim { size: 10 } dim { size: 20 } } }`},
			want: map[string]Tensor{"output": &Sparse{
				Indices:    []int64{0, 9, 0, 2, 9, 0, 3, 7, 0, 3, 8, 1, 3, 9, 2},
				Values:     Dense{DType: Int64, Shape: []int{5}, Data: []int64{1, 2, 3, 4, 5}},
				DenseShape: []int64{5, 10, 20},
			}},
			specs: map[string]Spec{"output": {Kind: KindSparse, DType: Int64, Shape: []int{-1, 10, 20}}},
		},
		adapterCase{
			name: "2d_sparse_tensor_unknown_dense_shape",
			cols: twoD,
			reps: map[string]string{"output": `sparse_tensor { value_column_name: "values" index_column_names: ["d0", "d1"] dense_shape { dim { size: -1 } dim { size: -1 } } }`},
			want: map[string]Tensor{"output": &Sparse{
				Indices:    []int64{0, 9, 0, 2, 9, 0, 3, 7, 0, 3, 8, 1, 3, 9, 2},
				Values:     Dense{DType: Int64, Shape: []int{5}, Data: []int64{1, 2, 3, 4, 5}},
				DenseShape: []int64{5, -1, -1},
			}},
			specs: map[string]Spec{"output": {Kind: KindSparse, DType: Int64, Shape: []int{-1, -1, -1}}},
		},
		adapterCase{
			name: "sparse_tensors_refer_same_columns",
			cols: []col{
				{"values", listInt64s, "[[1],null,[2],[3,4,5],[]]"},
				{"d0", listInt64s, "[[9],null,[9],[7,8,9],[]]"},
				{"d1", listInt64s, "[[0],null,[0],[0,1,2],[]]"},
			},
			reps: map[string]string{
				"output1": `sparse_tensor { value_column_name: "values" index_column_names: ["d0", "d1"] dense_shape { dim { size: 10 } dim { size: 20 } } }`,
				"output2": `sparse_tensor { value_column_name: "d1" index_column_names: ["d0"] dense_shape { dim { size: 10 } } }`,
			},
			want: map[string]Tensor{
				"output1": &Sparse{
					Indices:    []int64{0, 9, 0, 2, 9, 0, 3, 7, 0, 3, 8, 1, 3, 9, 2},
					Values:     Dense{DType: Int64, Shape: []int{5}, Data: []int64{1, 2, 3, 4, 5}},
					DenseShape: []int64{5, 10, 20},
				},
				"output2": &Sparse{
					Indices:    []int64{0, 9, 2, 9, 3, 7, 3, 8, 3, 9},
					Values:     Dense{DType: Int64, Shape: []int{5}, Data: []int64{0, 0, 0, 1, 2}},
					DenseShape: []int64{5, 10},
				},
			},
		},
		adapterCase{
			name: "sparse_coo_mismatch",
			cols: []col{
				{"values", listInt64s, "[[1,2],[3]]"},
				{"d0", listInt64s, "[[0],[1]]"},
			},
			reps:    map[string]string{"s": `sparse_tensor { value_column_name: "values" index_column_names: ["d0"] dense_shape { dim { size: 2 } } }`},
			convErr: ErrCOO,
			errText: "Error raised when handling tensor 's': Error constructing the COO for SparseTensor. number of values: 3; size of each index array: [3, 2]",
		},
		adapterCase{
			name: "multiple_columns",
			cols: []col{
				{"int64_ragged", largeInt64s, "[[1],[],[2,3],null]"},
				{"float_dense", arrow.ListOf(arrow.PrimitiveTypes.Float32), "[[1,2],[2,3],[3,4],[4,5]]"},
				{"bytes_ragged", arrow.ListOf(arrow.BinaryTypes.LargeBinary), `[null,["a","b"],["c","d"],null]`},
				{"bytes_dense", arrow.ListOf(arrow.BinaryTypes.String), `[["w"],["x"],["y"],["z"]]`},
			},
			reps: map[string]string{
				"int64_varlen_sparse":        `varlen_sparse_tensor { column_name: "int64_ragged" }`,
				"float_dense":                `dense_tensor { column_name: "float_dense" shape { dim { size: 2 } dim { size: 1 } } }`,
				"bytes_varlen_sparse":        `varlen_sparse_tensor { column_name: "bytes_ragged" }`,
				"bytes_dense":                `dense_tensor { column_name: "bytes_dense" shape {} }`,
				"bytes_default_filled_dense": `dense_tensor { column_name: "bytes_ragged" shape { dim { size: 2 } } default_value { bytes_value: "kk" } }`,
			},
			specs: map[string]Spec{
				"int64_varlen_sparse":        {Kind: KindSparse, DType: Int64, Shape: []int{-1, -1}},
				"bytes_varlen_sparse":        {Kind: KindSparse, DType: Bytes, Shape: []int{-1, -1}},
				"float_dense":                {Kind: KindDense, DType: Float32, Shape: []int{-1, 2, 1}},
				"bytes_dense":                {Kind: KindDense, DType: Bytes, Shape: []int{-1}},
				"bytes_default_filled_dense": {Kind: KindDense, DType: Bytes, Shape: []int{-1, 2}},
			},
			want: map[string]Tensor{
				"int64_varlen_sparse": &Sparse{Indices: []int64{0, 0, 2, 0, 2, 1}, Values: i64(1, 2, 3), DenseShape: []int64{4, 2}},
				"bytes_varlen_sparse": &Sparse{Indices: []int64{1, 0, 1, 1, 2, 0, 2, 1}, Values: Dense{DType: Bytes, Shape: []int{4}, Data: values(Bytes, 1, 2, 3, 4)}, DenseShape: []int64{4, 2}},
				"float_dense":         &Dense{DType: Float32, Shape: []int{4, 2, 1}, Data: []float32{1, 2, 2, 3, 3, 4, 4, 5}},
				"bytes_dense":         &Dense{DType: Bytes, Shape: []int{4}, Data: [][]byte{[]byte("w"), []byte("x"), []byte("y"), []byte("z")}},
				"bytes_default_filled_dense": &Dense{DType: Bytes, Shape: []int{4, 2},
					Data: [][]byte{[]byte("kk"), []byte("kk"), []byte("a"), []byte("b"), []byte("c"), []byte("d"), []byte("kk"), []byte("kk")}},
			},
		},
	)
	return cases
}

func raggedCases() []adapterCase {
	var cases []adapterCase
	for _, lt := range allTypes {
		dt, _ := leafDType(lt)
		for li, list := range listKinds {
			cases = append(cases, adapterCase{
				name: fmt.Sprintf("1D_%s_%s", lt, listName(li)),
				cols: []col{{"ragged_feature", list(lt), jsonOf(dt, "[[1,2],null,[],[3]]")}},
				reps: map[string]string{"output": `ragged_tensor { feature_path { step: "ragged_feature" } }`},
				want: map[string]Tensor{"output": &Ragged{
					Values:    Dense{DType: dt, Shape: []int{3}, Data: values(dt, 1, 2, 3)},
					RowSplits: []Dense{i64(0, 2, 2, 2, 3)},
				}},
				specs: map[string]Spec{"output": {Kind: KindRagged, DType: dt, Shape: []int{-1, -1}, RaggedRank: 1, RowSplitsDType: Int64}},
			})
		}
	}
	int32Path := func(steps ...string) string {
		var b strings.Builder
		for _, s := range steps {
			fmt.Fprintf(&b, "step: %q ", s)
		}
		return fmt.Sprintf(`ragged_tensor { feature_path { %s} row_partition_dtype: INT32 }`, b.String())
	}
	structOf := func(fs ...arrow.Field) arrow.DataType { return arrow.StructOf(fs...) }
	f := func(name string, t arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: t, Nullable: true}
	}
	cases = append(cases,
		adapterCase{
			name:  "Simple",
			cols:  []col{{"ragged_feature", listInt64s, "[[1],null,[2],[3,4,5],[]]"}},
			reps:  map[string]string{"output": int32Path("ragged_feature")},
			want:  map[string]Tensor{"output": &Ragged{Values: i64(1, 2, 3, 4, 5), RowSplits: []Dense{i32(0, 1, 1, 2, 5, 5)}}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1}, RaggedRank: 1, RowSplitsDType: Int32}},
		},
		adapterCase{
			name:  "3D",
			cols:  []col{{"ragged_feature", arrow.ListOf(listInt64s), "[[[1]],null,[[2]],[[3,4],[5]],[]]"}},
			reps:  map[string]string{"output": int32Path("ragged_feature")},
			want:  map[string]Tensor{"output": &Ragged{Values: i64(1, 2, 3, 4, 5), RowSplits: []Dense{i32(0, 1, 1, 2, 4, 4), i32(0, 1, 2, 4, 5)}}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, -1}, RaggedRank: 2, RowSplitsDType: Int32}},
		},
		adapterCase{
			name: "StructOfList",
			cols: []col{{"ragged_feature", structOf(f("inner_feature", listInt64s), f("x2", arrow.ListOf(arrow.BinaryTypes.Binary))),
				`[{"inner_feature":[1,2,3],"x2":["a","b","c"]},{"inner_feature":[4],"x2":["d"]}]`}},
			reps: map[string]string{"output": int32Path("ragged_feature", "inner_feature")},
			want: map[string]Tensor{"output": &Ragged{Values: i64(1, 2, 3, 4), RowSplits: []Dense{i32(0, 3, 4)}}},
		},
		adapterCase{
			name: "ListOfStruct",
			cols: []col{{"ragged_feature", arrow.ListOf(structOf(f("inner_feature", int64s), f("x2", arrow.BinaryTypes.Binary))),
				`[[{"inner_feature":1,"x2":"a"},{"inner_feature":2,"x2":"b"}],[{"inner_feature":3,"x2":"c"}]]`}},
			reps: map[string]string{"output": int32Path("ragged_feature", "inner_feature")},
			want: map[string]Tensor{"output": &Ragged{Values: i64(1, 2, 3), RowSplits: []Dense{i32(0, 2, 3)}}},
		},
		adapterCase{
			name: "NestedStructList",
			cols: []col{{"ragged_feature", structOf(
				f("inner_feature_1", arrow.ListOf(structOf(f("inner_feature_2", arrow.BinaryTypes.Binary), f("x3", arrow.BinaryTypes.Binary)))),
				f("x2", arrow.ListOf(arrow.BinaryTypes.Binary))),
				`[{"inner_feature_1":[{"inner_feature_2":"x","x3":"a"},{"inner_feature_2":"y","x3":"b"}],"x2":["a","b","c"]},
				  {"inner_feature_1":[{"inner_feature_2":"z","x3":"c"}],"x2":["d"]}]`}},
			reps: map[string]string{"output": int32Path("ragged_feature", "inner_feature_1", "inner_feature_2")},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Bytes, Shape: []int{3}, Data: [][]byte{[]byte("x"), []byte("y"), []byte("z")}},
				RowSplits: []Dense{i32(0, 2, 3)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Bytes, Shape: []int{-1, -1}, RaggedRank: 1, RowSplitsDType: Int32}},
		},
		adapterCase{
			name: "ListStructStruct",
			cols: []col{{"ragged_feature", arrow.ListOf(structOf(f("inner_feature_1", structOf(f("inner_feature_2", int64s), f("x2", arrow.BinaryTypes.Binary))))),
				`[[{"inner_feature_1":{"inner_feature_2":1,"x2":"a"}},{"inner_feature_1":{"inner_feature_2":2,"x2":"b"}}],
				  [{"inner_feature_1":{"inner_feature_2":3,"x2":"c"}}]]`}},
			reps: map[string]string{"output": int32Path("ragged_feature", "inner_feature_1", "inner_feature_2")},
			want: map[string]Tensor{"output": &Ragged{Values: i64(1, 2, 3), RowSplits: []Dense{i32(0, 2, 3)}}},
		},
		adapterCase{
			name: "MixedLargeTypes",
			cols: []col{{"ragged_feature", arrow.ListOf(largeInt64s), "[[[1]],null,[[2]],[[3,4],[5]],[]]"}},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "ragged_feature" } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{Values: i64(1, 2, 3, 4, 5), RowSplits: []Dense{i64(0, 1, 1, 2, 4, 4), i64(0, 1, 2, 4, 5)}}},
		},
		adapterCase{
			name: "RaggedRank1Uniform1D",
			cols: []col{{"value", listInt64s, "[[1,2,3,4],null,[],[5,6]]"}},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { uniform_row_length: 2 } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Int64, Shape: []int{3, 2}, Data: []int64{1, 2, 3, 4, 5, 6}},
				RowSplits: []Dense{i64(0, 2, 2, 2, 3)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, 2}, RaggedRank: 1, RowSplitsDType: Int64}},
		},
		adapterCase{
			name: "RaggedRank1Uniform2D",
			cols: []col{{"value", listInt64s, "[[1,1,2,2,3,3,4,4],null,[],[5,5,6,6]]"}},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { uniform_row_length: 2 } partition { uniform_row_length: 2 } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Int64, Shape: []int{3, 2, 2}, Data: []int64{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}},
				RowSplits: []Dense{i64(0, 2, 2, 2, 3)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, 2, 2}, RaggedRank: 1, RowSplitsDType: Int64}},
		},
		adapterCase{
			name: "RaggedRank2",
			cols: []col{
				{"value", listInt64s, "[[1,2,3,4,5,6],null,[],[5,6]]"},
				{"row_length", listInt64s, "[[4,2],null,[],[1,1]]"},
			},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { row_length: "row_length" } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    i64(1, 2, 3, 4, 5, 6, 5, 6),
				RowSplits: []Dense{i64(0, 2, 2, 2, 4), i64(0, 4, 6, 7, 8)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, -1}, RaggedRank: 2, RowSplitsDType: Int64}},
		},
		adapterCase{
			name: "RaggedRank2Uniform1D",
			cols: []col{
				{"value", listInt64s, "[[1,2,3,4,5,6],null,[],[5,6]]"},
				{"row_length", listInt64s, "[[2,1],null,[],[1]]"},
			},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { row_length: "row_length" } partition { uniform_row_length: 2 } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Int64, Shape: []int{4, 2}, Data: []int64{1, 2, 3, 4, 5, 6, 5, 6}},
				RowSplits: []Dense{i64(0, 2, 2, 2, 3), i64(0, 2, 3, 4)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, -1, 2}, RaggedRank: 2, RowSplitsDType: Int64}},
		},
		adapterCase{
			name: "RaggedRank3UniformRaggedUniform",
			cols: []col{
				{"value", listInt64s, "[[1,2,3,4,5,6],null,[],[5,6,7,8]]"},
				{"row_length", listInt64s, "[[2,1],null,[],[1,1]]"},
			},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { uniform_row_length: 2 } partition { row_length: "row_length" } partition { uniform_row_length: 2 } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Int64, Shape: []int{5, 2}, Data: []int64{1, 2, 3, 4, 5, 6, 5, 6, 7, 8}},
				RowSplits: []Dense{i64(0, 1, 1, 1, 2), i64(0, 2, 4), i64(0, 2, 3, 4, 5)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, -1, -1, 2}, RaggedRank: 3, RowSplitsDType: Int64}},
		},
		adapterCase{
			name: "RaggedRank4RaggedUniformRagged",
			cols: []col{
				{"value", listInt64s, "[[1,2,3,4,5,6],null,[],[5,6,7,8]]"},
				{"row_length", listInt64s, "[[2,1],null,[],[1,1]]"},
				{"row_length_2", listInt64s, "[[1],null,[],[1]]"},
			},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { row_length: "row_length_2" } partition { uniform_row_length: 2 } partition { row_length: "row_length" } partition { uniform_row_length: 2 } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Int64, Shape: []int{5, 2}, Data: []int64{1, 2, 3, 4, 5, 6, 5, 6, 7, 8}},
				RowSplits: []Dense{i64(0, 1, 1, 1, 2), i64(0, 1, 2), i64(0, 2, 4), i64(0, 2, 3, 4, 5)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, -1, -1, -1, 2}, RaggedRank: 4, RowSplitsDType: Int64}},
		},
		adapterCase{
			name: "Struct_RaggedRank1Uniform1D",
			cols: []col{{"parent", structOf(f("value", listInt64s)), `[{"value":[1,2,3,4]},{"value":null},{"value":[]},{"value":[5,6]}]`}},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "parent" step: "value" } partition { uniform_row_length: 2 } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Int64, Shape: []int{3, 2}, Data: []int64{1, 2, 3, 4, 5, 6}},
				RowSplits: []Dense{i64(0, 2, 2, 2, 3)},
			}},
		},
		adapterCase{
			name: "Struct_RaggedRank2",
			cols: []col{{"parent", structOf(f("value", listInt64s), f("row_length", listInt64s)),
				`[{"value":[1,2,3,4,5,6],"row_length":[4,2]},{"value":null,"row_length":null},{"value":[],"row_length":[]},{"value":[5,6],"row_length":[1,1]}]`}},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "parent" step: "value" } partition { row_length: "row_length" } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    i64(1, 2, 3, 4, 5, 6, 5, 6),
				RowSplits: []Dense{i64(0, 2, 2, 2, 4), i64(0, 4, 6, 7, 8)},
			}},
		},
		adapterCase{
			name: "Struct_RaggedRank4RaggedUniformRagged",
			cols: []col{{"parent", structOf(f("value", listInt64s), f("row_length", listInt64s), f("row_length_2", listInt64s)),
				`[{"value":[1,2,3,4,5,6],"row_length":[2,1],"row_length_2":[1]},{"value":null,"row_length":null,"row_length_2":null},
				  {"value":[],"row_length":[],"row_length_2":[]},{"value":[5,6,7,8],"row_length":[1,1],"row_length_2":[1]}]`}},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "parent" step: "value" } partition { row_length: "row_length_2" } partition { uniform_row_length: 2 } partition { row_length: "row_length" } partition { uniform_row_length: 2 } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    Dense{DType: Int64, Shape: []int{5, 2}, Data: []int64{1, 2, 3, 4, 5, 6, 5, 6, 7, 8}},
				RowSplits: []Dense{i64(0, 1, 1, 1, 2), i64(0, 1, 2), i64(0, 2, 4), i64(0, 2, 3, 4, 5)},
			}},
		},
		adapterCase{
			name: "ListStruct_RaggedRank1Uniform1D",
			cols: []col{{"parent", arrow.ListOf(structOf(f("struct", structOf(f("value", listInt64s), f("row_length", listInt64s))))),
				`[[{"struct":{"value":[1,2,3],"row_length":[2,1]}},{"struct":{"value":[1],"row_length":[1]}}],
				  null,[],[{"struct":{"value":[2,3,4],"row_length":[1,2]}}]]`}},
			reps: map[string]string{"output": `ragged_tensor { feature_path { step: "parent" step: "struct" step: "value" } partition { row_length: "row_length" } row_partition_dtype: INT64 }`},
			want: map[string]Tensor{"output": &Ragged{
				Values:    i64(1, 2, 3, 1, 2, 3, 4),
				RowSplits: []Dense{i64(0, 2, 2, 2, 3), i64(0, 2, 3, 5), i64(0, 2, 3, 4, 5, 7)},
			}},
			specs: map[string]Spec{"output": {Kind: KindRagged, DType: Int64, Shape: []int{-1, -1, -1, -1}, RaggedRank: 3, RowSplitsDType: Int64}},
		},
		adapterCase{
			// tf.SequenceExample's struct column, as the decoder makes it.
			name: "sequence_feature",
			cols: []col{{"##SEQUENCE##", structOf(f("child", arrow.LargeListOf(largeInt64s))), `[{"child":[[1,2],[3]]},{"child":null},{"child":[[]]}]`}},
			reps: map[string]string{"##SEQUENCE##.child": `ragged_tensor { feature_path { step: "##SEQUENCE##" step: "child" } }`},
			want: map[string]Tensor{"##SEQUENCE##.child": &Ragged{Values: i64(1, 2, 3), RowSplits: []Dense{i64(0, 2, 2, 3), i64(0, 2, 3, 3)}}},
		},
		adapterCase{
			name:    "uniform_row_length_does_not_divide",
			cols:    []col{{"value", listInt64s, "[[1,2,3]]"}},
			reps:    map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { uniform_row_length: 2 } }`},
			convErr: ErrPartition,
			errText: "The values features lenghts cannot support the claimed fixed shape [2]",
		},
		adapterCase{
			name:    "ragged_uniform_row_length_does_not_divide_rows",
			cols:    []col{{"value", listInt64s, "[[1,2,3]]"}, {"rl", listInt64s, "[[1,1,1]]"}},
			reps:    map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { uniform_row_length: 2 } partition { row_length: "rl" } }`},
			convErr: ErrPartition,
			errText: "The values features lengths cannnot support the specified uniform row length of size 2",
		},
		adapterCase{
			name:    "row_lengths_do_not_sum_up",
			cols:    []col{{"value", listInt64s, "[[1,2,3]]"}, {"row_length", listInt64s, "[[1,1]]"}},
			reps:    map[string]string{"output": `ragged_tensor { feature_path { step: "value" } partition { row_length: "row_length" } }`},
			convErr: ErrPartition,
			errText: "Error raised when handling tensor 'output': The sum of row lengts provided in 'row_length' do not match with previous dimension found 3.",
		},
		adapterCase{
			name:    "ragged_sliced_record_batch",
			cols:    []col{{"ragged_feature", listInt64s, "[[1],null,[2],[3,4,5],[]]"}},
			reps:    map[string]string{"output": `ragged_tensor { feature_path { step: "ragged_feature" } }`},
			slice:   []int64{1, 4},
			convErr: ErrSliced,
			errText: "Error raised when handling tensor 'output'",
		},
	)
	return cases
}

func errorCases() []adapterCase {
	structCol := col{"ragged_feature", arrow.StructOf(
		arrow.Field{Name: "inner_feature", Type: listInt64s, Nullable: true},
		arrow.Field{Name: "x2", Type: arrow.ListOf(arrow.BinaryTypes.Binary), Nullable: true}),
		`[{"inner_feature":[1,2,3],"x2":["a","b","c"]}]`}
	unable := func(name, rep string, cols ...col) adapterCase {
		return adapterCase{name: name, cols: cols, reps: map[string]string{"output": rep}, newErr: ErrUnhandled, errText: "Unable to handle tensor output"}
	}
	cases := []adapterCase{
		unable("ragged_from_struct_array_with_no_nestedness", `ragged_tensor { feature_path { step: "ragged_feature" step: "inner_feature" } }`,
			col{"ragged_feature", arrow.StructOf(arrow.Field{Name: "inner_feature", Type: int64s, Nullable: true}, arrow.Field{Name: "x2", Type: arrow.BinaryTypes.String, Nullable: true}),
				`[{"inner_feature":1,"x2":"a"},{"inner_feature":2,"x2":"b"}]`}),
		unable("ragged_struct_type_invalid_steps", `ragged_tensor { feature_path { step: "ragged_feature" step: "wrong_step" } }`, structCol),
		unable("ragged_struct_type_too_many_steps", `ragged_tensor { feature_path { step: "ragged_feature" step: "inner_feature" step: "non_existant_feature" } }`, structCol),
		unable("ragged_struct_type_non_leaf", `ragged_tensor { feature_path { step: "ragged_feature" } }`, structCol),
		unable("ragged_without_same_path_for_partition", `ragged_tensor { feature_path { step: "struct" step: "ragged_feature" } partition { row_length: "row_length" } }`,
			col{"struct", arrow.StructOf(arrow.Field{Name: "ragged_feature", Type: listInt64s, Nullable: true}), `[{"ragged_feature":[1,2,3]}]`},
			col{"row_length", listInt64s, "[[1,2]]"}),
		unable("ragged_with_nested_row_lengths", `ragged_tensor { feature_path { step: "ragged_feature" } partition { row_length: "row_length" } row_partition_dtype: INT64 }`,
			col{"ragged_feature", arrow.ListOf(largeInt64s), "[[[1,1]],null,[[2]],[[3,3,4],[5]],[]]"},
			col{"row_length", arrow.ListOf(largeInt64s), "[[[2]],null,[[1]],[[2,1],[1]],[]]"}),
		unable("ragged_with_empty_feature_path", `ragged_tensor { feature_path {} }`,
			col{"ragged_feature", arrow.ListOf(largeInt64s), "[[[1,1]],null,[[2]],[[3,3,4],[5]],[]]"}),
		unable("ragged_non_positive_uniform_row_length", `ragged_tensor { feature_path { step: "x" } partition { uniform_row_length: 0 } }`,
			col{"x", listInt64s, "[[1]]"}),
		unable("ragged_empty_partition", `ragged_tensor { feature_path { step: "x" } partition {} }`,
			col{"x", listInt64s, "[[1]]"}),
		unable("unsupported_tensor_representation", ``, col{"a", listInt64s, "[]"}),
		unable("no_matching_handler_nested_list", `dense_tensor { column_name: "unsupported_column" shape {} }`,
			col{"unsupported_column", arrow.ListOf(listInt64s), "[]"}),
		unable("dense_missing_column", `dense_tensor { column_name: "nope" shape {} }`, col{"a", listInt64s, "[]"}),
		unable("dense_unsupported_value_type", `dense_tensor { column_name: "a" shape {} }`, col{"a", arrow.ListOf(arrow.FixedWidthTypes.Boolean), "[]"}),
		unable("varlen_struct", `varlen_sparse_tensor { column_name: "ragged_feature" }`, structCol),
		unable("dense_rank_not_equal_num_index_columns", `sparse_tensor { index_column_names: ["key"] value_column_name: "value" dense_shape { dim { size: 10 } dim { size: 5 } } }`,
			col{"key", listInt64s, "[]"}, col{"value", listInt64s, "[]"}),
		unable("invalid_index_column_type", `sparse_tensor { index_column_names: ["key"] value_column_name: "value" dense_shape { dim { size: 10 } } }`,
			col{"key", arrow.ListOf(arrow.PrimitiveTypes.Float32), "[]"}, col{"value", listInt64s, "[]"}),
	}
	for _, c := range []struct {
		name string
		typ  arrow.DataType
		dv   string
		text string
	}{
		{"default_value_not_set", int64s, "", "Incompatible default value: None is set for a int64 column"},
		{"mismatch_type", arrow.BinaryTypes.Binary, "float_value: 1.0", "Incompatible default value: float_value is set for a binary column"},
		{"integer_out_of_range_int64_uint64max", int64s, "uint_value: 0xffffffffffffffff", "Integer default value out of range: 18446744073709551615 is set for a int64 column"},
		{"integer_out_of_range_int32_int64max", arrow.PrimitiveTypes.Int32, "int_value: 0x7fffffffffffffff", "Integer default value out of range: 9223372036854775807 is set for a int32 column"},
		{"integer_out_of_range_uint8_negative", arrow.PrimitiveTypes.Uint8, "int_value: -1", "Integer default value out of range: -1 is set for a uint8 column"},
		{"bytes_for_float", arrow.PrimitiveTypes.Float32, `bytes_value: "x"`, "Incompatible default value: bytes_value is set for a float32 column"},
	} {
		cases = append(cases, adapterCase{
			name:    "invalid_default_value_" + c.name,
			cols:    []col{{"column", arrow.ListOf(c.typ), "[]"}},
			reps:    map[string]string{"tensor": `dense_tensor { column_name: "column" shape {} default_value {` + c.dv + `} }`},
			newErr:  ErrDefaultValue,
			errText: c.text,
		})
	}
	return cases
}

func TestAdapterSchemaMismatch(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	rb := batch(t, mem, col{"a", listInt64s, "[[1]]"})
	defer rb.Release()
	other := batch(t, mem, col{"a", largeInt64s, "[[1]]"})
	defer other.Release()
	a, err := NewAdapter(reps(t, map[string]string{"a": `varlen_sparse_tensor { column_name: "a" }`}), rb.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Convert(other); !errors.Is(err, ErrSchemaMismatch) || err.Error() != "tensors: Expected same schema." {
		t.Errorf("Convert: %v, want %v", err, ErrSchemaMismatch)
	}
}
