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
	numValues  sketch // valency at level 0
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

// addValues adds a batch of values (NaN included).
func (n *numeric) addValues(vs []float64) {
	var b numeric
	sum := 0.0
	clean := vs[:0] // NaNs dropped in place
	for _, v := range vs {
		if v != v {
			b.nan++
			continue
		}
		clean = append(clean, v)
		if v == 0 {
			b.zeros++
		}
		sum += v
	}
	b.count = uint64(len(clean))
	if b.count > 0 {
		b.min, b.max = clean[0], clean[0]
		for _, v := range clean {
			if v < b.min {
				b.min = v
			}
			if v > b.max {
				b.max = v
			}
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
		b.mean = sum / float64(b.count)
		for _, v := range clean {
			d := v - b.mean
			b.m2 += d * d
		}
		b.q.add(clean...)
	}
	n.merge(&b)
}

type strs struct {
	counts      map[string]uint64
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
	if s.counts == nil {
		s.counts = map[string]uint64{}
	}
	n := uint64(len(v))
	if s.values == 0 || n < s.minBytes {
		s.minBytes = n
	}
	s.maxBytes = max(s.maxBytes, n)
	s.values++
	s.totalBytes += n
	if !utf8.Valid(v) {
		s.invalidUTF8++
		s.counts[bytesValue]++
		return
	}
	s.counts[string(v)]++
}

func (s *strs) merge(o *strs) {
	if o.values == 0 {
		return
	}
	if s.counts == nil {
		s.counts = make(map[string]uint64, len(o.counts))
	}
	for k, c := range o.counts {
		s.counts[k] += c
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
	part := NewAccumulator(Options{})
	part.opts, part.bytesFeats = a.opts, a.bytesFeats
	part.scratch = a.scratch
	n := int(b.NumRows())
	all := []span{{0, n}}
	for i, col := range b.Columns() {
		name := b.Schema().Field(i).Name
		if err := part.addArray([]string{name}, col, all); err != nil {
			a.scratch = part.scratch
			return fmt.Errorf("stats: column %q: %w", name, err)
		}
	}
	part.numExamples = uint64(n)
	a.scratch, part.scratch = part.scratch, nil
	a.Merge(part)
	return a.err
}

// Merge adds the statistics of other (which must have the same Options)
// to a. other is left unchanged, though it shares memory with a and must
// not be used afterwards. A conflict (a feature typed or nested
// differently) is kept in [Accumulator.Err].
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
	f.numValues.merge(&o.numValues)
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
