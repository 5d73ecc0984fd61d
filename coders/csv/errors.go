package csv

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Conditions that a [*ParseError] wraps; test for them with errors.Is.
var (
	// ErrQuote: a quoted field is not closed before the end of the input.
	ErrQuote = errors.New("extraneous or missing \" in quoted-field")
	// ErrFieldCount: a row has another number of fields than there are
	// columns. The message is tfx-bsl's.
	ErrFieldCount = errors.New("wrong number of fields")
	// ErrFieldSize: a field (or the header) is longer than
	// [Options].MaxFieldSize.
	ErrFieldSize = errors.New("field too large")
	// ErrValue: a cell is not a value of its column's type.
	ErrValue = errors.New("bad value")
	// ErrNoHeader: the input is empty, or its first line is blank, so it
	// has no header.
	ErrNoHeader = errors.New("no header line")
)

// ParseError reports a problem with the input by position. Lines count
// from 1 and include the header and blank lines; a record whose quoted
// fields hold line breaks spans several.
type ParseError struct {
	StartLine int64  // line where the record starts
	Line      int64  // line where the problem is (where the field starts)
	Column    int    // 1-based field number; 0 when the problem is the whole row
	Name      string // name of the column, when known
	Err       error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("csv: ")
	if e.StartLine != e.Line && e.StartLine > 0 {
		fmt.Fprintf(&b, "record on line %d; ", e.StartLine)
	}
	fmt.Fprintf(&b, "line %d", e.Line)
	switch {
	case e.Name != "":
		fmt.Fprintf(&b, ", column %q", e.Name)
	case e.Column > 0:
		fmt.Fprintf(&b, ", column %d", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// fieldCountError carries tfx-bsl's text for a row of the wrong width.
type fieldCountError struct{ msg string }

func (e *fieldCountError) Error() string        { return e.msg }
func (e *fieldCountError) Is(target error) bool { return target == ErrFieldCount }

// inferWidthError is tfx-bsl's error from type inference.
func inferWidthError(names []string, cells [][]byte) error {
	return &fieldCountError{"Columns do not match specified csv headers: " + pyStrList(names) + " -> " + pyBytesList(cells)}
}

// decodeWidthError is tfx-bsl's error from decoding.
func decodeWidthError(got, want int) error {
	return &fieldCountError{fmt.Sprintf("Encountered a row of unexpected number of columns: %d vs. %d", got, want)}
}

// valueError is a cell that does not convert to its column's type.
type valueError struct {
	value []byte
	typ   string
	why   string // optional detail
	sub   int    // 1-based index of the value in a multivalent cell, or 0
	cell  []byte // the multivalent cell
}

func (e *valueError) Error() string {
	s := fmt.Sprintf("cannot parse %s as %s", quoteBytes(e.value), e.typ)
	if e.sub > 0 {
		s = fmt.Sprintf("cannot parse %s (value %d of %s) as %s", quoteBytes(e.value), e.sub, quoteBytes(e.cell), e.typ)
	}
	if e.why != "" {
		s += ": " + e.why
	}
	return s
}

func (e *valueError) Is(target error) bool { return target == ErrValue }

// quoteBytes quotes a cell for an error message, shortening long ones.
func quoteBytes(b []byte) string {
	const max = 80
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return strconv.Quote(string(b))
}

// Python reprs, for error texts that match tfx-bsl's.

// pyStrList formats names as Python's repr of a list of str.
func pyStrList(names []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		pyRepr(&b, []byte(n), false)
	}
	b.WriteByte(']')
	return b.String()
}

// pyBytesList formats cells as Python's repr of a list of bytes.
func pyBytesList(cells [][]byte) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, c := range cells {
		if i > 0 {
			b.WriteString(", ")
		}
		pyRepr(&b, c, true)
	}
	b.WriteByte(']')
	return b.String()
}

// pyRepr writes Python's repr of s as bytes (b'...') or as str ('...'),
// in which invalid UTF-8 shows as \x escapes.
func pyRepr(b *strings.Builder, s []byte, isBytes bool) {
	quote := byte('\'')
	if strings.IndexByte(string(s), '\'') >= 0 && strings.IndexByte(string(s), '"') < 0 {
		quote = '"'
	}
	if isBytes {
		b.WriteByte('b')
	}
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == quote || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
			continue
		case c == '\t':
			b.WriteString(`\t`)
			i++
			continue
		case c == '\n':
			b.WriteString(`\n`)
			i++
			continue
		case c == '\r':
			b.WriteString(`\r`)
			i++
			continue
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(b, `\x%02x`, c)
			i++
			continue
		case c < 0x80:
			b.WriteByte(c)
			i++
			continue
		}
		if isBytes {
			fmt.Fprintf(b, `\x%02x`, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(b, `\x%02x`, c)
		case unicode.IsPrint(r):
			b.WriteString(string(s[i : i+n]))
		case r <= 0xff:
			fmt.Fprintf(b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			fmt.Fprintf(b, `\U%08x`, r)
		}
		i += n
	}
	b.WriteByte(quote)
}
