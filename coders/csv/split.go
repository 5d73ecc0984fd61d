package csv

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
)

// Stage 2a: splitting a batch's records into fields. A field is a span
// (start, end) of the batch's slab. Unquoted fields and simple quoted
// ones point into the record itself; a quoted field with "" escapes or
// characters after its closing quote is unescaped into bytes appended to
// the slab, after the records.

// splitter is one worker's scratch for splitting.
type splitter struct {
	spans    []uint32 // start, end of each field of each row
	sub      []uint32 // the values of one multivalent cell
	maxField int
}

func newSplitter(maxField int) *splitter {
	if maxField < 0 {
		maxField = math.MaxInt
	}
	return &splitter{maxField: maxField}
}

// fieldError is a problem with a field found while splitting: row is the
// record's index in the batch, col its 0-based column (-1 for the row).
type fieldError struct {
	row, col int
	err      error
}

func (e *fieldError) Error() string { return e.err.Error() }

// splitBatch splits every record of b into exactly ncols fields; a blank
// record is ncols empty fields. widthErr makes the error for a row of the
// wrong width from its cells.
func (sp *splitter) splitBatch(b *batch, ncols int, delim byte, widthErr func(cells [][]byte) error) *fieldError {
	spans := sp.spans[:0]
	n := b.rows()
	if cap(spans) < 2*ncols*n {
		spans = make([]uint32, 0, 2*ncols*n)
	}
	for r := 0; r < n; r++ {
		s, e := b.recStart[r], b.recEnd[r]
		before := len(spans)
		if s == e {
			for range ncols {
				spans = append(spans, s, s)
			}
			continue
		}
		if !b.quoted[r] {
			spans = splitPlain(b.slab[s:e], s, delim, spans)
		} else {
			var ok bool
			if spans, ok = splitQuoted(b, s, e, delim, spans); !ok {
				// The scanner closed every quote; this cannot happen.
				sp.spans = spans
				return &fieldError{row: r, col: -1, err: ErrQuote}
			}
		}
		if got := (len(spans) - before) / 2; got != ncols {
			cells := make([][]byte, got)
			for k := range got {
				cells[k] = b.slab[spans[before+2*k]:spans[before+2*k+1]]
			}
			sp.spans = spans
			return &fieldError{row: r, col: -1, err: widthErr(cells)}
		}
		if int(e-s) <= sp.maxField {
			continue // no field can be too large
		}
		for k := before; k < len(spans); k += 2 {
			if int(spans[k+1]-spans[k]) > sp.maxField {
				sp.spans = spans
				return &fieldError{row: r, col: (k - before) / 2, err: ErrFieldSize}
			}
		}
	}
	sp.spans = spans
	return nil
}

// splitPlain splits a record without quotes; base is its offset in the
// slab. It looks at 8 bytes at a time for delimiters.
func splitPlain(rec []byte, base uint32, delim byte, spans []uint32) []uint32 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	pat := 0x0101010101010101 * uint64(delim)
	start := 0
	i := 0
	for ; i+8 <= len(rec); i += 8 {
		w := binary.LittleEndian.Uint64(rec[i:]) ^ pat
		// The high bit of each byte of m is set where w's byte is zero,
		// exactly (no borrows between bytes).
		m := ^((w&low7 + low7) | w | low7)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)>>3
			spans = append(spans, base+uint32(start), base+uint32(j))
			start = j + 1
			m &= m - 1
		}
	}
	for ; i < len(rec); i++ {
		if rec[i] == delim {
			spans = append(spans, base+uint32(start), base+uint32(i))
			start = i + 1
		}
	}
	return append(spans, base+uint32(start), base+uint32(len(rec)))
}

// splitQuoted splits slab[s:e] with Python's csv rules (see scan.go). It
// reports false if a quoted field is not closed.
func splitQuoted(b *batch, s, e uint32, delim byte, spans []uint32) ([]uint32, bool) {
	i := s
	for {
		if i < e && b.slab[i] == '"' {
			// A quoted field. Simple when its closing quote is followed by
			// a delimiter or the end of the record and it has no "".
			j := i + 1
			q := bytes.IndexByte(b.slab[j:e], '"')
			if q < 0 {
				return spans, false
			}
			cq := j + uint32(q)
			if cq+1 == e || b.slab[cq+1] == delim {
				spans = append(spans, j, cq)
				i = cq + 1
			} else {
				var ok bool
				if spans, i, ok = unquote(b, j, e, delim, spans); !ok {
					return spans, false
				}
			}
		} else {
			k := bytes.IndexByte(b.slab[i:e], delim)
			if k < 0 {
				return append(spans, i, e), true
			}
			spans = append(spans, i, i+uint32(k))
			i += uint32(k)
		}
		// i is at a delimiter or at the end.
		if i == e {
			return spans, true
		}
		i++
	}
}

// unquote copies the quoted field whose content starts at j, unescaped,
// to the end of the slab; it returns the index after the field.
func unquote(b *batch, j, e uint32, delim byte, spans []uint32) ([]uint32, uint32, bool) {
	out := uint32(len(b.slab))
	i := j
	for {
		q := bytes.IndexByte(b.slab[i:e], '"')
		if q < 0 {
			return spans, e, false
		}
		b.slab = append(b.slab, b.slab[i:i+uint32(q)]...)
		i += uint32(q) + 1
		if i < e && b.slab[i] == '"' {
			b.slab = append(b.slab, '"')
			i++
			continue
		}
		break
	}
	// After the closing quote: data up to the delimiter, quotes included.
	k := bytes.IndexByte(b.slab[i:e], delim)
	end := e
	if k >= 0 {
		end = i + uint32(k)
	}
	b.slab = append(b.slab, b.slab[i:end]...)
	return append(spans, out, uint32(len(b.slab))), end, true
}

// splitCell splits a multivalent cell, slab[s:e], with the secondary
// delimiter into sp.sub. It reports false if a quote is not closed.
func (sp *splitter) splitCell(b *batch, s, e uint32, delim byte) bool {
	var ok bool
	sp.sub, ok = splitQuoted(b, s, e, delim, sp.sub[:0])
	return ok
}
