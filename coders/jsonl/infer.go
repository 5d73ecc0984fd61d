package jsonl

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// kinds of value, in the order they widen: an int column that also holds
// a float becomes float.
const (
	kindUnknown = iota
	kindInt
	kindFloat
	kindBytes
)

// shape is what inference has seen of one column (or struct field).
type shape struct {
	kind     int
	depth    int  // 0: scalars or lists of scalars, 1: lists of lists
	object   bool // values are objects (a struct column)
	special  bool // saw "NaN"/"Infinity"/"-Infinity" strings
	numbers  bool // saw numbers
	strings  bool // saw other strings
	children map[string]*shape
}

// Inferrer collects the types of JSON lines; see [Infer].
type Inferrer struct {
	cols map[string]*shape
	opts Options
}

// NewInferrer returns an empty Inferrer.
func NewInferrer(opts Options) *Inferrer {
	return &Inferrer{cols: map[string]*shape{}, opts: opts.withDefaults()}
}

// Infer reads every line of r and returns the schema that holds them: see
// [Inferrer.Schema].
func Infer(r io.Reader, opts Options) (*arrow.Schema, error) {
	in := NewInferrer(opts)
	if err := in.Read(r); err != nil {
		return nil, err
	}
	return in.Schema()
}

// Read adds the lines of r.
func (in *Inferrer) Read(r io.Reader) error {
	l := newLines(r, in.opts.MaxLineSize)
	for {
		line, err := l.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		m, err := parseObject(line)
		if err != nil {
			return &ParseError{Line: l.n, Err: err}
		}
		for k, v := range m {
			s := in.cols[k]
			if s == nil {
				s = &shape{}
				in.cols[k] = s
			}
			if err := s.add(v, 0); err != nil {
				return &ParseError{Line: l.n, Column: k, Err: err}
			}
		}
	}
}

func (s *shape) add(v any, depth int) error {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		if depth >= 2 {
			return fmt.Errorf("lists nested more than two deep are not supported")
		}
		if depth == 1 {
			s.depth = 1
		}
		for _, it := range x {
			if err := s.add(it, depth+1); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		if b, ok := x["base64"]; ok && len(x) == 1 {
			if _, ok := b.(string); ok {
				s.strings = true
				return s.widen(kindBytes)
			}
		}
		if depth > 0 {
			return fmt.Errorf("objects inside lists are not supported")
		}
		s.object = true
		if s.children == nil {
			s.children = map[string]*shape{}
		}
		for k, cv := range x {
			c := s.children[k]
			if c == nil {
				c = &shape{}
				s.children[k] = c
			}
			if err := c.add(cv, 0); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		return nil
	case json.Number:
		s.numbers = true
		if strings.ContainsAny(string(x), ".eE") {
			return s.widen(kindFloat)
		}
		return s.widen(kindInt)
	case string:
		if x == "NaN" || x == "Infinity" || x == "-Infinity" {
			s.special = true
			return nil
		}
		s.strings = true
		return s.widen(kindBytes)
	case bool:
		s.numbers = true
		return s.widen(kindInt)
	}
	return fmt.Errorf("unexpected value %v", v)
}

func (s *shape) widen(k int) error {
	if s.object {
		return fmt.Errorf("mixes objects and values")
	}
	if s.numbers && s.strings {
		return fmt.Errorf("mixes numbers and strings: say the type with a schema")
	}
	s.kind = max(s.kind, k)
	return nil
}

// Schema returns the columns seen, sorted bytewise with struct columns
// last, each a large_list<int64|float32|large_binary> (lists of lists:
// large_list<large_list<T>>), a struct of such columns for objects, or
// null for a column that only ever held nulls.
func (in *Inferrer) Schema() (*arrow.Schema, error) {
	fields, err := shapeFields(in.cols, true)
	if err != nil {
		return nil, err
	}
	return arrow.NewSchema(fields, nil), nil
}

func shapeFields(cols map[string]*shape, top bool) ([]arrow.Field, error) {
	names := make([]string, 0, len(cols))
	for k := range cols {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if oa, ob := cols[a].object, cols[b].object; oa != ob {
			if oa {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	fields := make([]arrow.Field, 0, len(names))
	for _, n := range names {
		s := cols[n]
		var t arrow.DataType
		if s.object {
			children, err := shapeFields(s.children, false)
			if err != nil {
				return nil, err
			}
			t = arrow.StructOf(children...)
		} else {
			kind := s.kind
			if s.special && kind == kindUnknown || s.special && kind == kindInt {
				kind = kindFloat
			}
			var leaf arrow.DataType
			switch kind {
			case kindInt:
				leaf = arrow.PrimitiveTypes.Int64
			case kindFloat:
				leaf = arrow.PrimitiveTypes.Float32
			case kindBytes:
				leaf = arrow.BinaryTypes.LargeBinary
			}
			switch {
			case !top && leaf == nil:
				// A feature list whose steps never have a kind: a list of
				// nulls, as the SequenceExample decoder types it.
				t = arrow.LargeListOf(arrow.Null)
			case !top:
				t = arrow.LargeListOf(arrow.LargeListOf(leaf))
			case leaf == nil && s.depth == 0:
				t = arrow.Null
			case leaf == nil:
				t = arrow.LargeListOf(arrow.LargeListOf(arrow.Null))
			case s.depth == 0:
				t = arrow.LargeListOf(leaf)
			default:
				t = arrow.LargeListOf(arrow.LargeListOf(leaf))
			}
		}
		fields = append(fields, arrow.Field{Name: n, Type: t, Nullable: true})
	}
	return fields, nil
}
