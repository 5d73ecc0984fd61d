package example

import (
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/internal/mempool"
)

// decSet holds the columns of one namespace: context (or tf.Example)
// features, or feature lists.
type decSet struct {
	seq     bool
	fixed   bool               // columns come from a schema
	byName  map[string]*decCol // every name met so far (ignored ones too)
	cols    []*decCol          // fixed: the output columns in schema order
	seen    []*decCol          // schemaless: the columns met in this batch
	first   *decCol            // guess for the first map entry of a record
	ignored int                // names cached as ignored
	utf8    bool               // schemaless: bytes values must be UTF-8
	pool    *mempool.Allocator // the Decoder's pool, if a recycling one: see reserve
}

// decMaxIgnored bounds the names remembered as not in a fixed schema.
const decMaxIgnored = 4096

func (s *decSet) init(p *decPlan, seq bool, pool *mempool.Allocator) {
	s.seq = seq
	s.pool = pool
	s.fixed = p.schema != nil
	s.byName = map[string]*decCol{}
	specs := p.ctx
	if seq {
		specs = p.seq
	}
	for _, sp := range specs {
		c := newDecCol(sp.name, seq, pool)
		c.fixed = true
		c.kind = sp.kind
		c.dtype = sp.dtype
		c.utf8 = decUTF8Type(sp.dtype)
		s.byName[sp.name] = c
		s.cols = append(s.cols, c)
	}
	if !s.fixed && p.bytesType >= String {
		s.utf8 = true
	}
}

// decMaxNames bounds the names a schemaless Decoder remembers between
// batches (with their scratch memory), for inputs with ever new names.
const decMaxNames = 1 << 16

func (s *decSet) startBatch() {
	s.seen = s.seen[:0]
	if !s.fixed && len(s.byName) > decMaxNames {
		s.byName = map[string]*decCol{}
		s.first = nil
	}
}

// decUTF8Type reports whether t's innermost values are utf8 or large_utf8.
func decUTF8Type(t arrow.DataType) bool {
	for {
		e, ok := decListElem(t)
		if !ok {
			id := t.ID()
			return id == arrow.STRING || id == arrow.LARGE_STRING
		}
		t = e
	}
}

// decCol accumulates one column of a batch in Go scratch memory that is
// kept across batches; finish copies it into Arrow buffers.
type decCol struct {
	name   string
	nameOK bool // name is valid UTF-8, so an equal map key needs no check
	seq    bool
	fixed  bool               // kind fixed by a schema (KindUnset: a null column)
	ignore bool               // not in the fixed schema: validate only
	utf8   bool               // bytes values must be valid UTF-8
	kind   Kind               // value kind; KindUnset while untyped
	dtype  arrow.DataType     // fixed type, nil without a schema
	next   *decCol            // guess for the map entry that follows this one
	pool   *mempool.Allocator // grows the scratch slices below: see reserve

	batch   int // batch in which the column was last reset
	rec     int // serial of the last record that had this name
	typedAt int // serial of the record that typed it (schemaless)

	// Rows: offsets into steps (feature lists) or values, and validity.
	rows  int
	offs  []int64
	valid []byte
	nulls int

	// Steps of feature lists: offsets into values, and validity.
	soffs  []int64
	svalid []byte
	snulls int

	// Values of the column's kind.
	i64   []int64
	f32   []byte // little-endian float32s
	boffs []int64
	bdata []byte

	// Errors found in the current record, reported if no later map entry
	// with the same name replaces this one.
	pendKind Kind // the wrong kind found, KindUnset if none
	pendUTF8 bool
}

func newDecCol(name string, seq bool, pool *mempool.Allocator) *decCol {
	return &decCol{name: name, nameOK: utf8.ValidString(name), seq: seq, pool: pool, batch: -1, rec: -1, typedAt: -1}
}

// reset empties the column for a new batch of n records, keeping its
// memory, with room for the rows' offsets and validity.
func (c *decCol) reset(n int) {
	c.rows, c.nulls, c.snulls = 0, 0, 0
	c.offs = c.offs[:0]
	reserve(c.pool, &c.offs, n+1)
	c.offs = append(c.offs, 0)
	c.valid = c.valid[:0]
	reserve(c.pool, &c.valid, (n+7)>>3)
	c.soffs = append(c.soffs[:0], 0)
	c.svalid = c.svalid[:0]
	c.i64 = c.i64[:0]
	c.f32 = c.f32[:0]
	c.boffs = append(c.boffs[:0], 0)
	c.bdata = c.bdata[:0]
	c.pendKind, c.pendUTF8 = KindUnset, false
	c.typedAt = -1
	if !c.fixed {
		c.kind = KindUnset
	}
}

// nv returns the number of values of kind k stored.
func (c *decCol) nv(k Kind) int {
	switch k {
	case KindInt64:
		return len(c.i64)
	case KindFloat:
		return len(c.f32) / 4
	case KindBytes:
		return len(c.boffs) - 1
	}
	return 0
}

// truncate drops values of kind k beyond the first n.
func (c *decCol) truncate(k Kind, n int) {
	switch k {
	case KindInt64:
		c.i64 = c.i64[:n]
	case KindFloat:
		c.f32 = c.f32[:4*n]
	case KindBytes:
		c.boffs = c.boffs[:n+1]
		c.bdata = c.bdata[:c.boffs[n]]
	}
}

// fill appends null rows up to row i.
func (c *decCol) fill(i int) {
	k := i - c.rows
	if k <= 0 {
		return
	}
	last := c.offs[len(c.offs)-1]
	for range k {
		c.offs = append(c.offs, last)
	}
	for len(c.valid) < (i+7)>>3 {
		c.valid = append(c.valid, 0)
	}
	c.nulls += k
	c.rows = i
}

// push appends a row ending at end (a step or value count).
func (c *decCol) push(ok bool, end int) {
	i := c.rows
	if i&7 == 0 {
		c.valid = append(c.valid, 0)
	}
	if ok {
		c.valid[i>>3] |= 1 << (i & 7)
	} else {
		c.nulls++
	}
	c.offs = append(c.offs, int64(end))
	c.rows++
}

// pushStep appends a step of a feature list ending at value end.
func (c *decCol) pushStep(ok bool, end int) {
	i := len(c.soffs) - 1
	if i&7 == 0 {
		c.svalid = append(c.svalid, 0)
	}
	if ok {
		c.svalid[i>>3] |= 1 << (i & 7)
	} else {
		c.snulls++
	}
	c.soffs = append(c.soffs, int64(end))
}

// pop removes the last row with its steps and values.
func (c *decCol) pop() {
	i := c.rows - 1
	if c.valid[i>>3]&(1<<(i&7)) == 0 {
		c.nulls--
	} else {
		c.valid[i>>3] &^= 1 << (i & 7)
	}
	if i&7 == 0 {
		c.valid = c.valid[:i>>3]
	}
	start := int(c.offs[i])
	c.offs = c.offs[:i+1]
	c.rows = i
	if c.seq {
		for s := len(c.soffs) - 2; s >= start; s-- {
			if c.svalid[s>>3]&(1<<(s&7)) == 0 {
				c.snulls--
			} else {
				c.svalid[s>>3] &^= 1 << (s & 7)
			}
		}
		c.svalid = c.svalid[:(start+7)>>3]
		c.soffs = c.soffs[:start+1]
		start = int(c.soffs[start])
	}
	if c.kind != KindUnset {
		c.truncate(c.kind, start)
	}
}

// badUTF8 reports whether a bytes value from index from on is not UTF-8.
func (c *decCol) badUTF8(from int) bool {
	for j := from; j < len(c.boffs)-1; j++ {
		if !utf8.Valid(c.bdata[c.boffs[j]:c.boffs[j+1]]) {
			return true
		}
	}
	return false
}

// Building Arrow arrays.

// buffer returns a buffer of n bytes, all of which the caller must write.
func (d *Decoder) buffer(n int) *memory.Buffer {
	b := memory.NewResizableBuffer(d.mem)
	b.Resize(n)
	clearPadding(b.Buf(), n)
	return b
}

// clearPadding zeroes buf after its first n bytes up to the next multiple
// of 64 bytes (or its end), as an allocator may hand out used memory and
// writers of Arrow IPC files may copy padding.
func clearPadding(buf []byte, n int) {
	clear(buf[n:min(len(buf), (n+63)&^63)])
}

func (d *Decoder) bytesBuffer(p []byte) *memory.Buffer {
	b := d.buffer(len(p))
	copy(b.Bytes(), p)
	return b
}

func (d *Decoder) bitmap(valid []byte, n, nulls int) *memory.Buffer {
	if nulls == 0 {
		return nil
	}
	b := d.buffer((n + 7) >> 3)
	copy(b.Bytes(), valid)
	return b
}

// releaseScratch gives the columns' scratch memory back to the decoder's
// pool (the memory that hand-overs took from it, and anything else shaped
// like the pool's buffers), so that the next decoder made from the pool
// starts with it instead of growing its own. The decoder must not be used
// afterwards. Scratch never backs a batch's buffer: a hand-over replaces
// it, and every other buffer is a copy.
func (d *Decoder) releaseScratch() {
	if d.pool == nil {
		return
	}
	for _, s := range []*decSet{&d.ctx, &d.seq} {
		for _, c := range s.byName {
			freeScratch(d.pool, &c.offs)
			freeScratch(d.pool, &c.valid)
			freeScratch(d.pool, &c.soffs)
			freeScratch(d.pool, &c.svalid)
			freeScratch(d.pool, &c.i64)
			freeScratch(d.pool, &c.f32)
			freeScratch(d.pool, &c.boffs)
			freeScratch(d.pool, &c.bdata)
		}
	}
}

// freeScratch frees *s to pool (which keeps it only if it has the shape
// of one of its buffers) and clears *s.
func freeScratch[T int64 | byte](pool *mempool.Allocator, s *[]T) {
	p := *s
	*s = nil
	if cap(p) == 0 {
		return
	}
	pool.Free(scratchBytes(p))
}

// scratchBytes returns the memory of the scratch slice s, to its
// capacity, as bytes.
func scratchBytes[T int64 | byte](s []T) []byte {
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), cap(s)*int(unsafe.Sizeof(zero)))
}

// scratchOf returns an empty scratch slice over the memory of b, to its
// capacity.
func scratchOf[T int64 | byte](b []byte) []T {
	var zero T
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), cap(b)/int(unsafe.Sizeof(zero)))[:0]
}

// reserve makes room in the scratch slice *s for n more elements, so that
// the appends that follow do not grow it. It grows *s through pool when
// set (a recycling pool: the Decoder's) rather than as append does: the
// pool's free buffers are mapped and warm, while append takes fresh memory
// from the Go heap, zeroed and page-faulted, at every doubling. A new
// Decoder's first batches spent two to four times a steady batch's time
// growing their scratch that way.
func reserve[T int64 | byte](pool *mempool.Allocator, s *[]T, n int) {
	if cap(*s)-len(*s) < n {
		growScratch(pool, s, n)
	}
}

func growScratch[T int64 | byte](pool *mempool.Allocator, s *[]T, n int) {
	old := *s
	want := max(len(old)+n, 2*cap(old), 64)
	if pool == nil {
		ns := make([]T, len(old), want)
		copy(ns, old)
		*s = ns
		return
	}
	var zero T
	ns := scratchOf[T](pool.Allocate(want * int(unsafe.Sizeof(zero))))[:len(old)]
	copy(ns, old)
	freeScratch(pool, &old) // scratch backs no batch's buffer: see releaseScratch
	*s = ns
}

// handOver returns an Arrow buffer holding the first n elements of the
// scratch slice *s. With the default pool allocator the scratch memory
// itself becomes the buffer, without a copy, and *s gets fresh memory
// from the pool for the next batch, sized for this one; with any other
// allocator the elements are copied and *s is kept.
func handOver[T int64 | byte](d *Decoder, s *[]T, n int) *memory.Buffer {
	var zero T
	raw := scratchBytes(*s)
	nb := n * int(unsafe.Sizeof(zero))
	if d.pool == nil || nb == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%64 != 0 {
		return d.bytesBuffer(raw[:nb])
	}
	clearPadding(raw, nb)
	b := memory.NewBufferWithAllocator(raw[:nb], d.pool)
	*s = scratchOf[T](d.pool.Allocate(nb + nb/8))
	return b
}

// offsets builds an offsets buffer of 64-bit (large) or 32-bit offsets
// from the first n elements of *s; what and name describe it in the error
// for 32-bit overflow.
func (d *Decoder) offsets(s *[]int64, n int, large bool, what, name string) (*memory.Buffer, error) {
	if large {
		return handOver(d, s, n), nil
	}
	offs := (*s)[:n]
	if len(offs) > 0 && offs[len(offs)-1] > math.MaxInt32 {
		return nil, fmt.Errorf("example: %s %q has %d elements in the batch, more than 32-bit offsets hold; use LargeList or LargeBinary", what, name, offs[len(offs)-1])
	}
	b := d.buffer(4 * len(offs))
	dst := unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b.Bytes()))), len(offs))
	for i, o := range offs {
		dst[i] = int32(o)
	}
	return b, nil
}

// newData is array.NewData that takes over the references of bufs and
// children.
func newData(t arrow.DataType, n int, bufs []*memory.Buffer, children []arrow.ArrayData, nulls int) arrow.ArrayData {
	data := array.NewData(t, n, bufs, children, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	for _, c := range children {
		c.Release()
	}
	return data
}

func isLarge(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.LARGE_LIST, arrow.LARGE_BINARY, arrow.LARGE_STRING:
		return true
	}
	return false
}

// values builds the values array of type t from the column's scratch.
func (d *Decoder) values(c *decCol, t arrow.DataType) (arrow.ArrayData, error) {
	switch t.ID() {
	case arrow.INT64:
		n := len(c.i64)
		return newData(t, n, []*memory.Buffer{nil, handOver(d, &c.i64, n)}, nil, 0), nil
	case arrow.FLOAT32:
		n := len(c.f32) / 4
		b := handOver(d, &c.f32, 4*n)
		if !decLittleEndian {
			p := b.Bytes()
			for i := 0; i+4 <= len(p); i += 4 {
				p[i], p[i+1], p[i+2], p[i+3] = p[i+3], p[i+2], p[i+1], p[i]
			}
		}
		return newData(t, n, []*memory.Buffer{nil, b}, nil, 0), nil
	case arrow.NULL:
		n := len(c.soffs) - 1
		return newData(t, n, []*memory.Buffer{nil}, nil, n), nil
	}
	n := len(c.boffs) - 1
	offs, err := d.offsets(&c.boffs, n+1, isLarge(t), "bytes of column", c.name)
	if err != nil {
		return nil, err
	}
	return newData(t, n, []*memory.Buffer{nil, offs, handOver(d, &c.bdata, len(c.bdata))}, nil, 0), nil
}

// column builds the column's array of type t with n rows.
func (d *Decoder) column(c *decCol, t arrow.DataType, n int) (arrow.ArrayData, error) {
	if t.ID() == arrow.NULL {
		return newData(t, n, []*memory.Buffer{nil}, nil, n), nil
	}
	c.fill(n)
	elem, _ := decListElem(t)
	var child arrow.ArrayData
	var err error
	if c.seq && elem.ID() != arrow.NULL {
		values, _ := decListElem(elem)
		child, err = d.values(c, values)
		if err != nil {
			return nil, err
		}
		steps := len(c.soffs) - 1
		so, err := d.offsets(&c.soffs, steps+1, isLarge(elem), "column", c.name)
		if err != nil {
			child.Release()
			return nil, err
		}
		child = newData(elem, steps, []*memory.Buffer{d.bitmap(c.svalid, steps, c.snulls), so}, []arrow.ArrayData{child}, c.snulls)
	} else if child, err = d.values(c, elem); err != nil {
		return nil, err
	}
	offs, err := d.offsets(&c.offs, n+1, isLarge(t), "column", c.name)
	if err != nil {
		child.Release()
		return nil, err
	}
	return newData(t, n, []*memory.Buffer{d.bitmap(c.valid, n, c.nulls), offs}, []arrow.ArrayData{child}, c.nulls), nil
}

// finish builds the batch of n records.
func (d *Decoder) finish(n int) (arrow.RecordBatch, error) {
	p := d.plan
	var (
		schema *arrow.Schema
		cols   []arrow.ArrayData
		err    error
	)
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	if p.schema != nil {
		schema = p.schema
		cols = make([]arrow.ArrayData, len(schema.Fields()))
		for i, c := range d.ctx.cols {
			if cols[p.ctxField[i]], err = d.column(c, c.dtype, n); err != nil {
				return nil, err
			}
		}
		if p.structPos >= 0 {
			if cols[p.structPos], err = d.structColumn(d.seq.cols, schema.Field(p.structPos).Type, n); err != nil {
				return nil, err
			}
		}
	} else {
		ctx := d.sortSeen(&d.ctx)
		fields := make([]arrow.Field, 0, len(ctx)+1)
		cols = make([]arrow.ArrayData, 0, len(ctx)+1)
		for _, c := range ctx {
			t := p.decColumnType(c.kind, false)
			data, err := d.column(c, t, n)
			if err != nil {
				return nil, err
			}
			cols = append(cols, data)
			fields = append(fields, arrow.Field{Name: c.name, Type: t, Nullable: true})
		}
		if d.sawList {
			seq := d.sortSeen(&d.seq)
			children := make([]arrow.Field, len(seq))
			for i, c := range seq {
				children[i] = arrow.Field{Name: c.name, Type: p.decColumnType(c.kind, true), Nullable: true}
			}
			st := arrow.StructOf(children...)
			data, err := d.structColumn(seq, st, n)
			if err != nil {
				return nil, err
			}
			cols = append(cols, data)
			fields = append(fields, arrow.Field{Name: p.seqName, Type: st, Nullable: true})
		}
		schema = arrow.NewSchema(fields, nil)
	}
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		arrs[i] = array.MakeFromData(c)
	}
	rb := array.NewRecordBatch(schema, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return rb, nil
}

func (d *Decoder) structColumn(cols []*decCol, t arrow.DataType, n int) (arrow.ArrayData, error) {
	st := t.(*arrow.StructType)
	children := make([]arrow.ArrayData, 0, len(cols))
	for i, c := range cols {
		data, err := d.column(c, st.Field(i).Type, n)
		if err != nil {
			for _, ch := range children {
				ch.Release()
			}
			return nil, err
		}
		children = append(children, data)
	}
	return newData(t, n, []*memory.Buffer{nil}, children, 0), nil
}

// sortSeen returns the set's columns met in the batch, sorted bytewise.
func (d *Decoder) sortSeen(s *decSet) []*decCol {
	cols := append(d.sorted[:0], s.seen...)
	slices.SortFunc(cols, func(a, b *decCol) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	d.sorted = cols[:0]
	return cols
}
