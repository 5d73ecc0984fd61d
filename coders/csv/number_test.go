package csv

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// classifyTests are tfx-bsl's _InferValueType on single cells: the
// examples of behaviour.md §1.5 and the corners of Python's int() and
// float().
var classifyTests = []struct {
	cell string
	want colType
}{
	{"", typeUnknown},
	{"1", typeInt},
	{" 1", typeInt},
	{"+5", typeInt},
	{"00012", typeInt},
	{"1_000", typeInt},
	{"-0", typeInt},
	{"\t7\n", typeInt},
	{"\v7\f\r", typeInt},
	{"9223372036854775807", typeInt},
	{"-9223372036854775808", typeInt},
	{"9223372036854775808", typeString}, // int() succeeds, outside int64
	{"-9223372036854775809", typeString},
	{"123456789012345678901234567890", typeString},
	{"0x10", typeString},
	{"0b1", typeString},
	{"true", typeString},
	{" ", typeString},
	{"1__0", typeString},
	{"_1", typeString},
	{"1_", typeString},
	{"+_1", typeString},
	{"- 1", typeString},
	{"1 2", typeString},
	{"\x1c7", typeString}, // Python's bytes int() strips ASCII whitespace only
	{"\u00a07", typeString},
	{"１", typeString}, // fullwidth digit: not for bytes
	{"٣", typeString},
	{"nan", typeFloat},
	{"NaN", typeFloat},
	{"-nan", typeFloat},
	{"+inf", typeFloat},
	{"-Infinity", typeFloat},
	{"iNfInItY", typeFloat},
	{"infin", typeString},
	{"nan(1)", typeString},
	{"1e5", typeFloat},
	{"1E+05", typeFloat},
	{"1e-5", typeFloat},
	{".5", typeFloat},
	{"5.", typeFloat},
	{" 5. ", typeFloat},
	{"1.0", typeFloat},
	{"1_0.2_5", typeFloat},
	{"1e1_0", typeFloat},
	{"1_.5", typeString},
	{"1._5", typeString},
	{"1_e5", typeString},
	{"1e_5", typeString},
	{"1e5_", typeString},
	{"1e999", typeFloat},
	{"1e", typeString},
	{"1e+", typeString},
	{"e5", typeString},
	{".", typeString},
	{"-", typeString},
	{"+", typeString},
	{"1.2.3", typeString},
	{"1j", typeString},
	{"0x1p3", typeString},
	{"1,5", typeString},
	{"\x00", typeString},
	{"1\x00", typeString},
}

func TestClassify(t *testing.T) {
	for _, tt := range classifyTests {
		if got := classify([]byte(tt.cell)); got != tt.want {
			t.Errorf("classify(%q) = %v, want %v", tt.cell, got, tt.want)
		}
	}
}

// TestParseFloat checks the fast path against strconv on random decimal
// literals: both must be correctly rounded.
func TestParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var s string
		switch i % 4 {
		case 0:
			s = strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)), 'g', -1, 64)
		case 1:
			s = strconv.FormatFloat(rng.Float64()*1000, 'f', rng.IntN(12), 64)
		case 2:
			s = fmt.Sprintf("%d.%de%d", rng.IntN(1e9), rng.IntN(1e9), rng.IntN(60)-30)
		default:
			s = fmt.Sprintf("-%d.%0*d", rng.IntN(100), 1+rng.IntN(20), rng.Uint64()%1e15)
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("strconv.ParseFloat(%q): %v", s, err)
		}
		got, ok := parseFloat([]byte(s))
		if !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseFloat(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
}

// pythonOracle is tfx-bsl's _InferValueType and value conversion, run by
// Python on cells given in hex, one a line.
const pythonOracle = `
import ctypes, struct, sys
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
sys.set_int_max_str_digits(0) if hasattr(sys, "set_int_max_str_digits") else None
for line in sys.stdin:
    value = bytes.fromhex(line.strip())
    if not value:
        print("UNKNOWN"); continue
    try:
        v = int(value)
        print("INT %d" % v if INT64_MIN <= v <= INT64_MAX else "STRING"); continue
    except ValueError:
        pass
    try:
        f = float(value)
    except ValueError:
        print("STRING"); continue
    print("FLOAT %08x" % struct.unpack("<I", struct.pack("<f", ctypes.c_float(f).value))[0])
`

// TestPythonOracle compares classification and conversion with Python's
// int() and float() themselves, when python3 is installed.
func TestPythonOracle(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	cells := []string{}
	for _, tt := range classifyTests {
		cells = append(cells, tt.cell)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789_+-.eEinfatyINFATY \t\x0b\x1cx"
	for range 20000 {
		n := 1 + rng.IntN(12)
		b := make([]byte, n)
		for i := range b {
			if rng.IntN(3) > 0 {
				b[i] = "0123456789"[rng.IntN(10)]
			} else {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		cells = append(cells, string(b))
	}
	for _, w := range []string{"inf", "infinity", "nan"} {
		for _, sign := range []string{"", "+", "-", " -"} {
			cells = append(cells, sign+w, sign+strings.ToUpper(w), sign+w+"_", sign+w+"1")
		}
	}
	var in bytes.Buffer
	for _, c := range cells {
		in.WriteString(hex.EncodeToString([]byte(c)) + "\n")
	}
	cmd := exec.Command(python, "-c", pythonOracle)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for i := 0; sc.Scan(); i++ {
		want := sc.Text()
		c := []byte(cells[i])
		var got string
		switch typ := classify(c); typ {
		case typeInt:
			v, _ := parseInt(c)
			got = fmt.Sprintf("INT %d", v)
		case typeFloat:
			v, _ := parseFloat(c)
			got = fmt.Sprintf("FLOAT %08x", math.Float32bits(float32(v)))
			if math.IsNaN(v) {
				got = "FLOAT nan"
				if strings.HasPrefix(want, "FLOAT ") {
					if w, _ := strconv.ParseUint(want[6:], 16, 32); math.IsNaN(float64(math.Float32frombits(uint32(w)))) {
						want = "FLOAT nan"
					}
				}
			}
		default:
			got = typ.String()
		}
		if got != want {
			t.Errorf("cell %q: got %s, Python says %s", c, got, want)
		}
	}
}
