package jsonl

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Options configures reading. The zero value reads batches of 1024 rows
// with lines of at most 64 MiB into memory.DefaultAllocator.
type Options struct {
	BatchSize   int // rows per batch
	MaxLineSize int // longest line accepted, in bytes
	Allocator   memory.Allocator
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 1024
	}
	if o.MaxLineSize <= 0 {
		o.MaxLineSize = 64 << 20
	}
	if o.Allocator == nil {
		o.Allocator = memory.DefaultAllocator
	}
	return o
}

// ErrLineTooLong reports a line longer than Options.MaxLineSize.
var ErrLineTooLong = errors.New("jsonl: line too long")

// ParseError reports a line that could not be read, by its 1-based number
// and, when known, the column.
type ParseError struct {
	Line   int64
	Column string
	Err    error
}

func (e *ParseError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("jsonl: line %d, column %q: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("jsonl: line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// lines reads non-blank lines.
type lines struct {
	r    *bufio.Reader
	max  int
	n    int64 // line number of the last line returned
	buf  []byte
	done bool
}

func newLines(r io.Reader, max int) *lines {
	return &lines{r: bufio.NewReaderSize(r, 256<<10), max: max}
}

// next returns the next non-blank line (without its newline), valid until
// the next call, or io.EOF.
func (l *lines) next() ([]byte, error) {
	for !l.done {
		l.buf = l.buf[:0]
		for {
			chunk, err := l.r.ReadSlice('\n')
			l.buf = append(l.buf, chunk...)
			if len(l.buf) > l.max {
				return nil, &ParseError{Line: l.n + 1, Err: ErrLineTooLong}
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				l.done = true
			} else if err != nil {
				return nil, err
			}
			break
		}
		if l.done && len(l.buf) == 0 {
			break
		}
		l.n++
		if line := bytes.TrimSpace(l.buf); len(line) > 0 {
			return line, nil
		}
	}
	return nil, io.EOF
}

// parseObject parses one line as a JSON object.
func parseObject(line []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value on the line")
	}
	return m, nil
}

// Reader reads JSON lines as record batches of a given schema. It
// implements array.RecordReader.
type Reader struct {
	refs   atomic.Int64
	lines  *lines
	schema *arrow.Schema
	opts   Options
	bld    *array.RecordBuilder
	cur    arrow.RecordBatch
	err    error
}

var _ array.RecordReader = (*Reader)(nil)

// NewReader returns a reader of the JSON lines in r as batches of schema.
// Members not in the schema are ignored; a missing member is null.
func NewReader(r io.Reader, schema *arrow.Schema, opts Options) (*Reader, error) {
	opts = opts.withDefaults()
	for _, f := range schema.Fields() {
		if err := supported(f.Type); err != nil {
			return nil, fmt.Errorf("jsonl: column %q: %w", f.Name, err)
		}
	}
	return &Reader{
		lines:  newLines(r, opts.MaxLineSize),
		schema: schema,
		opts:   opts,
		bld:    array.NewRecordBuilder(opts.Allocator, schema),
	}, nil
}

func supported(t arrow.DataType) error {
	switch t := t.(type) {
	case *arrow.NullType, *arrow.BooleanType, *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type, *arrow.Float32Type, *arrow.Float64Type,
		*arrow.StringType, *arrow.LargeStringType, *arrow.BinaryType, *arrow.LargeBinaryType:
		return nil
	case *arrow.ListType:
		return supported(t.Elem())
	case *arrow.LargeListType:
		return supported(t.Elem())
	case *arrow.StructType:
		for _, f := range t.Fields() {
			if err := supported(f.Type); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("reading %s from JSON is not supported", t)
}

func (r *Reader) Retain()                        { r.refs.Add(1) }
func (r *Reader) Schema() *arrow.Schema          { return r.schema }
func (r *Reader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *Reader) Record() arrow.RecordBatch      { return r.cur }
func (r *Reader) Err() error                     { return r.err }

func (r *Reader) Release() {
	if r.refs.Add(-1) >= 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.bld != nil {
		r.bld.Release()
		r.bld = nil
	}
}

// Next reads the next batch.
func (r *Reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.err != nil || r.bld == nil {
		return false
	}
	rows := 0
	for rows < r.opts.BatchSize {
		line, err := r.lines.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.fail(err)
			return false
		}
		m, err := parseObject(line)
		if err != nil {
			r.fail(&ParseError{Line: r.lines.n, Err: err})
			return false
		}
		for c, f := range r.schema.Fields() {
			if err := appendJSON(r.bld.Field(c), m[f.Name]); err != nil {
				r.fail(&ParseError{Line: r.lines.n, Column: f.Name, Err: err})
				return false
			}
		}
		rows++
	}
	if rows == 0 {
		return false
	}
	r.cur = r.bld.NewRecordBatch()
	return true
}

func (r *Reader) fail(err error) {
	r.err = err
	// Drop the partial batch: its columns may differ in length.
	r.bld.Release()
	r.bld = nil
}

// appendJSON appends one JSON value to b.
func appendJSON(b array.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch b := b.(type) {
	case *array.NullBuilder:
		return fmt.Errorf("got %s for a column that holds only nulls", describe(v))
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %s", describe(v))
		}
		b.Append(x)
	case *array.Int8Builder:
		x, err := intValue(v, 8)
		b.Append(int8(x))
		return err
	case *array.Int16Builder:
		x, err := intValue(v, 16)
		b.Append(int16(x))
		return err
	case *array.Int32Builder:
		x, err := intValue(v, 32)
		b.Append(int32(x))
		return err
	case *array.Int64Builder:
		x, err := intValue(v, 64)
		b.Append(x)
		return err
	case *array.Uint8Builder:
		x, err := uintValue(v, 8)
		b.Append(uint8(x))
		return err
	case *array.Uint16Builder:
		x, err := uintValue(v, 16)
		b.Append(uint16(x))
		return err
	case *array.Uint32Builder:
		x, err := uintValue(v, 32)
		b.Append(uint32(x))
		return err
	case *array.Uint64Builder:
		x, err := uintValue(v, 64)
		b.Append(x)
		return err
	case *array.Float32Builder:
		x, err := floatValue(v, 32)
		b.Append(float32(x))
		return err
	case *array.Float64Builder:
		x, err := floatValue(v, 64)
		b.Append(x)
		return err
	case *array.StringBuilder:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string, got %s", describe(v))
		}
		b.Append(s)
	case *array.LargeStringBuilder:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string, got %s", describe(v))
		}
		b.Append(s)
	case *array.BinaryBuilder:
		x, err := bytesValue(v)
		b.Append(x)
		return err
	case *array.ListBuilder:
		return appendList(b, b.ValueBuilder(), v)
	case *array.LargeListBuilder:
		return appendList(b, b.ValueBuilder(), v)
	case *array.StructBuilder:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("want an object, got %s", describe(v))
		}
		b.Append(true)
		st := b.Type().(*arrow.StructType)
		for k, f := range st.Fields() {
			if err := appendJSON(b.FieldBuilder(k), m[f.Name]); err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
		}
	default:
		return fmt.Errorf("reading %s from JSON is not supported", b.Type())
	}
	return nil
}

type listAppender interface{ Append(bool) }

// appendList appends a JSON array, or a lone scalar as a list of one.
func appendList(b listAppender, vb array.Builder, v any) error {
	b.Append(true)
	items, ok := v.([]any)
	if !ok {
		return appendJSON(vb, v)
	}
	for _, it := range items {
		if err := appendJSON(vb, it); err != nil {
			return err
		}
	}
	return nil
}

func intValue(v any, bits int) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("want an integer, got %s", describe(v))
	}
	x, err := strconv.ParseInt(string(n), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("cannot read %s as int%d", n, bits)
	}
	return x, nil
}

func uintValue(v any, bits int) (uint64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("want an integer, got %s", describe(v))
	}
	x, err := strconv.ParseUint(string(n), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("cannot read %s as uint%d", n, bits)
	}
	return x, nil
}

func floatValue(v any, bits int) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), bits)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("cannot read %s as float%d", x, bits)
		}
		return f, nil
	case string:
		switch x {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("want a number, got %s", describe(v))
}

func bytesValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return []byte(x), nil
	case map[string]any:
		if s, ok := x["base64"].(string); ok && len(x) == 1 {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("bad base64: %v", err)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf(`want a string or {"base64":...}, got %s`, describe(v))
}

func describe(v any) string {
	switch v := v.(type) {
	case json.Number:
		return "the number " + string(v)
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%v", v)
}
