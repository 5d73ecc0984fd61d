package mempool

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func aligned(b []byte) bool {
	return uintptr(unsafe.Pointer(unsafe.SliceData(b)))%alignment == 0
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		wantCap int
	}{
		{"zero", 0, 64},
		{"one", 1, 64},
		{"class edge", 64, 64},
		{"just above", 65, 128},
		{"odd", 1000, 1024},
		{"large", 3 << 20, 4 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New()
			b := a.Allocate(tt.size)
			if len(b) != tt.size || cap(b) != tt.wantCap || !aligned(b) {
				t.Fatalf("Allocate(%d): len %d cap %d aligned %v; want len %d cap %d aligned", tt.size, len(b), cap(b), aligned(b), tt.size, tt.wantCap)
			}
		})
	}
}

// TestReuse checks that a freed buffer is handed out again. sync.Pool may
// drop items at a GC, so the test tries a few times.
func TestReuse(t *testing.T) {
	a := New()
	for range 10 {
		b := a.Allocate(1000)
		b[0] = 42
		a.Free(b)
		c := a.Allocate(900)
		if unsafe.SliceData(c) == unsafe.SliceData(b) {
			if len(c) != 900 || cap(c) != 1024 {
				t.Fatalf("reused buffer has len %d cap %d, want 900 1024", len(c), cap(c))
			}
			return
		}
	}
	t.Fatal("a freed buffer was never reused")
}

func TestFreeForeign(t *testing.T) {
	a := New()
	tests := []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"small", make([]byte, 10)},
		{"not a power of two", make([]byte, 100, 100)},
		{"misaligned", alloc(256)[1:129:129]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.Free(tt.b) // must not panic or pool it
			for range 3 {
				c := a.Allocate(len(tt.b))
				if len(tt.b) > 0 && unsafe.SliceData(c) == unsafe.SliceData(tt.b) {
					t.Fatal("a foreign buffer was pooled")
				}
			}
		})
	}
}

func TestReallocate(t *testing.T) {
	a := New()
	b := a.Allocate(10)
	copy(b, "0123456789")
	if c := a.Reallocate(60, b); unsafe.SliceData(c) != unsafe.SliceData(b) || len(c) != 60 {
		t.Fatalf("Reallocate within capacity moved the buffer or has len %d", len(c))
	}
	c := a.Reallocate(1000, b)
	if len(c) != 1000 || cap(c) != 1024 || string(c[:10]) != "0123456789" || !aligned(c) {
		t.Fatalf("Reallocate(1000): len %d cap %d prefix %q", len(c), cap(c), c[:10])
	}
}

func TestHugeNotPooled(t *testing.T) {
	if class(1<<maxShift+1) != -1 {
		t.Fatal("sizes above the largest class must not be pooled")
	}
	if class(1<<maxShift) != maxShift {
		t.Fatal("the largest class must be pooled")
	}
}

func TestArrowBuffer(t *testing.T) {
	mem := memory.NewCheckedAllocator(New())
	defer mem.AssertSize(t, 0)
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(100)
	copy(buf.Bytes(), "x")
	buf.Resize(5000)
	if buf.Bytes()[0] != 'x' {
		t.Fatal("resize lost the contents")
	}
	buf.Release()
}

func BenchmarkAllocateFree(b *testing.B) {
	a := New()
	b.ReportAllocs()
	for b.Loop() {
		a.Free(a.Allocate(300 << 10))
	}
}

// TestKeepSurvivesGC checks that freed buffers within the keep bound are
// reused after garbage collections, and that the bound holds.
func TestKeepSurvivesGC(t *testing.T) {
	a := NewKeep(3 << 10)
	var bufs [][]byte
	for range 5 {
		bufs = append(bufs, a.Allocate(1000)) // class 1 KiB
	}
	for _, b := range bufs {
		a.Free(b)
	}
	if a.kept != 3<<10 {
		t.Fatalf("kept %d bytes, want the bound %d", a.kept, 3<<10)
	}
	runtime.GC()
	runtime.GC()
	for range 3 {
		b := a.Allocate(700)
		found := false
		for _, old := range bufs {
			found = found || unsafe.SliceData(old) == unsafe.SliceData(b)
		}
		if !found {
			t.Fatal("a kept buffer was not reused after two garbage collections")
		}
	}
	if a.kept != 0 {
		t.Fatalf("kept %d bytes after taking them all, want 0", a.kept)
	}
}

func TestPoison(t *testing.T) {
	defer func(p bool) { poison = p }(poison)
	poison = true
	a := New()
	b := a.Allocate(100)
	for i, v := range b[:cap(b)] {
		if v != 0xA5 {
			t.Fatalf("allocated byte %d = %#x, want 0xA5", i, v)
		}
	}
	copy(b, "live data")
	view := b[:9]
	a.Free(b)
	if string(view) == "live data" {
		t.Fatal("a view into a freed buffer still shows its data; poison should overwrite it")
	}
	for i, v := range view {
		if v != 0xDB {
			t.Fatalf("freed byte %d = %#x, want 0xDB", i, v)
		}
	}
}

// TestChild checks that a child recycles its own buffers first, takes
// from its parent when empty, passes the excess to the parent, and hands
// everything to the parent once closed.
func TestChild(t *testing.T) {
	same := func(x, y []byte) bool { return unsafe.SliceData(x) == unsafe.SliceData(y) }
	t.Run("own buffers first", func(t *testing.T) {
		parent := New()
		p := parent.Allocate(1000)
		parent.Free(p)
		c := NewChild(parent, 1<<20)
		b := c.Allocate(1000)
		if !same(b, p) {
			t.Fatal("an empty child did not take its parent's free buffer")
		}
		c.Free(b)
		if got := parent.Allocate(1000); same(got, b) {
			t.Fatal("the parent handed out a buffer its child kept")
		}
		if got := c.Allocate(1000); !same(got, b) {
			t.Fatal("the child did not reuse its own free buffer")
		}
	})
	t.Run("excess to parent", func(t *testing.T) {
		parent := New()
		c := NewChild(parent, 1024)
		x, y := c.Allocate(1000), c.Allocate(1000)
		c.Free(x) // kept: 1024 bytes
		c.Free(y) // over keep: to the parent
		if got := parent.Allocate(1000); !same(got, y) {
			t.Fatal("the buffer beyond the child's keep did not go to the parent")
		}
	})
	t.Run("close", func(t *testing.T) {
		parent := New()
		c := NewChild(parent, 1<<20)
		x, y := c.Allocate(1000), c.Allocate(3000)
		c.Free(x)
		c.Close()
		if got := parent.Allocate(1000); !same(got, x) {
			t.Fatal("Close did not hand the child's free buffers to the parent")
		}
		c.Free(y) // after Close: straight to the parent
		if got := parent.Allocate(3000); !same(got, y) {
			t.Fatal("a buffer freed after Close did not go to the parent")
		}
		z := c.Allocate(100) // a closed child still allocates
		if len(z) != 100 {
			t.Fatalf("Allocate after Close: len %d", len(z))
		}
		New().Close() // no parent: nothing to do
	})
}
