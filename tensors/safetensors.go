package tensors

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// safetensorsDType is the safetensors name of a numeric type.
func safetensorsDType(t DType) string {
	switch t {
	case Int8:
		return "I8"
	case Int16:
		return "I16"
	case Int32:
		return "I32"
	case Int64:
		return "I64"
	case Uint8:
		return "U8"
	case Uint16:
		return "U16"
	case Uint32:
		return "U32"
	case Uint64:
		return "U64"
	case Float16:
		return "F16"
	case Float32:
		return "F32"
	case Float64:
		return "F64"
	}
	panic(fmt.Sprintf("tensors: no safetensors type for %s", t))
}

// stTensor is one tensor of a safetensors file.
type stTensor struct {
	name  string
	dtype DType
	shape []int
	size  int64
	write func(io.Writer) error
}

// WriteSafetensors writes everything appended as a .safetensors file: an
// 8-byte little-endian header length, a JSON header that gives every
// array's dtype, shape and data_offsets (padded with spaces to a multiple
// of 8 bytes), then the arrays' bytes end to end, widest types first so
// that each is aligned. The arrays are named as the package documentation
// says; safetensors has no bytes type, so a Bytes array NAME becomes
// NAME.bytes (U8, the values end to end) and NAME.offsets (I64, one more
// than the values: value i is bytes[offsets[i]:offsets[i+1]]), and the
// header's __metadata__ maps "NAME.shape" to the array's shape as JSON.
func (c *Concat) WriteSafetensors(w io.Writer) error {
	if err := c.ready(); err != nil {
		return err
	}
	var ts []stTensor
	meta := map[string]string{}
	for _, cp := range c.components() {
		if cp.dtype != Bytes {
			ts = append(ts, stTensor{name: cp.name, dtype: cp.dtype, shape: cp.shape(), size: int64(prod(cp.shape()) * cp.dtype.Size()),
				write: func(w io.Writer) error { return c.copyData(w, cp) }})
			continue
		}
		shape, _ := json.Marshal(cp.shape())
		meta[cp.name+".shape"] = string(shape)
		ts = append(ts,
			stTensor{name: cp.name + ".bytes", dtype: Uint8, shape: []int{int(cp.nbytes)}, size: cp.nbytes,
				write: func(w io.Writer) error {
					for _, ch := range cp.chunks {
						if _, err := io.Copy(w, c.sp.reader(ch)); err != nil {
							return err
						}
					}
					return nil
				}},
			stTensor{name: cp.name + ".offsets", dtype: Int64, shape: []int{int(cp.count) + 1}, size: 8 * (cp.count + 1),
				write: func(w io.Writer) error {
					var b [8]byte
					var off uint64
					if _, err := w.Write(b[:]); err != nil {
						return err
					}
					return c.eachBytes(cp, func(v []byte) error {
						off += uint64(len(v))
						binary.LittleEndian.PutUint64(b[:], off)
						_, err := w.Write(b[:])
						return err
					})
				}})
	}
	seen := map[string]bool{}
	for _, t := range ts {
		if seen[t.name] {
			return errorf(ErrIncompatible, "tensors: safetensors: two arrays are named %q", t.name)
		}
		seen[t.name] = true
	}
	// Widest types first, then by name, as the safetensors library orders
	// them: every array starts at a multiple of its element size.
	slices.SortStableFunc(ts, func(a, b stTensor) int {
		if c := cmp.Compare(b.dtype.Size(), a.dtype.Size()); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})

	var h strings.Builder
	h.WriteString("{")
	if len(meta) > 0 {
		m, _ := json.Marshal(meta) // sorted keys
		h.WriteString(`"__metadata__":`)
		h.Write(m)
	}
	var off int64
	for i, t := range ts {
		if i > 0 || len(meta) > 0 {
			h.WriteString(",")
		}
		name, _ := json.Marshal(t.name)
		shape, _ := json.Marshal(t.shape)
		fmt.Fprintf(&h, `%s:{"dtype":"%s","shape":%s,"data_offsets":[%d,%d]}`, name, safetensorsDType(t.dtype), shape, off, off+t.size)
		off += t.size
	}
	h.WriteString("}")
	header := h.String()
	header += strings.Repeat(" ", (8-len(header)%8)%8)

	bw := bufio.NewWriterSize(w, 1<<16)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	bw.Write(n[:])
	bw.WriteString(header)
	for _, t := range ts {
		cw := &countWriter{w: bw}
		if err := t.write(cw); err != nil {
			return fmt.Errorf("tensors: safetensors: %s: %w", t.name, err)
		}
		if cw.n != t.size {
			return fmt.Errorf("tensors: safetensors: %s: wrote %d bytes, expected %d", t.name, cw.n, t.size)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tensors: safetensors: %w", err)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteSafetensors writes one batch of tensors as a .safetensors file (see
// [Concat.WriteSafetensors]).
func WriteSafetensors(w io.Writer, ts map[string]Tensor) error {
	c := NewConcat(ConcatOptions{InMemory: true})
	defer c.Close()
	if err := c.Append(ts); err != nil {
		return err
	}
	return c.WriteSafetensors(w)
}
