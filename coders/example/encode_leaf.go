package example

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"google.golang.org/protobuf/encoding/protowire"
)

// This file reads the values of one Arrow array (a "leaf": the flat values
// under all list levels) and writes them as the payload of a BytesList,
// FloatList or Int64List message.
//
// Sizes are "raw" sizes, from which the enclosing lengths are derived
// without looking at the values again (see featureLen):
//   - float_list: the number of values;
//   - int64_list: the bytes of the packed varints;
//   - bytes_list: the bytes of the whole BytesList message body;
//   - -1: the Feature has no kind.

// leafType says how the values of a leaf array are read.
type leafType uint8

const (
	leafNull leafType = iota
	leafFloat32
	leafFloat64
	leafFloat16
	leafBool
	leafInt8
	leafInt16
	leafInt32
	leafInt64
	leafUint8
	leafUint16
	leafUint32
	leafUint64
	leafBinary      // binary, utf8: int32 offsets
	leafLargeBinary // large_binary, large_utf8: int64 offsets
	leafFixedBinary // fixed_size_binary
	leafDict        // dictionary of any of the above but null
)

// leafTypeOf returns the leafType of values of type dt, and false if they
// cannot be written to a Feature.
func leafTypeOf(dt arrow.DataType) (leafType, bool) {
	switch dt.ID() {
	case arrow.NULL:
		return leafNull, true
	case arrow.FLOAT32:
		return leafFloat32, true
	case arrow.FLOAT64:
		return leafFloat64, true
	case arrow.FLOAT16:
		return leafFloat16, true
	case arrow.BOOL:
		return leafBool, true
	case arrow.INT8:
		return leafInt8, true
	case arrow.INT16:
		return leafInt16, true
	case arrow.INT32:
		return leafInt32, true
	case arrow.INT64:
		return leafInt64, true
	case arrow.UINT8:
		return leafUint8, true
	case arrow.UINT16:
		return leafUint16, true
	case arrow.UINT32:
		return leafUint32, true
	case arrow.UINT64:
		return leafUint64, true
	case arrow.BINARY, arrow.STRING:
		return leafBinary, true
	case arrow.LARGE_BINARY, arrow.LARGE_STRING:
		return leafLargeBinary, true
	case arrow.FIXED_SIZE_BINARY:
		return leafFixedBinary, true
	case arrow.DICTIONARY:
		vt, ok := leafTypeOf(dt.(*arrow.DictionaryType).ValueType)
		if !ok || vt == leafNull || vt == leafDict {
			return 0, false
		}
		return leafDict, true
	}
	return 0, false
}

// kind returns the Feature kind that values of type t are written as.
func (t leafType) kind() Kind {
	switch {
	case t == leafNull:
		return KindUnset
	case t <= leafFloat16:
		return KindFloat
	case t <= leafUint64:
		return KindInt64
	}
	return KindBytes
}

// leaf reads the values of one array. It is set up once from the Arrow type
// (newLeaf) and bound to each batch's array (bind).
type leaf struct {
	t     leafType
	kind  Kind  // for leafDict, the kind of the dictionary values
	dict  *leaf // leafDict: the dictionary values
	index *leaf // leafDict: the indices, an integer leaf

	// Bound to the current array. Slices start at the array's offset, so
	// index i is the array's element i.
	n     int
	valid []byte // validity bitmap; nil when the array has no nulls
	voff  int    // bit offset of element 0 in valid
	f32   []float32
	f64   []float64
	f16   []float16.Num
	bits  []byte // bool values
	boff  int
	i8    []int8
	i16   []int16
	i32   []int32
	i64   []int64
	u8    []uint8
	u16   []uint16
	u32   []uint32
	u64   []uint64
	o32   []int32 // binary offsets
	o64   []int64 // large binary offsets
	data  []byte  // binary data, fixed-size binary values
	width int     // fixed-size binary width
}

func newLeaf(dt arrow.DataType) *leaf {
	t, _ := leafTypeOf(dt)
	l := &leaf{t: t, kind: t.kind()}
	if t == leafDict {
		d := dt.(*arrow.DictionaryType)
		l.dict = newLeaf(d.ValueType)
		l.index = newLeaf(d.IndexType)
		l.kind = l.dict.kind
	}
	if t == leafFixedBinary {
		l.width = dt.(*arrow.FixedSizeBinaryType).ByteWidth
	}
	return l
}

// bind points l at the values of a, which has l's type.
func (l *leaf) bind(a arrow.Array) {
	l.n = a.Len()
	l.valid, l.voff = nil, 0
	if a.NullN() > 0 && l.t != leafNull {
		l.valid, l.voff = a.NullBitmapBytes(), a.Data().Offset()
	}
	off := a.Data().Offset()
	switch l.t {
	case leafFloat32:
		l.f32 = a.(*array.Float32).Float32Values()
	case leafFloat64:
		l.f64 = a.(*array.Float64).Float64Values()
	case leafFloat16:
		l.f16 = a.(*array.Float16).Values()
	case leafBool:
		l.bits, l.boff = nil, off
		if b := a.Data().Buffers()[1]; b != nil {
			l.bits = b.Bytes()
		}
	case leafInt8:
		l.i8 = a.(*array.Int8).Int8Values()
	case leafInt16:
		l.i16 = a.(*array.Int16).Int16Values()
	case leafInt32:
		l.i32 = a.(*array.Int32).Int32Values()
	case leafInt64:
		l.i64 = a.(*array.Int64).Int64Values()
	case leafUint8:
		l.u8 = a.(*array.Uint8).Uint8Values()
	case leafUint16:
		l.u16 = a.(*array.Uint16).Uint16Values()
	case leafUint32:
		l.u32 = a.(*array.Uint32).Uint32Values()
	case leafUint64:
		l.u64 = a.(*array.Uint64).Uint64Values()
	case leafBinary:
		// ValueOffsets start at the array's offset but stay absolute
		// positions in the data buffer; ValueBytes would be relative.
		switch a := a.(type) {
		case *array.Binary:
			l.o32 = a.ValueOffsets()
		case *array.String:
			l.o32 = a.ValueOffsets()
		}
		l.data = dataBuffer(a.Data())
	case leafLargeBinary:
		switch a := a.(type) {
		case *array.LargeBinary:
			l.o64 = a.ValueOffsets()
		case *array.LargeString:
			l.o64 = a.ValueOffsets()
		}
		l.data = dataBuffer(a.Data())
	case leafFixedBinary:
		l.data = nil
		if b := a.Data().Buffers()[1]; b != nil {
			l.data = b.Bytes()[off*l.width:]
		}
	case leafDict:
		d := a.(*array.Dictionary)
		l.index.bind(d.Indices())
		l.dict.bind(d.Dictionary())
	}
}

// dataBuffer returns the whole data buffer of a binary or string array,
// which its offsets index.
func dataBuffer(d arrow.ArrayData) []byte {
	if b := d.Buffers()[2]; b != nil {
		return b.Bytes()
	}
	return nil
}

// isNull reports whether element i is null. A dictionary element is null
// when its index is null or points at a null dictionary value.
func (l *leaf) isNull(i int) bool {
	if l.t == leafNull {
		return true
	}
	if l.valid != nil && !bitutil.BitIsSet(l.valid, l.voff+i) {
		return true
	}
	if l.t == leafDict {
		k, ok := l.dictIndex(i)
		return ok && l.dict.isNull(k)
	}
	return false
}

// anyNull reports whether any element in [s, e) has a null bit.
func (l *leaf) anyNull(s, e int) bool {
	if l.valid == nil || s == e {
		return false
	}
	return bitutil.CountSetBits(l.valid, l.voff+s, e-s) != e-s
}

// dictIndex returns the dictionary index at i, and false if it is out of
// range.
func (l *leaf) dictIndex(i int) (int, bool) {
	k, _ := l.index.intAt(i)
	if k < 0 || k >= int64(l.dict.n) {
		return int(k), false
	}
	return int(k), true
}

// intAt returns element i of an integer or bool leaf as an int64, and false
// if it is a uint64 above MaxInt64.
func (l *leaf) intAt(i int) (int64, bool) {
	switch l.t {
	case leafBool:
		if bitutil.BitIsSet(l.bits, l.boff+i) {
			return 1, true
		}
		return 0, true
	case leafInt8:
		return int64(l.i8[i]), true
	case leafInt16:
		return int64(l.i16[i]), true
	case leafInt32:
		return int64(l.i32[i]), true
	case leafInt64:
		return l.i64[i], true
	case leafUint8:
		return int64(l.u8[i]), true
	case leafUint16:
		return int64(l.u16[i]), true
	case leafUint32:
		return int64(l.u32[i]), true
	case leafUint64:
		v := l.u64[i]
		return int64(v), v <= math.MaxInt64
	}
	panic("example: intAt on a non-integer leaf")
}

// floatAt returns element i of a float leaf as a float32.
func (l *leaf) floatAt(i int) float32 {
	switch l.t {
	case leafFloat32:
		return l.f32[i]
	case leafFloat64:
		return float32(l.f64[i])
	case leafFloat16:
		return half(l.f16[i])
	}
	panic("example: floatAt on a non-float leaf")
}

// bytesAt returns element i of a bytes leaf.
func (l *leaf) bytesAt(i int) []byte {
	switch l.t {
	case leafBinary:
		return l.data[l.o32[i]:l.o32[i+1]]
	case leafLargeBinary:
		return l.data[l.o64[i]:l.o64[i+1]]
	case leafFixedBinary:
		return l.data[i*l.width : (i+1)*l.width]
	}
	panic("example: bytesAt on a non-bytes leaf")
}

// size returns the raw size of the list of elements [s, e), and false if
// an element cannot be written (see check). An empty range of a null-typed
// leaf has no kind: -1.
func (l *leaf) size(s, e int) (int, bool) {
	if l.anyNull(s, e) {
		return 0, false
	}
	switch l.t {
	case leafNull:
		return -1, s == e
	case leafFloat32, leafFloat64, leafFloat16:
		return e - s, true
	case leafBool:
		return e - s, true
	case leafInt8:
		return sizeSigned(l.i8[s:e]), true
	case leafInt16:
		return sizeSigned(l.i16[s:e]), true
	case leafInt32:
		return sizeSigned(l.i32[s:e]), true
	case leafInt64:
		return sizeSigned(l.i64[s:e]), true
	case leafUint8:
		return e - s + countAbove(l.u8[s:e], 0x7f), true
	case leafUint16:
		return sizeUnsigned(l.u16[s:e])
	case leafUint32:
		return sizeUnsigned(l.u32[s:e])
	case leafUint64:
		return sizeUnsigned(l.u64[s:e])
	case leafBinary:
		n := 0
		o := l.o32[s : e+1]
		for i := range e - s {
			m := int(o[i+1] - o[i])
			n += 1 + protowire.SizeVarint(uint64(m)) + m
		}
		return n, true
	case leafLargeBinary:
		n := 0
		o := l.o64[s : e+1]
		for i := range e - s {
			m := int(o[i+1] - o[i])
			n += 1 + protowire.SizeVarint(uint64(m)) + m
		}
		return n, true
	case leafFixedBinary:
		return (e - s) * (1 + protowire.SizeVarint(uint64(l.width)) + l.width), true
	case leafDict:
		n := 0
		for i := s; i < e; i++ {
			k, ok := l.dictIndex(i)
			if !ok || l.dict.isNull(k) {
				return 0, false
			}
			m, ok := l.dict.elemSize(k)
			if !ok {
				return 0, false
			}
			n += m
		}
		return n, true
	}
	panic("example: size of an unknown leaf")
}

// elemSize is the raw size of element i alone.
func (l *leaf) elemSize(i int) (int, bool) {
	switch l.kind {
	case KindFloat:
		return 1, true
	case KindInt64:
		v, ok := l.intAt(i)
		return protowire.SizeVarint(uint64(v)), ok
	}
	m := len(l.bytesAt(i))
	return 1 + protowire.SizeVarint(uint64(m)) + m, true
}

// check returns the first reason in element order why [s, e) cannot be
// written, or nil. The caller wraps it with the column and row.
func (l *leaf) check(s, e int) error {
	for i := s; i < e; i++ {
		if l.valid != nil && !bitutil.BitIsSet(l.valid, l.voff+i) || l.t == leafNull {
			return errNullElement
		}
		switch l.t {
		case leafUint16, leafUint32, leafUint64:
			if v, ok := l.intAt(i); !ok {
				return overflowError(uint64(v))
			}
		case leafDict:
			k, ok := l.dictIndex(i)
			if !ok {
				return dictIndexError(k, l.dict.n)
			}
			if l.dict.isNull(k) {
				return errNullElement
			}
			if l.dict.t == leafUint64 {
				if v, ok := l.dict.intAt(k); !ok {
					return overflowError(uint64(v))
				}
			}
		}
	}
	return nil
}

// putList writes at buf[p:] the body of the list message of elements
// [s, e), whose raw size is raw >= 0, and returns the position after it.
// Like every put function it needs slack bytes of room after what it
// writes (see putVarint).
func (l *leaf) putList(buf []byte, p, s, e, raw int) int {
	if s == e {
		return p
	}
	switch l.kind {
	case KindFloat:
		buf[p] = 0x0a
		p = putVarint(buf, p+1, uint64(4*(e-s)))
		return l.putFloats(buf, p, s, e)
	case KindInt64:
		buf[p] = 0x0a
		p = putVarint(buf, p+1, uint64(raw))
		return l.putInts(buf, p, s, e, raw)
	}
	return l.putBytes(buf, p, s, e, raw)
}

func (l *leaf) putFloats(buf []byte, p, s, e int) int {
	switch l.t {
	case leafFloat32:
		return putFloat32s(buf, p, l.f32[s:e])
	case leafFloat64:
		for _, v := range l.f64[s:e] {
			binary.LittleEndian.PutUint32(buf[p:], math.Float32bits(float32(v)))
			p += 4
		}
		return p
	case leafFloat16:
		for _, v := range l.f16[s:e] {
			binary.LittleEndian.PutUint32(buf[p:], math.Float32bits(half(v)))
			p += 4
		}
		return p
	case leafDict:
		for i := s; i < e; i++ {
			k, _ := l.dictIndex(i)
			binary.LittleEndian.PutUint32(buf[p:], math.Float32bits(l.dict.floatAt(k)))
			p += 4
		}
		return p
	}
	panic("example: putFloats on a non-float leaf")
}

// putInts writes the elements [s, e) as packed varints, size bytes.
func (l *leaf) putInts(buf []byte, p, s, e, size int) int {
	switch l.t {
	case leafBool:
		for i := s; i < e; i++ {
			if bitutil.BitIsSet(l.bits, l.boff+i) {
				buf[p] = 1
			} else {
				buf[p] = 0
			}
			p++
		}
		return p
	case leafInt8:
		return putSigned(buf, p, l.i8[s:e], size)
	case leafInt16:
		return putSigned(buf, p, l.i16[s:e], size)
	case leafInt32:
		return putSigned(buf, p, l.i32[s:e], size)
	case leafInt64:
		return putSigned(buf, p, l.i64[s:e], size)
	case leafUint8:
		return putUnsigned(buf, p, l.u8[s:e], size)
	case leafUint16:
		return putUnsigned(buf, p, l.u16[s:e], size)
	case leafUint32:
		return putUnsigned(buf, p, l.u32[s:e], size)
	case leafUint64:
		return putUnsigned(buf, p, l.u64[s:e], size)
	case leafDict:
		for i := s; i < e; i++ {
			k, _ := l.dictIndex(i)
			v, _ := l.dict.intAt(k)
			p = putVarint(buf, p, uint64(v))
		}
		return p
	}
	panic("example: putInts on a non-integer leaf")
}

// putBytes writes the elements [s, e) as a BytesList body of size bytes.
func (l *leaf) putBytes(buf []byte, p, s, e, size int) int {
	switch l.t {
	case leafBinary:
		return putBytesFields(buf, p, size, l.data, l.o32[s:e+1])
	case leafLargeBinary:
		return putBytesFields(buf, p, size, l.data, l.o64[s:e+1])
	case leafFixedBinary:
		for i := s; i < e; i++ {
			p = putBytesField(buf, p, l.data, i*l.width, (i+1)*l.width)
		}
		return p
	case leafDict:
		for i := s; i < e; i++ {
			k, _ := l.dictIndex(i)
			v := l.dict.bytesAt(k)
			p = putBytesField(buf, p, v, 0, len(v))
		}
		return p
	}
	panic("example: putBytes on a non-bytes leaf")
}

// Feature framing.

// Field tags of the Feature oneof, by Kind.
var kindTag = [...]byte{KindBytes: 0x0a, KindFloat: 0x12, KindInt64: 0x1a}

// listLen is the length of the list message with the given raw size.
func listLen(k Kind, raw int) int {
	switch k {
	case KindFloat:
		if raw == 0 {
			return 0
		}
		return 1 + protowire.SizeVarint(uint64(4*raw)) + 4*raw
	case KindInt64:
		if raw == 0 {
			return 0
		}
		return 1 + protowire.SizeVarint(uint64(raw)) + raw
	}
	return raw
}

// featureLen is the length of the Feature message with the given raw size.
func featureLen(k Kind, raw int) int {
	if raw < 0 {
		return 0
	}
	n := listLen(k, raw)
	return 1 + protowire.SizeVarint(uint64(n)) + n
}

// putFeature writes the body of a Feature message holding the elements
// [s, e) of l, of raw size raw (nothing when raw < 0).
func (l *leaf) putFeature(buf []byte, p, s, e, raw int) int {
	if raw < 0 {
		return p
	}
	// The types tfx-bsl and the decoder use, with one switch.
	switch l.t {
	case leafFloat32:
		if raw == 0 {
			binary.LittleEndian.PutUint16(buf[p:], 0x0012)
			return p + 2
		}
		n := 4 * raw
		buf[p] = 0x12
		p = putVarint(buf, p+1, uint64(1+protowire.SizeVarint(uint64(n))+n))
		buf[p] = 0x0a
		p = putVarint(buf, p+1, uint64(n))
		return putFloat32s(buf, p, l.f32[s:e])
	case leafInt64:
		if raw == 0 {
			binary.LittleEndian.PutUint16(buf[p:], 0x001a)
			return p + 2
		}
		buf[p] = 0x1a
		p = putVarint(buf, p+1, uint64(1+protowire.SizeVarint(uint64(raw))+raw))
		buf[p] = 0x0a
		p = putVarint(buf, p+1, uint64(raw))
		return putSigned(buf, p, l.i64[s:e], raw)
	case leafLargeBinary:
		buf[p] = 0x0a
		p = putVarint(buf, p+1, uint64(raw))
		return putBytesFields(buf, p, raw, l.data, l.o64[s:e+1])
	}
	buf[p] = kindTag[l.kind]
	p = putVarint(buf, p+1, uint64(listLen(l.kind, raw)))
	return l.putList(buf, p, s, e, raw)
}

// Value loops.

type signed interface {
	~int8 | ~int16 | ~int32 | ~int64
}

type unsigned interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

func sizeSigned[T signed](v []T) int {
	n := 0
	for _, x := range v {
		n += protowire.SizeVarint(uint64(int64(x)))
	}
	return n
}

// sizeUnsigned returns the packed size of v, and false if a value is above
// MaxInt64 (int64_list cannot hold it).
func sizeUnsigned[T unsigned](v []T) (int, bool) {
	n := 0
	var or uint64
	for _, x := range v {
		u := uint64(x)
		or |= u
		n += protowire.SizeVarint(u)
	}
	return n, or <= math.MaxInt64
}

func countAbove[T unsigned](v []T, limit T) int {
	n := 0
	for _, x := range v {
		if x > limit {
			n++
		}
	}
	return n
}

// putSigned writes v as packed varints, size bytes: putVarintWide,
// inlined, and without bounds checks inside the loop.
func putSigned[T signed](buf []byte, p int, v []T, size int) int {
	base := room(buf, p, size+10)
	for _, x := range v {
		u := uint64(int64(x))
		n := protowire.SizeVarint(u)
		top := u >> 63
		binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(base, p))[:], spread7(u)|contBits[n])
		binary.LittleEndian.PutUint16((*[2]byte)(unsafe.Add(base, p+8))[:], uint16(u>>56&0x7f|top<<7|top<<8))
		p += n
	}
	return p
}

// putUnsigned is putSigned for unsigned values (at most MaxInt64).
func putUnsigned[T unsigned](buf []byte, p int, v []T, size int) int {
	base := room(buf, p, size+10)
	for _, x := range v {
		u := uint64(x)
		n := protowire.SizeVarint(u)
		top := u >> 63
		binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(base, p))[:], spread7(u)|contBits[n])
		binary.LittleEndian.PutUint16((*[2]byte)(unsafe.Add(base, p+8))[:], uint16(u>>56&0x7f|top<<7|top<<8))
		p += n
	}
	return p
}

// room checks that buf[p:p+n] exists and returns buf's base pointer, for
// loops that store without bounds checks. The loops store only below
// p+n: n is the size the sizing pass computed from the same values, plus
// the bytes a store may write beyond its value.
func room(buf []byte, p, n int) unsafe.Pointer {
	if p < 0 || n < 0 || p+n > len(buf) {
		panic(fmt.Sprintf("example: internal error: writing %d bytes at %d of %d", n, p, len(buf)))
	}
	return unsafe.Pointer(unsafe.SliceData(buf))
}

// slack is the room the arena keeps after the last record: the varint
// writers store 8 or 10 bytes at a time, of which they may use only one.
const slack = 16

// contBits has the continuation bit set in the first n-1 of 8 bytes.
var contBits = [11]uint64{0, 0, 0x80, 0x8080, 0x808080, 0x80808080, 0x8080808080, 0x808080808080, 0x80808080808080,
	0x8080808080808080, 0x8080808080808080}

// spread7 spreads the low 56 bits of v into 8 bytes of 7 bits each: 28
// bits to each half, 14 to each quarter, 7 to each byte.
func spread7(v uint64) uint64 {
	v = v&0x0fffffff | v&0x00fffffff0000000<<4
	v = v&0x00003fff00003fff | v&0x0fffc0000fffc000<<2
	return v&0x007f007f007f007f | v&0x3f803f803f803f80<<1
}

// putVarint writes v as a varint at buf[p:], which must have room for 8
// bytes (10 for values of 2^56 and above), and returns the position after.
// It suits lengths and tags, which are mostly small.
func putVarint(buf []byte, p int, v uint64) int {
	if v < 0x80 {
		buf[p] = byte(v)
		return p + 1
	}
	return putVarintWide(buf, p, v)
}

// putVarintWide is putVarint without branches, for values of any size (a
// packed list of int64 mixes 1-byte and 10-byte values unpredictably). It
// always stores 10 bytes.
func putVarintWide(buf []byte, p int, v uint64) int {
	n := protowire.SizeVarint(v)
	binary.LittleEndian.PutUint64(buf[p:], spread7(v)|contBits[n])
	// Bytes 9 and 10, used only when v >= 2^56.
	top := v >> 63
	binary.LittleEndian.PutUint16(buf[p+8:], uint16(v>>56&0x7f|top<<7|top<<8))
	return p + n
}

// putBytesField writes data[s:e] as field 1 of type bytes.
func putBytesField(buf []byte, p int, data []byte, s, e int) int {
	n := e - s
	if n < 0x80 {
		binary.LittleEndian.PutUint16(buf[p:], 0x0a|uint16(n)<<8)
		p += 2
	} else {
		buf[p] = 0x0a
		p = putVarintWide(buf, p+1, uint64(n))
	}
	return p + copy(buf[p:], data[s:e])
}

// putBytesFields writes the values data[off[i]:off[i+1]] as fields 1 of
// type bytes, size bytes in all. Short values are copied as two words,
// without bounds checks, instead of by a call to memmove; the bytes beyond
// a value land in space written next, or in the slack.
func putBytesFields[O int32 | int64](buf []byte, p, size int, data []byte, off []O) int {
	base := room(buf, p, size+16)
	src := unsafe.Pointer(unsafe.SliceData(data))
	for i := range len(off) - 1 {
		s, e := int(off[i]), int(off[i+1])
		n := e - s
		if n > 16 || s+16 > len(data) || s < 0 || n < 0 {
			p = putBytesField(buf, p, data, s, e)
			continue
		}
		binary.LittleEndian.PutUint16((*[2]byte)(unsafe.Add(base, p))[:], 0x0a|uint16(n)<<8)
		w := (*[16]byte)(unsafe.Add(base, p+2))
		*w = *(*[16]byte)(unsafe.Add(src, s))
		p += 2 + n
	}
	return p
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// putFloat32s writes v as little-endian fixed32 values.
func putFloat32s(buf []byte, p int, v []float32) int {
	if len(v) == 0 {
		return p
	}
	if littleEndian {
		return p + copy(buf[p:], unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v)))
	}
	for _, f := range v {
		binary.LittleEndian.PutUint32(buf[p:], math.Float32bits(f))
		p += 4
	}
	return p
}

// half converts a float16 to float32 exactly. (arrow-go's Num.Float32
// flushes subnormal halves to wrong values.) NaN payloads are kept.
func half(h float16.Num) float32 {
	b := uint32(h.Uint16())
	sign := (b >> 15) << 31
	exp := (b >> 10) & 0x1f
	frac := b & 0x3ff
	switch exp {
	case 0:
		if frac == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal: frac * 2^-24, exact in float32.
		f := float32(frac) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(f))
	case 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
