package csv

import (
	"bytes"
	"io"
)

// Stage 1: the scanner reads the input in large blocks and finds where
// each record ends, which needs only a look at quotes and line feeds. It
// copies whole runs of records into a batch's slab; splitting the records
// into fields and converting them happens later, on other goroutines
// (split.go, convert.go).
//
// Quoting follows Python's csv module with its default dialect (as
// tfx-bsl reads cells), extended to fields that span lines:
//
//   - a field that starts with '"' is quoted: delimiters and line breaks
//     in it are data, and "" is one quote;
//   - characters after the closing quote, up to the next delimiter, are
//     appended to the field ('"b"x' is bx), and quotes in them, as in an
//     unquoted field, are data;
//   - a record ends at "\n" or "\r\n" outside quotes, or at the end of the
//     input; a lone '\r' is data.

// Scanner states at a position in a record.
const (
	stFieldStart    = iota // at the start of a field
	stUnquoted             // in an unquoted field (or after a quoted one)
	stQuoted               // in a quoted field
	stQuoteInQuoted        // just after a quote in a quoted field
)

const scanBlock = 1 << 20 // bytes read at a time

type scanner struct {
	r     io.Reader
	buf   []byte
	pos   int // start of the current record in buf
	end   int // end of the data in buf
	eof   bool
	rerr  error // a read error, reported once the data before it is used
	delim byte
	line  int64 // line number of the record at pos
	limit int64 // bytes of one record; see config.recordLimit
	maxF  int   // field limit, for error positions

	// Where the next quote is: qnext is the index of the first '"' in
	// buf[:end] at or after the record where it was last looked for, or
	// end if there is none; qok is false after a refill.
	qnext int
	qok   bool

	// The state of a record whose end is not yet in buf, to resume
	// scanning after a refill: the offset from pos, the state, the line
	// feeds in quoted fields so far, the field number and the line where
	// the current field started.
	resume    int
	state     int
	embedded  int64
	field     int
	fieldLine int64

	started bool // a byte order mark was looked for
}

func newScanner(r io.Reader, cfg *config, ncols int) *scanner {
	return &scanner{r: r, delim: cfg.delim, line: 1, limit: cfg.recordLimit(ncols), maxF: cfg.maxField, buf: make([]byte, max(cfg.blockSize, 4))}
}

// refill moves the unread data to the front of buf, growing it if a
// record fills it, and reads more.
func (s *scanner) refill() {
	if s.eof {
		return
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.end = n
		s.pos = 0
	}
	s.qok = false
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	empty := 0
	for s.end < len(s.buf) {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			break
		}
		if n == 0 {
			if empty++; empty == 100 {
				s.eof, s.rerr = true, io.ErrNoProgress
				break
			}
		}
	}
	if !s.started { // the buffer is full (of at least 4 bytes) or holds all the input
		s.started = true
		if bytes.HasPrefix(s.buf[:s.end], []byte("\xef\xbb\xbf")) {
			s.pos = 3 // a UTF-8 byte order mark
		}
	}
}

// record is a record found by find: indices into buf.
type record struct {
	start, contentEnd, next int
	quoted                  bool // has a quote character
}

// find locates the end of the record at pos. It returns more when buf
// ends first (the caller refills and calls again), and ok false at the end
// of the input. It advances pos past the record.
func (s *scanner) find() (rec record, more, ok bool, err error) {
	buf := s.buf[:s.end]
	if s.pos == s.end {
		if s.eof {
			return rec, false, false, s.rerr
		}
		return rec, true, false, nil
	}
	if s.resume == 0 {
		nl := bytes.IndexByte(buf[s.pos:], '\n')
		if !s.qok || s.qnext < s.pos {
			q := bytes.IndexByte(buf[s.pos:], '"')
			if q < 0 {
				s.qnext = s.end
			} else {
				s.qnext = s.pos + q
			}
			s.qok = true
		}
		if nl >= 0 && s.qnext > s.pos+nl {
			ce := s.pos + nl
			if ce > s.pos && buf[ce-1] == '\r' {
				ce--
			}
			rec = record{start: s.pos, contentEnd: ce, next: s.pos + nl + 1}
			s.pos = rec.next
			s.line++
			return rec, false, true, nil
		}
		s.state, s.embedded, s.field, s.fieldLine = stFieldStart, 0, 1, s.line
	}
	return s.slow()
}

// slow runs the quote state machine from pos+resume.
func (s *scanner) slow() (rec record, more, ok bool, err error) {
	buf := s.buf[:s.end]
	delim := s.delim
	i := s.pos + s.resume
	state := s.state
	for i < len(buf) {
		switch state {
		case stQuoted:
			// Jump to the next quote, counting line feeds on the way.
			q := bytes.IndexByte(buf[i:], '"')
			if q < 0 {
				s.embedded += int64(bytes.Count(buf[i:], []byte{'\n'}))
				i = len(buf)
				continue
			}
			s.embedded += int64(bytes.Count(buf[i:i+q], []byte{'\n'}))
			i += q + 1
			state = stQuoteInQuoted
			continue
		case stFieldStart, stQuoteInQuoted:
			if buf[i] == '"' {
				state = stQuoted
				i++
				continue
			}
			state = stUnquoted
		}
		// Unquoted: only a delimiter or a line feed matters.
		for i < len(buf) && buf[i] != delim && buf[i] != '\n' {
			i++
		}
		if i == len(buf) {
			break
		}
		if buf[i] == delim {
			state = stFieldStart
			s.field++
			s.fieldLine = s.line + s.embedded
			i++
			continue
		}
		ce := i
		if ce > s.pos && buf[ce-1] == '\r' {
			ce--
		}
		rec = record{start: s.pos, contentEnd: ce, next: i + 1, quoted: true}
		s.pos = i + 1
		s.line += 1 + s.embedded
		s.resume = 0
		return rec, false, true, nil
	}
	// The buffer ends inside the record.
	if int64(i-s.pos) > s.limit {
		return rec, false, false, s.tooBig()
	}
	if !s.eof {
		s.resume, s.state = i-s.pos, state
		return rec, true, false, nil
	}
	if s.rerr != nil {
		return rec, false, false, s.rerr // do not take a cut record for a whole one
	}
	if state == stQuoted {
		return rec, false, false, &ParseError{StartLine: s.line, Line: s.fieldLine, Column: s.field, Err: ErrQuote}
	}
	ce := len(buf)
	if ce > s.pos && buf[ce-1] == '\r' {
		ce--
	}
	rec = record{start: s.pos, contentEnd: ce, next: len(buf), quoted: true}
	s.pos = len(buf)
	s.line += 1 + s.embedded
	s.resume = 0
	return rec, false, true, nil
}

// tooBig reports a record over the limit: the first field over the field
// limit, or else the field being read.
func (s *scanner) tooBig() error {
	part := s.buf[s.pos:s.end]
	col, line := 1, s.line
	for _, f := range rawFields(part, s.delim, s.line) {
		col, line = f.col, f.line
		if s.maxF >= 0 && f.size > s.maxF {
			break
		}
	}
	return &ParseError{StartLine: s.line, Line: line, Column: col, Err: ErrFieldSize}
}

// rawField is a field's position in a raw record.
type rawField struct {
	col   int
	line  int64
	start int // offset of its first byte (or opening quote)
	size  int // raw bytes
}

// rawFields runs the state machine over a (possibly partial) record and
// returns where each field starts.
func rawFields(rec []byte, delim byte, line int64) []rawField {
	fields := []rawField{{col: 1, line: line}}
	state := stFieldStart
	for i, c := range rec {
		switch state {
		case stQuoted:
			if c == '"' {
				state = stQuoteInQuoted
			} else if c == '\n' {
				line++
			}
			continue
		case stFieldStart:
			if c == '"' {
				state = stQuoted
				continue
			}
		case stQuoteInQuoted:
			if c == '"' {
				state = stQuoted
				continue
			}
		}
		state = stUnquoted
		if c == delim {
			f := &fields[len(fields)-1]
			f.size = i - f.start
			fields = append(fields, rawField{col: f.col + 1, line: line, start: i + 1})
			state = stFieldStart
		} else if c == '\n' {
			line++
		}
	}
	f := &fields[len(fields)-1]
	f.size = len(rec) - f.start
	return fields
}

// next returns the next record, refilling as needed; ok is false at the
// end of the input. The record's indices are valid until the next call.
func (s *scanner) next() (rec record, ok bool, err error) {
	for {
		rec, more, ok, err := s.find()
		if err != nil || ok || !more {
			return rec, ok, err
		}
		s.refill()
	}
}

// batch is a run of records copied out of the input, to be split and
// converted on another goroutine. Offsets are into slab; a record's
// content excludes its line ending.
type batch struct {
	slab      []byte
	recStart  []uint32
	recEnd    []uint32
	quoted    []bool
	firstLine int64 // line of slab[0]
}

func (b *batch) reset() {
	b.slab = b.slab[:0]
	b.recStart = b.recStart[:0]
	b.recEnd = b.recEnd[:0]
	b.quoted = b.quoted[:0]
}

func (b *batch) rows() int { return len(b.recStart) }

// fill reads up to max rows into b: every record, or with skipBlank the
// records that are not blank. It reports io.EOF when the input has no
// more rows.
func (s *scanner) fill(b *batch, max int, skipBlank bool) error {
	b.reset()
	b.firstLine = s.line
	run := s.pos // start of the records not yet copied to the slab
	flush := func() {
		b.slab = append(b.slab, s.buf[run:s.pos]...)
		run = s.pos
	}
	for b.rows() < max {
		rec, more, ok, err := s.find()
		if err != nil {
			return err
		}
		if more {
			flush()
			s.refill()
			run = s.pos
			continue
		}
		if !ok {
			break
		}
		if skipBlank && rec.contentEnd == rec.start {
			continue
		}
		base := len(b.slab) - run
		b.recStart = append(b.recStart, uint32(rec.start+base))
		b.recEnd = append(b.recEnd, uint32(rec.contentEnd+base))
		b.quoted = append(b.quoted, rec.quoted)
		if rec.next+base > maxBatchBytes {
			break
		}
	}
	flush()
	if b.rows() == 0 {
		if s.rerr != nil {
			return s.rerr
		}
		return io.EOF
	}
	return nil
}
