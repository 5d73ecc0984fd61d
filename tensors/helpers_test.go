package tensors

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/encoding/prototext"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// col is a column of a test batch: Arrow type and values as JSON (bytes
// as JSON strings).
type col struct {
	name string
	typ  arrow.DataType
	json string
}

// batch builds a record batch from columns; release it.
func batch(t testing.TB, mem memory.Allocator, cols ...col) arrow.RecordBatch {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	rows := int64(-1)
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
		arrs[i] = fromJSON(t, mem, c.typ, c.json)
		defer arrs[i].Release()
		rows = int64(arrs[i].Len())
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, max(rows, 0))
}

// fromJSON builds an array; binary values are given as JSON strings (not
// base64, as array.FromJSON wants them).
func fromJSON(t testing.TB, mem memory.Allocator, dt arrow.DataType, js string) arrow.Array {
	t.Helper()
	a, _, err := array.FromJSON(mem, asStrings(dt), strings.NewReader(js))
	if err != nil {
		t.Fatalf("FromJSON(%s, %s): %v", dt, js, err)
	}
	if arrow.TypeEqual(a.DataType(), dt) {
		return a
	}
	d := retype(a.Data(), dt)
	a.Release()
	defer d.Release()
	return array.MakeFromData(d)
}

// asStrings replaces binary by string types, which have the same layout.
func asStrings(dt arrow.DataType) arrow.DataType {
	switch t := dt.(type) {
	case *arrow.BinaryType:
		return arrow.BinaryTypes.String
	case *arrow.LargeBinaryType:
		return arrow.BinaryTypes.LargeString
	case *arrow.ListType:
		return arrow.ListOf(asStrings(t.Elem()))
	case *arrow.LargeListType:
		return arrow.LargeListOf(asStrings(t.Elem()))
	case *arrow.StructType:
		fs := make([]arrow.Field, t.NumFields())
		for i, f := range t.Fields() {
			f.Type = asStrings(f.Type)
			fs[i] = f
		}
		return arrow.StructOf(fs...)
	}
	return dt
}

func retype(d arrow.ArrayData, dt arrow.DataType) arrow.ArrayData {
	var children []arrow.ArrayData
	switch t := dt.(type) {
	case *arrow.ListType:
		children = []arrow.ArrayData{retype(d.Children()[0], t.Elem())}
	case *arrow.LargeListType:
		children = []arrow.ArrayData{retype(d.Children()[0], t.Elem())}
	case *arrow.StructType:
		for i, f := range t.Fields() {
			children = append(children, retype(d.Children()[i], f.Type))
		}
	}
	nd := array.NewData(dt, d.Len(), d.Buffers(), children, d.NullN(), d.Offset())
	for _, c := range children {
		c.Release()
	}
	return nd
}

// rep parses a TensorRepresentation in text format.
func rep(t testing.TB, text string) *metadatapb.TensorRepresentation {
	t.Helper()
	var r metadatapb.TensorRepresentation
	if err := prototext.Unmarshal([]byte(text), &r); err != nil {
		t.Fatalf("rep %q: %v", text, err)
	}
	return &r
}

func reps(t testing.TB, m map[string]string) map[string]*metadatapb.TensorRepresentation {
	out := map[string]*metadatapb.TensorRepresentation{}
	for k, v := range m {
		out[k] = rep(t, v)
	}
	return out
}

var cmpOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b float16.Num) bool { return a.Uint16() == b.Uint16() }),
}

// The leaf types tfx-bsl's TensorAdapter tests go through.
var (
	intTypes    = []arrow.DataType{arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64}
	floatTypes  = []arrow.DataType{arrow.FixedWidthTypes.Float16, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64}
	bytesTypes  = []arrow.DataType{arrow.BinaryTypes.Binary, arrow.BinaryTypes.LargeBinary, arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString}
	allTypes    = append(append(append([]arrow.DataType(nil), intTypes...), floatTypes...), bytesTypes...)
	listKinds   = []func(arrow.DataType) arrow.DataType{func(t arrow.DataType) arrow.DataType { return arrow.ListOf(t) }, func(t arrow.DataType) arrow.DataType { return arrow.LargeListOf(t) }}
	int64s      = arrow.PrimitiveTypes.Int64
	largeInt64s = arrow.LargeListOf(arrow.PrimitiveTypes.Int64)
	listInt64s  = arrow.ListOf(arrow.PrimitiveTypes.Int64)
)

// values returns small numbers 1, 2, ... as data of type dt: numbers for
// numeric types, "a", "b", ... for bytes.
func values(dt DType, xs ...int) any {
	out := emptyData(dt)
	for _, x := range xs {
		var one any
		switch dt {
		case Float16:
			one = []float16.Num{float16.New(float32(x))}
		case Float32:
			one = []float32{float32(x)}
		case Float64:
			one = []float64{float64(x)}
		case Bytes:
			one = [][]byte{[]byte(letter(x))}
		default:
			one = intAs(uint64(int64(x)), dt)
		}
		out = appendData(out, one)
	}
	return out
}

func letter(x int) string { return string(rune('a' + x - 1)) }

// jsonOf writes nested lists of small numbers as JSON for a leaf type:
// numbers, or their letters for bytes. "[[1,2],null]" stays as is for
// numbers and becomes "[["a","b"],null]" for bytes.
func jsonOf(dt DType, js string) string {
	if dt != Bytes {
		return js
	}
	var b strings.Builder
	for i := 0; i < len(js); i++ {
		c := js[i]
		if c >= '0' && c <= '9' {
			j := i
			for j < len(js) && js[j] >= '0' && js[j] <= '9' {
				j++
			}
			var x int
			fmt.Sscan(js[i:j], &x)
			fmt.Fprintf(&b, "%q", letter(x))
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func i64(xs ...int64) Dense { return Dense{DType: Int64, Shape: []int{len(xs)}, Data: xs} }
func i32(xs ...int32) Dense { return Dense{DType: Int32, Shape: []int{len(xs)}, Data: xs} }

func newMem() *memory.CheckedAllocator { return memory.NewCheckedAllocator(memory.NewGoAllocator()) }
