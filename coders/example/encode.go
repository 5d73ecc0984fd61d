package example

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/encoding/protowire"
)

// An Encoder turns Arrow record batches of one schema into serialized
// tf.Example or tf.SequenceExample records, as tfx-bsl's
// RecordBatchToExamplesEncoder does, but writes the protobuf wire format
// directly from the Arrow buffers.
//
// # Columns
//
// Every row gives one record, and every column one entry of the record's
// feature map (a ragged column one entry per component), whatever the
// value: a null cell gives a Feature with no kind, an empty list gives the
// typed list with no values (float_list {}).
//
// Column types, beyond tfx-bsl's list<T> and large_list<T> of float32,
// int64, binary and large_binary:
//   - list-like types: list, large_list, fixed_size_list, list_view and
//     large_list_view;
//   - values: float32, float64 and float16 give float_list; bool and every
//     integer width give int64_list (a uint64 above MaxInt64 fails the
//     batch with a [*RecordError] naming the row and column); binary,
//     large_binary, utf8, large_utf8, fixed_size_binary and dictionaries of
//     any of these value types give bytes_list;
//   - a column of those value types that is not a list writes one-value
//     lists, and a null cell a Feature with no kind;
//   - a null-typed column writes a Feature with no kind in every row, and so
//     does an empty list of null-typed values (which has no kind to give).
//
// float64 values are rounded to the nearest float32 (ties to even): values
// beyond float32's range become ±Inf, tiny ones ±0 or a subnormal, and NaN
// stays NaN (its payload truncated to 23 bits). float16 converts exactly.
//
// A list element that is null cannot be written (a tf.Example list has no
// nulls) and fails the batch with a [*RecordError]. Feature names must be
// valid UTF-8 (map keys are proto3 strings, which parsers check).
//
// # Ragged columns
//
// A column whose name is the key of a ragged_tensor representation in any
// tensor_representation_group of [EncodeOptions.Schema] is written as the
// components of that RaggedTensor: its flat values go to the feature named
// by feature_path, and the lengths of each nested list level to the
// feature of the matching row_length partition, divided by the product of
// the uniform_row_length partitions between it and the next row_length
// partition. Each row_length partition is one nesting level (list,
// large_list or fixed_size_list) inside the column's list; uniform
// partitions are not. Lengths are divided as integers, as tfx-bsl does. A
// null row leaves every component without a kind. When several groups hold
// the same key, the group whose key sorts last wins.
//
// [EncodeOptions.NewEncoder] fails with tfx-bsl's messages when a
// representation does not fit:
//   - "RaggedTensors with nested or empty value column paths are not
//     supported." (a feature_path without exactly one step);
//   - 'Error encoding feature "<c>": Expected <n> partitions, but got flat
//     values array. …' (the column has no nested list);
//   - 'Error encoding feature "<c>": Nested depth of large_list is larger
//     than the number of provided partitions …' (also for any nested list
//     column without a representation) and '… is smaller than …';
//   - 'Source column "<f>" of ragged feature "<c>" conflicts with another
//     source column in the same batch.' (two representations write one
//     feature).
//
// Beyond tfx-bsl, which would crash or merge the features, it also fails
// when a uniform_row_length that divides a row_length partition is not
// positive, and when a component has the name of another column.
//
// # SequenceExample
//
// With [SequenceExample], the struct column named by
// [EncodeOptions.SequenceColumn] holds the feature lists: each child is a
// list of lists, the outer list one FeatureList and each inner list one
// Feature. A null child cell leaves the feature list out, an empty outer
// list gives a FeatureList with no features, a null inner list a Feature
// with no kind. A null struct cell leaves feature_lists out; a struct with
// no children gives an empty feature_lists. The other columns are context
// features; the context is left out when there are none.
//
// # Order
//
// With [EncodeOptions.Deterministic], map entries are written sorted by
// key (bytewise), which is what proto.MarshalOptions{Deterministic: true}
// writes, so equal batches give identical bytes. Otherwise they follow the
// column order (ragged components: values first, then the row lengths);
// that is stable too, but only Deterministic promises an order.
//
// An Encoder is not safe for concurrent use; [EncodeAll] encodes in
// parallel.
type Encoder struct {
	opts   EncodeOptions
	schema *arrow.Schema
	cols   []encColumn // in schema order, the sequence column included
	slots  []*slot     // the (context) feature map entries, in output order
	seq    *seqColumn  // nil without a sequence column

	arena  []byte
	ends   []int // end of each record in arena
	ints   []int // backs the per-row sizes below and in slots and seq
	mapLen []int // per row of the chunk: the (context) feature map body length
	seqLen []int // per row of the chunk: the feature_lists body length, -1 if absent
}

// chunkRows is how many rows Encode sizes and then writes at a time, so
// that their values are still in cache for the second pass.
const chunkRows = 64

// encColumn is the encoder of one column.
type encColumn interface {
	bind(a arrow.Array)
	// sizes computes the raw sizes of rows [lo, hi) into the column's
	// slots (row r at index r-lo). It returns the first row that cannot be
	// written and why, or hi, nil.
	sizes(lo, hi int) (int, error)
}

// slot is one entry of the feature map: a feature that every row writes.
type slot struct {
	name   string
	prefix []byte // the map entry up to the value's length: key field and value tag
	kind   Kind
	raw    []int // per row of the chunk: raw size of the feature (see encode_leaf.go)
	fl     []int // per row of the chunk: length of the Feature message
	col    featureWriter
	comp   int // component of col
}

type featureWriter interface {
	// putFeature writes at buf[p:] the body of the Feature of component
	// comp in row r, whose raw size is raw >= 0, and returns the position
	// after it.
	putFeature(buf []byte, p, comp, r, raw int) int
}

func newSlot(name string, kind Kind, col featureWriter, comp int) *slot {
	return &slot{name: name, prefix: entryPrefix(name), kind: kind, col: col, comp: comp}
}

// entryPrefix returns the start of a map entry with the given key: the key
// field and the tag of the value. Its capacity is a multiple of 8, for
// putPrefix.
func entryPrefix(key string) []byte {
	n := len(key) + 2 + protowire.SizeVarint(uint64(len(key)))
	p := make([]byte, 0, (n+7)&^7)
	p = append(p, 0x0a)
	p = protowire.AppendVarint(p, uint64(len(key)))
	p = append(p, key...)
	return append(p, 0x12)
}

// putPrefix copies an entryPrefix to buf[p:] a word at a time (the bytes
// past it land in space written next, or the slack), unless it is long.
func putPrefix(buf []byte, p int, prefix []byte) int {
	if len(prefix) > 32 {
		return p + copy(buf[p:], prefix)
	}
	src := prefix[:cap(prefix)]
	for i := 0; i < len(src); i += 8 {
		binary.LittleEndian.PutUint64(buf[p+i:], binary.LittleEndian.Uint64(src[i:]))
	}
	return p + len(prefix)
}

// NewEncoder returns an Encoder for record batches with the given schema.
// It checks every column up front and fails with tfx-bsl's messages:
//   - "RecordBatch contains duplicate column names: <name>";
//   - 'Error encoding feature "<name>": Expected ListArray or
//     LargeListArray' for a column type that is neither a list nor a
//     supported value type;
//   - 'Error encoding feature "<name>": Bad field type' for a list of
//     unsupported values;
//   - the ragged tensor errors (see [Encoder]).
func (o EncodeOptions) NewEncoder(schema *arrow.Schema) (*Encoder, error) {
	if o.SequenceColumn == "" {
		o.SequenceColumn = DefaultSequenceColumn
	}
	if o.RecordType != Example && o.RecordType != SequenceExample {
		return nil, fmt.Errorf("example: unknown record type %v", o.RecordType)
	}
	specs, err := raggedSpecs(o.Schema)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, schema.NumFields())
	for _, f := range schema.Fields() {
		if seen[f.Name] {
			return nil, errors.New("example: RecordBatch contains duplicate column names: " + f.Name)
		}
		seen[f.Name] = true
	}
	if err := raggedConflicts(specs); err != nil {
		return nil, err
	}

	e := &Encoder{opts: o, schema: schema}
	owner := make(map[string]string) // feature name -> column
	for _, f := range schema.Fields() {
		if o.RecordType == SequenceExample && f.Name == o.SequenceColumn {
			c, err := newSeqColumn(f.Name, f.Type, o.Deterministic)
			if err != nil {
				return nil, err
			}
			e.cols = append(e.cols, c)
			e.seq = c
			continue
		}
		c, slots, err := newColumn(f.Name, f.Type, specs[f.Name])
		if err != nil {
			return nil, err
		}
		for _, s := range slots {
			if !utf8.ValidString(s.name) {
				// proto3 map keys are strings: parsers reject the record.
				return nil, fmt.Errorf("example: feature name %q is not valid UTF-8", s.name)
			}
		}
		for _, s := range slots {
			if other, dup := owner[s.name]; dup {
				// tfx-bsl lets the two columns write into one Feature.
				ragged := f.Name
				if specs[f.Name] == nil {
					ragged = other
				}
				return nil, fmt.Errorf("example: Source column \"%s\" of ragged feature \"%s\" conflicts with another column in the same batch.", s.name, ragged)
			}
			owner[s.name] = f.Name
		}
		e.cols = append(e.cols, c)
		e.slots = append(e.slots, slots...)
	}
	if o.Deterministic {
		slices.SortStableFunc(e.slots, func(a, b *slot) int { return strings.Compare(a.name, b.name) })
	}
	return e, nil
}

// EncodeBatch encodes rb into one serialized record per row, in memory of
// its own. It is NewEncoder followed by Encode.
func (o EncodeOptions) EncodeBatch(rb arrow.RecordBatch) ([][]byte, error) {
	e, err := o.NewEncoder(rb.Schema())
	if err != nil {
		return nil, err
	}
	return e.Encode(rb, make([][]byte, 0, rb.NumRows()))
}

// Schema returns the schema the Encoder was made for.
func (e *Encoder) Schema() *arrow.Schema { return e.schema }

// Encode appends one serialized record per row of rb to dst and returns
// the extended slice. rb must have the Encoder's schema (field names and
// types; metadata and nullability are not compared).
//
// The records share one buffer owned by the Encoder: they are valid until
// the next call to Encode, which overwrites them. Copy them (or use
// [EncodeOptions.EncodeBatch]) to keep them longer. Each record's capacity
// ends where the record does, so appending to one never overwrites
// another.
//
// A row that cannot be encoded fails the whole batch with a [*RecordError]
// holding the row index (the first such row, and within it the first
// column in schema order); dst is then returned unchanged.
func (e *Encoder) Encode(rb arrow.RecordBatch, dst [][]byte) ([][]byte, error) {
	if err := e.checkSchema(rb.Schema()); err != nil {
		return dst, err
	}
	n := int(rb.NumRows())
	for i, c := range e.cols {
		c.bind(rb.Column(i))
	}
	e.carve(min(n, chunkRows))
	e.ends = e.ends[:0]
	p := 0
	for lo := 0; lo < n; lo += chunkRows {
		hi := min(lo+chunkRows, n)
		size, err := e.sizeChunk(lo, hi)
		if err != nil {
			return dst, err
		}
		if need := p + size + slack; cap(e.arena) < need {
			// Grow to what the whole batch will take at this rate.
			grown := make([]byte, max(need, (p+size)/hi*n+(p+size)/hi*n/8+slack))
			copy(grown, e.arena[:p])
			e.arena = grown
		}
		buf := e.arena[:cap(e.arena)]
		if e.seq != nil {
			e.seq.rewind()
		}
		start := p
		for r := lo; r < hi; r++ {
			p = e.putRecord(buf, p, r, r-lo)
			e.ends = append(e.ends, p)
		}
		if p-start != size {
			panic(fmt.Sprintf("example: encoded %d bytes, sized %d", p-start, size))
		}
	}
	start := 0
	for _, end := range e.ends {
		dst = append(dst, e.arena[start:end:end])
		start = end
	}
	return dst, nil
}

// sizeChunk computes the sizes of the features and records of rows [lo,
// hi) and returns the length of all their records.
func (e *Encoder) sizeChunk(lo, hi int) (int, error) {
	// Column by column: the raw size of every feature.
	limit, firstErr := hi, error(nil)
	for _, c := range e.cols {
		if r, err := c.sizes(lo, limit); err != nil {
			limit, firstErr = r, err
		}
	}
	if firstErr != nil {
		return 0, &RecordError{Index: limit, Err: firstErr}
	}
	// The length of every record.
	m := hi - lo
	clear(e.mapLen[:m])
	for _, s := range e.slots {
		for i, raw := range s.raw[:m] {
			fl := featureLen(s.kind, raw)
			s.fl[i] = fl
			el := len(s.prefix) + protowire.SizeVarint(uint64(fl)) + fl
			e.mapLen[i] += 1 + protowire.SizeVarint(uint64(el)) + el
		}
	}
	if e.seq != nil {
		e.seq.lengths(e.seqLen[:m], lo)
	}
	total := 0
	for i := range m {
		total += e.recordLen(i)
	}
	return total, nil
}

func (e *Encoder) checkSchema(s *arrow.Schema) error {
	if s == e.schema {
		return nil
	}
	if s.NumFields() == e.schema.NumFields() {
		same := true
		for i, f := range s.Fields() {
			g := e.schema.Field(i)
			if f.Name != g.Name || !arrow.TypeEqual(f.Type, g.Type) {
				same = false
				break
			}
		}
		if same {
			return nil
		}
	}
	return fmt.Errorf("example: record batch schema %v differs from the encoder's schema %v", s, e.schema)
}

func (e *Encoder) hasContext() bool { return len(e.slots) > 0 }

// recordLen is the length of the record of row i of the chunk.
func (e *Encoder) recordLen(i int) int {
	m := e.mapLen[i]
	if e.opts.RecordType == Example {
		return 1 + protowire.SizeVarint(uint64(m)) + m
	}
	n := 0
	if e.hasContext() {
		n += 1 + protowire.SizeVarint(uint64(m)) + m
	}
	if e.seq != nil {
		if l := e.seqLen[i]; l >= 0 {
			n += 1 + protowire.SizeVarint(uint64(l)) + l
		}
	}
	return n
}

// putRecord writes row r, row i of the chunk, at buf[p:] and returns the
// position after it.
func (e *Encoder) putRecord(buf []byte, p, r, i int) int {
	if e.opts.RecordType == Example || e.hasContext() {
		buf[p] = 0x0a // Example.features or SequenceExample.context
		p = putVarint(buf, p+1, uint64(e.mapLen[i]))
		for _, s := range e.slots {
			raw, fl := s.raw[i], s.fl[i]
			el := len(s.prefix) + protowire.SizeVarint(uint64(fl)) + fl
			buf[p] = 0x0a
			p = putVarint(buf, p+1, uint64(el))
			p = putPrefix(buf, p, s.prefix)
			p = putVarint(buf, p, uint64(fl))
			if raw >= 0 {
				p = s.col.putFeature(buf, p, s.comp, r, raw)
			}
		}
	}
	if e.seq != nil && e.seqLen[i] >= 0 {
		buf[p] = 0x12 // SequenceExample.feature_lists
		p = putVarint(buf, p+1, uint64(e.seqLen[i]))
		p = e.seq.putLists(buf, p, r, i)
	}
	return p
}

// carve cuts the per-row size arrays of a chunk of n rows from e.ints.
func (e *Encoder) carve(n int) {
	m := 2*len(e.slots) + 1
	if e.seq != nil {
		m += len(e.seq.children) + 1
	}
	if cap(e.ints) < m*n {
		e.ints = make([]int, m*n, m*n+m*n/8)
	}
	ints := e.ints[:m*n]
	take := func() []int {
		s := ints[:n:n]
		ints = ints[n:]
		return s
	}
	for _, s := range e.slots {
		s.raw, s.fl = take(), take()
	}
	e.mapLen = take()
	if e.seq != nil {
		for _, ch := range e.seq.children {
			ch.raw = take()
		}
		e.seqLen = take()
	}
}

// scratchPool holds the memory of Encoders that [EncodeAll] made and is
// done with, for the next.
var scratchPool sync.Pool

type scratch struct {
	arena []byte
	ints  []int
}

// takeScratch gives e memory from scratchPool, if there is some.
func (e *Encoder) takeScratch() {
	if s, ok := scratchPool.Get().(*scratch); ok {
		e.arena, e.ints = s.arena, s.ints
	}
}

// giveScratch puts e's memory into scratchPool; e must not be used again.
func (e *Encoder) giveScratch() {
	if e.arena != nil || e.ints != nil {
		scratchPool.Put(&scratch{arena: e.arena, ints: e.ints})
		e.arena, e.ints = nil, nil
	}
}
