package tensors

import (
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
)

func TestRepresentationsFromArrow(t *testing.T) {
	f := func(name string, typ arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: typ, Nullable: true}
	}
	for _, c := range []struct {
		name    string
		fields  []arrow.Field
		want    map[string]string
		wantErr string
	}{
		{
			name: "tfx-bsl columns",
			fields: []arrow.Field{
				f("i", largeInt64s), f("f", arrow.LargeListOf(arrow.PrimitiveTypes.Float32)), f("b", arrow.LargeListOf(arrow.BinaryTypes.LargeBinary)),
				f("s", arrow.ListOf(arrow.BinaryTypes.String)),
			},
			want: map[string]string{
				"i": `varlen_sparse_tensor { column_name: "i" }`,
				"f": `varlen_sparse_tensor { column_name: "f" }`,
				"b": `varlen_sparse_tensor { column_name: "b" }`,
				"s": `varlen_sparse_tensor { column_name: "s" }`,
			},
		},
		{
			name:   "nested lists are ragged",
			fields: []arrow.Field{f("n", arrow.LargeListOf(largeInt64s)), f("nn", arrow.ListOf(arrow.ListOf(listInt64s)))},
			want: map[string]string{
				"n":  `ragged_tensor { feature_path { step: "n" } }`,
				"nn": `ragged_tensor { feature_path { step: "nn" } }`,
			},
		},
		{
			name: "sequence struct",
			fields: []arrow.Field{f("ctx", largeInt64s), f("##SEQUENCE##", arrow.StructOf(
				f("a", arrow.LargeListOf(largeInt64s)), f("never", arrow.LargeListOf(arrow.LargeListOf(arrow.Null)))))},
			want: map[string]string{
				"ctx":            `varlen_sparse_tensor { column_name: "ctx" }`,
				"##SEQUENCE##.a": `ragged_tensor { feature_path { step: "##SEQUENCE##" step: "a" } }`,
			},
		},
		{
			name:   "scalars and empty columns",
			fields: []arrow.Field{f("x", arrow.PrimitiveTypes.Float64), f("s", arrow.BinaryTypes.String), f("none", arrow.LargeListOf(arrow.Null)), f("null", arrow.Null)},
			want: map[string]string{
				"x": `dense_tensor { column_name: "x" shape {} }`,
				"s": `dense_tensor { column_name: "s" shape {} }`,
			},
		},
		{
			name:    "bool",
			fields:  []arrow.Field{f("ok", arrow.ListOf(arrow.FixedWidthTypes.Boolean))},
			wantErr: `tensors: column "ok" of type list<item: bool, nullable> has no tensor representation (want lists of integers, floats or bytes, nested lists, or structs of them)`,
		},
		{
			name:    "struct in struct",
			fields:  []arrow.Field{f("s", arrow.StructOf(f("t", arrow.StructOf(f("u", largeInt64s)))))},
			wantErr: `tensors: column "s": struct field "t" is a struct; structs in structs have no tensor representation`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := RepresentationsFromArrow(arrow.NewSchema(c.fields, nil))
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error %v, want %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(reps(t, c.want), got, protocmp.Transform()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The adapter takes every inferred representation.
			if _, err := NewAdapter(got, arrow.NewSchema(c.fields, nil)); err != nil {
				t.Errorf("NewAdapter: %v", err)
			}
		})
	}
}

// TestZeroCopy checks that tensors share the Arrow buffers where the
// layouts agree, and that Clone does not.
func TestZeroCopy(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	rb := batch(t, mem,
		col{"dense", largeInt64s, "[[1,2],[3,4],null]"},
		col{"ragged", arrow.LargeListOf(largeInt64s), "[[[1],[2,3]],[],null]"},
		col{"ragged32", arrow.ListOf(arrow.PrimitiveTypes.Float32), "[[1],[2,3],[]]"},
		col{"bytes", arrow.ListOf(arrow.BinaryTypes.LargeBinary), `[["ab"],["c"],null]`},
	)
	defer rb.Release()
	rs := map[string]string{
		"ragged":   `ragged_tensor { feature_path { step: "ragged" } }`,
		"ragged32": `ragged_tensor { feature_path { step: "ragged32" } row_partition_dtype: INT32 }`,
		"bytes":    `varlen_sparse_tensor { column_name: "bytes" }`,
	}
	a, err := NewAdapter(reps(t, rs), rb.Schema())
	if err != nil {
		t.Fatal(err)
	}
	ts, err := a.Convert(rb)
	if err != nil {
		t.Fatal(err)
	}
	// A dense tensor of a slice without its null row.
	sl := rb.NewSlice(0, 2)
	defer sl.Release()
	a2, err := NewAdapter(reps(t, map[string]string{"dense": `dense_tensor { column_name: "dense" shape { dim { size: 2 } } }`}), rb.Schema())
	if err != nil {
		t.Fatal(err)
	}
	ts2, err := a2.Convert(sl)
	if err != nil {
		t.Fatal(err)
	}

	same := func(what string, p, q unsafe.Pointer) {
		if p != q {
			t.Errorf("%s: copied, want shared", what)
		}
	}
	dense := ts2["dense"].(*Dense).Data.([]int64)
	arrowDense := rb.Column(0).(*array.LargeList).ListValues().(*array.Int64).Int64Values()
	same("dense values", unsafe.Pointer(&dense[0]), unsafe.Pointer(&arrowDense[0]))

	rg := ts["ragged"].(*Ragged)
	outer := rb.Column(1).(*array.LargeList)
	same("ragged row splits", unsafe.Pointer(&rg.RowSplits[0].Data.([]int64)[0]), unsafe.Pointer(&outer.Offsets()[0]))
	same("ragged inner row splits", unsafe.Pointer(&rg.RowSplits[1].Data.([]int64)[0]), unsafe.Pointer(&outer.ListValues().(*array.LargeList).Offsets()[0]))

	r32 := ts["ragged32"].(*Ragged)
	l32 := rb.Column(2).(*array.List)
	same("int32 row splits", unsafe.Pointer(&r32.RowSplits[0].Data.([]int32)[0]), unsafe.Pointer(&l32.Offsets()[0]))
	same("float values", unsafe.Pointer(&r32.Values.Data.([]float32)[0]), unsafe.Pointer(&l32.ListValues().(*array.Float32).Float32Values()[0]))

	b := ts["bytes"].(*Sparse).Values.Data.([][]byte)
	raw := rb.Column(3).(*array.List).ListValues().(*array.LargeBinary).Value(0)
	same("bytes", unsafe.Pointer(&b[0][0]), unsafe.Pointer(&raw[0]))

	// Clone copies, and the copy is equal.
	for name, tensor := range ts {
		c := tensor.Clone()
		if diff := cmp.Diff(tensor, c, cmpOpts); diff != "" {
			t.Errorf("%s: Clone (-orig +clone):\n%s", name, diff)
		}
	}
	c := rg.Clone().(*Ragged)
	if &c.RowSplits[0].Data.([]int64)[0] == &rg.RowSplits[0].Data.([]int64)[0] {
		t.Error("Clone shares row splits")
	}
	cb := ts["bytes"].Clone().(*Sparse).Values.Data.([][]byte)
	if &cb[0][0] == &b[0][0] {
		t.Error("Clone shares bytes")
	}
}
