package tensors

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// npyDescr is the .npy (NumPy array interface) type string of t; width is
// the item size of Bytes, stored as fixed-width byte strings.
func npyDescr(t DType, width int) string {
	switch t {
	case Int8:
		return "|i1"
	case Uint8:
		return "|u1"
	case Int16:
		return "<i2"
	case Int32:
		return "<i4"
	case Int64:
		return "<i8"
	case Uint16:
		return "<u2"
	case Uint32:
		return "<u4"
	case Uint64:
		return "<u8"
	case Float16:
		return "<f2"
	case Float32:
		return "<f4"
	case Float64:
		return "<f8"
	case Bytes:
		return fmt.Sprintf("|S%d", width)
	}
	panic(fmt.Sprintf("tensors: no .npy type for %s", t))
}

// npyHeader returns the header of a .npy file, format version 1.0, as
// NumPy's np.save writes it (numpy/lib/format.py): the magic string
// "\x93NUMPY", the version 1 0, the header length as a little-endian
// uint16, and the header, a Python dict literal padded with spaces (after
// room for the first dimension to grow to 21 digits) and ended by "\n" so
// that the data starts at a multiple of 64 bytes.
func npyHeader(descr string, shape []int) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		tuple += ","
	}
	tuple += ")"
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	if len(shape) > 0 {
		dict += strings.Repeat(" ", max(0, 21-len(dims[0])))
	}
	const prefix = 10 // magic, version, length
	pad := 64 - (prefix+len(dict)+1)%64
	h := make([]byte, 0, prefix+len(dict)+pad+1)
	h = append(h, "\x93NUMPY\x01\x00"...)
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)+pad+1))
	h = append(h, dict...)
	h = append(h, strings.Repeat(" ", pad)...)
	return append(h, '\n')
}
