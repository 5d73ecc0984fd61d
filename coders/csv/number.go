package csv

import (
	"math"
	"strconv"
)

// Python's int() and float() on bytes, which decide tfx-bsl's column
// types and convert its values. Both strip ASCII whitespace (" \t\n\v\f\r")
// at either end and allow single underscores between digits (PEP 515);
// int() takes an optional sign and decimal digits (leading zeros too),
// float() a decimal number with optional fraction and exponent, or
// inf, infinity or nan in any case, each with an optional sign.

// colType is a column's type; the order is tfx-bsl's type hierarchy.
type colType int8

const (
	typeUnknown colType = iota // only empty cells: an Arrow null column
	typeInt
	typeFloat
	typeString
)

func (t colType) String() string {
	switch t {
	case typeInt:
		return "INT"
	case typeFloat:
		return "FLOAT"
	case typeString:
		return "STRING"
	}
	return "UNKNOWN"
}

func isPySpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r') // \t \n \v \f \r
}

func isDigit(c byte) bool { return c-'0' <= 9 }

// trimPySpace strips Python's ASCII whitespace from both ends.
func trimPySpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isPySpace(b[i]) {
		i++
	}
	for j > i && isPySpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

type intStatus int8

const (
	notInt      intStatus = iota // int() fails
	intOK                        // an int64
	intOverflow                  // an integer outside int64
)

// parseInt is Python's int(b) in base 10, within int64.
func parseInt(b []byte) (int64, intStatus) {
	// Fast path: plain digits, as nearly all data is.
	if n := len(b); n > 0 && n <= 18 {
		var v int64
		i := 0
		neg := false
		if b[0] == '-' {
			neg = true
			i = 1
		}
		if i < n {
			for ; i < n; i++ {
				d := b[i] - '0'
				if d > 9 {
					break
				}
				v = v*10 + int64(d)
			}
			if i == n {
				if neg {
					v = -v
				}
				return v, intOK
			}
			// Only whitespace, an underscore or a leading '+' may
			// follow in an integer ("1.5" stops here).
			if c := b[i]; c != '_' && !isPySpace(c) && (c != '+' || i > 0) {
				return 0, notInt
			}
		}
	}
	b = trimPySpace(b)
	if len(b) == 0 {
		return 0, notInt
	}
	neg := false
	i := 0
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		i = 1
	}
	if i == len(b) || !isDigit(b[i]) {
		return 0, notInt
	}
	var u uint64
	over := false
	under := false
	for ; i < len(b); i++ {
		c := b[i]
		if isDigit(c) {
			d := uint64(c - '0')
			if u > (math.MaxUint64-d)/10 {
				over = true
			} else {
				u = u*10 + d
			}
			under = false
		} else if c == '_' && !under {
			under = true
		} else {
			return 0, notInt
		}
	}
	if under {
		return 0, notInt
	}
	switch {
	case over:
		return 0, intOverflow
	case neg && u <= 1<<63:
		return int64(-u), intOK // -(1<<63) wraps to itself
	case !neg && u <= math.MaxInt64:
		return int64(u), intOK
	}
	return 0, intOverflow
}

// Special float values, after an optional sign.
const (
	floatNumber = iota
	floatInf
	floatNaN
)

// floatSyntax is a valid float() literal taken apart.
type floatSyntax struct {
	neg     bool
	special int8
	mant    uint64 // the first 19 significant digits
	exp     int    // value = mant * 10^exp, if !trunc
	trunc   bool   // more than 19 significant digits, or a huge exponent
	digits  []byte // the literal without whitespace (underscores kept)
	hasUndr bool
}

// scanFloat checks b against Python's float() syntax.
func scanFloat(b []byte) (f floatSyntax, ok bool) {
	b = trimPySpace(b)
	if len(b) == 0 {
		return f, false
	}
	f.digits = b
	i := 0
	if b[0] == '+' || b[0] == '-' {
		f.neg = b[0] == '-'
		i = 1
	}
	if i < len(b) && !isDigit(b[i]) && b[i] != '.' {
		switch rest := b[i:]; {
		case equalFold(rest, "inf"), equalFold(rest, "infinity"):
			f.special = floatInf
			return f, true
		case equalFold(rest, "nan"):
			f.special = floatNaN
			return f, true
		}
		return f, false
	}
	// digits, an optional fraction, an optional exponent.
	nd := 0 // significant digits seen
	sawDigit := false
	dot := false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case isDigit(c):
			sawDigit = true
			if c == '0' && nd == 0 {
				if dot {
					f.exp--
				}
				continue
			}
			if nd < 19 {
				f.mant = f.mant*10 + uint64(c-'0')
				nd++
				if dot {
					f.exp--
				}
			} else {
				if c != '0' {
					f.trunc = true
				}
				if !dot {
					f.exp++
				}
			}
			continue
		case c == '_':
			// Python: an underscore must follow a digit and precede one.
			if i == 0 || !isDigit(b[i-1]) || i+1 == len(b) || !isDigit(b[i+1]) {
				return f, false
			}
			f.hasUndr = true
			continue
		case c == '.' && !dot:
			dot = true
			continue
		}
		break
	}
	if !sawDigit {
		return f, false
	}
	if i < len(b) {
		if b[i] != 'e' && b[i] != 'E' {
			return f, false
		}
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i == len(b) || !isDigit(b[i]) {
			return f, false
		}
		e := 0
		for ; i < len(b); i++ {
			c := b[i]
			if isDigit(c) {
				if e < 100000 {
					e = e*10 + int(c-'0')
				}
				continue
			}
			if c == '_' && isDigit(b[i-1]) && i+1 < len(b) && isDigit(b[i+1]) {
				f.hasUndr = true
				continue
			}
			return f, false
		}
		if eneg {
			e = -e
		}
		f.exp += e
	}
	return f, true
}

func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// Exact powers of ten as float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// value returns the float64 that float() returns, correctly rounded.
func (f *floatSyntax) value() float64 {
	var v float64
	switch f.special {
	case floatInf:
		v = math.Inf(1)
	case floatNaN:
		v = math.NaN()
	default:
		if !f.trunc && f.mant < 1<<53 && f.exp >= -22 && f.exp <= 22 {
			// Both the mantissa and the power of ten are exact, so one
			// rounding gives the correctly rounded result.
			v = float64(f.mant)
			if f.exp >= 0 {
				v *= pow10[f.exp]
			} else {
				v /= pow10[-f.exp]
			}
		} else if f.mant == 0 && !f.trunc {
			v = 0
		} else {
			v = f.slow()
		}
	}
	if f.neg {
		v = -v
	}
	return v
}

// slow parses the literal with strconv, which rounds correctly too.
func (f *floatSyntax) slow() float64 {
	var buf [64]byte
	s := buf[:0]
	for _, c := range f.digits {
		if c != '_' && c != '+' && c != '-' || len(s) > 0 && (s[len(s)-1] == 'e' || s[len(s)-1] == 'E') {
			s = append(s, c)
		}
	}
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil && v == 0 && !isRangeErr(err) {
		// Cannot happen: scanFloat accepted the syntax.
		return math.NaN()
	}
	return math.Abs(v)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// parseFloat is Python's float(b).
func parseFloat(b []byte) (float64, bool) {
	// Fast path: [-]digits[.digits] of at most 19 digits, as nearly all
	// data is; the mantissa and the power of ten are then exact.
	if n := len(b); n > 0 && n <= 20 {
		i := 0
		if b[0] == '-' {
			i = 1
		}
		var mant uint64
		digits := 0
		for ; i < n; i++ {
			d := b[i] - '0'
			if d > 9 {
				break
			}
			mant = mant*10 + uint64(d)
			digits++
		}
		exp := 0
		if i < n && b[i] == '.' {
			for i++; i < n; i++ {
				d := b[i] - '0'
				if d > 9 {
					break
				}
				mant = mant*10 + uint64(d)
				digits++
				exp++
			}
		}
		if i == n && digits > 0 && digits <= 19 && mant < 1<<53 && exp <= 22 {
			v := float64(mant) / pow10[exp]
			if b[0] == '-' {
				v = -v
			}
			return v, true
		}
	}
	f, ok := scanFloat(b)
	if !ok {
		return 0, false
	}
	return f.value(), true
}

// classify infers a cell's type as tfx-bsl's _InferValueType does.
func classify(b []byte) colType {
	if len(b) == 0 {
		return typeUnknown
	}
	switch _, st := parseInt(b); st {
	case intOK:
		return typeInt
	case intOverflow:
		return typeString // "We infer STRING type when we have long integer values."
	}
	if _, ok := parseFloat(b); ok { // its fast path is faster than scanFloat
		return typeFloat
	}
	return typeString
}
