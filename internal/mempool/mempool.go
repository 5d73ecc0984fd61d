package mempool

import (
	"math/bits"
	"os"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

const (
	alignment = 64
	minShift  = 6  // smallest class: 64 bytes
	maxShift  = 30 // largest pooled class: 1 GiB; larger sizes are not pooled

	// DefaultKeep is the number of free bytes an Allocator from New keeps
	// through garbage collections.
	DefaultKeep = 64 << 20
)

// Allocator is a [memory.Allocator] with free lists of buffers in
// power-of-two size classes. Up to a bound of bytes, free buffers are
// kept on plain stacks; beyond it they go to a [sync.Pool] per class,
// which the garbage collector empties. (A sync.Pool alone is emptied
// every other collection, so a decoder that produces garbage of its own
// would lose its buffers as fast as it recycles them.) The zero value is
// not usable; use [New] or [Default]. It is safe for concurrent use.
type Allocator struct {
	keep   int        // bytes kept on the stacks at most
	parent *Allocator // of a child: see NewChild

	mu     sync.Mutex
	kept   int // bytes on the stacks
	stack  [maxShift + 1][][]byte
	closed bool // a closed child passes every free buffer to its parent

	classes [maxShift + 1]sync.Pool // of *[]byte, each of cap 1<<class
	headers sync.Pool               // spare *[]byte, so Free does not allocate
}

var _ memory.Allocator = (*Allocator)(nil)

// New returns an empty Allocator that keeps up to [DefaultKeep] free
// bytes through garbage collections.
func New() *Allocator { return NewKeep(DefaultKeep) }

// NewKeep returns an empty Allocator that keeps up to keep free bytes
// through garbage collections.
func NewKeep(keep int) *Allocator { return &Allocator{keep: keep} }

// NewChild returns an Allocator for one consumer, such as one reader,
// that keeps up to keep free bytes of its own: the buffers a reader
// releases come back to that reader's next batches, warm in the cache of
// the core that used them, instead of to whichever reader in the process
// allocates next (readers running in parallel would otherwise trade
// buffers, and their cache lines, on every batch). When it has no free
// buffer of a size, it takes one from parent; buffers beyond keep go to
// parent. [Allocator.Close] hands its free buffers to parent.
func NewChild(parent *Allocator, keep int) *Allocator {
	return &Allocator{keep: keep, parent: parent}
}

var defaultAllocator = New()

// poison, set by GOBSL_MEMPOOL_POISON=1 (for tests), fills memory with 0xA5
// when it is handed out and with 0xDB when it is freed, so that a view kept
// into a released batch, or a byte its producer never wrote, shows up as
// wrong data instead of going unnoticed until buffers are reused.
var poison = os.Getenv("GOBSL_MEMPOOL_POISON") != ""

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// Default returns the process-wide Allocator shared by gobsl's decoders.
func Default() *Allocator { return defaultAllocator }

// class returns the size class of a buffer of n bytes, or -1 if n is
// too large to pool.
func class(n int) int {
	if n <= 1<<minShift {
		return minShift
	}
	c := bits.Len(uint(n - 1))
	if c > maxShift {
		return -1
	}
	return c
}

// Allocate returns a 64-byte aligned buffer of size bytes whose contents
// are unspecified.
func (a *Allocator) Allocate(size int) []byte {
	if size < 0 {
		panic("mempool: negative size")
	}
	b := a.allocate(size)
	if poison {
		fill(b[:cap(b)], 0xA5)
	}
	return b
}

func (a *Allocator) allocate(size int) []byte {
	c := class(size)
	if c < 0 {
		return alloc(size)
	}
	a.mu.Lock()
	if st := a.stack[c]; len(st) > 0 {
		b := st[len(st)-1]
		st[len(st)-1] = nil
		a.stack[c] = st[:len(st)-1]
		a.kept -= cap(b)
		a.mu.Unlock()
		return b[:size]
	}
	a.mu.Unlock()
	if a.parent != nil {
		return a.parent.allocate(size)
	}
	if p, ok := a.classes[c].Get().(*[]byte); ok {
		b := *p
		*p = nil
		a.headers.Put(p)
		return b[:size]
	}
	return alloc(1 << c)[:size]
}

// alloc returns a new 64-byte aligned buffer of n bytes and capacity n,
// as memory.GoAllocator makes them.
func alloc(n int) []byte { return goAllocator.Allocate(n) }

var goAllocator memory.GoAllocator

// Reallocate returns a buffer of size bytes that begins with the contents
// of b, and frees b if it had to move.
func (a *Allocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		return b[:size]
	}
	nb := a.Allocate(size)
	copy(nb, b)
	a.Free(b)
	return nb
}

// Free puts b back in its class's pool. Buffers that did not come from
// an Allocator (wrong capacity or alignment) are left to the garbage
// collector.
func (a *Allocator) Free(b []byte) {
	if poison {
		fill(b[:cap(b)], 0xDB)
	}
	a.free(b)
}

func (a *Allocator) free(b []byte) {
	n := cap(b)
	if n < 1<<minShift || n&(n-1) != 0 || n > 1<<maxShift {
		return
	}
	b = b[:n]
	if uintptr(unsafe.Pointer(unsafe.SliceData(b)))&(alignment-1) != 0 {
		return
	}
	c := bits.Len(uint(n - 1))
	a.mu.Lock()
	if a.kept+n <= a.keep && !a.closed {
		a.stack[c] = append(a.stack[c], b)
		a.kept += n
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
	if a.parent != nil {
		a.parent.free(b)
		return
	}
	p, ok := a.headers.Get().(*[]byte)
	if !ok {
		p = new([]byte)
	}
	*p = b
	a.classes[c].Put(p)
}

// Close hands the free buffers of a child Allocator to its parent; buffers
// freed later go to the parent too, while the child can still allocate
// (from the parent). Close of an Allocator without a parent does nothing.
func (a *Allocator) Close() {
	if a.parent == nil {
		return
	}
	a.mu.Lock()
	a.closed = true
	stack := a.stack
	a.stack = [maxShift + 1][][]byte{}
	a.kept = 0
	a.mu.Unlock()
	for _, st := range stack {
		for _, b := range st {
			a.parent.free(b)
		}
	}
}

// Kept returns the bytes of free buffers a keeps on its stacks.
func (a *Allocator) Kept() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.kept
}
