package tensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
)

// ConcatOptions configures [NewConcat]. The zero value spools to a
// temporary file in [os.TempDir].
type ConcatOptions struct {
	// TempDir holds the spool file; "" is os.TempDir(). The file is
	// removed as soon as it is created (where the system allows), so
	// nothing is left behind.
	TempDir string

	// InMemory keeps the data in memory instead of a spool file.
	InMemory bool
}

// Concat collects the tensors of many batches and writes them as one set:
// dense tensors concatenated along the batch dimension; sparse tensors
// with their row indices shifted by the rows before them and their dense
// shape grown (the batch sizes added up, the other dimensions the largest
// seen); ragged tensors with their values concatenated and each level of
// row splits shifted by the items before them.
//
// Appended data is copied (to a spool file by default), so the batches
// may be released right after [Concat.Append]. Every batch must have the
// same tensor names, and each tensor the same kind, type and inner shape
// ([ErrIncompatible]). Close the Concat to remove its spool.
type Concat struct {
	opts    ConcatOptions
	names   []string
	entries map[string]*entry
	rows    int64
	sp      *spool
	err     error // sticky write error
}

// entry accumulates one tensor.
type entry struct {
	kind       Kind
	dtype      DType
	comps      []*component
	denseShape []int64 // sparse: the running dense shape
	rank       int     // sparse: len(DenseShape)
	totals     []int64 // ragged: items under each level of row splits so far
}

// component is one array of the output: a dense tensor, or one part of a
// sparse or ragged tensor, under its output name.
type component struct {
	name   string
	dtype  DType
	inner  []int   // shape after the first dimension
	rows   int64   // size of the first dimension
	chunks []chunk // numeric data; for Bytes, the elements' bytes end to end
	lens   []chunk // Bytes: every element's length as a little-endian int64
	count  int64   // Bytes: elements, rows × prod(inner)
	nbytes int64   // bytes in chunks
	maxLen int     // Bytes: the longest element
	fixed  []int64 // a small Int64 array computed at the end (dense_shape)
}

// NewConcat returns an empty Concat.
func NewConcat(opts ConcatOptions) *Concat {
	return &Concat{opts: opts}
}

// NumRows is the number of rows appended so far.
func (c *Concat) NumRows() int64 { return c.rows }

// Close removes the spool. The Concat cannot be used afterwards.
func (c *Concat) Close() error {
	c.entries = nil
	if c.err == nil {
		c.err = errors.New("tensors: Concat is closed")
	}
	if c.sp != nil {
		err := c.sp.close()
		c.sp = nil
		return err
	}
	return nil
}

// Append adds one batch of tensors, as [Adapter.Convert] returns them.
func (c *Concat) Append(ts map[string]Tensor) error {
	if c.err != nil {
		return c.err
	}
	if c.sp == nil {
		sp, err := newSpool(c.opts)
		if err != nil {
			return err
		}
		c.sp = sp
	}
	if c.entries == nil {
		if err := c.setUp(ts); err != nil {
			return err
		}
	} else if !slices.Equal(slices.Sorted(maps.Keys(ts)), c.names) {
		return errorf(ErrIncompatible, "tensors: batch has tensors %q, the first had %q", slices.Sorted(maps.Keys(ts)), c.names)
	}
	rows := int64(-1)
	for _, name := range c.names {
		t := ts[name]
		if rows >= 0 && int64(t.NumRows()) != rows {
			return errorf(ErrIncompatible, "tensors: tensor %q has %d rows, others %d", name, t.NumRows(), rows)
		}
		rows = int64(t.NumRows())
	}
	for _, name := range c.names {
		if err := c.append(name, c.entries[name], ts[name]); err != nil {
			c.err = err
			return err
		}
	}
	c.rows += max(rows, 0)
	return nil
}

// setUp makes the entries and components from the first batch, and
// checks that no two components share a name.
func (c *Concat) setUp(ts map[string]Tensor) error {
	c.names = slices.Sorted(maps.Keys(ts))
	c.entries = map[string]*entry{}
	seen := map[string]string{}
	for _, name := range c.names {
		e := &entry{kind: ts[name].Kind()}
		comp := func(suffix string, dt DType, inner []int) *component {
			cp := &component{name: name + suffix, dtype: dt, inner: slices.Clone(inner)}
			e.comps = append(e.comps, cp)
			return cp
		}
		switch t := ts[name].(type) {
		case *Dense:
			e.dtype = t.DType
			comp("", t.DType, t.Shape[1:])
		case *Sparse:
			e.dtype, e.rank = t.Values.DType, len(t.DenseShape)
			comp(".indices", Int64, []int{e.rank})
			comp(".values", t.Values.DType, nil)
			comp(".dense_shape", Int64, nil)
			e.denseShape = make([]int64, e.rank)
			copy(e.denseShape[1:], t.DenseShape[1:])
		case *Ragged:
			e.dtype = t.Values.DType
			comp(".values", t.Values.DType, t.Values.Shape[1:])
			for k, s := range t.RowSplits {
				comp(splitsSuffix(k), s.DType, nil)
			}
			e.totals = make([]int64, len(t.RowSplits))
		}
		for _, cp := range e.comps {
			if other, dup := seen[cp.name]; dup {
				return errorf(ErrIncompatible, "tensors: tensors %q and %q both make an array named %q", other, name, cp.name)
			}
			seen[cp.name] = name
		}
		c.entries[name] = e
	}
	return nil
}

// splitsSuffix names level k of row splits: ".row_splits" for the
// outermost, then ".row_splits1", ".row_splits2", ...
func splitsSuffix(k int) string {
	if k == 0 {
		return ".row_splits"
	}
	return ".row_splits" + strconv.Itoa(k)
}

func (c *Concat) append(name string, e *entry, t Tensor) error {
	if t.Kind() != e.kind {
		return errorf(ErrIncompatible, "tensors: tensor %q is %s, was %s", name, t.Kind(), e.kind)
	}
	switch t := t.(type) {
	case *Dense:
		return c.add(name, e.comps[0], t)
	case *Sparse:
		if len(t.DenseShape) != e.rank {
			return errorf(ErrIncompatible, "tensors: tensor %q has rank %d, was %d", name, len(t.DenseShape), e.rank)
		}
		nnz := 0
		if e.rank > 0 {
			nnz = len(t.Indices) / e.rank
		}
		// Shift the row coordinate by the rows before this batch.
		idx := slices.Clone(t.Indices)
		for i := 0; i < len(idx); i += e.rank {
			idx[i] += c.rows
		}
		if err := c.add(name, e.comps[0], &Dense{DType: Int64, Shape: []int{nnz, e.rank}, Data: idx}); err != nil {
			return err
		}
		if err := c.add(name, e.comps[1], &t.Values); err != nil {
			return err
		}
		e.denseShape[0] += t.DenseShape[0]
		for i := 1; i < e.rank; i++ {
			e.denseShape[i] = max(e.denseShape[i], t.DenseShape[i])
		}
		e.comps[2].rows = int64(e.rank)
		e.comps[2].fixed = e.denseShape
	case *Ragged:
		if len(t.RowSplits) != len(e.totals) {
			return errorf(ErrIncompatible, "tensors: tensor %q has ragged rank %d, was %d", name, len(t.RowSplits), len(e.totals))
		}
		if err := c.add(name, e.comps[0], &t.Values); err != nil {
			return err
		}
		for k, s := range t.RowSplits {
			cp := e.comps[1+k]
			if s.DType != cp.dtype {
				return errorf(ErrIncompatible, "tensors: tensor %q has %s row splits, was %s", name, s.DType, cp.dtype)
			}
			splits := s.Int64s()
			if len(splits) == 0 {
				return fmt.Errorf("tensors: tensor %q: empty row splits", name)
			}
			first := 0 // the leading split of every batch after the first repeats the last one
			if cp.rows > 0 {
				first = 1
			}
			shifted := make([]int64, 0, len(splits)-first)
			for _, v := range splits[first:] {
				shifted = append(shifted, v-splits[0]+e.totals[k])
			}
			e.totals[k] += splits[len(splits)-1] - splits[0]
			d := &Dense{DType: Int64, Shape: []int{len(shifted)}, Data: shifted}
			if cp.dtype == Int32 {
				narrow := make([]int32, len(shifted))
				for i, v := range shifted {
					if v > math.MaxInt32 {
						return errorf(ErrIncompatible, "tensors: tensor %q: concatenated row splits exceed int32", name)
					}
					narrow[i] = int32(v)
				}
				d = &Dense{DType: Int32, Shape: d.Shape, Data: narrow}
			}
			if err := c.add(name, cp, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// add appends a dense array to a component.
func (c *Concat) add(name string, cp *component, d *Dense) error {
	if d.DType != cp.dtype || len(d.Shape) != len(cp.inner)+1 || !slices.Equal(d.Shape[1:], cp.inner) {
		return errorf(ErrIncompatible, "tensors: tensor %q: array %q is %s%v, was %s%v", name, cp.name, d.DType, d.Shape[1:], cp.dtype, cp.inner)
	}
	if want := prod(d.Shape); want != d.Len() {
		return fmt.Errorf("tensors: tensor %q: array %q has shape %v but %d elements", name, cp.name, d.Shape, d.Len())
	}
	cp.rows += int64(d.Shape[0])
	if d.DType != Bytes {
		ch, err := c.sp.write(d.RawBytes())
		if err != nil {
			return err
		}
		cp.chunks = append(cp.chunks, ch)
		cp.nbytes += ch.n
		return nil
	}
	vals := d.Data.([][]byte)
	start := c.sp.size
	var lens []byte
	for _, v := range vals {
		if _, err := c.sp.write(v); err != nil {
			return err
		}
		lens = binary.LittleEndian.AppendUint64(lens, uint64(len(v)))
		cp.maxLen = max(cp.maxLen, len(v))
	}
	data := chunk{off: start, n: c.sp.size - start}
	cp.chunks = append(cp.chunks, data)
	cp.nbytes += data.n
	ch, err := c.sp.write(lens)
	if err != nil {
		return err
	}
	cp.lens = append(cp.lens, ch)
	cp.count += int64(len(vals))
	return nil
}

// components returns every output array, tensors by name and each
// tensor's arrays in the naming scheme's order.
func (c *Concat) components() []*component {
	var out []*component
	for _, name := range c.names {
		out = append(out, c.entries[name].comps...)
	}
	return out
}

// shape is the full shape of a component.
func (cp *component) shape() []int {
	if cp.fixed != nil {
		return []int{len(cp.fixed)}
	}
	return append([]int{int(cp.rows)}, cp.inner...)
}

// copyData writes a numeric component's data.
func (c *Concat) copyData(w io.Writer, cp *component) error {
	if cp.fixed != nil {
		_, err := w.Write(asBytes(cp.fixed))
		return err
	}
	for _, ch := range cp.chunks {
		if _, err := io.Copy(w, c.sp.reader(ch)); err != nil {
			return err
		}
	}
	return nil
}

// eachBytes calls f with every element of a Bytes component, in order.
func (c *Concat) eachBytes(cp *component, f func([]byte) error) error {
	data := bufio.NewReader(c.sp.readers(cp.chunks))
	lens := bufio.NewReader(c.sp.readers(cp.lens))
	var lb [8]byte
	var buf []byte
	for range cp.count {
		if _, err := io.ReadFull(lens, lb[:]); err != nil {
			return fmt.Errorf("tensors: reading the spool: %w", err)
		}
		n := binary.LittleEndian.Uint64(lb[:])
		buf = slices.Grow(buf[:0], int(n))[:n]
		if _, err := io.ReadFull(data, buf); err != nil {
			return fmt.Errorf("tensors: reading the spool: %w", err)
		}
		if err := f(buf); err != nil {
			return err
		}
	}
	return nil
}

// chunk is a run of bytes in the spool.
type chunk struct{ off, n int64 }

// spool holds appended data: in memory, or in a temporary file.
type spool struct {
	mem  []byte
	f    *os.File
	bw   *bufio.Writer
	name string // the file, if it could not be removed while open
	size int64
}

func newSpool(o ConcatOptions) (*spool, error) {
	if o.InMemory {
		return &spool{}, nil
	}
	f, err := os.CreateTemp(o.TempDir, ".gobsl-tensors-*.spool")
	if err != nil {
		return nil, fmt.Errorf("tensors: spool: %w", err)
	}
	s := &spool{f: f, bw: bufio.NewWriterSize(f, 1<<20)}
	if os.Remove(f.Name()) != nil {
		s.name = f.Name()
	}
	return s, nil
}

func (s *spool) write(p []byte) (chunk, error) {
	ch := chunk{off: s.size, n: int64(len(p))}
	if s.f == nil {
		s.mem = append(s.mem, p...)
	} else if _, err := s.bw.Write(p); err != nil {
		return ch, fmt.Errorf("tensors: spool: %w", err)
	}
	s.size += ch.n
	return ch, nil
}

// flush makes written data readable.
func (s *spool) flush() error {
	if s.bw != nil {
		if err := s.bw.Flush(); err != nil {
			return fmt.Errorf("tensors: spool: %w", err)
		}
	}
	return nil
}

func (s *spool) reader(ch chunk) io.Reader {
	if s.f == nil {
		return bytes.NewReader(s.mem[ch.off : ch.off+ch.n])
	}
	return io.NewSectionReader(s.f, ch.off, ch.n)
}

func (s *spool) readers(chs []chunk) io.Reader {
	rs := make([]io.Reader, len(chs))
	for i, ch := range chs {
		rs[i] = s.reader(ch)
	}
	return io.MultiReader(rs...)
}

func (s *spool) close() error {
	if s.f == nil {
		s.mem = nil
		return nil
	}
	err := s.f.Close()
	if s.name != "" {
		if rerr := os.Remove(s.name); err == nil {
			err = rerr
		}
	}
	return err
}
