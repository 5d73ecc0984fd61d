package stats

import (
	"math"
	"slices"
)

// Quantile sketch.
//
// A sketch keeps every value it is given (exact mode) until it holds more
// than exactCap of them; then it becomes a KLL sketch (Karnin, Lang and
// Liberty, "Optimal Quantile Approximation in Streams", 2016) of
// compactors with capacity kllK at the top level, shrinking by 2/3 per
// level below. Compaction keeps the even- or odd-indexed items of a sorted
// level alternately (a deterministic coin), so equal inputs added and
// merged in the same order give the same sketch.
//
// In KLL mode the rank of a value is off by at most about 1.7/kllK of the
// count (0.2%) with high probability; in exact mode, quantiles are exact.

const (
	exactCap = 1 << 14 // values kept exactly before switching to KLL
	kllK     = 1024
)

type sketch struct {
	exact  []float64 // exact mode: every value (kll == false)
	levels [][]float64
	caps   []int  // capacity per level, for the current height
	n      uint64 // values summarised
	coin   uint64
	kll    bool
	tmp    []float64 // compaction scratch
	keys   []uint64  // sorting scratch
	diff   uint64    // bits the last sorted run differed in
}

// add adds values (NaN must be filtered by the caller).
func (s *sketch) add(vs ...float64) {
	s.n += uint64(len(vs))
	if !s.kll {
		if len(s.exact)+len(vs) <= exactCap {
			s.exact = append(s.exact, vs...)
			return
		}
		s.toKLL()
	}
	s.levels[0] = append(s.levels[0], vs...)
	s.compress()
}

func (s *sketch) toKLL() {
	s.kll = true
	s.levels = [][]float64{s.exact}
	s.exact = nil
	s.setCaps()
	s.compress()
}

// merge adds o's values to s. o is not changed.
func (s *sketch) merge(o *sketch) {
	if o == nil || o.n == 0 {
		return
	}
	if !s.kll && !o.kll && len(s.exact)+len(o.exact) <= exactCap {
		s.exact = append(s.exact, o.exact...)
		s.n += o.n
		return
	}
	if !s.kll {
		s.toKLL()
	}
	s.n += o.n
	if !o.kll {
		s.levels[0] = append(s.levels[0], o.exact...)
		s.compress()
		return
	}
	for len(s.levels) < len(o.levels) {
		s.levels = append(s.levels, nil)
	}
	s.setCaps()
	s.levels[0] = append(s.levels[0], o.levels[0]...)
	for h := 1; h < len(o.levels); h++ {
		s.tmp = mergeSorted(s.tmp[:0], s.levels[h], o.levels[h])
		s.levels[h], s.tmp = s.tmp, s.levels[h]
	}
	s.compress()
}

// mergeSorted appends the merge of the sorted a and b to dst.
func mergeSorted(dst, a, b []float64) []float64 {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			dst = append(dst, a[i])
			i++
		} else {
			dst = append(dst, b[j])
			j++
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
}

// setCaps computes the level capacities for the current height: kllK at
// the top, 2/3 of the level above below it, at least 8.
func (s *sketch) setCaps() {
	s.caps = s.caps[:0]
	for h := range s.levels {
		depth := len(s.levels) - 1 - h
		s.caps = append(s.caps, max(int(math.Ceil(float64(kllK)*math.Pow(2.0/3.0, float64(depth)))), 8))
	}
}

func (s *sketch) size() int {
	n := 0
	for _, l := range s.levels {
		n += len(l)
	}
	return n
}

func (s *sketch) totalCapacity() int {
	n := 0
	for _, c := range s.caps {
		n += c
	}
	return n
}

// compress compacts the lowest over-full level until the sketch fits.
func (s *sketch) compress() {
	for s.size() > s.totalCapacity() {
		for h := 0; h < len(s.levels); h++ {
			if len(s.levels[h]) < s.caps[h] {
				continue
			}
			if h+1 == len(s.levels) {
				s.levels = append(s.levels, nil)
				s.setCaps()
			}
			s.compact(h)
			break
		}
	}
}

// compact halves level h into level h+1: of its sorted items it keeps
// every other one, starting at the first or the second by turns; an odd
// item out stays.
func (s *sketch) compact(h int) {
	lvl := s.levels[h]
	if h == 0 {
		s.keys, s.diff = sortFloats(lvl, s.keys, s.diff)
		// A batch makes level 0 far larger than its capacity: halve the
		// sorted run in place while it would still overflow the level it
		// goes to, rather than merging it into every level on the way.
		j := 0
		var odd0 []float64 // level 0's odd item out, kept apart: lvl aliases level 0
		for len(lvl) > 2*s.caps[min(j+1, len(s.caps)-1)] && j+2 < len(s.levels) {
			if len(lvl)%2 == 1 { // the odd item out stays at level j
				last := lvl[len(lvl)-1]
				lvl = lvl[:len(lvl)-1]
				if j == 0 {
					odd0 = []float64{last}
				} else {
					s.tmp = mergeSorted(s.tmp[:0], s.levels[j], []float64{last})
					s.levels[j], s.tmp = s.tmp, s.levels[j]
				}
			}
			off := int(s.coin & 1)
			s.coin++
			half := lvl[:0]
			for i := off; i < len(lvl); i += 2 {
				half = append(half, lvl[i])
			}
			lvl = half
			j++
		}
		if j > 0 {
			s.tmp = mergeSorted(s.tmp[:0], s.levels[j], lvl)
			s.levels[j], s.tmp = s.tmp, s.levels[j]
			s.levels[0] = append(s.levels[0][:0], odd0...)
			return
		}
	}
	odd := len(lvl)%2 == 1
	var last float64
	if odd {
		last = lvl[len(lvl)-1]
		lvl = lvl[:len(lvl)-1]
	}
	off := int(s.coin & 1)
	s.coin++
	half := lvl[:0] // in place: index i/2 <= i
	for i := off; i < len(lvl); i += 2 {
		half = append(half, lvl[i])
	}
	s.tmp = mergeSorted(s.tmp[:0], s.levels[h+1], half)
	s.levels[h+1], s.tmp = s.tmp, s.levels[h+1]
	s.levels[h] = lvl[:0]
	if odd {
		s.levels[h] = append(s.levels[h], last)
	}
}

// weighted is a sorted sample of the values, each standing for weight
// values.
type weighted struct {
	vals    []float64
	weights []float64 // nil: every value weighs 1
	total   float64
}

func (w *weighted) weight(i int) float64 {
	if w.weights == nil {
		return 1
	}
	return w.weights[i]
}

func (s *sketch) sorted() weighted {
	var w weighted
	if !s.kll {
		// Unit weights: weights stays nil. The bag of exact values is
		// sorted in place (its order does not matter) and read directly.
		s.keys, _ = sortFloats(s.exact, s.keys, 0)
		w.vals = s.exact
		w.total = float64(len(w.vals))
		return w
	}
	// Merge the sorted levels, lowest first, each item weighing 2^level.
	for h, l := range s.levels {
		lv := slices.Clone(l)
		if h == 0 {
			s.keys, _ = sortFloats(lv, s.keys, 0)
		}
		wt := math.Ldexp(1, h)
		vals := make([]float64, 0, len(w.vals)+len(lv))
		weights := make([]float64, 0, cap(vals))
		i, j := 0, 0
		for i < len(w.vals) || j < len(lv) {
			if j == len(lv) || (i < len(w.vals) && w.vals[i] <= lv[j]) {
				vals, weights = append(vals, w.vals[i]), append(weights, w.weight(i))
				i++
			} else {
				vals, weights = append(vals, lv[j]), append(weights, wt)
				j++
			}
		}
		w.vals, w.weights = vals, weights
		w.total += wt * float64(len(lv))
	}
	return w
}

// quantile returns the value at rank floor(q*total) (0-based) of the
// weighted sample: the smallest value whose cumulative weight exceeds
// q*total. That is the rank TFDV's quantiles take (q=0 gives the minimum,
// q=1 the maximum); a median of an even count is the upper middle value.
func (w *weighted) quantile(q float64) float64 {
	return w.atRank(q * w.total)
}

func (w *weighted) atRank(target float64) float64 {
	if len(w.vals) == 0 {
		return 0
	}
	if w.weights == nil { // unit weights: the item at index floor(target)
		return w.vals[min(int(target), len(w.vals)-1)]
	}
	cum := 0.0
	for i, wt := range w.weights {
		cum += wt
		if cum > target {
			return w.vals[i]
		}
	}
	return w.vals[len(w.vals)-1]
}

// quantiles returns the n+1 boundaries of n equal-count buckets.
func (w *weighted) quantiles(n int) []float64 {
	out := make([]float64, n+1)
	for i := range out {
		out[i] = w.atRank(float64(i) * w.total / float64(n))
	}
	return out
}

// sortFloats sorts NaN-free values: an LSD radix sort on their bits (in
// an order-preserving encoding), 8 bits a pass, over only the bytes in
// which the values differ (float32 values widened to float64 share their
// low three bytes; values in a narrow range share their high bytes). It
// is several times faster than a comparison sort on the ~1000-value
// chunks the sketch sorts. keys is scratch space, returned for reuse;
// guess is the mask of differing bits of the previous call for the same
// feature, whose bytes are counted while encoding (saving a pass each),
// and the mask of this call is returned for the next.
func sortFloats(vs []float64, keys []uint64, guess uint64) ([]uint64, uint64) {
	if len(vs) < 128 {
		slices.Sort(vs)
		return keys, guess
	}
	n := len(vs)
	keys = slices.Grow(keys[:0], 2*n)[:2*n]
	src, dst := keys[:n], keys[n:]
	var hist [8][256]uint32
	var counted [8]bool
	var shifts [8]uint
	ng := 0
	for d := range 8 {
		if byte(guess>>(8*d)) != 0 {
			shifts[ng] = uint(8 * d)
			counted[d] = true
			ng++
		}
	}
	and, or := ^uint64(0), uint64(0)
	for i, v := range vs {
		k := math.Float64bits(v)
		k ^= uint64(int64(k)>>63) | 1<<63 // negative: flip all; else the sign bit
		src[i] = k
		and &= k
		or |= k
		for _, sh := range shifts[:ng] {
			hist[sh/8][byte(k>>sh)]++
		}
	}
	diff := and ^ or
	for d := range 8 {
		shift := uint(8 * d)
		if byte(diff>>shift) == 0 {
			continue // every value has this byte
		}
		h := &hist[d]
		if !counted[d] {
			for _, k := range src {
				h[byte(k>>shift)]++
			}
		}
		var sum uint32
		for b, c := range h {
			h[b] = sum
			sum += c
		}
		for _, k := range src {
			b := byte(k >> shift)
			dst[h[b]] = k
			h[b]++
		}
		src, dst = dst, src
	}
	for i, k := range src {
		k ^= uint64(int64(^k)>>63) | 1<<63 // undo: the sign bit set means it was positive
		vs[i] = math.Float64frombits(k)
	}
	return keys, diff
}
