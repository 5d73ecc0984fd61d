package stats

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/float16"
)

// span is a half-open range of array indices whose entries belong to
// present parents.
type span struct{ lo, hi int }

func appendSpan(s []span, lo, hi int) []span {
	if lo >= hi {
		return s
	}
	if n := len(s); n > 0 && s[n-1].hi == lo {
		s[n-1].hi = hi
		return s
	}
	return append(s, span{lo, hi})
}

func isListType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.LIST_VIEW, arrow.LARGE_LIST_VIEW:
		return true
	}
	return false
}

func elemType(t arrow.DataType) arrow.DataType {
	return t.(arrow.ListLikeType).Elem()
}

// shape returns the number of presence levels of a column type (list
// nesting, or 1 for a plain or struct column), its leaf type and whether
// the depth is exact (false when the leaves are nulls, which may stand
// for deeper lists).
func shape(t arrow.DataType) (depth int, leaf arrow.DataType, exact bool) {
	if t.ID() == arrow.NULL {
		return 0, t, false
	}
	if !isListType(t) {
		return 1, t, true
	}
	for isListType(t) {
		depth++
		t = elemType(t)
	}
	return depth, t, t.ID() != arrow.NULL
}

func kindOf(t arrow.DataType) (kind, error) {
	switch t.ID() {
	case arrow.NULL:
		return kindUnknown, nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.BOOL:
		return kindInt, nil
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return kindFloat, nil
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING,
		arrow.BINARY_VIEW, arrow.STRING_VIEW, arrow.FIXED_SIZE_BINARY:
		return kindString, nil
	case arrow.STRUCT:
		return kindStruct, nil
	}
	return 0, fmt.Errorf("%w: %s", ErrUnsupportedType, t)
}

// addArray adds the entries of arr within spans (those of present
// parents) to the feature at path.
func (a *Accumulator) addArray(path []string, arr arrow.Array, spans []span) error {
	f := a.feature(path)
	depth, leaf, exact := shape(arr.DataType())
	k, err := kindOf(leaf)
	if err != nil {
		return err
	}
	switch {
	case k == kindUnknown:
	case f.kind == kindUnknown:
		f.kind = k
	case f.kind != k:
		return fmt.Errorf("%w: %v and %v", ErrTypeConflict, f.kind, k)
	}
	if depth == 0 {
		return nil // a null column: every row missing
	}
	if err := f.mergeDepth(depth, exact); err != nil {
		return err
	}

	cur := arr
	if !isListType(cur.DataType()) {
		// A plain or struct column: one value per present row.
		var valid []span
		counts := a.scratch[:0]
		for _, s := range spans {
			for i := s.lo; i < s.hi; i++ {
				if cur.IsValid(i) {
					f.levels[0].addCount(1)
					counts = append(counts, 1)
					valid = appendSpan(valid, i, i+1)
				}
			}
		}
		f.addValency(counts)
		a.scratch = counts[:0]
		spans = valid
	} else {
		for lvl := 0; isListType(cur.DataType()); lvl++ {
			spans = a.addLevel(f, lvl, cur.(array.ListLike), spans)
			cur = cur.(array.ListLike).ListValues()
		}
	}
	return a.addLeaves(f, cur, spans)
}

// addLevel records the valency of the valid lists of arr within spans and
// returns the spans of their values.
func (a *Accumulator) addLevel(f *feature, lvl int, arr array.ListLike, spans []span) []span {
	var out []span
	var b level
	var small [64]uint64 // valencies below 64, counted here first
	var bitmap []byte
	if arr.NullN() > 0 {
		bitmap = arr.NullBitmapBytes()
	}
	dataOff := arr.Data().Offset()
	visit := func(lo, hi int64) {
		c := uint64(hi - lo)
		if b.nonMissing == 0 || c < b.min {
			b.min = c
		}
		b.max = max(b.max, c)
		b.nonMissing++
		b.tot += c
		if lvl == 0 {
			if c < uint64(len(small)) {
				small[c]++
			} else {
				if f.valency == nil {
					f.valency = map[uint64]uint64{}
				}
				f.valency[c]++
			}
		}
		if lo < hi {
			if n := len(out); n > 0 && out[n-1].hi == int(lo) {
				out[n-1].hi = int(hi)
			} else {
				out = append(out, span{int(lo), int(hi)})
			}
		}
	}
	if ll, ok := arr.(*array.LargeList); ok {
		offs := ll.Offsets()[dataOff:]
		for _, s := range spans {
			for i := s.lo; i < s.hi; i++ {
				if bitmap != nil && !bitutil.BitIsSet(bitmap, dataOff+i) {
					continue
				}
				visit(offs[i], offs[i+1])
			}
		}
	} else {
		for _, s := range spans {
			for i := s.lo; i < s.hi; i++ {
				if bitmap != nil && !bitutil.BitIsSet(bitmap, dataOff+i) {
					continue
				}
				visit(arr.ValueOffsets(i))
			}
		}
	}
	f.levels[lvl].merge(&b)
	for c, n := range small {
		if n > 0 {
			if f.valency == nil {
				f.valency = map[uint64]uint64{}
			}
			f.valency[uint64(c)] += n
		}
	}
	return out
}

// addLeaves adds the values of arr within spans.
func (a *Accumulator) addLeaves(f *feature, arr arrow.Array, spans []span) error {
	nulls := arr.NullN() > 0
	valid := func(i int) bool { return !nulls || arr.IsValid(i) }
	vs := a.scratch[:0]
	defer func() { a.scratch = vs[:0] }()
	gather := func(get func(i int) float64) {
		for _, s := range spans {
			for i := s.lo; i < s.hi; i++ {
				if valid(i) {
					vs = append(vs, get(i))
				}
			}
		}
		if len(vs) > 0 {
			f.num.addValues(vs)
		}
	}
	switch arr := arr.(type) {
	case *array.Null:
		return nil
	case *array.Int64:
		v := arr.Int64Values()
		if !nulls && len(spans) == 1 {
			for _, x := range v[spans[0].lo:spans[0].hi] {
				vs = append(vs, float64(x))
			}
			if len(vs) > 0 {
				f.num.addValues(vs)
			}
			return nil
		}
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Float32:
		v := arr.Float32Values()
		if !nulls && len(spans) == 1 {
			for _, x := range v[spans[0].lo:spans[0].hi] {
				vs = append(vs, float64(x))
			}
			if len(vs) > 0 {
				f.num.addValues(vs)
			}
			return nil
		}
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Float64:
		v := arr.Float64Values()
		gather(func(i int) float64 { return v[i] })
	case *array.Float16:
		v := arr.Values()
		gather(func(i int) float64 { return float64(float16.Num.Float32(v[i])) })
	case *array.Int32:
		v := arr.Int32Values()
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Int16:
		v := arr.Int16Values()
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Int8:
		v := arr.Int8Values()
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Uint64:
		v := arr.Uint64Values()
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Uint32:
		v := arr.Uint32Values()
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Uint16:
		v := arr.Uint16Values()
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Uint8:
		v := arr.Uint8Values()
		gather(func(i int) float64 { return float64(v[i]) })
	case *array.Boolean:
		gather(func(i int) float64 {
			if arr.Value(i) {
				return 1
			}
			return 0
		})
	case *array.Struct:
		return a.addStruct(f, arr, spans)
	default:
		get, ok := bytesGetter(arr)
		if !ok {
			return fmt.Errorf("%w: %s", ErrUnsupportedType, arr.DataType())
		}
		for _, s := range spans {
			for i := s.lo; i < s.hi; i++ {
				if valid(i) {
					f.str.add(get(i))
				}
			}
		}
	}
	return nil
}

func bytesGetter(arr arrow.Array) (func(i int) []byte, bool) {
	switch a := arr.(type) {
	case *array.LargeBinary:
		return a.Value, true
	case *array.Binary:
		return a.Value, true
	case *array.String:
		return func(i int) []byte { return []byte(a.Value(i)) }, true
	case *array.LargeString:
		return func(i int) []byte { return []byte(a.Value(i)) }, true
	case *array.BinaryView:
		return a.Value, true
	case *array.StringView:
		return func(i int) []byte { return []byte(a.Value(i)) }, true
	case *array.FixedSizeBinary:
		return a.Value, true
	}
	return nil, false
}

// addStruct adds the fields of the valid struct entries within spans as
// child features.
func (a *Accumulator) addStruct(f *feature, arr *array.Struct, spans []span) error {
	var valid []span
	nulls := arr.NullN() > 0
	for _, s := range spans {
		if !nulls {
			valid = appendSpan(valid, s.lo, s.hi)
			continue
		}
		for i := s.lo; i < s.hi; i++ {
			if arr.IsValid(i) {
				valid = appendSpan(valid, i, i+1)
			}
		}
	}
	st := arr.DataType().(*arrow.StructType)
	for j := range st.NumFields() {
		child := append(append([]string(nil), f.path...), st.Field(j).Name)
		if err := a.addArray(child, arr.Field(j), valid); err != nil {
			return fmt.Errorf("field %q: %w", st.Field(j).Name, err)
		}
	}
	return nil
}

// addValency counts the lengths of a batch's present lists (as floats in
// counts) into f.valency, a run of equal lengths at a time.
func (f *feature) addValency(counts []float64) {
	if len(counts) == 0 {
		return
	}
	if f.valency == nil {
		f.valency = map[uint64]uint64{}
	}
	run, n := counts[0], uint64(0)
	for _, c := range counts {
		if c != run {
			f.valency[uint64(run)] += n
			run, n = c, 0
		}
		n++
	}
	f.valency[uint64(run)] += n
}
