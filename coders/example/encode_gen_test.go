package example_test

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// entropy drives the batch generator: math/rand/v2 in the differential
// test, the fuzzer's bytes in FuzzEncode.
type entropy interface {
	IntN(n int) int
	Uint64() uint64
}

// byteEntropy reads decisions from fuzz input; zeros once it runs out.
type byteEntropy struct{ b []byte }

func (e *byteEntropy) byte() byte {
	if len(e.b) == 0 {
		return 0
	}
	c := e.b[0]
	e.b = e.b[1:]
	return c
}

func (e *byteEntropy) IntN(n int) int {
	if n <= 256 {
		return int(e.byte()) % n
	}
	return int(e.Uint64() % uint64(n))
}

func (e *byteEntropy) Uint64() uint64 {
	var v uint64
	for i := range 8 {
		v |= uint64(e.byte()) << (8 * i)
	}
	return v
}

// batchGen builds random record batches that cover every type the encoder
// accepts, with nulls, empty lists, NaN payloads, -0, integer extremes and
// bytes that are not UTF-8.
type batchGen struct {
	r   entropy
	mem memory.Allocator

	nullPct     int  // cells and inner lists that are null
	elemNullPct int  // list elements that are null (fails the batch)
	overflow    bool // uint64 values above MaxInt64 (fail the batch)
	badSchema   bool // ragged representations that do not fit the column
	decodable   bool // lists of nulls as long as any other

	budget int // values left to generate in this batch; then lists are empty
}

// generated is one random encoding problem.
type generated struct {
	rb   arrow.RecordBatch
	opts example.EncodeOptions
}

func (g *batchGen) pct(p int) bool { return p > 0 && g.r.IntN(100) < p }

var genNames = []string{"a", "b", "B", "_", "a$values", "a$len", "é", "", "zz", "x.y", "\xff", "long_feature_name_0123456789"}

func (g *batchGen) name(used map[string]bool) string {
	for range 4 {
		n := genNames[g.r.IntN(len(genNames))]
		if g.r.IntN(3) == 0 {
			n = fmt.Sprintf("%s%d", n, g.r.IntN(100))
		}
		if !used[n] || g.r.IntN(50) == 0 { // sometimes a duplicate
			used[n] = true
			return n
		}
	}
	n := fmt.Sprintf("c%d", len(used))
	used[n] = true
	return n
}

func (g *batchGen) leafType() arrow.DataType {
	types := []arrow.DataType{
		arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64,
		arrow.BinaryTypes.LargeBinary, arrow.BinaryTypes.LargeBinary,
		arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Float16, arrow.FixedWidthTypes.Boolean,
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32,
		arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
		arrow.BinaryTypes.Binary, arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString,
		&arrow.FixedSizeBinaryType{ByteWidth: 3},
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String},
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint16, ValueType: arrow.BinaryTypes.Binary},
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.PrimitiveTypes.Int64},
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int64, ValueType: arrow.PrimitiveTypes.Float64},
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.PrimitiveTypes.Uint64},
	}
	return types[g.r.IntN(len(types))]
}

// listOf wraps t in a random list-like type; contiguous ones only when
// level is set (ragged nesting levels).
func (g *batchGen) listOf(t arrow.DataType, level bool) arrow.DataType {
	n := 5
	if level {
		n = 3
	}
	switch g.r.IntN(n) {
	case 0:
		return arrow.ListOf(t)
	case 1:
		return arrow.FixedSizeListOf(int32(1+g.r.IntN(3)), t)
	case 3:
		return arrow.ListViewOf(t)
	case 4:
		return arrow.LargeListViewOf(t)
	}
	return arrow.LargeListOf(t)
}

// batch returns a random batch with its options. The caller releases rb.
func (g *batchGen) batch() generated {
	var opts example.EncodeOptions
	opts.Deterministic = g.r.IntN(2) == 0
	seq := g.r.IntN(3) == 0
	if seq {
		opts.RecordType = example.SequenceExample
		if g.r.IntN(4) == 0 {
			opts.SequenceColumn = "seq"
		}
	}
	used := map[string]bool{}
	var fields []arrow.Field
	schema := &metadatapb.Schema{TensorRepresentationGroup: map[string]*metadatapb.TensorRepresentationGroup{}}
	for range g.r.IntN(7) {
		name := g.name(used)
		var t arrow.DataType
		switch g.r.IntN(10) {
		case 0, 1:
			t = g.leafType()
		case 2:
			t = arrow.Null
		case 3:
			t = g.listOf(arrow.Null, false)
		case 4, 5:
			t = g.raggedColumn(name, schema, used)
		default:
			t = g.listOf(g.leafType(), false)
		}
		fields = append(fields, arrow.Field{Name: name, Type: t, Nullable: true})
	}
	if seq && g.r.IntN(5) != 0 {
		var children []arrow.Field
		cu := map[string]bool{}
		for range g.r.IntN(5) {
			leaf := g.leafType()
			if g.r.IntN(6) == 0 {
				leaf = arrow.Null
			}
			t := g.listOf(g.listOf(leaf, false), false)
			if leaf == arrow.Null && g.r.IntN(2) == 0 {
				t = g.listOf(leaf, false) // steps without a kind
			}
			children = append(children, arrow.Field{Name: g.name(cu), Type: t, Nullable: true})
		}
		col := opts.SequenceColumn
		if col == "" {
			col = example.DefaultSequenceColumn
		}
		at := g.r.IntN(len(fields) + 1)
		fields = append(fields[:at], append([]arrow.Field{{Name: col, Type: arrow.StructOf(children...), Nullable: true}}, fields[at:]...)...)
	}
	if len(schema.TensorRepresentationGroup) > 0 {
		opts.Schema = schema
	}

	n := g.r.IntN(13)
	if g.r.IntN(12) == 0 {
		n = 60 + g.r.IntN(150) // several chunks
	}
	g.budget = 20000
	sch := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(g.mem, sch)
	defer b.Release()
	for range n {
		for i := range fields {
			g.value(b.Field(i), g.nullPct)
		}
	}
	rb := b.NewRecordBatch()
	if n > 0 && g.r.IntN(2) == 0 {
		lo := g.r.IntN(n)
		hi := lo + g.r.IntN(n-lo+1)
		s := rb.NewSlice(int64(lo), int64(hi))
		rb.Release()
		rb = s
	}
	return generated{rb: rb, opts: opts}
}

// raggedColumn returns the type of a nested list column and adds its
// ragged representation to schema.
func (g *batchGen) raggedColumn(name string, schema *metadatapb.Schema, used map[string]bool) arrow.DataType {
	k := 1 + g.r.IntN(3)
	depth := k
	if g.badSchema && g.r.IntN(4) == 0 {
		depth = g.r.IntN(4)
	}
	t := g.leafType()
	if g.r.IntN(8) == 0 {
		t = arrow.Null
	}
	for range depth {
		t = g.listOf(t, true)
	}
	t = g.listOf(t, false)
	if g.r.IntN(10) == 0 {
		t = arrow.Null
	}
	rt := &metadatapb.TensorRepresentation_RaggedTensor{
		FeaturePath: &metadatapb.Path{Step: []string{g.name(used)}},
	}
	uniform := func() {
		for i := 0; i < 2 && g.r.IntN(3) == 0; i++ {
			v := int64(1 + g.r.IntN(3))
			if g.badSchema && g.r.IntN(10) == 0 {
				v = 0
			}
			rt.Partition = append(rt.Partition, &metadatapb.TensorRepresentation_RaggedTensor_Partition{
				Kind: &metadatapb.TensorRepresentation_RaggedTensor_Partition_UniformRowLength{UniformRowLength: v}})
		}
	}
	uniform()
	for range k {
		rt.Partition = append(rt.Partition, &metadatapb.TensorRepresentation_RaggedTensor_Partition{
			Kind: &metadatapb.TensorRepresentation_RaggedTensor_Partition_RowLength{RowLength: g.name(used)}})
		uniform()
	}
	group := []string{"", "1", "2"}[g.r.IntN(3)]
	grp := schema.TensorRepresentationGroup[group]
	if grp == nil {
		grp = &metadatapb.TensorRepresentationGroup{TensorRepresentation: map[string]*metadatapb.TensorRepresentation{}}
		schema.TensorRepresentationGroup[group] = grp
	}
	grp.TensorRepresentation[name] = &metadatapb.TensorRepresentation{
		Kind: &metadatapb.TensorRepresentation_RaggedTensor_{RaggedTensor: rt}}
	return t
}

func (g *batchGen) length() int {
	n := g.r.IntN(5)
	switch g.r.IntN(10) {
	case 0:
		n = 0
	case 1:
		n = 20 + g.r.IntN(40)
	}
	// Nested random lengths multiply: keep batches small.
	n = max(min(n, g.budget), 0)
	g.budget -= n
	return n
}

var (
	float32s = []uint32{0, 0x80000000, 0x3f800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x7fbfffff, 0x7f800000, 0xff800000, 0x7f7fffff, 1, 0x807fffff}
	float64s = []float64{0, math.Copysign(0, -1), 0.1, 16777217, 1e300, -1e300, 1e-50, math.MaxFloat32, math.SmallestNonzeroFloat32 / 2,
		math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff0000000000001), math.Inf(1), math.NaN()}
	int64s = []int64{0, 1, -1, 127, 128, -128, 300, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32, 1 << 40}
)

func (g *batchGen) bytes() []byte {
	n := g.r.IntN(6)
	if g.r.IntN(20) == 0 {
		n = 100 + g.r.IntN(200)
	}
	b := make([]byte, n)
	for i := range b {
		if g.r.IntN(4) == 0 {
			b[i] = byte(0x80 + g.r.IntN(128)) // rarely valid UTF-8
		} else {
			b[i] = byte('a' + g.r.IntN(26))
		}
	}
	return b
}

func (g *batchGen) int64() int64 {
	if g.r.IntN(2) == 0 {
		return int64s[g.r.IntN(len(int64s))]
	}
	return int64(g.r.Uint64())
}

func (g *batchGen) uint64() uint64 {
	v := g.r.Uint64()
	if !g.overflow || g.r.IntN(30) != 0 {
		v &= math.MaxInt64 >> g.r.IntN(64)
	}
	return v
}

func isListBuilder(b array.Builder) bool {
	switch b.(type) {
	case *array.ListBuilder, *array.LargeListBuilder, *array.FixedSizeListBuilder, *array.ListViewBuilder, *array.LargeListViewBuilder:
		return true
	}
	return false
}

// value appends one random value (null with probability nullPct) to b.
func (g *batchGen) value(b array.Builder, nullPct int) {
	if _, ok := b.(*array.NullBuilder); ok || g.pct(nullPct) {
		b.AppendNull()
		return
	}
	elems := func(vb array.Builder, n int) {
		p := g.elemNullPct
		if isListBuilder(vb) {
			p = g.nullPct
		}
		for range n {
			g.value(vb, p)
		}
	}
	listLen := func(vb array.Builder) int {
		if _, ok := vb.(*array.NullBuilder); ok && !g.decodable && g.r.IntN(8) != 0 {
			return 0
		}
		return g.length()
	}
	switch b := b.(type) {
	case *array.ListBuilder:
		n := listLen(b.ValueBuilder())
		b.Append(true)
		elems(b.ValueBuilder(), n)
	case *array.LargeListBuilder:
		n := listLen(b.ValueBuilder())
		b.Append(true)
		elems(b.ValueBuilder(), n)
	case *array.FixedSizeListBuilder:
		b.Append(true)
		elems(b.ValueBuilder(), int(b.Type().(*arrow.FixedSizeListType).Len()))
	case *array.ListViewBuilder:
		n := listLen(b.ValueBuilder())
		b.AppendWithSize(true, n)
		elems(b.ValueBuilder(), n)
	case *array.LargeListViewBuilder:
		n := listLen(b.ValueBuilder())
		b.AppendWithSize(true, n)
		elems(b.ValueBuilder(), n)
	case *array.StructBuilder:
		b.Append(true)
		for i := range b.NumField() {
			g.value(b.FieldBuilder(i), g.nullPct)
		}
	case *array.Float32Builder:
		if g.r.IntN(2) == 0 {
			b.Append(math.Float32frombits(float32s[g.r.IntN(len(float32s))]))
		} else {
			b.Append(math.Float32frombits(uint32(g.r.Uint64())))
		}
	case *array.Float64Builder:
		if g.r.IntN(2) == 0 {
			b.Append(float64s[g.r.IntN(len(float64s))])
		} else {
			b.Append(math.Float64frombits(g.r.Uint64()))
		}
	case *array.Float16Builder:
		b.Append(float16.FromBits(uint16(g.r.Uint64())))
	case *array.BooleanBuilder:
		b.Append(g.r.IntN(2) == 0)
	case *array.Int8Builder:
		b.Append(int8(g.int64()))
	case *array.Int16Builder:
		b.Append(int16(g.int64()))
	case *array.Int32Builder:
		b.Append(int32(g.int64()))
	case *array.Int64Builder:
		b.Append(g.int64())
	case *array.Uint8Builder:
		b.Append(uint8(g.r.Uint64()))
	case *array.Uint16Builder:
		b.Append(uint16(g.r.Uint64()))
	case *array.Uint32Builder:
		b.Append(uint32(g.r.Uint64()))
	case *array.Uint64Builder:
		b.Append(g.uint64())
	case *array.BinaryBuilder: // binary, large_binary, utf8, large_utf8
		b.Append(g.bytes())
	case *array.StringBuilder:
		b.Append(string(g.bytes()))
	case *array.LargeStringBuilder:
		b.Append(string(g.bytes()))
	case *array.FixedSizeBinaryBuilder:
		v := make([]byte, b.Type().(*arrow.FixedSizeBinaryType).ByteWidth)
		for i := range v {
			v[i] = byte(g.r.Uint64())
		}
		b.Append(v)
	case *array.BinaryDictionaryBuilder:
		// A small alphabet, so that values repeat.
		if err := b.Append([]byte{"ab\xff"[g.r.IntN(3)], byte('0' + g.r.IntN(3))}); err != nil {
			panic(err)
		}
	case *array.Int64DictionaryBuilder:
		if err := b.Append(int64s[g.r.IntN(len(int64s))]); err != nil {
			panic(err)
		}
	case *array.Float64DictionaryBuilder:
		if err := b.Append(float64s[g.r.IntN(len(float64s))]); err != nil {
			panic(err)
		}
	case *array.Uint64DictionaryBuilder:
		v := g.uint64() % 5
		if g.overflow && g.r.IntN(2) == 0 {
			v |= 1 << 63
		}
		if err := b.Append(v); err != nil {
			panic(err)
		}
	default:
		panic(fmt.Sprintf("batchGen: no values for %T", b))
	}
}
