package example

import (
	"encoding/binary"
	"slices"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// The fast path walks the protobuf wire format of each record directly
// into column scratch, without building messages. It accepts exactly what
// proto.Unmarshal accepts for these proto3 messages:
//
//   - fields in any order, unknown fields (skipped with
//     protowire.ConsumeFieldValue, groups included) and known field numbers
//     with an unexpected wire type (which protobuf treats as unknown);
//   - repeated message fields merge: two features fields merge their maps,
//     two kind fields of one kind append and of different kinds replace,
//     two value fields in one map entry merge their messages;
//   - a repeated map key replaces the earlier entry entirely;
//   - packed and unpacked repeated numbers, mixed in one list;
//   - field numbers must be 1..2^29-1, end-group tags must match, varints
//     must fit 64 bits, lengths must fit, and map keys must be valid UTF-8.
//
// Wire-format errors make the whole record fail. Kind errors are noted per
// column and reported when the record has been read, so that a later map
// entry with the same key can still replace the faulty one, and so that a
// parse error anywhere in the record takes precedence, as it does with
// tfx-bsl's parse-then-decode.

var decLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// Tags (field number << 3 | wire type) of the fields the decoder reads.
const (
	decTagLen1    = 1<<3 | 2 // field 1, length-delimited
	decTagLen2    = 2<<3 | 2
	decTagLen3    = 3<<3 | 2
	decTagVarint1 = 1<<3 | 0
	decTagFixed1  = 1<<3 | 5
)

// decTag reads a field tag. n < 0 if it is malformed, has a field number
// outside 1..2^29-1, or is an end-group tag (which no message here may
// contain outside a group).
func decTag(b []byte) (uint64, int) {
	if len(b) > 0 && b[0] < 0x80 {
		v := uint64(b[0])
		if v < 8 || v&7 == 4 {
			return 0, -1
		}
		return v, 1
	}
	v, n := protowire.ConsumeVarint(b)
	if n < 0 || v>>3 == 0 || v>>3 > uint64(protowire.MaxValidNumber) || v&7 == 4 {
		return 0, -1
	}
	return v, n
}

// decBytes reads a length-delimited value.
func decBytes(b []byte) ([]byte, int) {
	var l uint64
	var n int
	if len(b) > 0 && b[0] < 0x80 {
		l, n = uint64(b[0]), 1
	} else if l, n = protowire.ConsumeVarint(b); n < 0 {
		return nil, -1
	}
	if l > uint64(len(b)-n) {
		return nil, -1
	}
	e := n + int(l)
	return b[n:e], e
}

// decSkip skips the value of an unknown field with tag v.
func decSkip(v uint64, b []byte) int {
	return protowire.ConsumeFieldValue(protowire.Number(v>>3), protowire.Type(v&7), b)
}

func (d *Decoder) startBatch() {
	if !d.store {
		return // a Scanner accumulates
	}
	d.batch++
	d.sawList = false
	d.ctx.seen = d.ctx.seen[:0]
	d.seq.seen = d.seq.seen[:0]
	for _, c := range d.ctx.cols {
		c.reset()
		c.batch = d.batch
	}
	for _, c := range d.seq.cols {
		c.reset()
		c.batch = d.batch
	}
}

// record decodes record b, the i-th of the batch.
func (d *Decoder) record(i int, b []byte) error {
	d.idx = i
	d.rec++
	var ok bool
	if d.plan.recType == SequenceExample {
		ok = d.sequenceExample(b)
	} else {
		ok = d.example(b)
	}
	if !ok {
		d.clearPending()
		if d.plan.recType == SequenceExample {
			return &RecordError{Index: i, Err: ErrParseSequenceExample}
		}
		return &RecordError{Index: i, Err: ErrParseExample}
	}
	if len(d.pend) > 0 {
		if err := d.pendingError(); err != nil {
			return &RecordError{Index: i, Err: err}
		}
	}
	return nil
}

func (d *Decoder) example(b []byte) bool {
	for len(b) > 0 {
		v, n := decTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		if v == decTagLen1 {
			m, n := decBytes(b)
			if n < 0 || !d.features(&d.ctx, m) {
				return false
			}
			b = b[n:]
			continue
		}
		if n = decSkip(v, b); n < 0 {
			return false
		}
		b = b[n:]
	}
	return true
}

func (d *Decoder) sequenceExample(b []byte) bool {
	for len(b) > 0 {
		v, n := decTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		switch v {
		case decTagLen1:
			m, n := decBytes(b)
			if n < 0 || !d.features(&d.ctx, m) {
				return false
			}
			b = b[n:]
			continue
		case decTagLen2:
			m, n := decBytes(b)
			if n < 0 {
				return false
			}
			d.sawList = true
			if !d.features(&d.seq, m) {
				return false
			}
			b = b[n:]
			continue
		}
		if n = decSkip(v, b); n < 0 {
			return false
		}
		b = b[n:]
	}
	return true
}

// features walks a Features or FeatureLists message: a map from names to
// Feature or FeatureList messages.
func (d *Decoder) features(s *decSet, b []byte) bool {
	var prev *decCol
	for len(b) > 0 {
		v, n := decTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		if v != decTagLen1 {
			if n = decSkip(v, b); n < 0 {
				return false
			}
			b = b[n:]
			continue
		}
		e, n := decBytes(b)
		if n < 0 {
			return false
		}
		b = b[n:]

		// The map entry: key = 1, value = 2. A missing key is "", a
		// missing value an empty message; repeated values merge.
		var key []byte
		hasKey := false
		spans := d.spans[:0]
		for len(e) > 0 {
			v, n := decTag(e)
			if n < 0 {
				return false
			}
			e = e[n:]
			switch v {
			case decTagLen1:
				if hasKey && !utf8.Valid(key) {
					return false // each key occurrence must be valid
				}
				if key, n = decBytes(e); n < 0 {
					return false
				}
				hasKey = true
			case decTagLen2:
				var val []byte
				if val, n = decBytes(e); n < 0 {
					return false
				}
				spans = append(spans, val)
			default:
				if n = decSkip(v, e); n < 0 {
					return false
				}
			}
			e = e[n:]
		}
		d.spans = spans

		c := s.lookup(key, prev)
		if c == nil {
			return false // invalid UTF-8 key
		}
		prev = c
		var ok bool
		if s.seq {
			ok = d.featureList(s, c, spans)
		} else {
			ok = d.feature(s, c, spans)
		}
		if !ok {
			return false
		}
	}
	return true
}

// lookup finds the column named key, guessing first that it is the one
// that followed prev last time (records tend to list names in one order).
// It returns nil if key is not valid UTF-8.
func (s *decSet) lookup(key []byte, prev *decCol) *decCol {
	g := s.first
	if prev != nil {
		g = prev.next
	}
	if g != nil && g.name == string(key) {
		if !g.nameOK {
			return nil
		}
		return g
	}
	c := s.byName[string(key)]
	if c == nil {
		if !utf8.Valid(key) {
			return nil
		}
		c = newDecCol(string(key), s.seq)
		c.utf8 = s.utf8
		if s.fixed {
			c.ignore = true
			if s.ignored < decMaxIgnored {
				s.ignored++
				s.byName[c.name] = c
			}
		} else {
			s.byName[c.name] = c
		}
	} else if !c.nameOK {
		return nil
	}
	if prev == nil {
		s.first = c
	} else {
		prev.next = c
	}
	return c
}

// begin readies column c for the current record's map entry, undoing the
// record's earlier entry with the same key if there was one.
func (d *Decoder) begin(s *decSet, c *decCol) {
	if c.batch != d.batch {
		c.reset()
		c.batch = d.batch
		if !s.fixed {
			s.seen = append(s.seen, c)
		}
	}
	if c.rec == d.rec {
		// A repeated key: the last entry wins entirely.
		if d.store {
			c.pop()
		}
		if c.typedAt == d.rec {
			c.kind, c.typedAt = KindUnset, -1
		}
		c.pendKind, c.pendUTF8 = KindUnset, false
	} else {
		c.rec = d.rec
	}
	if d.store {
		c.fill(d.idx)
	}
}

// decFeat is the state of one Feature message being decoded (across the
// value fields of its map entry, which merge).
type decFeat struct {
	kind  Kind   // the kind so far; a different kind replaces the values
	start [4]int // value counts by kind when the Feature began
}

// feature decodes a context (or tf.Example) feature into column c.
func (d *Decoder) feature(s *decSet, c *decCol, spans [][]byte) bool {
	var f decFeat
	if c.ignore {
		for _, sp := range spans {
			if !d.featureBody(c, sp, &f) {
				return false
			}
		}
		return true
	}
	d.begin(s, c)
	f.start = [4]int{0, c.nv(KindBytes), c.nv(KindFloat), c.nv(KindInt64)}
	for _, sp := range spans {
		if !d.featureBody(c, sp, &f) {
			return false
		}
	}
	k := f.kind
	switch {
	case k == KindUnset:
		if d.store {
			c.push(false, c.nv(c.kind))
		}
		return true
	case c.kind == KindUnset && !c.fixed:
		c.kind, c.typedAt = k, d.rec
	case c.kind != k:
		c.pendKind = k
		d.pend = append(d.pend, c)
		if d.store {
			c.push(false, c.nv(c.kind))
		}
		return true
	}
	if d.store {
		if c.utf8 && k == KindBytes && c.badUTF8(f.start[KindBytes]) {
			c.pendUTF8 = true
			d.pend = append(d.pend, c)
		}
		c.push(true, c.nv(k))
	}
	return true
}

// featureList decodes a feature list into column c: one step per Feature.
func (d *Decoder) featureList(s *decSet, c *decCol, spans [][]byte) bool {
	if !c.ignore {
		d.begin(s, c)
	}
	for _, b := range spans {
		for len(b) > 0 {
			v, n := decTag(b)
			if n < 0 {
				return false
			}
			b = b[n:]
			if v != decTagLen1 {
				if n = decSkip(v, b); n < 0 {
					return false
				}
				b = b[n:]
				continue
			}
			m, n := decBytes(b)
			if n < 0 {
				return false
			}
			b = b[n:]
			f := decFeat{start: [4]int{0, c.nv(KindBytes), c.nv(KindFloat), c.nv(KindInt64)}}
			if !d.featureBody(c, m, &f) {
				return false
			}
			if c.ignore {
				continue
			}
			k := f.kind
			switch {
			case k == KindUnset:
				if d.store {
					c.pushStep(false, c.nv(c.kind))
				}
				continue
			case c.kind == KindUnset && !c.fixed:
				c.kind, c.typedAt = k, d.rec
			case c.kind != k:
				if c.pendKind == KindUnset {
					c.pendKind = k
					d.pend = append(d.pend, c)
				}
				if d.store {
					c.pushStep(false, c.nv(c.kind))
				}
				continue
			}
			if d.store {
				if c.utf8 && k == KindBytes && !c.pendUTF8 && c.badUTF8(f.start[KindBytes]) {
					c.pendUTF8 = true
					d.pend = append(d.pend, c)
				}
				c.pushStep(true, c.nv(k))
			}
		}
	}
	if !c.ignore && d.store {
		c.push(true, len(c.soffs)-1)
	}
	return true
}

// featureBody decodes the fields of one Feature message into f, storing
// the values c accepts.
func (d *Decoder) featureBody(c *decCol, b []byte, f *decFeat) bool {
	for len(b) > 0 {
		v, n := decTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		var k Kind
		switch v {
		case decTagLen1:
			k = KindBytes
		case decTagLen2:
			k = KindFloat
		case decTagLen3:
			k = KindInt64
		default:
			if n = decSkip(v, b); n < 0 {
				return false
			}
			b = b[n:]
			continue
		}
		l, n := decBytes(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		if k != f.kind {
			// A different kind replaces the Feature's values so far.
			if f.kind != KindUnset {
				c.truncate(f.kind, f.start[f.kind])
			}
			f.kind = k
		}
		if d.store && !c.ignore && (c.kind == k || (c.kind == KindUnset && !c.fixed)) {
			if !c.appendList(k, l) {
				return false
			}
		} else if !decValidList(k, l) {
			return false
		}
	}
	return true
}

// appendList appends the values of a BytesList, FloatList or Int64List.
func (c *decCol) appendList(k Kind, b []byte) bool {
	for len(b) > 0 {
		v, n := decTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		switch {
		case k == KindBytes && v == decTagLen1:
			x, n := decBytes(b)
			if n < 0 {
				return false
			}
			c.bdata = append(c.bdata, x...)
			c.boffs = append(c.boffs, int64(len(c.bdata)))
			b = b[n:]
		case k == KindFloat && v == decTagLen1:
			x, n := decBytes(b)
			if n < 0 || len(x)&3 != 0 {
				return false
			}
			c.f32 = append(c.f32, x...)
			b = b[n:]
		case k == KindFloat && v == decTagFixed1:
			if len(b) < 4 {
				return false
			}
			c.f32 = append(c.f32, b[:4]...)
			b = b[4:]
		case k == KindInt64 && v == decTagLen1:
			x, n := decBytes(b)
			if n < 0 {
				return false
			}
			var ok bool
			if c.i64, ok = decAppendVarints(c.i64, x); !ok {
				return false
			}
			b = b[n:]
		case k == KindInt64 && v == decTagVarint1:
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return false
			}
			c.i64 = append(c.i64, int64(x))
			b = b[n:]
		default:
			if n = decSkip(v, b); n < 0 {
				return false
			}
			b = b[n:]
		}
	}
	return true
}

// decAppendVarints appends the packed varints in p to dst.
func decAppendVarints(dst []int64, p []byte) ([]int64, bool) {
	cnt := 0
	for _, x := range p {
		if x < 0x80 {
			cnt++
		}
	}
	dst = slices.Grow(dst, cnt)
	for len(p) > 0 {
		if p[0] < 0x80 {
			dst = append(dst, int64(p[0]))
			p = p[1:]
			continue
		}
		x, n := protowire.ConsumeVarint(p)
		if n < 0 {
			return dst, false
		}
		dst = append(dst, int64(x))
		p = p[n:]
	}
	return dst, true
}

// decValidVarints reports whether p is a sequence of valid varints.
func decValidVarints(p []byte) bool {
	run := 0 // continuation bytes so far in the current varint
	for _, x := range p {
		if x >= 0x80 {
			if run++; run > 9 {
				return false
			}
			continue
		}
		if run == 9 && x > 1 {
			return false // more than 64 bits
		}
		run = 0
	}
	return run == 0
}

// decValidList checks a BytesList, FloatList or Int64List without storing it.
func decValidList(k Kind, b []byte) bool {
	for len(b) > 0 {
		v, n := decTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		switch {
		case v == decTagLen1:
			x, n := decBytes(b)
			if n < 0 || (k == KindFloat && len(x)&3 != 0) || (k == KindInt64 && !decValidVarints(x)) {
				return false
			}
			b = b[n:]
		case k == KindFloat && v == decTagFixed1:
			if len(b) < 4 {
				return false
			}
			b = b[4:]
		case k == KindInt64 && v == decTagVarint1:
			_, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return false
			}
			b = b[n:]
		default:
			if n = decSkip(v, b); n < 0 {
				return false
			}
			b = b[n:]
		}
	}
	return true
}

func (d *Decoder) clearPending() {
	for _, c := range d.pend {
		c.pendKind, c.pendUTF8 = KindUnset, false
	}
	d.pend = d.pend[:0]
}

// pendingError returns the error to report for the current record: the
// context feature with the smallest name, else the feature list with the
// smallest name; a wrong kind before invalid UTF-8.
func (d *Decoder) pendingError() error {
	var best *decCol
	for _, c := range d.pend {
		if c.pendKind == KindUnset && !c.pendUTF8 {
			continue
		}
		if best == nil || (c.seq == best.seq && c.name < best.name) || (!c.seq && best.seq) {
			best = c
		}
	}
	var err error
	if best != nil {
		if best.pendKind != KindUnset {
			err = &KindError{Name: best.name, Sequence: best.seq, Want: best.kind, Got: best.pendKind}
		} else {
			err = &UTF8Error{Name: best.name, Sequence: best.seq}
		}
	}
	d.clearPending()
	return err
}
