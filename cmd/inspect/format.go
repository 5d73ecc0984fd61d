package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/examplepb"
)

// recordType is what a record holds, for display.
type recordType int

const (
	typeAuto recordType = iota
	typeExample
	typeSequenceExample
	typeRaw
)

func parseRecordType(s string) (recordType, error) {
	switch s {
	case "auto", "":
		return typeAuto, nil
	case "example", "tf.Example":
		return typeExample, nil
	case "sequence_example", "sequence-example", "tf.SequenceExample":
		return typeSequenceExample, nil
	case "raw":
		return typeRaw, nil
	}
	return 0, usagef("unknown record type %q (want auto, example, sequence_example or raw)", s)
}

// recordErr is a record that does not parse as the requested type.
type recordErr struct{ err error }

func (e *recordErr) Error() string { return e.err.Error() }
func (e *recordErr) Unwrap() error { return e.err }

// parseRecord parses rec as typ; typeAuto picks the first of Example and
// SequenceExample that parses with no unknown fields, else raw.
func parseRecord(rec []byte, typ recordType) (proto.Message, recordType, error) {
	switch typ {
	case typeExample:
		m := new(examplepb.Example)
		if err := proto.Unmarshal(rec, m); err != nil {
			return nil, typ, &recordErr{fmt.Errorf("Unable to parse example.: %w", err)}
		}
		return m, typ, nil
	case typeSequenceExample:
		m := new(examplepb.SequenceExample)
		if err := proto.Unmarshal(rec, m); err != nil {
			return nil, typ, &recordErr{fmt.Errorf("Unable to parse sequence example.: %w", err)}
		}
		return m, typ, nil
	case typeRaw:
		return nil, typeRaw, nil
	}
	se := new(examplepb.SequenceExample)
	if proto.Unmarshal(rec, se) != nil || hasUnknown(se.ProtoReflect()) {
		return nil, typeRaw, nil
	}
	if se.FeatureLists == nil {
		return &examplepb.Example{Features: se.Context}, typeExample, nil
	}
	return se, typeSequenceExample, nil
}

// hasUnknown reports whether m or any message in it has unknown fields.
func hasUnknown(m protoreflect.Message) bool {
	if len(m.GetUnknown()) > 0 {
		return true
	}
	found := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					found = hasUnknown(mv.Message())
					return !found
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				l := v.List()
				for i := 0; i < l.Len() && !found; i++ {
					found = hasUnknown(l.Get(i).Message())
				}
			}
		case fd.Message() != nil:
			found = hasUnknown(v.Message())
		}
		return !found
	})
	return found
}

// formatter writes one record.
type formatter func(w *bufio.Writer, rec []byte, typ recordType, index int64) error

func newFormatter(name string) (formatter, error) {
	switch name {
	case "json":
		return formatJSON, nil
	case "flat":
		return formatFlat, nil
	case "pbtxt", "text", "textproto":
		return formatText, nil
	}
	return nil, usagef("unknown format %q (want json, flat or pbtxt)", name)
}

func formatJSON(w *bufio.Writer, rec []byte, typ recordType, _ int64) error {
	m, typ, err := parseRecord(rec, typ)
	if err != nil {
		return err
	}
	if typ == typeRaw {
		w.WriteString(`{"raw":"`)
		w.WriteString(base64.StdEncoding.EncodeToString(rec))
		_, err := w.WriteString("\"}\n")
		return err
	}
	b, err := protojson.Marshal(m)
	if err != nil {
		return &recordErr{err}
	}
	// protojson varies its whitespace on purpose; compact it for stable,
	// one-line output.
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

func formatText(w *bufio.Writer, rec []byte, typ recordType, index int64) error {
	m, typ, err := parseRecord(rec, typ)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# record %d\n", index)
	switch typ {
	case typeRaw:
		w.WriteString("raw: " + cEscape(string(rec)) + "\n")
	case typeExample:
		writeTextExample(w, m.(*examplepb.Example))
	case typeSequenceExample:
		writeTextSequenceExample(w, m.(*examplepb.SequenceExample))
	}
	_, err = w.WriteString("\n")
	return err
}

func formatFlat(w *bufio.Writer, rec []byte, typ recordType, _ int64) error {
	m, typ, err := parseRecord(rec, typ)
	if err != nil {
		return err
	}
	switch typ {
	case typeRaw:
		w.WriteString(`{"raw":`)
		writeFlatBytes(w, rec)
		w.WriteString("}\n")
	case typeExample:
		w.WriteByte('{')
		writeFlatFeatures(w, m.(*examplepb.Example).GetFeatures().GetFeature(), false)
		w.WriteString("}\n")
	case typeSequenceExample:
		se := m.(*examplepb.SequenceExample)
		w.WriteByte('{')
		ctx := se.GetContext().GetFeature()
		writeFlatFeatures(w, ctx, false)
		if se.FeatureLists != nil {
			if len(ctx) > 0 {
				w.WriteByte(',')
			}
			writeJSONString(w, example.DefaultSequenceColumn)
			w.WriteString(":{")
			lists := se.GetFeatureLists().GetFeatureList()
			for i, name := range sortedKeys(lists) {
				if i > 0 {
					w.WriteByte(',')
				}
				writeJSONString(w, name)
				w.WriteString(":[")
				for j, f := range lists[name].GetFeature() {
					if j > 0 {
						w.WriteByte(',')
					}
					writeFlatFeature(w, f)
				}
				w.WriteByte(']')
			}
			w.WriteByte('}')
		}
		w.WriteString("}\n")
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func writeFlatFeatures(w *bufio.Writer, feats map[string]*examplepb.Feature, _ bool) {
	for i, name := range sortedKeys(feats) {
		if i > 0 {
			w.WriteByte(',')
		}
		writeJSONString(w, name)
		w.WriteByte(':')
		writeFlatFeature(w, feats[name])
	}
}

func writeFlatFeature(w *bufio.Writer, f *examplepb.Feature) {
	switch k := f.GetKind().(type) {
	case *examplepb.Feature_BytesList:
		w.WriteByte('[')
		for i, v := range k.BytesList.GetValue() {
			if i > 0 {
				w.WriteByte(',')
			}
			writeFlatBytes(w, v)
		}
		w.WriteByte(']')
	case *examplepb.Feature_FloatList:
		w.WriteByte('[')
		for i, v := range k.FloatList.GetValue() {
			if i > 0 {
				w.WriteByte(',')
			}
			writeFlatFloat(w, v)
		}
		w.WriteByte(']')
	case *examplepb.Feature_Int64List:
		w.WriteByte('[')
		for i, v := range k.Int64List.GetValue() {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(strconv.FormatInt(v, 10))
		}
		w.WriteByte(']')
	default:
		w.WriteString("null")
	}
}

func writeFlatFloat(w *bufio.Writer, v float32) {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		w.WriteString(`"NaN"`)
	case math.IsInf(f, 1):
		w.WriteString(`"Infinity"`)
	case math.IsInf(f, -1):
		w.WriteString(`"-Infinity"`)
	default:
		w.WriteString(strconv.FormatFloat(f, 'g', -1, 32))
	}
}

// writeFlatBytes writes b as a JSON string when it is valid UTF-8, else as
// {"base64":"..."}.
func writeFlatBytes(w *bufio.Writer, b []byte) {
	if utf8.Valid(b) {
		writeJSONString(w, string(b))
		return
	}
	w.WriteString(`{"base64":"`)
	w.WriteString(base64.StdEncoding.EncodeToString(b))
	w.WriteString(`"}`)
}

// writeJSONString writes s, valid UTF-8, as a JSON string (without the
// HTML escaping of encoding/json).
func writeJSONString(w *bufio.Writer, s string) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case c == '\n':
			w.WriteString(`\n`)
		case c == '\t':
			w.WriteString(`\t`)
		case c == '\r':
			w.WriteString(`\r`)
		case c < 0x20:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xf])
		default:
			w.WriteByte(c)
		}
	}
	w.WriteByte('"')
}
