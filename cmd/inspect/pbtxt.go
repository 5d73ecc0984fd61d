package main

import (
	"bufio"
	"math"
	"strconv"
	"strings"

	"github.com/gobsl/gobsl/proto/examplepb"
)

// Text format for tf.Example and tf.SequenceExample, written the way
// protoc --decode writes it (C escapes, floats as protobuf's SimpleFtoa,
// map entries in key order), so that output is stable from build to build;
// prototext varies its whitespace on purpose. Unknown fields are not shown
// (protoc shows them by number).

type textWriter struct {
	w      *bufio.Writer
	indent int
}

func (t *textWriter) line(s string) {
	for range t.indent {
		t.w.WriteString("  ")
	}
	t.w.WriteString(s)
	t.w.WriteByte('\n')
}

func (t *textWriter) open(name string) { t.line(name + " {"); t.indent++ }
func (t *textWriter) close()           { t.indent--; t.line("}") }

func writeTextExample(w *bufio.Writer, m *examplepb.Example) {
	t := &textWriter{w: w}
	if m.Features != nil {
		t.open("features")
		t.features(m.Features)
		t.close()
	}
}

func writeTextSequenceExample(w *bufio.Writer, m *examplepb.SequenceExample) {
	t := &textWriter{w: w}
	if m.Context != nil {
		t.open("context")
		t.features(m.Context)
		t.close()
	}
	if m.FeatureLists != nil {
		t.open("feature_lists")
		lists := m.FeatureLists.GetFeatureList()
		for _, k := range sortedKeys(lists) {
			t.open("feature_list")
			t.line("key: " + cEscape(k))
			t.open("value")
			for _, f := range lists[k].GetFeature() {
				t.open("feature")
				t.feature(f)
				t.close()
			}
			t.close()
			t.close()
		}
		t.close()
	}
}

func (t *textWriter) features(fs *examplepb.Features) {
	feats := fs.GetFeature()
	for _, k := range sortedKeys(feats) {
		t.open("feature")
		t.line("key: " + cEscape(k))
		t.open("value")
		t.feature(feats[k])
		t.close()
		t.close()
	}
}

func (t *textWriter) feature(f *examplepb.Feature) {
	switch k := f.GetKind().(type) {
	case *examplepb.Feature_BytesList:
		t.open("bytes_list")
		for _, v := range k.BytesList.GetValue() {
			t.line("value: " + cEscape(string(v)))
		}
		t.close()
	case *examplepb.Feature_FloatList:
		t.open("float_list")
		for _, v := range k.FloatList.GetValue() {
			t.line("value: " + simpleFtoa(v))
		}
		t.close()
	case *examplepb.Feature_Int64List:
		t.open("int64_list")
		for _, v := range k.Int64List.GetValue() {
			t.line("value: " + strconv.FormatInt(v, 10))
		}
		t.close()
	}
}

// simpleFtoa formats a float32 as protobuf's C++ SimpleFtoa: the shortest
// of 6 or 9 significant digits that reads back as the same float.
func simpleFtoa(v float32) string {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// C's strtof reports subnormals as out of range, so SimpleFtoa's
	// round-trip check fails for them and it uses 9 digits.
	if v != 0 && math.Abs(f) < 0x1p-126 {
		return strconv.FormatFloat(f, 'g', 9, 32)
	}
	s := strconv.FormatFloat(f, 'g', 6, 32)
	if back, err := strconv.ParseFloat(s, 32); err == nil && float32(back) == v {
		return s
	}
	return strconv.FormatFloat(f, 'g', 9, 32)
}

// cEscape quotes s as protobuf's C++ CEscape does: printable ASCII as is,
// common escapes, and three-digit octal for every other byte.
func cEscape(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if c < 0x20 || c >= 0x7f {
				b.WriteByte('\\')
				b.WriteByte('0' + c>>6)
				b.WriteByte('0' + c>>3&7)
				b.WriteByte('0' + c&7)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
