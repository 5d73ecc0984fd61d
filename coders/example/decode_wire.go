package example

import (
	"encoding/binary"
	"math/bits"
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
	if len(b) > 0 && decTag1[b[0]] {
		return uint64(b[0]), 1
	}
	return decTagSlow(b)
}

// decTag1 says which bytes are complete valid tags by themselves.
var decTag1 = func() (t [256]bool) {
	for x := 8; x < 0x80; x++ {
		t[x] = x&7 != 4
	}
	return t
}()

func decTagSlow(b []byte) (uint64, int) {
	v, n := protowire.ConsumeVarint(b)
	if n < 0 || v>>3 == 0 || v>>3 > uint64(protowire.MaxValidNumber) || v&7 == 4 {
		return 0, -1
	}
	return v, n
}

// decBytes reads a length-delimited value.
func decBytes(b []byte) ([]byte, int) {
	if len(b) > 0 && b[0] < 0x80 && int(b[0]) < len(b) {
		return b[1 : 1+b[0]], 1 + int(b[0])
	}
	return decBytesSlow(b)
}

func decBytesSlow(b []byte) ([]byte, int) {
	l, n := protowire.ConsumeVarint(b)
	if n < 0 || l > uint64(len(b)-n) {
		return nil, -1
	}
	e := n + int(l)
	return b[n:e], e
}

// decSkip skips the value of an unknown field with tag v.
func decSkip(v uint64, b []byte) int {
	return protowire.ConsumeFieldValue(protowire.Number(v>>3), protowire.Type(v&7), b)
}

func (d *Decoder) startBatch(n int) {
	if !d.store {
		return // a Scanner accumulates
	}
	d.size = n
	d.batch++
	d.sawList = false
	d.ctx.startBatch()
	d.seq.startBatch()
	for _, c := range d.ctx.cols {
		c.reset(d.size)
		c.batch = d.batch
	}
	for _, c := range d.seq.cols {
		c.reset(d.size)
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
		var key, val []byte
		var spans [][]byte // the values when there are several
		// Fast path: an entry written as protobuf writes it, with one-byte
		// lengths: 0a L 0a K <key> 12 V <value>.
		if len(b) >= 6 && b[0] == decTagLen1 && b[1] < 0x80 && int(b[1]) <= len(b)-2 && b[2] == decTagLen1 && b[3] < 0x80 {
			l, p := 2+int(b[1]), 4+int(b[3])
			if p+2 <= l && b[p] == decTagLen2 && b[p+1] < 0x80 && p+2+int(b[p+1]) == l {
				key, val = b[4:p], b[p+2:l]
				b = b[l:]
				goto entry
			}
		}
		{
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
			var ok bool
			if key, val, spans, ok = d.entry(e); !ok {
				return false
			}
		}
	entry:
		c := prev
		if c == nil {
			c = s.first
		} else {
			c = c.next
		}
		if c == nil || c.name != string(key) || !c.nameOK {
			// Second guess: one name was left out.
			if c != nil && c.next != nil && c.next.name == string(key) && c.next.nameOK {
				c = c.next
			} else if c = s.lookup(key, prev); c == nil {
				return false // invalid UTF-8 key
			}
		}
		prev = c
		var ok bool
		if s.seq {
			ok = d.featureList(s, c, val, spans)
		} else {
			ok = d.feature(s, c, val, spans)
		}
		if !ok {
			return false
		}
	}
	return true
}

// entry parses a map entry: key = 1, value = 2. A missing key is "", a
// missing value an empty message; repeated values merge, and are then all
// returned in spans.
func (d *Decoder) entry(e []byte) (key, val []byte, spans [][]byte, ok bool) {
	hasKey := false
	nval := 0
	for len(e) > 0 {
		v, n := decTag(e)
		if n < 0 {
			return nil, nil, nil, false
		}
		e = e[n:]
		switch v {
		case decTagLen1:
			if hasKey && !utf8.Valid(key) {
				return nil, nil, nil, false // each key occurrence must be valid
			}
			if key, n = decBytes(e); n < 0 {
				return nil, nil, nil, false
			}
			hasKey = true
		case decTagLen2:
			var x []byte
			if x, n = decBytes(e); n < 0 {
				return nil, nil, nil, false
			}
			if nval++; nval == 1 {
				val = x
			} else {
				if nval == 2 {
					d.spans = append(d.spans[:0], val)
				}
				d.spans = append(d.spans, x)
			}
		default:
			if n = decSkip(v, e); n < 0 {
				return nil, nil, nil, false
			}
		}
		e = e[n:]
	}
	if nval > 1 {
		spans = d.spans
	}
	return key, val, spans, true
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
		c = newDecCol(string(key), s.seq, s.pool)
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
		c.reset(d.size)
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
func (d *Decoder) feature(s *decSet, c *decCol, val []byte, spans [][]byte) bool {
	var f decFeat
	if !c.ignore {
		d.begin(s, c)
		f.start = [4]int{0, c.nv(KindBytes), c.nv(KindFloat), c.nv(KindInt64)}
	}
	if spans == nil {
		if !d.featureBody(c, val, &f) {
			return false
		}
	} else {
		for _, sp := range spans {
			if !d.featureBody(c, sp, &f) {
				return false
			}
		}
	}
	if c.ignore {
		return true
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
func (d *Decoder) featureList(s *decSet, c *decCol, val []byte, spans [][]byte) bool {
	if !c.ignore {
		d.begin(s, c)
	}
	if spans == nil {
		if !d.steps(c, val) {
			return false
		}
	} else {
		for _, b := range spans {
			if !d.steps(c, b) {
				return false
			}
		}
	}
	if !c.ignore && d.store {
		c.push(true, len(c.soffs)-1)
	}
	return true
}

// steps decodes the Features of a FeatureList message as steps of c.
func (d *Decoder) steps(c *decCol, b []byte) bool {
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
	return true
}

// featureBody decodes the fields of one Feature message into f, storing
// the values c accepts.
func (d *Decoder) featureBody(c *decCol, b []byte, f *decFeat) bool {
	// Fast path: a Feature as protobuf writes it with one list field that
	// holds one packed field or one bytes value, with one-byte lengths:
	// T L 0a M <payload>.
	if n := len(b); f.kind == KindUnset && n >= 4 && b[1] < 0x80 && int(b[1])+2 == n && b[2] == decTagLen1 && b[3] < 0x80 && int(b[3])+4 == n {
		if k := decKindOfTag[b[0]]; k != KindUnset {
			f.kind = k
			p := b[4:]
			if d.store && !c.ignore && (c.kind == k || (c.kind == KindUnset && !c.fixed)) {
				switch k {
				case KindInt64:
					return c.appendVarints(p)
				case KindFloat:
					reserve(c.pool, &c.f32, len(p))
					c.f32 = append(c.f32, p...)
					return len(p)&3 == 0
				default:
					reserve(c.pool, &c.bdata, len(p))
					reserve(c.pool, &c.boffs, 1)
					c.bdata = append(c.bdata, p...)
					c.boffs = append(c.boffs, int64(len(c.bdata)))
					return true
				}
			}
			switch k {
			case KindInt64:
				return decValidVarints(p)
			case KindFloat:
				return len(p)&3 == 0
			}
			return true
		}
	}
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
			// A different kind replaces the Feature's values so far (only
			// a column that stores values has any: an ignored column's
			// scratch may not even be set up).
			if f.kind != KindUnset && d.store && !c.ignore {
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

// decKindOfTag maps the tags of the Feature kind fields to their kinds.
var decKindOfTag = [256]Kind{decTagLen1: KindBytes, decTagLen2: KindFloat, decTagLen3: KindInt64}

// appendList appends the values of a BytesList, FloatList or Int64List
// (k says which) to the column's values of that kind.
func (c *decCol) appendList(k Kind, b []byte) bool {
	if k == KindBytes {
		return c.appendBytes(b)
	}
	for len(b) > 0 {
		v, n := decTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		switch {
		case k == KindFloat && v == decTagLen1:
			x, n := decBytes(b)
			if n < 0 || len(x)&3 != 0 {
				return false
			}
			reserve(c.pool, &c.f32, len(x))
			c.f32 = append(c.f32, x...)
			b = b[n:]
		case k == KindFloat && v == decTagFixed1:
			if len(b) < 4 {
				return false
			}
			reserve(c.pool, &c.f32, 4)
			c.f32 = append(c.f32, b[:4]...)
			b = b[4:]
		case k == KindInt64 && v == decTagLen1:
			x, n := decBytes(b)
			if n < 0 {
				return false
			}
			if !c.appendVarints(x) {
				return false
			}
			b = b[n:]
		case k == KindInt64 && v == decTagVarint1:
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return false
			}
			reserve(c.pool, &c.i64, 1)
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

// appendBytes appends the values of a BytesList.
func (c *decCol) appendBytes(b []byte) bool {
	// Each value takes at least two bytes of b (a tag and a length).
	reserve(c.pool, &c.bdata, len(b))
	reserve(c.pool, &c.boffs, len(b)/2)
	data, offs := c.bdata, c.boffs
	ok := true
	for len(b) > 0 {
		var x []byte
		if len(b) >= 2 && b[0] == decTagLen1 && b[1] < 0x80 && int(b[1]) <= len(b)-2 {
			x, b = b[2:2+b[1]], b[2+b[1]:]
		} else {
			v, n := decTag(b)
			if n < 0 {
				ok = false
				break
			}
			b = b[n:]
			if v != decTagLen1 {
				if n = decSkip(v, b); n < 0 {
					ok = false
					break
				}
				b = b[n:]
				continue
			}
			if x, n = decBytes(b); n < 0 {
				ok = false
				break
			}
			b = b[n:]
		}
		data = append(data, x...)
		offs = append(offs, int64(len(data)))
	}
	// As in appendVarints, store the pointers only if they changed.
	if cap(data) != cap(c.bdata) {
		c.bdata = data
	} else {
		c.bdata = c.bdata[:len(data)]
	}
	if cap(offs) != cap(c.boffs) {
		c.boffs = offs
	} else {
		c.boffs = c.boffs[:len(offs)]
	}
	return ok
}

// appendVarints appends the packed varints in p to the int64 values.
func (c *decCol) appendVarints(p []byte) bool {
	reserve(c.pool, &c.i64, len(p)) // a varint takes at least a byte
	dst := c.i64
	ok := true
	for len(p) > 0 {
		if x := p[0]; x < 0x80 {
			dst = append(dst, int64(x))
			p = p[1:]
			continue
		}
		x, n := decVarint(p)
		if n < 0 {
			ok = false
			break
		}
		dst = append(dst, int64(x))
		p = p[n:]
	}
	// Store only the length unless the slice grew: storing the pointer
	// needs a GC write barrier.
	if cap(dst) != cap(c.i64) {
		c.i64 = dst
	} else {
		c.i64 = c.i64[:len(dst)]
	}
	return ok
}

// decVarint decodes a varint as protowire.ConsumeVarint does, reading
// eight bytes at a time when it can.
func decVarint(p []byte) (uint64, int) {
	if len(p) < 10 {
		return protowire.ConsumeVarint(p)
	}
	x := binary.LittleEndian.Uint64(p)
	if m := ^x & 0x8080808080808080; m != 0 {
		// The varint ends in the first eight bytes: keep its bytes, drop
		// the continuation bits and pack the 7-bit groups.
		tz := bits.TrailingZeros64(m) + 1 // 8 * bytes
		x &= (1<<uint(tz) - 1) & 0x7f7f7f7f7f7f7f7f
		x = x&0x007f007f007f007f | (x&0x7f007f007f007f00)>>1
		x = x&0x00003fff00003fff | (x&0x3fff00003fff0000)>>2
		x = x&0x000000000fffffff | (x&0x0fffffff00000000)>>4
		return x, tz / 8
	}
	x &= 0x7f7f7f7f7f7f7f7f
	x = x&0x007f007f007f007f | (x&0x7f007f007f007f00)>>1
	x = x&0x00003fff00003fff | (x&0x3fff00003fff0000)>>2
	x = x&0x000000000fffffff | (x&0x0fffffff00000000)>>4
	if y := p[8]; y < 0x80 {
		return x | uint64(y)<<56, 9
	} else {
		x |= uint64(y&0x7f) << 56
	}
	if y := p[9]; y < 2 {
		return x | uint64(y)<<63, 10
	}
	return 0, -1
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
