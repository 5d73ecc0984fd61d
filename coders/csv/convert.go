package csv

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Stage 2b: converting split batches into Arrow record batches, column by
// column, straight into buffers from the allocator.

// typeDrop marks a column that a TFMD schema leaves out.
const typeDrop colType = -1

// The Arrow types of the columns, as tfx-bsl's.
var (
	intListType    = arrow.LargeListOf(arrow.PrimitiveTypes.Int64)
	floatListType  = arrow.LargeListOf(arrow.PrimitiveTypes.Float32)
	binaryListType = arrow.LargeListOf(arrow.BinaryTypes.LargeBinary)
)

func arrowType(t colType) arrow.DataType {
	switch t {
	case typeInt:
		return intListType
	case typeFloat:
		return floatListType
	case typeString:
		return binaryListType
	}
	return arrow.Null
}

// typeOfArrow is the inverse of arrowType.
func typeOfArrow(t arrow.DataType) (colType, bool) {
	switch {
	case arrow.TypeEqual(t, intListType):
		return typeInt, true
	case arrow.TypeEqual(t, floatListType):
		return typeFloat, true
	case arrow.TypeEqual(t, binaryListType):
		return typeString, true
	case t.ID() == arrow.NULL:
		return typeUnknown, true
	}
	return 0, false
}

// column is one output column.
type column struct {
	src   int // index of the CSV column; -1 for the raw record column
	typ   colType
	multi bool
}

// plan maps the CSV columns to the output columns.
type plan struct {
	names  []string // the CSV columns
	cols   []column
	schema *arrow.Schema
	delim  byte
	delim2 byte
	mem    memory.Allocator
}

// newPlan makes the output of CSV columns of the given types (typeDrop
// leaves one out), in column order, with the raw record column last.
func newPlan(cfg *config, names []string, types []colType) *plan {
	p := &plan{names: names, delim: cfg.delim, delim2: cfg.delim2, mem: cfg.mem}
	var fields []arrow.Field
	for i, t := range types {
		if t == typeDrop {
			continue
		}
		p.cols = append(p.cols, column{src: i, typ: t, multi: cfg.multi[names[i]]})
		fields = append(fields, arrow.Field{Name: names[i], Type: arrowType(t), Nullable: true})
	}
	if cfg.raw != "" {
		p.cols = append(p.cols, column{src: -1, typ: typeString})
		fields = append(fields, arrow.Field{Name: cfg.raw, Type: binaryListType, Nullable: true})
	}
	p.schema = arrow.NewSchema(fields, nil)
	return p
}

// planFromArrow makes the output that schema describes: each field is a
// CSV column (or the raw record column), in the schema's order.
func planFromArrow(cfg *config, names []string, schema *arrow.Schema) (*plan, error) {
	p := &plan{names: names, schema: schema, delim: cfg.delim, delim2: cfg.delim2, mem: cfg.mem}
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	sawRaw := false
	for _, f := range schema.Fields() {
		if cfg.raw != "" && f.Name == cfg.raw {
			if !arrow.TypeEqual(f.Type, binaryListType) {
				return nil, fmt.Errorf("csv: raw record column %q has type %s; want %s", f.Name, f.Type, binaryListType)
			}
			p.cols = append(p.cols, column{src: -1, typ: typeString})
			sawRaw = true
			continue
		}
		i, ok := index[f.Name]
		if !ok {
			return nil, fmt.Errorf("csv: schema field %q is not a column of the input (columns: %s)", f.Name, pyStrList(names))
		}
		t, ok := typeOfArrow(f.Type)
		if !ok {
			return nil, fmt.Errorf("csv: column %q has type %s; want %s, %s, %s or null", f.Name, f.Type, intListType, floatListType, binaryListType)
		}
		p.cols = append(p.cols, column{src: i, typ: t, multi: cfg.multi[f.Name]})
	}
	if cfg.raw != "" && !sawRaw {
		return nil, fmt.Errorf("csv: the schema has no raw record column %q", cfg.raw)
	}
	return p, nil
}

// typesFromTFMD maps the CSV columns to the types a TFMD schema gives
// them, as tfx-bsl's _GetColumnInfosFromSchema and GetArrowSchema do.
func typesFromTFMD(s *metadatapb.Schema, names []string) ([]colType, error) {
	byName := make(map[string]colType, len(s.GetFeature()))
	var featureNames []string
	for _, f := range s.GetFeature() {
		var t colType
		switch f.GetType() {
		case metadatapb.FeatureType_INT:
			t = typeInt
		case metadatapb.FeatureType_FLOAT:
			t = typeFloat
		case metadatapb.FeatureType_BYTES:
			t = typeString
		default:
			return nil, fmt.Errorf("csv: Schema contains invalid type: %s.", f.GetType())
		}
		byName[f.GetName()] = t
		featureNames = append(featureNames, f.GetName())
	}
	isCol := make(map[string]bool, len(names))
	for _, n := range names {
		isCol[n] = true
	}
	for _, n := range featureNames {
		if !isCol[n] {
			return nil, fmt.Errorf("csv: Schema features are not a subset of column names: %s vs %s", pyStrList(featureNames), pyStrList(names))
		}
	}
	types := make([]colType, len(names))
	for i, n := range names {
		t, ok := byName[n]
		if !ok {
			t = typeDrop
		}
		types[i] = t
	}
	return types, nil
}

// worker is the scratch of one converting goroutine.
type worker struct {
	sp    *splitter
	valid []byte // validity bits of the column being built
	i64   []int64
	f32   []float32
	offs  []int64
	data  []byte
}

func newWorker(maxField int) *worker { return &worker{sp: newSplitter(maxField)} }

// bits returns cleared scratch for the validity bits of n rows.
func (w *worker) bits(n int) []byte {
	nb := (n + 7) >> 3
	if cap(w.valid) < nb {
		w.valid = make([]byte, nb)
	}
	w.valid = w.valid[:nb]
	clear(w.valid)
	return w.valid
}

// parseError locates a problem in row r (column src, or -1) of b.
func (p *plan) parseError(b *batch, r, src int, err error) *ParseError {
	start, end := b.recStart[r], b.recEnd[r]
	line := b.firstLine + int64(bytes.Count(b.slab[:start], []byte{'\n'}))
	pe := &ParseError{StartLine: line, Line: line, Err: err}
	if src >= 0 {
		pe.Column, pe.Name = src+1, p.names[src]
		if f := rawFields(b.slab[start:end], p.delim, line); src < len(f) {
			pe.Line = f[src].line
		}
	}
	return pe
}

// named fills in the column name of an error from the scanner.
func (p *plan) named(err error) error {
	if pe, ok := err.(*ParseError); ok && pe.Name == "" && pe.Column > 0 && pe.Column <= len(p.names) {
		pe.Name = p.names[pe.Column-1]
	}
	return err
}

// convert turns a batch into a record batch.
func (p *plan) convert(w *worker, b *batch) (arrow.RecordBatch, error) {
	ncols := len(p.names)
	if fe := w.sp.splitBatch(b, ncols, p.delim, func(cells [][]byte) error {
		return decodeWidthError(len(cells), ncols)
	}); fe != nil {
		return nil, p.parseError(b, fe.row, fe.col, fe.err)
	}
	n := b.rows()
	arrs := make([]arrow.Array, 0, len(p.cols))
	release := func() {
		for _, a := range arrs {
			a.Release()
		}
	}
	for _, c := range p.cols {
		a, err := p.column(w, b, c, n)
		if err != nil {
			release()
			return nil, err
		}
		arrs = append(arrs, a)
	}
	rb := array.NewRecordBatch(p.schema, arrs, int64(n))
	release()
	return rb, nil
}

// buffer allocates n bytes from the plan's allocator.
func (p *plan) buffer(n int) *memory.Buffer {
	b := memory.NewResizableBuffer(p.mem)
	b.Resize(n)
	return b
}

// bitmap returns the validity buffer of n rows, nil when none is null.
func (p *plan) bitmap(valid []byte, n, nulls int) *memory.Buffer {
	if nulls == 0 {
		return nil
	}
	b := p.buffer(len(valid))
	copy(b.Bytes(), valid)
	return b
}

// list assembles a large_list array from its parts, taking over the
// references of the buffers and the child.
func list(t arrow.DataType, n, nulls int, valid, offs *memory.Buffer, child arrow.ArrayData) arrow.Array {
	data := array.NewData(t, n, []*memory.Buffer{valid, offs}, []arrow.ArrayData{child}, nulls, 0)
	a := array.MakeFromData(data)
	data.Release()
	child.Release()
	offs.Release()
	if valid != nil {
		valid.Release()
	}
	return a
}

func newData(t arrow.DataType, n int, bufs ...*memory.Buffer) arrow.ArrayData {
	d := array.NewData(t, n, bufs, nil, 0, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	return d
}

// column builds output column c of the n rows of b.
func (p *plan) column(w *worker, b *batch, c column, n int) (arrow.Array, error) {
	if c.src < 0 {
		return p.rawColumn(b, n), nil
	}
	ncols := len(p.names)
	spans := w.sp.spans
	if c.typ == typeUnknown {
		// A column inferred from empty cells only: any value now is an
		// error, never a silent null.
		for r := range n {
			k := 2 * (r*ncols + c.src)
			s, e := spans[k], spans[k+1]
			if s == e {
				continue
			}
			if c.multi {
				if !w.sp.splitCell(b, s, e, p.delim2) {
					return nil, p.parseError(b, r, c.src, fmt.Errorf("%w in multivalent cell %s", ErrQuote, quoteBytes(b.slab[s:e])))
				}
				empty := true
				for j := 0; j < len(w.sp.sub); j += 2 {
					empty = empty && w.sp.sub[j] == w.sp.sub[j+1]
				}
				if empty {
					continue
				}
			}
			return nil, p.parseError(b, r, c.src, &valueError{value: b.slab[s:e], typ: "null", why: "the column had no values in the rows that type inference read"})
		}
		return array.NewNull(n), nil
	}
	if c.multi {
		return p.multiColumn(w, b, c, n)
	}
	valid := w.bits(n)
	offsBuf := p.buffer(8 * (n + 1))
	offs := arrow.Int64Traits.CastFromBytes(offsBuf.Bytes())[:n+1]
	offs[0] = 0
	nv := 0
	fail := func(r int, err error) (arrow.Array, error) {
		offsBuf.Release()
		return nil, p.parseError(b, r, c.src, err)
	}
	switch c.typ {
	case typeInt:
		valsBuf := p.buffer(8 * n)
		vals := arrow.Int64Traits.CastFromBytes(valsBuf.Bytes())[:n]
		for r := range n {
			k := 2 * (r*ncols + c.src)
			s, e := spans[k], spans[k+1]
			if s != e {
				v, st := parseInt(b.slab[s:e])
				if st != intOK {
					valsBuf.Release()
					return fail(r, intError(b.slab[s:e], st, 0, nil))
				}
				vals[nv] = v
				nv++
				valid[r>>3] |= 1 << (r & 7)
			}
			offs[r+1] = int64(nv)
		}
		valsBuf.Resize(8 * nv)
		return list(intListType, n, n-nv, p.bitmap(valid, n, n-nv), offsBuf, newData(arrow.PrimitiveTypes.Int64, nv, nil, valsBuf)), nil
	case typeFloat:
		valsBuf := p.buffer(4 * n)
		vals := arrow.Float32Traits.CastFromBytes(valsBuf.Bytes())[:n]
		for r := range n {
			k := 2 * (r*ncols + c.src)
			s, e := spans[k], spans[k+1]
			if s != e {
				v, ok := parseFloat(b.slab[s:e])
				if !ok {
					valsBuf.Release()
					return fail(r, &valueError{value: b.slab[s:e], typ: "FLOAT"})
				}
				vals[nv] = float32(v)
				nv++
				valid[r>>3] |= 1 << (r & 7)
			}
			offs[r+1] = int64(nv)
		}
		valsBuf.Resize(4 * nv)
		return list(floatListType, n, n-nv, p.bitmap(valid, n, n-nv), offsBuf, newData(arrow.PrimitiveTypes.Float32, nv, nil, valsBuf)), nil
	}
	// typeString
	size := 0
	for r := range n {
		k := 2 * (r*ncols + c.src)
		size += int(spans[k+1] - spans[k])
	}
	dataBuf := p.buffer(size)
	data := dataBuf.Bytes()[:size]
	voffsBuf := p.buffer(8 * (n + 1))
	voffs := arrow.Int64Traits.CastFromBytes(voffsBuf.Bytes())[:n+1]
	voffs[0] = 0
	pos := 0
	for r := range n {
		k := 2 * (r*ncols + c.src)
		s, e := spans[k], spans[k+1]
		if s != e {
			pos += copy(data[pos:], b.slab[s:e])
			nv++
			voffs[nv] = int64(pos)
			valid[r>>3] |= 1 << (r & 7)
		}
		offs[r+1] = int64(nv)
	}
	voffsBuf.Resize(8 * (nv + 1))
	child := newData(arrow.BinaryTypes.LargeBinary, nv, nil, voffsBuf, dataBuf)
	return list(binaryListType, n, n-nv, p.bitmap(valid, n, n-nv), offsBuf, child), nil
}

func intError(v []byte, st intStatus, sub int, cell []byte) error {
	e := &valueError{value: v, typ: "INT", sub: sub, cell: cell}
	if st == intOverflow {
		e.why = "out of the int64 range"
	}
	return e
}

// multiColumn builds a multivalent column: each cell is a list of the
// values split with the secondary delimiter.
func (p *plan) multiColumn(w *worker, b *batch, c column, n int) (arrow.Array, error) {
	ncols := len(p.names)
	spans := w.sp.spans
	valid := w.bits(n)
	w.offs = append(w.offs[:0], 0)
	w.i64, w.f32, w.data = w.i64[:0], w.f32[:0], w.data[:0]
	voffs := []int64{0} // string value offsets
	nv := 0             // valid cells
	for r := range n {
		k := 2 * (r*ncols + c.src)
		s, e := spans[k], spans[k+1]
		if s != e {
			if !w.sp.splitCell(b, s, e, p.delim2) {
				return nil, p.parseError(b, r, c.src, fmt.Errorf("%w in multivalent cell %s", ErrQuote, quoteBytes(b.slab[s:e])))
			}
			sub := w.sp.sub
			for j := 0; j < len(sub); j += 2 {
				v := b.slab[sub[j]:sub[j+1]]
				switch c.typ {
				case typeInt:
					x, st := parseInt(v)
					if st != intOK {
						return nil, p.parseError(b, r, c.src, intError(v, st, j/2+1, b.slab[s:e]))
					}
					w.i64 = append(w.i64, x)
				case typeFloat:
					x, ok := parseFloat(v)
					if !ok {
						return nil, p.parseError(b, r, c.src, &valueError{value: v, typ: "FLOAT", sub: j/2 + 1, cell: b.slab[s:e]})
					}
					w.f32 = append(w.f32, float32(x))
				default:
					w.data = append(w.data, v...)
					voffs = append(voffs, int64(len(w.data)))
				}
			}
			nv++
			valid[r>>3] |= 1 << (r & 7)
			w.offs = append(w.offs, w.offs[len(w.offs)-1]+int64(len(sub)/2))
		} else {
			w.offs = append(w.offs, w.offs[len(w.offs)-1])
		}
	}
	offsBuf := p.bytes(arrow.Int64Traits.CastToBytes(w.offs))
	var child arrow.ArrayData
	switch c.typ {
	case typeInt:
		child = newData(arrow.PrimitiveTypes.Int64, len(w.i64), nil, p.bytes(arrow.Int64Traits.CastToBytes(w.i64)))
	case typeFloat:
		child = newData(arrow.PrimitiveTypes.Float32, len(w.f32), nil, p.bytes(arrow.Float32Traits.CastToBytes(w.f32)))
	default:
		child = newData(arrow.BinaryTypes.LargeBinary, len(voffs)-1, nil, p.bytes(arrow.Int64Traits.CastToBytes(voffs)), p.bytes(w.data))
	}
	return list(arrowType(c.typ), n, n-nv, p.bitmap(valid, n, n-nv), offsBuf, child), nil
}

// bytes copies b into a new buffer.
func (p *plan) bytes(b []byte) *memory.Buffer {
	buf := p.buffer(len(b))
	copy(buf.Bytes(), b)
	return buf
}

// rawColumn builds the raw record column: each row's record as one value.
func (p *plan) rawColumn(b *batch, n int) arrow.Array {
	size := 0
	for r := range n {
		size += int(b.recEnd[r] - b.recStart[r])
	}
	dataBuf := p.buffer(size)
	data := dataBuf.Bytes()[:size]
	voffsBuf := p.buffer(8 * (n + 1))
	voffs := arrow.Int64Traits.CastFromBytes(voffsBuf.Bytes())[:n+1]
	offsBuf := p.buffer(8 * (n + 1))
	offs := arrow.Int64Traits.CastFromBytes(offsBuf.Bytes())[:n+1]
	pos := 0
	voffs[0], offs[0] = 0, 0
	for r := range n {
		pos += copy(data[pos:], b.slab[b.recStart[r]:b.recEnd[r]])
		voffs[r+1] = int64(pos)
		offs[r+1] = int64(r + 1)
	}
	child := newData(arrow.BinaryTypes.LargeBinary, n, nil, voffsBuf, dataBuf)
	return list(binaryListType, n, 0, nil, offsBuf, child)
}
