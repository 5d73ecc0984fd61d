package example

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Errors about values, wrapped with the column and, in a RecordError, the
// row.
var errNullElement = errors.New("list element is null; tf.Example lists cannot hold nulls")

func overflowError(v uint64) error {
	return fmt.Errorf("uint64 value %d does not fit in int64_list", v)
}

func dictIndexError(k, n int) error {
	return fmt.Errorf("dictionary index %d out of range [0, %d)", k, n)
}

// featureError wraps err the way tfx-bsl does: 'Error encoding feature
// "<name>": <err>'.
type featureError struct {
	name     string
	sequence bool
	err      error
}

func (e *featureError) Error() string {
	what := "feature"
	if e.sequence {
		what = "sequence feature"
	}
	return "Error encoding " + what + " \"" + e.name + "\": " + e.err.Error()
}

func (e *featureError) Unwrap() error { return e.err }

func columnError(name, msg string) error {
	return fmt.Errorf("example: %w", &featureError{name: name, err: errors.New(msg)})
}

// newColumn returns the encoder of a column and the feature map entries
// it writes. spec is the column's ragged tensor representation, or nil.
func newColumn(name string, dt arrow.DataType, spec *raggedSpec) (encColumn, []*slot, error) {
	names, k := []string{name}, 0
	if spec != nil {
		if spec.err != nil {
			return nil, nil, columnError(name, spec.err.Error())
		}
		names, k = spec.names, len(spec.adj)
	}
	if dt.ID() == arrow.NULL {
		c := &nullColumn{}
		for i, n := range names {
			kind := KindInt64
			if i == 0 {
				kind = KindUnset
			}
			c.slots = append(c.slots, newSlot(n, kind, c, i))
		}
		return c, c.slots, nil
	}
	if _, ok := leafTypeOf(dt); ok {
		if k > 0 {
			return nil, nil, columnError(name, flatValuesMsg(k))
		}
		c := &plainColumn{name: name, rows: lists{k: listScalar}, leaf: newLeaf(dt)}
		c.slot = newSlot(names[0], c.leaf.kind, c, 0)
		return c, []*slot{c.slot}, nil
	}
	if _, ok := listKindOf(dt); !ok {
		return nil, nil, columnError(name, "Expected ListArray or LargeListArray")
	}
	// The nesting levels inside the column's list, one per row_length
	// partition, as tfx-bsl checks them.
	elem := dt.(arrow.ListLikeType).Elem()
	var levels []lists
	for {
		lk, ok := listKindOf(elem)
		if !ok || !lk.contiguous() {
			break
		}
		if len(levels) == k {
			return nil, nil, columnError(name, fmt.Sprintf("Nested depth of large_list is larger than the number of provided partitions (or no partitions were provided). Expected %d partitions. If the column represents RaggedTensor, then create the encoder with TFMD schema containing RaggedTensor TensorRepresentations with partitions.", k))
		}
		levels = append(levels, newLists(elem))
		elem = elem.(arrow.ListLikeType).Elem()
	}
	switch {
	case k > 0 && len(levels) == 0:
		return nil, nil, columnError(name, flatValuesMsg(k))
	case len(levels) < k:
		return nil, nil, columnError(name, fmt.Sprintf("Nested depth of large_list is smaller than the number of partitions in the provided TensorRepresentation. Expected to have %d partitions.", k))
	}
	if _, ok := leafTypeOf(elem); !ok {
		return nil, nil, columnError(name, "Bad field type")
	}
	if k == 0 {
		c := &plainColumn{name: name, rows: newLists(dt), leaf: newLeaf(elem)}
		c.slot = newSlot(names[0], c.leaf.kind, c, 0)
		return c, []*slot{c.slot}, nil
	}
	c := &raggedColumn{name: name, rows: newLists(dt), levels: levels, adj: spec.adj, leaf: newLeaf(elem)}
	c.slots = append(c.slots, newSlot(names[0], c.leaf.kind, c, 0))
	for i, n := range names[1:] {
		c.slots = append(c.slots, newSlot(n, KindInt64, c, i+1))
	}
	return c, c.slots, nil
}

func flatValuesMsg(k int) string {
	return fmt.Sprintf("Expected %d partitions, but got flat values array. You may need to adjust RaggedTensor partitions in the provided schema.", k)
}

// nullColumn is a column of the null type: no feature has a kind.
type nullColumn struct {
	slots []*slot
}

func (c *nullColumn) bind(arrow.Array) {}

func (c *nullColumn) sizes(lo, hi int) (int, error) {
	for _, s := range c.slots {
		for i := range s.raw[:hi-lo] {
			s.raw[i] = -1
		}
	}
	return hi, nil
}

func (c *nullColumn) putFeature(_ []byte, p, _, _, _ int) int { return p }

// plainColumn is a list column, or a column of values written as one-value
// lists.
type plainColumn struct {
	name string
	rows lists // listScalar: the leaf itself
	leaf *leaf
	slot *slot
}

func (c *plainColumn) bind(a arrow.Array) {
	if c.rows.k == listScalar {
		c.leaf.bind(a)
		return
	}
	c.leaf.bind(c.rows.bind(a))
}

func (c *plainColumn) sizes(lo, hi int) (int, error) {
	raw := c.slot.raw[:hi-lo]
	l := c.leaf
	if c.rows.k == listScalar {
		for i := range raw {
			r := lo + i
			if l.isNull(r) {
				raw[i] = -1
				continue
			}
			v, ok := l.size(r, r+1)
			if !ok {
				return r, c.fail(l.check(r, r+1))
			}
			raw[i] = v
		}
		return hi, nil
	}
	// The common case first: float values without nulls.
	if c.rows.k == listLarge && l.t == leafFloat32 && l.valid == nil && c.rows.valid == nil {
		o := c.rows.o64[lo : hi+1]
		for i := range raw {
			raw[i] = int(o[i+1] - o[i])
		}
		return hi, nil
	}
	for i := range raw {
		r := lo + i
		if c.rows.isNull(r) {
			raw[i] = -1
			continue
		}
		s, e := c.rows.rng(r)
		v, ok := l.size(s, e)
		if !ok {
			return r, c.fail(l.check(s, e))
		}
		raw[i] = v
	}
	return hi, nil
}

func (c *plainColumn) fail(err error) error {
	return &featureError{name: c.name, err: err}
}

func (c *plainColumn) putFeature(buf []byte, p, _, r, raw int) int {
	s, e := c.rows.rng(r)
	return c.leaf.putFeature(buf, p, s, e, raw)
}

// raggedColumn writes a nested list as the components of a RaggedTensor.
// Slot 0 holds the flat values, slot i > 0 the lengths of levels[i-1].
type raggedColumn struct {
	name   string
	rows   lists
	levels []lists
	adj    []int64 // divisor of each level's lengths
	leaf   *leaf
	slots  []*slot
}

func (c *raggedColumn) bind(a arrow.Array) {
	v := c.rows.bind(a)
	for i := range c.levels {
		v = c.levels[i].bind(v)
	}
	c.leaf.bind(v)
}

func (c *raggedColumn) sizes(lo, hi int) (int, error) {
	for r := lo; r < hi; r++ {
		i := r - lo
		if c.rows.isNull(r) {
			for _, s := range c.slots {
				s.raw[i] = -1
			}
			continue
		}
		s, e := c.rows.rng(r)
		for k := range c.levels {
			lv, d := &c.levels[k], c.adj[k]
			size := 0
			for j := s; j < e; j++ {
				size += protowire.SizeVarint(uint64(int64(lv.length(j)) / d))
			}
			c.slots[k+1].raw[i] = size
			s, e = lv.span(s, e)
		}
		v, ok := c.leaf.size(s, e)
		if !ok {
			return r, &featureError{name: c.name, err: c.leaf.check(s, e)}
		}
		c.slots[0].raw[i] = v
	}
	return hi, nil
}

func (c *raggedColumn) putFeature(buf []byte, p, comp, r, raw int) int {
	s, e := c.rows.rng(r)
	if comp == 0 {
		for i := range c.levels {
			s, e = c.levels[i].span(s, e)
		}
		return c.leaf.putFeature(buf, p, s, e, raw)
	}
	for i := range comp - 1 {
		s, e = c.levels[i].span(s, e)
	}
	lv, d := &c.levels[comp-1], c.adj[comp-1]
	buf[p] = kindTag[KindInt64]
	p = putVarint(buf, p+1, uint64(listLen(KindInt64, raw)))
	if raw == 0 {
		return p
	}
	buf[p] = 0x0a
	p = putVarint(buf, p+1, uint64(raw))
	for j := s; j < e; j++ {
		p = putVarint(buf, p, uint64(int64(lv.length(j))/d))
	}
	return p
}

// seqColumn is the struct column of a SequenceExample's feature lists.
type seqColumn struct {
	name     string
	isNull   bool // a null-typed column: no row has feature_lists
	valid    []byte
	voff     int
	children []*seqChild // struct order
	out      []*seqChild // output order
}

// seqChild is one feature list: a list (the FeatureList) of lists (its
// Features).
type seqChild struct {
	name   string
	prefix []byte
	outer  lists
	inner  lists
	leaf   *leaf
	raw    []int // per row: FeatureList body length; -1: absent
	feats  []int // raw size of every Feature written, in write order
	cur    int   // next of feats to write
}

func newSeqColumn(name string, dt arrow.DataType, deterministic bool) (*seqColumn, error) {
	c := &seqColumn{name: name}
	if dt.ID() == arrow.NULL {
		c.isNull = true
		return c, nil
	}
	st, ok := dt.(*arrow.StructType)
	if !ok {
		return nil, columnError(name, "Expected StructArray of feature lists")
	}
	seen := make(map[string]bool)
	for _, f := range st.Fields() {
		if seen[f.Name] {
			return nil, columnError(name, "duplicate sequence feature names: "+f.Name)
		}
		seen[f.Name] = true
		fail := func(msg string) error {
			return fmt.Errorf("example: %w", &featureError{name: f.Name, sequence: true, err: errors.New(msg)})
		}
		if _, ok := listKindOf(f.Type); !ok {
			return nil, fail("Expected ListArray or LargeListArray of ListArray or LargeListArray")
		}
		// A list of lists of values, or a list of nulls: steps with no
		// kind, as the decoder types a feature list that never has one.
		in := f.Type.(arrow.ListLikeType).Elem()
		inner, elem := lists{k: listNulls}, arrow.DataType(arrow.Null)
		if in.ID() != arrow.NULL {
			if _, ok := listKindOf(in); !ok {
				return nil, fail("Expected ListArray or LargeListArray of ListArray or LargeListArray")
			}
			inner, elem = newLists(in), in.(arrow.ListLikeType).Elem()
		}
		if _, ok := leafTypeOf(elem); !ok {
			return nil, fail("Bad field type")
		}
		if !utf8.ValidString(f.Name) {
			return nil, fmt.Errorf("example: sequence feature name %q is not valid UTF-8", f.Name)
		}
		ch := &seqChild{name: f.Name, outer: newLists(f.Type), inner: inner, leaf: newLeaf(elem)}
		ch.prefix = entryPrefix(f.Name)
		c.children = append(c.children, ch)
	}
	c.out = slices.Clone(c.children)
	if deterministic {
		slices.SortStableFunc(c.out, func(a, b *seqChild) int { return strings.Compare(a.name, b.name) })
	}
	return c, nil
}

func (c *seqColumn) bind(a arrow.Array) {
	c.valid, c.voff = nil, 0
	if c.isNull {
		return
	}
	if a.NullN() > 0 {
		c.valid, c.voff = a.NullBitmapBytes(), a.Data().Offset()
	}
	st := a.(interface{ Field(int) arrow.Array })
	for i, ch := range c.children {
		ch.leaf.bind(ch.inner.bind(ch.outer.bind(st.Field(i))))
	}
}

func (c *seqColumn) rowNull(r int) bool {
	return c.isNull || c.valid != nil && !bitutil.BitIsSet(c.valid, c.voff+r)
}

func (c *seqColumn) sizes(lo, hi int) (int, error) {
	limit, first := hi, error(nil)
	for _, ch := range c.children {
		if r, err := c.childSizes(ch, lo, limit); err != nil {
			limit, first = r, err
		}
	}
	return limit, first
}

// childSizes computes the sizes of rows [lo, hi) of one feature list.
func (c *seqColumn) childSizes(ch *seqChild, lo, hi int) (int, error) {
	ch.feats = ch.feats[:0]
	for r := lo; r < hi; r++ {
		if c.rowNull(r) || ch.outer.isNull(r) {
			ch.raw[r-lo] = -1
			continue
		}
		js, je := ch.outer.rng(r)
		size := 0
		for j := js; j < je; j++ {
			raw := -1
			if !ch.inner.isNull(j) {
				s, e := ch.inner.rng(j)
				v, ok := ch.leaf.size(s, e)
				if !ok {
					return r, &featureError{name: ch.name, sequence: true, err: ch.leaf.check(s, e)}
				}
				raw = v
			}
			ch.feats = append(ch.feats, raw)
			fl := featureLen(ch.leaf.kind, raw)
			size += 1 + protowire.SizeVarint(uint64(fl)) + fl
		}
		ch.raw[r-lo] = size
	}
	return hi, nil
}

// lengths sets dst[i] to the feature_lists body length of row lo+i.
func (c *seqColumn) lengths(dst []int, lo int) {
	n := len(dst)
	for i := range dst {
		if c.rowNull(lo + i) {
			dst[i] = -1
		} else {
			dst[i] = 0
		}
	}
	for _, ch := range c.children {
		for r, raw := range ch.raw[:n] {
			if raw >= 0 {
				el := len(ch.prefix) + protowire.SizeVarint(uint64(raw)) + raw
				dst[r] += 1 + protowire.SizeVarint(uint64(el)) + el
			}
		}
	}
}

func (c *seqColumn) rewind() {
	for _, ch := range c.children {
		ch.cur = 0
	}
}

// putLists writes the feature_lists body of row r, row i of the chunk.
func (c *seqColumn) putLists(buf []byte, p, r, i int) int {
	for _, ch := range c.out {
		raw := ch.raw[i]
		if raw < 0 {
			continue
		}
		buf[p] = 0x0a
		p = putVarint(buf, p+1, uint64(len(ch.prefix)+protowire.SizeVarint(uint64(raw))+raw))
		p = putPrefix(buf, p, ch.prefix)
		p = putVarint(buf, p, uint64(raw))
		js, je := ch.outer.rng(r)
		for j := js; j < je; j++ {
			fraw := ch.feats[ch.cur]
			ch.cur++
			buf[p] = 0x0a
			p = putVarint(buf, p+1, uint64(featureLen(ch.leaf.kind, fraw)))
			if fraw >= 0 {
				s, e := ch.inner.rng(j)
				p = ch.leaf.putFeature(buf, p, s, e, fraw)
			}
		}
	}
	return p
}

// Ragged tensor representations.

// raggedSpec is how a column is written as a RaggedTensor.
type raggedSpec struct {
	names []string // the values feature, then one per row_length partition
	adj   []int64  // divisor of the lengths of each row_length partition
	err   error    // why the representation cannot be used
}

// raggedSpecs collects the ragged_tensor representations of all groups of
// s, keyed by representation (column) name. A later group (by key) wins.
func raggedSpecs(s *metadatapb.Schema) (map[string]*raggedSpec, error) {
	groups := s.GetTensorRepresentationGroup()
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	specs := make(map[string]*raggedSpec)
	for _, k := range keys {
		for name, tr := range groups[k].GetTensorRepresentation() {
			rt := tr.GetRaggedTensor()
			if rt == nil {
				continue
			}
			steps := rt.GetFeaturePath().GetStep()
			if len(steps) != 1 {
				return nil, errors.New("example: RaggedTensors with nested or empty value column paths are not supported.")
			}
			spec := &raggedSpec{names: []string{steps[0]}}
			// Walk the partitions inner to outer: uniform partitions
			// multiply the divisor of the row_length partition before them.
			adj := int64(1)
			var rev []string
			var revAdj []int64
			parts := rt.GetPartition()
			for i := len(parts) - 1; i >= 0; i-- {
				p := parts[i]
				if _, ok := p.GetKind().(*metadatapb.TensorRepresentation_RaggedTensor_Partition_RowLength); ok {
					rev = append(rev, p.GetRowLength())
					revAdj = append(revAdj, adj)
					if adj <= 0 {
						spec.err = fmt.Errorf("uniform_row_length partitions after row_length partition %q must be positive", p.GetRowLength())
					}
					adj = 1
					continue
				}
				adj *= p.GetUniformRowLength()
			}
			for i := len(rev) - 1; i >= 0; i-- {
				spec.names = append(spec.names, rev[i])
				spec.adj = append(spec.adj, revAdj[i])
			}
			specs[name] = spec
		}
	}
	return specs, nil
}

// raggedConflicts fails if two ragged representations write a feature of
// the same name.
func raggedConflicts(specs map[string]*raggedSpec) error {
	names := make([]string, 0, len(specs))
	for n := range specs {
		names = append(names, n)
	}
	slices.Sort(names)
	seen := make(map[string]bool)
	for _, tr := range names {
		for _, n := range specs[tr].names {
			if seen[n] {
				return fmt.Errorf("example: Source column \"%s\" of ragged feature \"%s\" conflicts with another source column in the same batch.", n, tr)
			}
			seen[n] = true
		}
	}
	return nil
}
