package pqwrite

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// randType returns a random Arrow type of at most depth levels of nesting.
func randType(r *rand.Rand, depth int) arrow.DataType {
	leaves := []arrow.DataType{
		arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Int32,
		arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.LargeBinary, arrow.BinaryTypes.String,
		arrow.BinaryTypes.Binary, arrow.PrimitiveTypes.Float64, arrow.Null,
	}
	if depth == 0 || r.IntN(3) == 0 {
		return leaves[r.IntN(len(leaves))]
	}
	elem := randField(r, "element", depth-1)
	switch r.IntN(3) {
	case 0:
		return arrow.ListOfField(elem)
	case 1:
		return arrow.LargeListOfField(elem)
	}
	fields := make([]arrow.Field, 1+r.IntN(3))
	for i := range fields {
		fields[i] = randField(r, fmt.Sprintf("f%d", i), depth-1)
	}
	return arrow.StructOf(fields...)
}

func randField(r *rand.Rand, name string, depth int) arrow.Field {
	t := randType(r, depth)
	return arrow.Field{Name: name, Type: t, Nullable: t.ID() == arrow.NULL || r.IntN(4) != 0}
}

// appendRand appends one random value (null when the field allows and the
// dice say so) to b.
func appendRand(r *rand.Rand, b array.Builder, nullable bool) {
	if nullable && r.IntN(5) == 0 {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.NullBuilder:
		b.AppendNull()
	case *array.Int64Builder:
		b.Append(r.Int64N(7) - 3)
	case *array.Int32Builder:
		b.Append(r.Int32())
	case *array.Float32Builder:
		b.Append(float32(r.NormFloat64()))
	case *array.Float64Builder:
		b.Append(r.NormFloat64())
	case *array.BooleanBuilder:
		b.Append(r.IntN(2) == 0)
	case *array.BinaryBuilder:
		v := make([]byte, r.IntN(6))
		for i := range v {
			v[i] = byte('a' + r.IntN(3))
		}
		b.Append(v)
	case *array.StringBuilder:
		b.Append(strings.Repeat("xy", r.IntN(4)))
	case *array.ListBuilder:
		b.Append(true)
		elemNullable := b.Type().(*arrow.ListType).ElemField().Nullable
		for range r.IntN(4) {
			appendRand(r, b.ValueBuilder(), elemNullable)
		}
	case *array.LargeListBuilder:
		b.Append(true)
		elemNullable := b.Type().(*arrow.LargeListType).ElemField().Nullable
		for range r.IntN(4) {
			appendRand(r, b.ValueBuilder(), elemNullable)
		}
	case *array.StructBuilder:
		b.Append(true)
		st := b.Type().(*arrow.StructType)
		for i := range b.NumField() {
			appendRand(r, b.FieldBuilder(i), st.Field(i).Nullable)
		}
	default:
		panic(fmt.Sprintf("appendRand: %T", b))
	}
}

func randBatch(r *rand.Rand, mem memory.Allocator, schema *arrow.Schema, rows int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for range rows {
		for i, f := range schema.Fields() {
			appendRand(r, b.Field(i), f.Nullable)
		}
	}
	rb := b.NewRecordBatch()
	if rows > 4 && r.IntN(2) == 0 {
		// A slice: arrays with an offset.
		lo := int64(r.IntN(rows / 2))
		s := rb.NewSlice(lo, int64(rows))
		rb.Release()
		return s
	}
	return rb
}

func writeBoth(t *testing.T, mem memory.Allocator, schema *arrow.Schema, props *parquet.WriterProperties, batches []arrow.RecordBatch, workers int) (want, got []byte, concurrent bool) {
	t.Helper()
	var wb, gb bytes.Buffer
	fw, err := pqarrow.NewFileWriter(schema, &wb, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(schema, &gb, props, mem, workers)
	if err != nil {
		t.Fatal(err)
	}
	for _, rb := range batches {
		if err := fw.WriteBuffered(rb); err != nil {
			t.Fatalf("pqarrow: %v", err)
		}
		if err := w.Write(rb); err != nil {
			t.Fatalf("pqwrite: %v", err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return wb.Bytes(), gb.Bytes(), w.Concurrent()
}

// TestSameBytesAsPqarrow writes random nested batches with pqarrow's
// FileWriter and with Writer on four goroutines: the files must be equal
// byte for byte.
func TestSameBytesAsPqarrow(t *testing.T) {
	seeds := uint64(150)
	if raceEnabled {
		seeds = 20 // the race detector makes each seed about 50 times slower
	}
	concurrent := 0
	for seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			if sameBytes(t, seed) {
				concurrent++
			}
		})
	}
	if concurrent < int(seeds)*2/3 {
		t.Errorf("only %d of %d random schemas took the concurrent path", concurrent, seeds)
	}
}

// FuzzSameBytesAsPqarrow is TestSameBytesAsPqarrow over any seed.
func FuzzSameBytesAsPqarrow(f *testing.F) {
	f.Add(uint64(0))
	f.Add(uint64(1 << 40))
	f.Fuzz(func(t *testing.T, seed uint64) { sameBytes(t, seed) })
}

// sameBytes checks one random schema, properties and batches; it reports
// whether Writer took its concurrent path.
func sameBytes(t *testing.T, seed uint64) bool {
	t.Helper()
	codecs := []compress.Compression{compress.Codecs.Zstd, compress.Codecs.Snappy, compress.Codecs.Uncompressed}
	r := rand.New(rand.NewPCG(seed, 7))
	fields := make([]arrow.Field, 1+r.IntN(5))
	for i := range fields {
		fields[i] = randField(r, fmt.Sprintf("c%d", i), 3)
	}
	schema := arrow.NewSchema(fields, nil)
	props := parquet.NewWriterProperties(
		parquet.WithCompression(codecs[r.IntN(len(codecs))]),
		parquet.WithMaxRowGroupLength(int64(5+r.IntN(60))),
		parquet.WithDataPageSize(int64(64+r.IntN(512))),
		parquet.WithDictionaryDefault(r.IntN(2) == 0),
		parquet.WithBatchSize(int64(1+r.IntN(64))),
	)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var batches []arrow.RecordBatch
	for range r.IntN(6) {
		batches = append(batches, randBatch(r, mem, schema, r.IntN(90)))
	}
	defer func() {
		for _, rb := range batches {
			rb.Release()
		}
	}()
	want, got, concurrent := writeBoth(t, mem, schema, props, batches, 4)
	if !bytes.Equal(want, got) {
		// arrow-go leaves the padding bits after the last boolean of a
		// page as they were in a pooled buffer, so files with boolean
		// columns may differ there (the byte holding the last values of
		// a page, and the page's checksums). They must read back alike.
		if !hasBool(schema.Fields()) || len(want) != len(got) {
			t.Fatalf("schema %v: files differ (%d bytes from pqarrow, %d from pqwrite)", schema, len(want), len(got))
		}
		wt, gt := readTable(t, mem, want), readTable(t, mem, got)
		defer wt.Release()
		defer gt.Release()
		if !array.TableEqual(wt, gt) {
			t.Fatalf("schema %v: files read back differently", schema)
		}
	}
	// The file reads back (a sanity check of the oracle itself).
	if _, err := file.NewParquetReader(bytes.NewReader(got)); err != nil {
		t.Fatal(err)
	}
	return concurrent
}

func hasBool(fields []arrow.Field) bool {
	for _, f := range fields {
		switch dt := f.Type.(type) {
		case *arrow.BooleanType:
			return true
		case arrow.ListLikeType:
			if hasBool([]arrow.Field{dt.ElemField()}) {
				return true
			}
		case *arrow.StructType:
			if hasBool(dt.Fields()) {
				return true
			}
		}
	}
	return false
}

func readTable(t *testing.T, mem memory.Allocator, b []byte) arrow.Table {
	t.Helper()
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(b), nil, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// TestWriteErrors: data whose levels Parquet cannot express is refused
// with an error naming the column, not written wrong.
func TestWriteErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	// A null in a field that is not nullable.
	notNull := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{1, 0, 3}, []bool{true, false, true})
	ints := ib.NewArray()
	ib.Release()
	defer ints.Release()

	// A null list that is not empty, between two lists: offsets 0, 1, 2, 3
	// with the second list null. (pqarrow skips values of null lists at
	// either end, but not between.)
	listType := arrow.LargeListOf(arrow.PrimitiveTypes.Int64)
	vb := array.NewInt64Builder(mem)
	vb.AppendValues([]int64{1, 2, 3}, nil)
	vals := vb.NewArray()
	vb.Release()
	defer vals.Release()
	offsets := memory.NewBufferBytes(arrow.Int64Traits.CastToBytes([]int64{0, 1, 2, 3}))
	validity := memory.NewBufferBytes([]byte{0b101})
	data := array.NewData(listType, 3, []*memory.Buffer{validity, offsets}, []arrow.ArrayData{vals.Data()}, 1, 0)
	lists := array.MakeFromData(data)
	data.Release()
	defer lists.Release()
	listSchema := arrow.NewSchema([]arrow.Field{{Name: "l", Type: listType, Nullable: true}}, nil)

	for _, tc := range []struct {
		name   string
		schema *arrow.Schema
		col    arrow.Array
		want   string
	}{
		{"null in a non-nullable field", notNull, ints, `column "x": field "x" is not nullable but has a null`},
		{"null list with values", listSchema, lists, `column "l": lists with non-zero length null components are not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(tc.schema, &buf, nil, mem, 2)
			if err != nil {
				t.Fatal(err)
			}
			rb := array.NewRecordBatch(tc.schema, []arrow.Array{tc.col}, int64(tc.col.Len()))
			defer rb.Release()
			err = w.Write(rb)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write: got error %v, want one containing %q", err, tc.want)
			}
			if err := w.Write(rb); err == nil {
				t.Error("a second Write after an error succeeded")
			}
			if err := w.Close(); err == nil {
				t.Error("Close after a failed Write succeeded")
			}
		})
	}
}

// TestFallback: a schema with a map column goes to pqarrow's own writer,
// and the file is still pqarrow's.
func TestFallback(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64), Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	mb := b.Field(0).(*array.MapBuilder)
	mb.Append(true)
	mb.KeyBuilder().(*array.StringBuilder).Append("k")
	mb.ItemBuilder().(*array.Int64Builder).Append(7)
	mb.AppendNull()
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	rb := b.NewRecordBatch()
	b.Release()
	defer rb.Release()
	want, got, concurrent := writeBoth(t, mem, schema, nil, []arrow.RecordBatch{rb}, 2)
	if concurrent {
		t.Error("a map column took the concurrent path")
	}
	if !bytes.Equal(want, got) {
		t.Error("the fallback's file differs from pqarrow's")
	}
}
