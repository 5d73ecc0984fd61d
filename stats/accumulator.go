package stats

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// An Accumulator holds the partial statistics of the record batches added
// to it. Accumulators of disjoint parts of a dataset merge into the
// statistics of the whole ([Accumulator.Merge]), so batches can be
// summarised on many goroutines (as [Compute] does) or many machines.
//
// An Accumulator is not safe for concurrent use.
type Accumulator struct {
	opts        Options
	bytesFeats  map[string]bool
	numExamples uint64
	feats       map[string]*feature
	err         error

	scratch []float64 // reused per column
}

// NewAccumulator returns an empty Accumulator.
func NewAccumulator(opts Options) *Accumulator {
	opts = opts.normalized()
	return &Accumulator{opts: opts, bytesFeats: opts.bytesFeatures(), feats: map[string]*feature{}}
}

// kind is a feature's value type as TFDV infers it from Arrow types.
type kind int8

const (
	kindUnknown kind = iota // only nulls seen
	kindInt
	kindFloat
	kindString
	kindStruct
)

func (k kind) String() string {
	return [...]string{"unknown", "INT", "FLOAT", "STRING", "STRUCT"}[k]
}

// level holds presence and valency statistics at one nesting level.
type level struct {
	nonMissing uint64
	tot        uint64
	min, max   uint64 // valid when nonMissing > 0
}

func (l *level) merge(o *level) {
	if o.nonMissing == 0 {
		l.tot += o.tot
		return
	}
	if l.nonMissing == 0 || o.min < l.min {
		l.min = o.min
	}
	l.max = max(l.max, o.max)
	l.nonMissing += o.nonMissing
	l.tot += o.tot
}

func (l *level) addCount(c uint64) {
	if l.nonMissing == 0 || c < l.min {
		l.min = c
	}
	l.max = max(l.max, c)
	l.nonMissing++
	l.tot += c
}

// feature holds the partial statistics of one feature (a column, or a
// child of a struct column).
type feature struct {
	path   []string
	kind   kind
	levels []level // nil until a typed value is seen
	// exactDepth is false while the depth is a lower bound (the leaves
	// seen so far were nulls, as in large_list<null>).
	exactDepth bool
	valency    map[uint64]uint64 // number of present lists (level 0) by length
	num        numeric
	str        strs
	isBytes    bool
}

type numeric struct {
	count      uint64 // values other than NaN
	nan        uint64
	zeros      uint64
	min, max   float64 // over non-NaN values
	fmin, fmax float64 // over finite values
	finite     uint64
	mean, m2   float64
	q          sketch
}

func (n *numeric) merge(o *numeric) {
	n.nan += o.nan
	n.zeros += o.zeros
	if o.count == 0 {
		return
	}
	if n.count == 0 {
		n.min, n.max = o.min, o.max
	} else {
		n.min, n.max = math.Min(n.min, o.min), math.Max(n.max, o.max)
	}
	if o.finite > 0 {
		if n.finite == 0 {
			n.fmin, n.fmax = o.fmin, o.fmax
		} else {
			n.fmin, n.fmax = math.Min(n.fmin, o.fmin), math.Max(n.fmax, o.fmax)
		}
		n.finite += o.finite
	}
	// Chan et al.'s parallel variance.
	na, nb := float64(n.count), float64(o.count)
	tot := na + nb
	delta := o.mean - n.mean
	n.mean += delta * nb / tot
	n.m2 += o.m2 + delta*delta*na*nb/tot
	n.count += o.count
	n.q.merge(&o.q)
}

// addValues adds a batch of values (NaN included). vs is reused.
//
// One pass sums the values shifted by the first one (and their squares),
// which keeps the variance exact to float64 rounding for values far from
// 0 in a narrow range (census tracts, timestamps); batches then merge by
// Chan's formula.
func (n *numeric) addValues(vs []float64) {
	var b numeric
	shift := 0.0
	for _, v := range vs {
		if v == v && !math.IsInf(v, 0) {
			shift = v
			break
		}
	}
	var sum, sq float64
	b.min, b.max = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if v != v {
			b.nan++
			continue
		}
		if v == 0 {
			b.zeros++
		}
		d := v - shift
		sum += d
		sq += d * d
		// Plain comparisons: the min and max builtins order NaN and
		// signed zeros, which costs several times more.
		if v < b.min {
			b.min = v
		}
		if v > b.max {
			b.max = v
		}
	}
	clean := vs
	if b.nan > 0 {
		clean = vs[:0]
		for _, v := range vs {
			if v == v {
				clean = append(clean, v)
			}
		}
	}
	b.count = uint64(len(clean))
	if c := float64(b.count); b.count > 0 && !math.IsInf(b.min, 0) && !math.IsInf(b.max, 0) {
		b.fmin, b.fmax, b.finite = b.min, b.max, b.count
		b.mean = shift + sum/c
		b.m2 = max(sq-sum*sum/c, 0)
	} else if b.count > 0 {
		// Infinities: the mean and variance are infinite or NaN, as
		// TFDV's are; the finite range is still of use.
		var total float64
		for _, v := range clean {
			total += v
			if !math.IsInf(v, 0) {
				if b.finite == 0 || v < b.fmin {
					b.fmin = v
				}
				if b.finite == 0 || v > b.fmax {
					b.fmax = v
				}
				b.finite++
			}
		}
		b.mean = total / c
		for _, v := range clean {
			d := v - b.mean
			b.m2 += d * d
		}
	}
	n.merge(&b)
	n.q.add(clean...)
}

type strs struct {
	counts      valueCounts
	totalBytes  uint64
	invalidUTF8 uint64
	minBytes    uint64
	maxBytes    uint64
	values      uint64
}

// bytesValue stands for any value that is not valid UTF-8 in top_values
// and rank_histogram, as TFDV writes it.
const bytesValue = "__BYTES_VALUE__"

func (s *strs) add(v []byte) {
	n := uint64(len(v))
	if s.values == 0 || n < s.minBytes {
		s.minBytes = n
	}
	s.maxBytes = max(s.maxBytes, n)
	s.values++
	s.totalBytes += n
	if !utf8.Valid(v) {
		s.invalidUTF8++
		s.counts.addString(bytesValue, 1)
		return
	}
	s.counts.inc(v)
}

// valueCounts counts distinct strings. Looking up a []byte as
// m[string(b)] does not allocate; only a new value's key does.
type valueCounts struct {
	idx map[string]int
	n   []uint64
}

func (c *valueCounts) inc(v []byte) {
	if i, ok := c.idx[string(v)]; ok {
		c.n[i]++
		return
	}
	c.addString(string(v), 1)
}

func (c *valueCounts) addString(v string, n uint64) {
	if i, ok := c.idx[v]; ok {
		c.n[i] += n
		return
	}
	if c.idx == nil {
		c.idx = map[string]int{}
	}
	c.idx[v] = len(c.n)
	c.n = append(c.n, n)
}

func (c *valueCounts) len() int { return len(c.n) }

func (s *strs) merge(o *strs) {
	if o.values == 0 {
		return
	}
	for k, i := range o.counts.idx {
		s.counts.addString(k, o.counts.n[i])
	}
	if s.values == 0 || o.minBytes < s.minBytes {
		s.minBytes = o.minBytes
	}
	s.maxBytes = max(s.maxBytes, o.maxBytes)
	s.values += o.values
	s.totalBytes += o.totalBytes
	s.invalidUTF8 += o.invalidUTF8
}

func pathKey(path []string) string { return strings.Join(path, "\x00") }

func (a *Accumulator) feature(path []string) *feature {
	k := pathKey(path)
	f := a.feats[k]
	if f == nil {
		f = &feature{path: append([]string(nil), path...)}
		f.isBytes = len(path) == 1 && a.bytesFeats[path[0]]
		a.feats[k] = f
	}
	return f
}

// Err returns the first error a [Accumulator.Merge] met (a feature typed
// or nested differently in the two accumulators). Add returns it too.
func (a *Accumulator) Err() error { return a.err }

// NumExamples returns the number of rows added so far.
func (a *Accumulator) NumExamples() uint64 { return a.numExamples }

// Add adds the rows of a record batch. Columns are features: lists (of
// any depth) of integers, floats, strings or binaries, as tfx-bsl decodes
// them, plain columns of those types (one value per non-null row), null
// columns (every row missing) and structs, whose fields are features of
// their own (the SequenceExample ##SEQUENCE## column). On error nothing of
// the batch is added.
func (a *Accumulator) Add(b arrow.RecordBatch) error {
	if a.err != nil {
		return a.err
	}
	// Check every column against what the accumulator holds first, so
	// that a batch that fails adds nothing.
	seen := map[string]shapeOf{}
	for i, col := range b.Columns() {
		name := b.Schema().Field(i).Name
		if err := a.check([]string{name}, col.DataType(), seen); err != nil {
			return fmt.Errorf("stats: column %q: %w", name, err)
		}
	}
	n := int(b.NumRows())
	all := []span{{0, n}}
	for i, col := range b.Columns() {
		name := b.Schema().Field(i).Name
		if err := a.addArray([]string{name}, col, all); err != nil {
			// Not reached: check found every condition addArray fails on.
			a.err = fmt.Errorf("stats: column %q: %w", name, err)
			return a.err
		}
	}
	a.numExamples += uint64(n)
	return nil
}

// shapeOf is a feature's kind and depth, as check tracks them.
type shapeOf struct {
	kind  kind
	depth int
	exact bool
}

// check reports whether a column of type t can be added at path, given
// the features a holds and the columns of the batch already checked.
func (a *Accumulator) check(path []string, t arrow.DataType, seen map[string]shapeOf) error {
	depth, leaf, exact := shape(t)
	k, err := kindOf(leaf)
	if err != nil {
		return err
	}
	key := pathKey(path)
	cur, ok := seen[key]
	if !ok {
		if f := a.feats[key]; f != nil {
			cur = shapeOf{f.kind, len(f.levels), f.exactDepth}
		}
	}
	switch {
	case k == kindUnknown:
	case cur.kind == kindUnknown:
		cur.kind = k
	case cur.kind != k:
		return fmt.Errorf("%w: %v and %v", ErrTypeConflict, cur.kind, k)
	}
	tmp := feature{levels: make([]level, cur.depth), exactDepth: cur.exact}
	if err := tmp.mergeDepth(depth, exact); err != nil {
		return err
	}
	cur.depth, cur.exact = len(tmp.levels), tmp.exactDepth
	seen[key] = cur
	if st, ok := leaf.(*arrow.StructType); ok {
		for _, c := range st.Fields() {
			child := append(append([]string(nil), path...), c.Name)
			if err := a.check(child, c.Type, seen); err != nil {
				return fmt.Errorf("field %q: %w", c.Name, err)
			}
		}
	}
	return nil
}

// Merge adds the statistics of other (which must have the same Options)
// to a. a may take over other's memory, so other must not be used
// afterwards. A conflict (a feature typed or nested differently) is kept
// in [Accumulator.Err].
func (a *Accumulator) Merge(other *Accumulator) {
	if a.err != nil {
		return
	}
	if other.err != nil {
		a.err = other.err
		return
	}
	a.numExamples += other.numExamples
	for k, of := range other.feats {
		f := a.feats[k]
		if f == nil {
			a.feats[k] = of
			continue
		}
		if err := f.merge(of); err != nil {
			a.err = fmt.Errorf("stats: feature %q: %w", strings.Join(f.path, "."), err)
			return
		}
	}
}

func (f *feature) merge(o *feature) error {
	switch {
	case o.kind == kindUnknown:
	case f.kind == kindUnknown:
		f.kind = o.kind
	case f.kind != o.kind:
		return fmt.Errorf("%w: %v and %v", ErrTypeConflict, f.kind, o.kind)
	}
	if err := f.mergeDepth(len(o.levels), o.exactDepth); err != nil {
		return err
	}
	for i := range o.levels {
		f.levels[i].merge(&o.levels[i])
	}
	if f.valency == nil {
		f.valency = o.valency
	} else {
		for c, n := range o.valency {
			f.valency[c] += n
		}
	}
	f.num.merge(&o.num)
	f.str.merge(&o.str)
	return nil
}

// mergeDepth reconciles f's depth with a visit of depth d.
func (f *feature) mergeDepth(d int, exact bool) error {
	if d == 0 {
		return nil
	}
	switch {
	case len(f.levels) == 0:
		f.levels = make([]level, d)
		f.exactDepth = exact
	case d == len(f.levels):
		f.exactDepth = f.exactDepth || exact
	case d < len(f.levels):
		// f has lists this deep, so values at depth d are a conflict;
		// nulls at depth d (inexact) may stand for deeper lists.
		if exact {
			return fmt.Errorf("%w: %d and %d", ErrNestingConflict, len(f.levels), d)
		}
	default: // d > len(f.levels)
		if f.exactDepth {
			return fmt.Errorf("%w: %d and %d", ErrNestingConflict, len(f.levels), d)
		}
		f.levels = append(f.levels, make([]level, d-len(f.levels))...)
		f.exactDepth = exact
	}
	return nil
}
