package example_test

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
)

// poisonAllocator hands out memory filled with 0xA5, as a recycling
// allocator may hand out memory holding an earlier batch.
type poisonAllocator struct{ memory.GoAllocator }

func (a *poisonAllocator) Allocate(n int) []byte {
	b := a.GoAllocator.Allocate(n)
	for i := range b {
		b[i] = 0xA5
	}
	return b
}

func (a *poisonAllocator) Reallocate(n int, b []byte) []byte {
	nb := a.Allocate(n)
	copy(nb, b)
	return nb
}

// TestDecodeWritesEveryByte decodes the same records with zeroed and with
// poisoned memory: the batches must be equal, and the padding of every
// buffer up to a multiple of 64 bytes must be zero. This is what makes the
// recycling default allocator safe.
func TestDecodeWritesEveryByte(t *testing.T) {
	tests := []struct {
		name string
		opts example.DecodeOptions
		recs [][]byte
	}{
		{"taxi", example.DecodeOptions{}, synth.Taxi(300, 11)},
		{"taxi list binary", example.DecodeOptions{ListType: example.List, BytesType: example.Binary}, synth.Taxi(300, 12)},
		{"long lists", example.DecodeOptions{}, synth.LongLists(40, 13)},
		{"edge", example.DecodeOptions{}, synth.Edge()},
		{"sequence", example.DecodeOptions{RecordType: example.SequenceExample}, synth.Sequence(200, 14)},
		{"sequence edge", example.DecodeOptions{RecordType: example.SequenceExample}, synth.EdgeSequence()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zo := tt.opts
			zo.Allocator = memory.NewGoAllocator()
			want, err := decDecodeFast(zo, tt.recs)
			if err != nil {
				t.Fatal(err)
			}
			defer want.Release()
			po := tt.opts
			mem := memory.NewCheckedAllocator(&poisonAllocator{})
			defer mem.AssertSize(t, 0)
			po.Allocator = mem
			got, err := decDecodeFast(po, tt.recs)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Release()
			if d := decDiffBatches(want, got); d != "" {
				t.Fatalf("poisoned memory changed the batch: %s", d)
			}
			for i, col := range got.Columns() {
				checkPadding(t, got.Schema().Field(i).Name, col.Data())
			}
		})
	}
}

func checkPadding(t *testing.T, path string, d arrow.ArrayData) {
	t.Helper()
	for i, b := range d.Buffers() {
		if b == nil {
			continue
		}
		end := min(b.Cap(), (b.Len()+63)&^63)
		if pad := b.Buf()[b.Len():end]; !bytes.Equal(pad, make([]byte, len(pad))) {
			t.Errorf("%s: buffer %d has non-zero padding % x", path, i, pad)
		}
	}
	for _, c := range d.Children() {
		checkPadding(t, path+"/child", c)
	}
}

// TestDecodeHandOver decodes many batches with the default allocator,
// whose scratch memory becomes the batches' buffers, keeping some batches
// and releasing others (so their memory is recycled into later batches).
// Every kept batch must still equal a copy decoded with Go's allocator.
func TestDecodeHandOver(t *testing.T) {
	tests := []struct {
		name string
		opts example.DecodeOptions
		gen  func(seed uint64) [][]byte
	}{
		{"taxi", example.DecodeOptions{}, func(s uint64) [][]byte { return synth.Taxi(200, s) }},
		{"taxi large binary", example.DecodeOptions{BytesType: example.LargeBinary}, func(s uint64) [][]byte { return synth.Taxi(150, s) }},
		{"long lists", example.DecodeOptions{}, func(s uint64) [][]byte { return synth.LongLists(30, s) }},
		{"sequence", example.DecodeOptions{RecordType: example.SequenceExample}, func(s uint64) [][]byte { return synth.Sequence(120, s) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.opts.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			ref := tt.opts
			ref.Allocator = memory.NewGoAllocator()
			type kept struct{ got, want arrow.RecordBatch }
			var keep []kept
			for i := range 24 {
				recs := tt.gen(uint64(100 + i))
				if i%5 == 4 {
					recs = recs[:len(recs)/3] // smaller batches reuse bigger scratch
				}
				got, err := d.Decode(recs)
				if err != nil {
					t.Fatal(err)
				}
				if i%3 == 1 {
					got.Release() // back to the pool for later batches
					continue
				}
				want, err := decDecodeFast(ref, recs)
				if err != nil {
					t.Fatal(err)
				}
				keep = append(keep, kept{got, want})
			}
			for i, k := range keep {
				if diff := decDiffBatches(k.want, k.got); diff != "" {
					t.Errorf("kept batch %d changed after later decodes: %s", i, diff)
				}
				k.got.Release()
				k.want.Release()
			}
		})
	}
}
