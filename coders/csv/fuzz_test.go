package csv

import (
	"bufio"
	"bytes"
	"encoding/binary"
	stdcsv "encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tokenize splits input into records of fields with the scanner and the
// splitters, skipping blank lines, as encoding/csv reads it.
func tokenize(input []byte, delim byte, block int) ([][]string, error) {
	cfg, err := (&Options{Delimiter: rune(delim), blockSize: block, MaxFieldSize: -1}).config()
	if err != nil {
		return nil, err
	}
	sc := newScanner(iotest.HalfReader(bytes.NewReader(input)), cfg, 1)
	var out [][]string
	b := new(batch)
	for {
		err := sc.fill(b, 3, true)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		for r := range b.rows() {
			s, e := b.recStart[r], b.recEnd[r]
			var spans []uint32
			if b.quoted[r] {
				var ok bool
				if spans, ok = splitQuoted(b, s, e, delim, nil); !ok {
					return out, fmt.Errorf("record %d: quote not closed", len(out))
				}
			} else {
				spans = splitPlain(b.slab[s:e], s, delim, nil)
			}
			rec := make([]string, len(spans)/2)
			for i := range rec {
				rec[i] = string(b.slab[spans[2*i]:spans[2*i+1]])
			}
			out = append(out, rec)
		}
	}
}

// stdRead reads input with encoding/csv in strict mode.
func stdRead(input []byte, delim byte) ([][]string, error) {
	r := stdcsv.NewReader(bytes.NewReader(input))
	r.Comma = rune(delim)
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

// checkTokenizer compares the tokenizer with encoding/csv on input that
// encoding/csv accepts. encoding/csv turns "\r\n" in quoted fields into
// "\n"; the tokenizer keeps the bytes (tfx-bsl's raw record does).
func checkTokenizer(t *testing.T, input []byte, delim byte) {
	want, err := stdRead(input, delim)
	if err != nil || bytes.HasPrefix(input, []byte("\xef\xbb\xbf")) {
		return
	}
	for _, block := range []int{4096, 1, 6} {
		got, err := tokenize(input, delim, block)
		if err != nil {
			t.Fatalf("block %d: %q: encoding/csv reads it, we fail: %v", block, input, err)
		}
		for _, rec := range got {
			for i := range rec {
				rec[i] = strings.ReplaceAll(rec[i], "\r\n", "\n")
			}
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("block %d: %q: records differ from encoding/csv (-want +got):\n%s", block, input, diff)
		}
	}
}

func TestTokenizerVsEncodingCSV(t *testing.T) {
	for _, in := range []string{
		"a,b\n1,2\n",
		"a,\"b\nc\",d\r\ne,f",
		"\"\"\"\",\"\"\n\n\n,\n",
		"x\r\n\r\ny\r",
		"\"a\r\nb\"\r\n",
		"a\rb,c\n",
		",,,\n,",
		"\"x\"\n",
		"\"\"",
	} {
		checkTokenizer(t, []byte(in), ',')
		checkTokenizer(t, []byte(strings.ReplaceAll(in, ",", "\t")), '\t')
	}
}

// writeCell writes a cell for the round trip, quoted when it has to be.
func writeCell(b *bytes.Buffer, cell string, delim byte, alone bool) {
	if cell == "" && alone || strings.ContainsAny(cell, "\"\r\n"+string(delim)) {
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(cell, `"`, `""`))
		b.WriteByte('"')
		return
	}
	b.WriteString(cell)
}

// roundTrip builds a CSV from cells taken from data, plus an INT and a
// FLOAT column derived from them, and checks that it decodes to them.
func roundTrip(t *testing.T, data []byte, mode uint8) {
	delim := []byte{',', '\t', ';', '|'}[mode%4]
	nstr := 1 + int(mode>>2)%3
	cells := strings.Split(string(data), "\x00")
	if strings.HasPrefix(cells[0], "\xef\xbb\xbf") {
		cells[0] = "x" + cells[0] // a byte order mark at the start is skipped
	}
	var in bytes.Buffer
	for i := range nstr {
		fmt.Fprintf(&in, "s%d%c", i, delim)
	}
	in.WriteString("i" + string(delim) + "f\n")
	var want [][]any
	for r := 0; r*nstr < len(cells); r++ {
		var row []any
		for c := range nstr {
			cell := ""
			if k := r*nstr + c; k < len(cells) {
				cell = cells[k]
			}
			writeCell(&in, cell, delim, false)
			in.WriteByte(delim)
			if cell == "" {
				row = append(row, nil)
			} else {
				row = append(row, strs(cell))
			}
		}
		var h [8]byte
		copy(h[:], cells[r*nstr])
		i := int64(binary.LittleEndian.Uint64(h[:]))
		f := math.Float32frombits(uint32(i))
		if math.IsInf(float64(f), 0) || math.IsNaN(float64(f)) {
			f = float32(i % 1000)
		}
		fmt.Fprintf(&in, "%d%c%s", i, delim, strconv.FormatFloat(float64(f), 'g', -1, 32))
		if r%2 == 1 {
			in.WriteString("\r")
		}
		in.WriteString("\n")
		row = append(row, ints(i), floats(f))
		want = append(want, row)
	}
	var order []string
	for c := range nstr {
		order = append(order, fmt.Sprintf("s%d:bytes", c))
	}
	schema := arrowSchema(append(order, "i:int", "f:float")...)

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got, err := read(t, mem, in.String(), schema, Options{Delimiter: rune(delim), BatchSize: 2, Workers: 2, blockSize: 1 + int(mode)%9})
	if err != nil {
		t.Fatalf("%q: %v", in.String(), err)
	}
	if diff := cmp.Diff(want, got.Rows, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("%q: round trip (-want +got):\n%s", in.String(), diff)
	}
}

// FuzzReader checks that no input makes the reader panic or leak, that the
// tokenizer agrees with encoding/csv on what encoding/csv accepts, and that
// a CSV written from fuzz-chosen cells reads back as those cells.
func FuzzReader(f *testing.F) {
	for _, tt := range readerTests {
		f.Add([]byte(tt.input), uint8(len(tt.name)))
	}
	f.Add([]byte("a\x00b\"c\x00\r\n\x00,"), uint8(5))
	f.Add([]byte("x\x00\x00\"\"\x00y\nz"), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		if len(data) > 1<<12 {
			return
		}
		delim := []byte{',', '\t', ';'}[mode%3]
		checkTokenizer(t, data, delim)
		roundTrip(t, data, mode)

		// Anything else may fail, but cleanly: no panic, no leak, and
		// batches that are valid Arrow data.
		opts := Options{
			Delimiter:      rune(delim),
			KeepBlankLines: mode&4 != 0,
			BatchSize:      1 + int(mode>>3)%3,
			Workers:        1 + int(mode>>5)%2,
			blockSize:      1 + int(mode)%7,
		}
		if mode&64 != 0 {
			opts.RawRecordColumn = "\x00raw"
		}
		if mode&128 != 0 {
			opts.ColumnNames = strs("a", "b")
			opts.MultivalentColumns, opts.SecondaryDelimiter = strs("b"), ' '
			opts.InferRows = 2
			opts.MaxFieldSize = 8
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		_, err := read(t, mem, string(data), nil, opts)
		var pe *ParseError
		if err != nil && errors.As(err, &pe) && pe.Line < 1 {
			t.Errorf("error without a line: %v", err)
		}
	})
}

// pythonCSV reads lines (given in hex) with Python's csv module as
// tfx-bsl does, and prints each row's cells in hex.
const pythonCSV = `
import csv, sys
for line in sys.stdin:
    text = bytes.fromhex(line.strip()).decode()
    print(" ".join(c.encode().hex() + "." for c in next(csv.reader([text], delimiter=","))))
`

// TestPythonCSVQuoting compares the tokenizer with Python's csv module,
// whose lenient quoting tfx-bsl inherits, on single lines.
func TestPythonCSVQuoting(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var lines []string
	for range 5000 {
		b := make([]byte, rng.IntN(10))
		for i := range b {
			b[i] = `a,"" x`[rng.IntN(6)]
		}
		// Python's quoted fields end with the line: close them, as a
		// multi-line record would continue instead.
		if _, err := tokenize(b, ',', 64); err != nil {
			continue
		}
		lines = append(lines, string(b))
	}
	var in bytes.Buffer
	for _, l := range lines {
		in.WriteString(hex.EncodeToString([]byte(l)) + "\n")
	}
	cmd := exec.Command(python, "-c", pythonCSV)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for i := 0; sc.Scan(); i++ {
		var want []string
		for _, h := range strings.Fields(sc.Text()) {
			c, _ := hex.DecodeString(strings.TrimSuffix(h, "."))
			want = append(want, string(c))
		}
		recs, _ := tokenize([]byte(lines[i]), ',', 64)
		var got []string
		if len(recs) == 1 {
			got = recs[0]
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("line %q (-python +ours):\n%s", lines[i], diff)
		}
	}
}
