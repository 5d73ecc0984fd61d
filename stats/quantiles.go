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
	exact  []float64 // exact mode: every value (kll == nil)
	levels [][]float64
	n      uint64 // values summarised
	coin   uint64
	kll    bool
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
	s.levels[0] = append(s.levels[0], o.levels[0]...)
	for h := 1; h < len(o.levels); h++ {
		s.levels[h] = mergeSorted(s.levels[h], o.levels[h])
	}
	s.compress()
}

func mergeSorted(a, b []float64) []float64 {
	if len(b) == 0 {
		return a
	}
	out := make([]float64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

func (s *sketch) capacity(h int) int {
	depth := len(s.levels) - 1 - h
	c := int(math.Ceil(float64(kllK) * math.Pow(2.0/3.0, float64(depth))))
	return max(c, 2)
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
	for h := range s.levels {
		n += s.capacity(h)
	}
	return n
}

// compress compacts the lowest over-full level until the sketch fits.
func (s *sketch) compress() {
	for s.size() > s.totalCapacity() {
		for h := 0; h < len(s.levels); h++ {
			if len(s.levels[h]) < s.capacity(h) {
				continue
			}
			if h+1 == len(s.levels) {
				s.levels = append(s.levels, nil)
			}
			lvl := s.levels[h]
			if h == 0 {
				slices.Sort(lvl)
			}
			var keep []float64
			if len(lvl)%2 == 1 { // the odd one out stays
				keep = append(keep, lvl[len(lvl)-1])
				lvl = lvl[:len(lvl)-1]
			}
			off := int(s.coin & 1)
			s.coin++
			half := make([]float64, 0, len(lvl)/2)
			for i := off; i < len(lvl); i += 2 {
				half = append(half, lvl[i])
			}
			s.levels[h+1] = mergeSorted(s.levels[h+1], half)
			s.levels[h] = append(lvl[:0], keep...)
			break
		}
	}
}

// weighted is a sorted sample of the values, each standing for weight
// values.
type weighted struct {
	vals    []float64
	weights []float64
	total   float64
}

func (s *sketch) sorted() weighted {
	var w weighted
	if !s.kll {
		w.vals = slices.Clone(s.exact)
		slices.Sort(w.vals)
		w.weights = make([]float64, len(w.vals))
		for i := range w.weights {
			w.weights[i] = 1
		}
		w.total = float64(len(w.vals))
		return w
	}
	type item struct{ v, w float64 }
	var items []item
	for h, l := range s.levels {
		wt := math.Ldexp(1, h)
		for _, v := range l {
			items = append(items, item{v, wt})
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	for _, it := range items {
		w.vals = append(w.vals, it.v)
		w.weights = append(w.weights, it.w)
		w.total += it.w
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
