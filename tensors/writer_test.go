package tensors

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/go-cmp/cmp"
)

// The .npy headers np.save writes (NumPy 1.24, format version 1.0).
func TestNPYHeader(t *testing.T) {
	pad := func(dict string) string {
		// dict, spaces, "\n": 118 bytes after the 10-byte prefix.
		return "\x93NUMPY\x01\x00v\x00" + dict + strings.Repeat(" ", 117-len(dict)) + "\n"
	}
	for _, c := range []struct {
		name  string
		dt    DType
		width int
		shape []int
		want  string
	}{
		{"int64 vector", Int64, 0, []int{3}, pad("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }")},
		{"float32 matrix", Float32, 0, []int{2, 3}, pad("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }")},
		{"int8 scalar", Int8, 0, nil, pad("{'descr': '|i1', 'fortran_order': False, 'shape': (), }")},
		{"bytes", Bytes, 2, []int{2}, pad("{'descr': '|S2', 'fortran_order': False, 'shape': (2,), }")},
		{"empty uint16", Uint16, 0, []int{0, 2}, pad("{'descr': '<u2', 'fortran_order': False, 'shape': (0, 2), }")},
		{"float16", Float16, 0, []int{1}, pad("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }")},
		{"uint8", Uint8, 0, []int{1}, pad("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }")},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := string(npyHeader(npyDescr(c.dt, c.width), c.shape))
			if got != c.want {
				t.Errorf("header\n got %q\nwant %q", got, c.want)
			}
			if len(got)%64 != 0 {
				t.Errorf("header is %d bytes, not a multiple of 64", len(got))
			}
		})
	}
	// A header that spans more than one 64-byte block: the first dimension
	// has room to grow to 21 digits, whatever its length.
	long := string(npyHeader("<i8", []int{123456789012, 2, 3, 4, 5, 6, 7, 8}))
	if len(long) != 128 || binary.LittleEndian.Uint16([]byte(long[8:10])) != 118 || !strings.HasSuffix(long, " \n") {
		t.Errorf("long header %q", long)
	}
}

// TestSafetensorsFormat checks the layout of a .safetensors file against
// the format: an 8-byte little-endian header length, a JSON header padded
// to a multiple of 8, data_offsets contiguous and in header order, each
// array aligned to its element size, sizes that match dtype × shape.
func TestSafetensorsFormat(t *testing.T) {
	_, path := writeOracleFiles(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if (8+n)%8 != 0 {
		t.Errorf("data starts at %d, not a multiple of 8", 8+n)
	}
	header, body := data[8:8+n], data[8+n:]
	if !json.Valid(header) {
		t.Fatalf("header is not JSON: %q", header)
	}
	// Read the tensors in header order.
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.Token()
	var names []string
	var end int64
	sizes := map[string]int64{"I8": 1, "U8": 1, "I16": 2, "U16": 2, "F16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}
	for dec.More() {
		tok, _ := dec.Token()
		name := tok.(string)
		if name == "__metadata__" {
			var meta map[string]string
			if err := dec.Decode(&meta); err != nil {
				t.Fatalf("__metadata__ is not a map of strings: %v", err)
			}
			continue
		}
		var info struct {
			DType       string  `json:"dtype"`
			Shape       []int64 `json:"shape"`
			DataOffsets []int64 `json:"data_offsets"`
		}
		if err := dec.Decode(&info); err != nil {
			t.Fatal(err)
		}
		size, ok := sizes[info.DType]
		if !ok {
			t.Errorf("%s: dtype %q", name, info.DType)
		}
		elems := int64(1)
		for _, d := range info.Shape {
			elems *= d
		}
		begin, stop := info.DataOffsets[0], info.DataOffsets[1]
		if begin != end {
			t.Errorf("%s starts at %d, the previous array ends at %d", name, begin, end)
		}
		if stop-begin != elems*size {
			t.Errorf("%s: %d bytes for %s%v", name, stop-begin, info.DType, info.Shape)
		}
		if begin%size != 0 {
			t.Errorf("%s at %d is not aligned to %d", name, begin, size)
		}
		end = stop
		names = append(names, name)
	}
	if end != int64(len(body)) {
		t.Errorf("arrays end at %d, the data is %d bytes", end, len(body))
	}
	if !slices.Contains(names, "s.bytes") || !slices.Contains(names, "r.row_splits1") {
		t.Errorf("arrays %q", names)
	}
}

func TestConcatIncompatible(t *testing.T) {
	d := func(dt DType, shape []int, data any) *Dense { return &Dense{DType: dt, Shape: shape, Data: data} }
	for _, c := range []struct {
		name          string
		first, second map[string]Tensor
		text          string
	}{
		{"names", map[string]Tensor{"a": d(Int64, []int{1}, []int64{1})}, map[string]Tensor{"b": d(Int64, []int{1}, []int64{1})},
			`tensors: batch has tensors ["b"], the first had ["a"]`},
		{"kind", map[string]Tensor{"a": d(Int64, []int{1}, []int64{1})}, map[string]Tensor{"a": &Ragged{Values: i64(1), RowSplits: []Dense{i64(0, 1)}}},
			`tensors: tensor "a" is ragged, was dense`},
		{"inner shape", map[string]Tensor{"a": d(Int64, []int{1, 2}, []int64{1, 2})}, map[string]Tensor{"a": d(Int64, []int{2, 1}, []int64{1, 2})},
			`tensors: tensor "a": array "a" is int64[1], was int64[2]`},
		{"type", map[string]Tensor{"a": d(Int64, []int{1}, []int64{1})}, map[string]Tensor{"a": d(Int32, []int{1}, []int32{1})},
			`tensors: tensor "a": array "a" is int32[], was int64[]`},
		{"rows", map[string]Tensor{"a": d(Int64, []int{1}, []int64{1}), "b": d(Int64, []int{1}, []int64{1})},
			map[string]Tensor{"a": d(Int64, []int{1}, []int64{1}), "b": d(Int64, []int{2}, []int64{1, 2})},
			`tensors: tensor "b" has 2 rows, others 1`},
		{"ragged rank", map[string]Tensor{"a": &Ragged{Values: i64(1), RowSplits: []Dense{i64(0, 1)}}},
			map[string]Tensor{"a": &Ragged{Values: i64(1), RowSplits: []Dense{i64(0, 1), i64(0, 1)}}},
			`tensors: tensor "a" has ragged rank 2, was 1`},
		{"names collide", map[string]Tensor{"a.values": d(Int64, []int{1}, []int64{1}), "a": &Ragged{Values: i64(1), RowSplits: []Dense{i64(0, 1)}}}, nil,
			`tensors: tensors "a" and "a.values" both make an array named "a.values"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cc := NewConcat(ConcatOptions{InMemory: true})
			defer cc.Close()
			err := cc.Append(c.first)
			if err == nil && c.second != nil {
				err = cc.Append(c.second)
			}
			if !errors.Is(err, ErrIncompatible) || err.Error() != c.text {
				t.Errorf("error %v, want %s", err, c.text)
			}
		})
	}
}

// TestAll converts the batches of a RecordReader and concatenates them;
// a schema the adapter does not know ends the sequence with an error.
func TestAll(t *testing.T) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	b1 := batch(t, mem, col{"x", largeInt64s, "[[1],[2,3]]"})
	defer b1.Release()
	b2 := batch(t, mem, col{"x", largeInt64s, "[[],[4]]"})
	defer b2.Release()
	rr, err := array.NewRecordReader(b1.Schema(), []arrow.RecordBatch{b1, b2})
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	a, err := NewAdapter(reps(t, map[string]string{"x": `ragged_tensor { feature_path { step: "x" } }`}), b1.Schema())
	if err != nil {
		t.Fatal(err)
	}
	c := NewConcat(ConcatOptions{InMemory: true})
	defer c.Close()
	var rows []int
	for ts, err := range a.All(rr) {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, ts["x"].NumRows())
		if err := c.Append(ts); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]int{2, 2}, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := c.WriteNPZ(&buf, NPZOptions{Compress: true}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Deflate {
			t.Errorf("%s is not deflated", f.Name)
		}
	}
	if diff := cmp.Diff([]string{"x.values.npy", "x.row_splits.npy"}, names); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}

	other := batch(t, mem, col{"x", listInt64s, "[[1]]"})
	defer other.Release()
	rr2, err := array.NewRecordReader(other.Schema(), []arrow.RecordBatch{other})
	if err != nil {
		t.Fatal(err)
	}
	defer rr2.Release()
	n := 0
	for ts, err := range a.All(rr2) {
		n++
		if ts != nil || !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("got %v, %v; want ErrSchemaMismatch", ts, err)
		}
	}
	if n != 1 {
		t.Errorf("%d yields, want 1", n)
	}
}
