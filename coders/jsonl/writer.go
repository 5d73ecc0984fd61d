package jsonl

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Writer writes record batches as JSON lines.
type Writer struct {
	w      *bufio.Writer
	schema *arrow.Schema
	names  [][]byte // quoted column names with a trailing colon
	err    error
}

// NewWriter returns a writer of batches with the given schema to w.
func NewWriter(w io.Writer, schema *arrow.Schema) *Writer {
	jw := &Writer{w: bufio.NewWriterSize(w, 256<<10), schema: schema}
	for _, f := range schema.Fields() {
		var b []byte
		b = appendString(b, f.Name)
		jw.names = append(jw.names, append(b, ':'))
	}
	return jw
}

// Write writes one line per row of rb.
func (w *Writer) Write(rb arrow.RecordBatch) error {
	if w.err != nil {
		return w.err
	}
	if !rb.Schema().Equal(w.schema) {
		return fmt.Errorf("jsonl: batch schema differs from the writer's:\n%v\nversus\n%v", rb.Schema(), w.schema)
	}
	var line []byte
	cols := rb.Columns()
	for row := 0; row < int(rb.NumRows()); row++ {
		line = append(line[:0], '{')
		for c, col := range cols {
			if c > 0 {
				line = append(line, ',')
			}
			line = append(line, w.names[c]...)
			line = appendValue(line, col, row)
		}
		line = append(line, '}', '\n')
		if _, err := w.w.Write(line); err != nil {
			w.err = err
			return err
		}
	}
	return nil
}

// Flush writes buffered lines to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.w.Flush()
	return w.err
}

// AppendRow appends row of rb as one JSON object (no newline) to dst.
func AppendRow(dst []byte, rb arrow.RecordBatch, row int) []byte {
	dst = append(dst, '{')
	for c, col := range rb.Columns() {
		if c > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, rb.ColumnName(c))
		dst = append(dst, ':')
		dst = appendValue(dst, col, row)
	}
	return append(dst, '}')
}

// AppendValue appends the JSON of arr[i] to b.
func AppendValue(b []byte, arr arrow.Array, i int) []byte { return appendValue(b, arr, i) }

// appendValue appends the JSON of arr[i].
func appendValue(b []byte, arr arrow.Array, i int) []byte {
	if arr.IsNull(i) {
		return append(b, "null"...)
	}
	switch a := arr.(type) {
	case *array.Null:
		return append(b, "null"...)
	case *array.Boolean:
		return strconv.AppendBool(b, a.Value(i))
	case *array.Int8:
		return strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.AppendInt(b, int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.AppendInt(b, a.Value(i), 10)
	case *array.Uint8:
		return strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint16:
		return strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint32:
		return strconv.AppendUint(b, uint64(a.Value(i)), 10)
	case *array.Uint64:
		return strconv.AppendUint(b, a.Value(i), 10)
	case *array.Float16:
		return appendFloat(b, float64(a.Value(i).Float32()), 32)
	case *array.Float32:
		return appendFloat(b, float64(a.Value(i)), 32)
	case *array.Float64:
		return appendFloat(b, a.Value(i), 64)
	case *array.String:
		return appendString(b, a.Value(i))
	case *array.LargeString:
		return appendString(b, a.Value(i))
	case *array.Binary:
		return appendBytes(b, a.Value(i))
	case *array.LargeBinary:
		return appendBytes(b, a.Value(i))
	case *array.FixedSizeBinary:
		return appendBytes(b, a.Value(i))
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		vals := a.ListValues()
		b = append(b, '[')
		for j := start; j < end; j++ {
			if j > start {
				b = append(b, ',')
			}
			b = appendValue(b, vals, int(j))
		}
		return append(b, ']')
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		b = append(b, '{')
		for k := 0; k < a.NumField(); k++ {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendString(b, st.Field(k).Name)
			b = append(b, ':')
			b = appendValue(b, a.Field(k), i)
		}
		return append(b, '}')
	case *array.Dictionary:
		return appendValue(b, a.Dictionary(), a.GetValueIndex(i))
	}
	return appendString(b, arr.ValueStr(i))
}

func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

// appendBytes appends v as a string when it is valid UTF-8, else as
// {"base64":"..."}.
func appendBytes(b, v []byte) []byte {
	if utf8.Valid(v) {
		return appendString(b, string(v))
	}
	b = append(b, `{"base64":"`...)
	b = base64.StdEncoding.AppendEncode(b, v)
	return append(b, `"}`...)
}

// appendString appends s as a JSON string. Invalid UTF-8 is replaced by
// U+FFFD, as encoding/json does.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
