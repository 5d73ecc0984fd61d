package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSketchExact(t *testing.T) {
	var s sketch
	vals := []float64{5, 1, 4, 2, 3, 3}
	s.add(vals...)
	w := s.sorted()
	for _, tt := range []struct {
		q    float64
		want float64
	}{{0, 1}, {0.1, 1}, {0.5, 3}, {0.9, 5}, {1, 5}} {
		if got := w.quantile(tt.q); got != tt.want {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if s.kll {
		t.Error("six values switched the sketch to KLL")
	}
}

// TestSketchKLLAccuracy checks the rank error of a KLL sketch, built by
// adding and by merging, on a million shuffled values.
func TestSketchKLLAccuracy(t *testing.T) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = float64(i)
	}
	r.Shuffle(n, func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })

	var added sketch
	for i := 0; i < n; i += 1000 {
		added.add(vals[i : i+1000]...)
	}
	var merged sketch
	for i := 0; i < n; i += n / 8 {
		var part sketch
		for j := i; j < i+n/8; j += 777 {
			part.add(vals[j:min(j+777, i+n/8)]...)
		}
		merged.merge(&part)
	}
	for name, s := range map[string]*sketch{"added": &added, "merged": &merged} {
		if !s.kll || s.n != n {
			t.Fatalf("%s: kll=%v n=%d", name, s.kll, s.n)
		}
		if size := s.size(); size > 4*kllK {
			t.Errorf("%s: keeps %d values", name, size)
		}
		w := s.sorted()
		if w.total != n {
			t.Errorf("%s: total weight %v, want %d", name, w.total, n)
		}
		for q := 0.05; q < 1; q += 0.05 {
			got := w.quantile(q)
			// The value is its own rank; TFDV's rank for q is floor(q*n).
			if err := math.Abs(got-math.Floor(q*n)) / n; err > 0.005 {
				t.Errorf("%s: quantile(%.2f) = %v, rank error %.4f", name, q, got, err)
			}
		}
	}
}

func TestSketchDeterministic(t *testing.T) {
	build := func() []float64 {
		r := rand.New(rand.NewPCG(3, 4))
		var s sketch
		for range 100 {
			vs := make([]float64, 1000)
			for i := range vs {
				vs[i] = r.NormFloat64()
			}
			s.add(vs...)
		}
		w := s.sorted()
		return w.quantiles(10)
	}
	if a, b := build(), build(); !slices.Equal(a, b) {
		t.Errorf("same input, different quantiles:\n%v\n%v", a, b)
	}
}

func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 127, 128, 1000, 5000} {
		vs := make([]float64, n)
		for i := range vs {
			switch i % 7 {
			case 0:
				vs[i] = -r.ExpFloat64() * 1e10
			case 1:
				vs[i] = math.Inf(1)
			case 2:
				vs[i] = math.Copysign(0, -1)
			case 3:
				vs[i] = math.Inf(-1)
			default:
				vs[i] = r.NormFloat64()
			}
		}
		want := slices.Clone(vs)
		slices.Sort(want)
		for _, guess := range []uint64{0, ^uint64(0), 0xff00ff} {
			got := slices.Clone(vs)
			sortFloats(got, nil, guess)
			if !slices.EqualFunc(got, want, func(a, b float64) bool { return a == b }) {
				t.Errorf("n=%d guess=%x: not sorted", n, guess)
			}
		}
	}
}
