package pqwrite

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

type stepKind uint8

const (
	stepLeaf stepKind = iota
	stepStruct
	stepList
	stepLargeList
)

// A step is one field on the path from a top-level column to a leaf.
type step struct {
	kind     stepKind
	nullable bool
	name     string
	child    int   // stepStruct: the child on the way to the leaf
	repLevel int16 // lists: repetition level of a list's elements after its first
	last     bool  // the innermost list: its visited children are the values
	null     bool  // stepLeaf of type null: every value is null
}

// A leaf is one Parquet column: the path to it and, per batch, its levels.
type leaf struct {
	col      int
	steps    []step
	repeated bool
	maxDef   int16
	ctx      context.Context

	def, rep []int16
	// lo, hi: the children of the innermost list that the levels cover;
	// gap is set when they are not one range (a null list that is not
	// empty).
	lo, hi  int64
	visited bool
	gap     bool
	bad     *step // a field that is not nullable, with a null the levels reach
}

// planLeaves returns the leaves of schema in Parquet column order, or false
// when a field has a type whose levels this package does not compute.
func planLeaves(schema *arrow.Schema) ([]*leaf, bool) {
	var leaves []*leaf
	for i, f := range schema.Fields() {
		if !plan(f, i, nil, 0, 0, &leaves) {
			return nil, false
		}
	}
	return leaves, true
}

func plan(f arrow.Field, col int, steps []step, def, rep int16, out *[]*leaf) bool {
	if f.Nullable {
		def++
	}
	st := step{nullable: f.Nullable, name: f.Name}
	path := func() []step { return append(append([]step(nil), steps...), st) }
	switch dt := f.Type.(type) {
	case *arrow.StructType:
		if dt.NumFields() == 0 {
			return false
		}
		st.kind = stepStruct
		for i := range dt.NumFields() {
			st.child = i
			if !plan(dt.Field(i), col, path(), def, rep, out) {
				return false
			}
		}
		return true
	case *arrow.ListType, *arrow.LargeListType:
		st.kind = stepList
		if _, ok := dt.(*arrow.LargeListType); ok {
			st.kind = stepLargeList
		}
		st.repLevel = rep + 1
		return plan(dt.(arrow.ListLikeType).ElemField(), col, path(), def+1, rep+1, out)
	}
	switch f.Type.ID() {
	case arrow.NULL:
		if !f.Nullable {
			return false
		}
		st.null = true
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING, arrow.FIXED_SIZE_BINARY,
		arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64, arrow.TIMESTAMP,
		arrow.DECIMAL128, arrow.DECIMAL256:
	default:
		return false
	}
	st.kind = stepLeaf
	l := &leaf{col: col, steps: path(), repeated: rep > 0, maxDef: def}
	for i := len(l.steps) - 1; i >= 0; i-- {
		if k := l.steps[i].kind; k == stepList || k == stepLargeList {
			l.steps[i].last = true
			break
		}
	}
	*out = append(*out, l)
	return true
}

// errNullListWithValues is pqarrow's error for the same input.
var errNullListWithValues = errors.New("lists with non-zero length null components are not supported")

// write writes the leaf's part of col to cw, as pqarrow writes a column.
func (l *leaf) write(ctx context.Context, cw file.ColumnChunkWriter, col arrow.Array) error {
	values, err := l.levels(col)
	if err != nil {
		return err
	}
	var def, rep []int16
	if l.maxDef > 0 {
		def = l.def
	}
	// pqarrow calls a leaf nullable when its field is and it has nulls.
	nullable := l.steps[len(l.steps)-1].nullable && values.NullN() > 0
	if l.repeated {
		if l.gap {
			return errNullListWithValues
		}
		rep = l.rep
		values = array.NewSlice(values, l.lo, l.hi)
		defer values.Release()
	}
	return pqarrow.WriteArrowToColumn(ctx, cw, values, def, rep, nullable)
}

// levels computes the definition and repetition levels of the leaf for
// every row of col, and returns the leaf's array (not retained).
func (l *leaf) levels(col arrow.Array) (arrow.Array, error) {
	arr := col
	for s := range l.steps {
		switch st := &l.steps[s]; st.kind {
		case stepStruct:
			arr = arr.(*array.Struct).Field(st.child)
		case stepList, stepLargeList:
			arr = arr.(array.ListLike).ListValues()
		}
	}
	leafArr := arr

	l.def, l.rep = l.def[:0], l.rep[:0]
	l.lo, l.hi, l.visited, l.gap, l.bad = 0, 0, false, false, nil
	switch {
	case len(l.steps) == 2 && l.steps[0].kind == stepList && l.steps[1].kind == stepLeaf:
		list := col.(*array.List)
		flatList(l, list, list.Offsets()[list.Offset():])
	case len(l.steps) == 2 && l.steps[0].kind == stepLargeList && l.steps[1].kind == stepLeaf:
		list := col.(*array.LargeList)
		flatList(l, list, list.Offsets()[list.Offset():])
	default:
		for i := range int64(col.Len()) {
			l.walk(col, 0, i, 0, 0)
		}
	}
	if l.bad != nil {
		// Arrow allows nulls under a null parent only; elsewhere the
		// levels would say the value is present.
		return nil, fmt.Errorf("field %q is not nullable but has a null", l.bad.name)
	}
	return leafArr, nil
}

func (l *leaf) emit(def, rep int16) {
	l.def = append(l.def, def)
	if l.repeated {
		l.rep = append(l.rep, rep)
	}
}

// walk appends the levels of element i of arr, the array of step s; def
// and rep are the levels reached above it.
func (l *leaf) walk(arr arrow.Array, s int, i int64, def, rep int16) {
	st := &l.steps[s]
	if st.null {
		l.emit(def, rep)
		return
	}
	if st.nullable {
		if arr.IsNull(int(i)) {
			l.emit(def, rep)
			return
		}
		def++
	} else if l.bad == nil && arr.IsNull(int(i)) {
		l.bad = st
	}
	switch st.kind {
	case stepLeaf:
		l.emit(def, rep)
	case stepStruct:
		l.walk(arr.(*array.Struct).Field(st.child), s+1, i, def, rep)
	default:
		var start, end int64
		if st.kind == stepList {
			list := arr.(*array.List)
			o := list.Offsets()[list.Offset():]
			start, end = int64(o[i]), int64(o[i+1])
		} else {
			list := arr.(*array.LargeList)
			o := list.Offsets()[list.Offset():]
			start, end = o[i], o[i+1]
		}
		if start == end {
			l.emit(def, rep)
			return
		}
		def++
		if st.last {
			l.visit(start, end)
		}
		child := arr.(array.ListLike).ListValues()
		if next := &l.steps[s+1]; next.kind == stepLeaf {
			l.run(child, next, start, end, def, rep, st.repLevel)
			return
		}
		for j := start; j < end; j++ {
			l.walk(child, s+1, j, def, rep)
			rep = st.repLevel
		}
	}
}

// flatList is walk for a top-level list of leaves (most columns of
// tf.Example data), without a call and type switch per row.
func flatList[O int32 | int64](l *leaf, list array.ListLike, offsets []O) {
	st, leafStep := &l.steps[0], &l.steps[1]
	values := list.ListValues()
	var def int16
	if st.nullable {
		def = 1
	}
	nulls := st.nullable && list.NullN() > 0
	if !st.nullable && list.NullN() > 0 && l.bad == nil {
		for i := range list.Len() {
			if list.IsNull(i) {
				l.bad = st
			}
		}
	}
	for i := range list.Len() {
		if nulls && list.IsNull(i) {
			l.def = append(l.def, 0)
			l.rep = append(l.rep, 0)
			continue
		}
		start, end := int64(offsets[i]), int64(offsets[i+1])
		if start == end {
			l.def = append(l.def, def)
			l.rep = append(l.rep, 0)
			continue
		}
		l.visit(start, end)
		l.run(values, leafStep, start, end, def+1, 0, 1)
	}
}

// run appends the levels of the leaf values [start, end) of one list.
func (l *leaf) run(values arrow.Array, st *step, start, end int64, def, rep, elemRep int16) {
	n := int(end - start)
	if l.repeated {
		l.rep = append(l.rep, rep)
		for range n - 1 {
			l.rep = append(l.rep, elemRep)
		}
	}
	switch {
	case st.null:
	case st.nullable && values.NullN() > 0:
		for j := start; j < end; j++ {
			if values.IsNull(int(j)) {
				l.def = append(l.def, def)
			} else {
				l.def = append(l.def, def+1)
			}
		}
		return
	case st.nullable:
		def++
	case l.bad == nil && values.NullN() > 0:
		for j := start; j < end; j++ {
			if values.IsNull(int(j)) {
				l.bad = st
			}
		}
	}
	for range n {
		l.def = append(l.def, def)
	}
}

func (l *leaf) visit(start, end int64) {
	switch {
	case !l.visited:
		l.lo, l.hi, l.visited = start, end, true
	case start == l.hi:
		l.hi = end
	default:
		l.gap = true
	}
}
