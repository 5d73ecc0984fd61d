package example

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// listKind says how the element ranges of a list-like array are read.
type listKind uint8

const (
	listScalar    listKind = iota // not a list: element i is the range [i, i+1)
	listList                      // list: int32 offsets
	listLarge                     // large_list: int64 offsets
	listFixed                     // fixed_size_list
	listView                      // list_view: int32 offsets and sizes
	listLargeView                 // large_list_view: int64 offsets and sizes
	listNulls                     // a null array: every element null, no values
)

// listKindOf returns the listKind of dt, and false if dt is not list-like.
func listKindOf(dt arrow.DataType) (listKind, bool) {
	switch dt.ID() {
	case arrow.LIST:
		return listList, true
	case arrow.LARGE_LIST:
		return listLarge, true
	case arrow.FIXED_SIZE_LIST:
		return listFixed, true
	case arrow.LIST_VIEW:
		return listView, true
	case arrow.LARGE_LIST_VIEW:
		return listLargeView, true
	}
	return listScalar, false
}

// contiguous reports whether the elements [s, e) of a list of this kind
// cover one contiguous range of values (see span). Views need not.
func (k listKind) contiguous() bool { return k <= listFixed }

// nullArray is the values of a listNulls: it has none.
var nullArray = array.NewNull(0)

// lists reads the validity and element ranges of a list-like array.
type lists struct {
	k     listKind
	valid []byte // nil when the array has no nulls
	voff  int
	o32   []int32 // offsets, from the array's offset on
	o64   []int64
	s32   []int32 // sizes of views, from the array's offset on
	s64   []int64
	width int // fixed_size_list: list size
	off   int // fixed_size_list: the array's offset
}

func newLists(dt arrow.DataType) lists {
	k, _ := listKindOf(dt)
	l := lists{k: k}
	if k == listFixed {
		l.width = int(dt.(*arrow.FixedSizeListType).Len())
	}
	return l
}

// bind points l at a, of l's type, and returns a's values.
func (l *lists) bind(a arrow.Array) arrow.Array {
	l.valid, l.voff = nil, 0
	if l.k == listNulls {
		return nullArray
	}
	if a.NullN() > 0 {
		l.valid, l.voff = a.NullBitmapBytes(), a.Data().Offset()
	}
	off := a.Data().Offset()
	switch a := a.(type) {
	case *array.List:
		l.o32 = a.Offsets()[off:]
		return a.ListValues()
	case *array.LargeList:
		l.o64 = a.Offsets()[off:]
		return a.ListValues()
	case *array.FixedSizeList:
		l.off = off
		return a.ListValues()
	case *array.ListView:
		l.o32, l.s32 = a.Offsets()[off:], a.Sizes()[off:]
		return a.ListValues()
	case *array.LargeListView:
		l.o64, l.s64 = a.Offsets()[off:], a.Sizes()[off:]
		return a.ListValues()
	}
	panic("example: bind lists to " + a.DataType().String())
}

func (l *lists) isNull(i int) bool {
	return l.k == listNulls || l.valid != nil && !bitutil.BitIsSet(l.valid, l.voff+i)
}

// rng returns the range of values of element i.
func (l *lists) rng(i int) (s, e int) {
	switch l.k {
	case listList:
		return int(l.o32[i]), int(l.o32[i+1])
	case listLarge:
		return int(l.o64[i]), int(l.o64[i+1])
	case listFixed:
		return (l.off + i) * l.width, (l.off + i + 1) * l.width
	case listView:
		if n := int(l.s32[i]); n > 0 {
			return int(l.o32[i]), int(l.o32[i]) + n
		}
		return 0, 0
	case listLargeView:
		if n := int(l.s64[i]); n > 0 {
			return int(l.o64[i]), int(l.o64[i]) + n
		}
		return 0, 0
	}
	return i, i + 1
}

// span returns the range of values of the elements [s, e) of a contiguous
// list kind.
func (l *lists) span(s, e int) (int, int) {
	switch l.k {
	case listList:
		return int(l.o32[s]), int(l.o32[e])
	case listLarge:
		return int(l.o64[s]), int(l.o64[e])
	case listFixed:
		return (l.off + s) * l.width, (l.off + e) * l.width
	}
	panic("example: span of a list view")
}

// length returns the number of values of element i.
func (l *lists) length(i int) int {
	s, e := l.rng(i)
	return e - s
}
