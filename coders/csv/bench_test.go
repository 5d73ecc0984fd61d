package csv

import (
	"bytes"
	stdcsv "encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	arrowcsv "github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/internal/cputime"
)

// The benchmark input is shaped like the Chicago taxi data (18 columns:
// 9 integer, 7 float, 2 string; blanks where the real data has them): a
// block of about 1 MB of rows, generated deterministically and streamed
// benchRepeat times.
const (
	benchRows   = 7000
	benchRepeat = 50
)

var taxiColumns = []struct {
	name string
	typ  colType
}{
	{"pickup_community_area", typeInt}, {"fare", typeFloat}, {"trip_start_month", typeInt},
	{"trip_start_hour", typeInt}, {"trip_start_day", typeInt}, {"trip_start_timestamp", typeInt},
	{"pickup_latitude", typeFloat}, {"pickup_longitude", typeFloat}, {"dropoff_latitude", typeFloat},
	{"dropoff_longitude", typeFloat}, {"trip_miles", typeFloat}, {"pickup_census_tract", typeInt},
	{"dropoff_census_tract", typeInt}, {"payment_type", typeString}, {"company", typeString},
	{"trip_seconds", typeInt}, {"dropoff_community_area", typeInt}, {"tips", typeFloat},
}

var benchBlock = sync.OnceValue(func() []byte {
	rng := rand.New(rand.NewPCG(42, 7))
	var b bytes.Buffer
	payments := []string{"Cash", "Credit Card", "No Charge", "Unknown", "Dispute"}
	companies := []string{"Taxi Affiliation Services", "Dispatch Taxi Affiliation", "Blue Ribbon Taxi Association Inc.",
		"Choice Taxi Association", "Northwest Management LLC", "Chicago Medallion Leasing INC"}
	for i := range benchRows {
		blank := func(p float64) bool { return rng.Float64() < p }
		f := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
		lat := func() string { return f(41.7+rng.Float64()*0.3, 6+rng.IntN(4)) }
		lon := func() string { return f(-87.9+rng.Float64()*0.3, 6+rng.IntN(5)) }
		cells := []string{
			strconv.Itoa(1 + rng.IntN(77)), f(3+rng.ExpFloat64()*12, 2), strconv.Itoa(1 + rng.IntN(12)),
			strconv.Itoa(rng.IntN(24)), strconv.Itoa(1 + rng.IntN(7)), strconv.Itoa(1356998400 + rng.IntN(126230400)),
			lat(), lon(), lat(), lon(), f(rng.ExpFloat64()*4, 1), "",
			strconv.Itoa(17031010100 + rng.IntN(840000)), payments[rng.IntN(len(payments))], companies[rng.IntN(len(companies))],
			strconv.Itoa(60 * rng.IntN(60)), strconv.Itoa(1 + rng.IntN(77)), f(rng.ExpFloat64()*2, 2),
		}
		if blank(0.03) {
			cells[8], cells[9], cells[16] = "", "", ""
		}
		if blank(0.3) {
			cells[12] = ""
		}
		if blank(0.35) {
			cells[14] = ""
		}
		if i%1000 == 999 {
			cells[11] = strconv.Itoa(17031081000 + i)
		}
		for j, c := range cells {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
})

var benchHeader = func() string {
	var b bytes.Buffer
	for i, c := range taxiColumns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c.name)
	}
	b.WriteByte('\n')
	return b.String()
}()

// repeatReader streams a header and then block n times, as encoding/csv's
// benchmarks do, without holding the whole input.
type repeatReader struct {
	header []byte
	block  []byte
	n      int
	off    int
}

func benchInput() *repeatReader {
	return &repeatReader{header: []byte(benchHeader), block: benchBlock(), n: benchRepeat}
}

func benchSize() int64 { return int64(len(benchHeader) + benchRepeat*len(benchBlock())) }

func (r *repeatReader) Read(p []byte) (int, error) {
	if len(r.header) > 0 {
		n := copy(p, r.header)
		r.header = r.header[n:]
		return n, nil
	}
	if r.n == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.block[r.off:])
	r.off += n
	if r.off == len(r.block) {
		r.off = 0
		r.n--
	}
	return n, nil
}

// benchSchema is the taxi schema in the reader's types.
func benchSchema() *arrow.Schema {
	var fs []arrow.Field
	for _, c := range taxiColumns {
		fs = append(fs, arrow.Field{Name: c.name, Type: arrowType(c.typ), Nullable: true})
	}
	return arrow.NewSchema(fs, nil)
}

func consume(b *testing.B, rr array.RecordReader) int64 {
	var rows int64
	for rr.Next() {
		rows += rr.RecordBatch().NumRows()
	}
	if err := rr.Err(); err != nil {
		b.Fatal(err)
	}
	return rows
}

// BenchmarkRead reads the ~50 MB taxi-like input with a fixed schema.
// Workers=0 uses GOMAXPROCS: run with -cpu 1 for one core.
func BenchmarkRead(b *testing.B) {
	b.SetBytes(benchSize())
	b.ReportAllocs()
	defer cputime.Report(b, cputime.Now())
	mem := memory.NewGoAllocator()
	schema := benchSchema()
	for b.Loop() {
		r, err := NewReader(benchInput(), schema, Options{Allocator: mem})
		if err != nil {
			b.Fatal(err)
		}
		if n := consume(b, r); n != benchRows*benchRepeat {
			b.Fatalf("%d rows", n)
		}
		r.Release()
	}
}

// BenchmarkReadQuoted reads the input with its string cells quoted, as
// many exporters write them (""Cash"", "\"Taxi Affiliation Services\"").
func BenchmarkReadQuoted(b *testing.B) {
	block := quotedBlock()
	b.SetBytes(int64(len(benchHeader) + benchRepeat*len(block)))
	b.ReportAllocs()
	defer cputime.Report(b, cputime.Now())
	mem := memory.NewGoAllocator()
	schema := benchSchema()
	for b.Loop() {
		in := &repeatReader{header: []byte(benchHeader), block: block, n: benchRepeat}
		r, err := NewReader(in, schema, Options{Allocator: mem})
		if err != nil {
			b.Fatal(err)
		}
		if n := consume(b, r); n != benchRows*benchRepeat {
			b.Fatalf("%d rows", n)
		}
		r.Release()
	}
}

// quotedBlock is benchBlock with the cells of the string columns quoted.
var quotedBlock = sync.OnceValue(func() []byte {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(benchBlock(), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		cells := bytes.Split(bytes.TrimSuffix(line, []byte("\n")), []byte(","))
		for j, c := range cells {
			if j > 0 {
				out.WriteByte(',')
			}
			if taxiColumns[j].typ == typeString && len(c) > 0 {
				out.WriteString(strconv.Quote(string(c)))
			} else {
				out.Write(c)
			}
		}
		out.WriteByte('\n')
	}
	return out.Bytes()
})

// BenchmarkInfer runs type inference over the whole input.
func BenchmarkInfer(b *testing.B) {
	b.SetBytes(benchSize())
	b.ReportAllocs()
	defer cputime.Report(b, cputime.Now())
	for b.Loop() {
		if _, err := Infer(benchInput(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaseline is the obvious implementation: encoding/csv, strconv
// and Arrow builders, producing the same columns.
func BenchmarkBaseline(b *testing.B) {
	b.SetBytes(benchSize())
	b.ReportAllocs()
	defer cputime.Report(b, cputime.Now())
	mem := memory.NewGoAllocator()
	schema := benchSchema()
	for b.Loop() {
		if n := baselineRead(b, benchInput(), schema, mem); n != benchRows*benchRepeat {
			b.Fatalf("%d rows", n)
		}
	}
}

func baselineRead(b *testing.B, in io.Reader, schema *arrow.Schema, mem memory.Allocator) int64 {
	r := stdcsv.NewReader(in)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // the header
		b.Fatal(err)
	}
	bld := array.NewRecordBuilder(mem, schema)
	defer bld.Release()
	var rows, inBatch int64
	flush := func() {
		rb := bld.NewRecordBatch()
		rows += rb.NumRows()
		rb.Release()
		inBatch = 0
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		for i, cell := range rec {
			lb := bld.Field(i).(*array.LargeListBuilder)
			if cell == "" {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			switch vb := lb.ValueBuilder().(type) {
			case *array.Int64Builder:
				v, err := strconv.ParseInt(cell, 10, 64)
				if err != nil {
					b.Fatal(err)
				}
				vb.Append(v)
			case *array.Float32Builder:
				v, err := strconv.ParseFloat(cell, 64)
				if err != nil {
					b.Fatal(err)
				}
				vb.Append(float32(v))
			case *array.BinaryBuilder:
				vb.AppendString(cell)
			}
		}
		if inBatch++; inBatch == DefaultBatchSize {
			flush()
		}
	}
	if inBatch > 0 {
		flush()
	}
	return rows
}

// BenchmarkArrowCSV is arrow-go's own CSV reader with an explicit schema
// of flat int64, float32 and string columns (it makes no lists).
func BenchmarkArrowCSV(b *testing.B) {
	b.SetBytes(benchSize())
	b.ReportAllocs()
	defer cputime.Report(b, cputime.Now())
	mem := memory.NewGoAllocator()
	var fs []arrow.Field
	for _, c := range taxiColumns {
		t := map[colType]arrow.DataType{typeInt: arrow.PrimitiveTypes.Int64, typeFloat: arrow.PrimitiveTypes.Float32, typeString: arrow.BinaryTypes.String}[c.typ]
		fs = append(fs, arrow.Field{Name: c.name, Type: t, Nullable: true})
	}
	schema := arrow.NewSchema(fs, nil)
	for b.Loop() {
		r := arrowcsv.NewReader(benchInput(), schema, arrowcsv.WithHeader(true), arrowcsv.WithChunk(DefaultBatchSize),
			arrowcsv.WithNullReader(true, ""), arrowcsv.WithAllocator(mem))
		if n := consume(b, r); n != benchRows*benchRepeat {
			b.Fatalf("%d rows", n)
		}
		r.Release()
	}
}

// TestBenchmarkReadersAgree checks that the three readers of the
// benchmarks decode the benchmark input to the same values.
func TestBenchmarkReadersAgree(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	block := benchBlock()[:20000]
	block = block[:bytes.LastIndexByte(block, '\n')+1]
	input := benchHeader + string(block)
	schema := benchSchema()
	got, err := read(t, mem, input, schema, Options{})
	if err != nil {
		t.Fatal(err)
	}
	inferred, err := Infer(bytes.NewReader([]byte(benchHeader+string(benchBlock()))), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !inferred.Equal(schema) {
		t.Errorf("inferred schema\n%v\nwant\n%v", inferred, schema)
	}
	// The baseline, through its builders.
	bld := array.NewRecordBuilder(mem, schema)
	defer bld.Release()
	r := stdcsv.NewReader(bytes.NewReader([]byte(input)))
	r.Read()
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		for j, cell := range rec {
			lb := bld.Field(j).(*array.LargeListBuilder)
			if cell == "" {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			switch vb := lb.ValueBuilder().(type) {
			case *array.Int64Builder:
				v, _ := strconv.ParseInt(cell, 10, 64)
				vb.Append(v)
			case *array.Float32Builder:
				v, _ := strconv.ParseFloat(cell, 64)
				vb.Append(float32(v))
			case *array.BinaryBuilder:
				vb.AppendString(cell)
			}
		}
	}
	rb := bld.NewRecordBatch()
	defer rb.Release()
	for i := 0; i < int(rb.NumRows()); i++ {
		for j, c := range rb.Columns() {
			if w, g := fmt.Sprint(cell(c, i)), fmt.Sprint(got.Rows[i][j]); w != g {
				t.Fatalf("row %d column %d: baseline %s, ours %s", i, j, w, g)
			}
		}
	}
	if int(rb.NumRows()) != len(got.Rows) {
		t.Errorf("%d rows, baseline %d", len(got.Rows), rb.NumRows())
	}
}
