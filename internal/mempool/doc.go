// Package mempool is a [memory.Allocator] that recycles the buffers of
// released Arrow arrays.
//
// Decoders build a new set of Arrow buffers for every batch. With Go's
// allocator each batch takes fresh memory: it is zeroed, page-faulted in,
// later scanned and swept by the garbage collector, and returned to the
// operating system, only for the next batch to fault it in again. When a
// consumer releases its batches (as [array.RecordReader] consumers do),
// mempool hands their buffers to the next batch instead, still warm in
// the cache. Buffers that are never released are simply garbage
// collected.
//
// Up to [DefaultKeep] bytes of free buffers are kept through garbage
// collections; more wait in a [sync.Pool] until the collector takes them.
// A reader can have a child pool of its own ([NewChild]) that recycles its
// batches' buffers among themselves, on the cores that read them, and
// falls back on the process's pool.
//
// Buffers come in power-of-two size classes, are 64-byte aligned like
// [memory.GoAllocator]'s, and are NOT zeroed: callers must write every byte
// they expose.
//
// [memory.Allocator]: https://pkg.go.dev/github.com/apache/arrow-go/v18/arrow/memory#Allocator
// [memory.GoAllocator]: https://pkg.go.dev/github.com/apache/arrow-go/v18/arrow/memory#GoAllocator
// [array.RecordReader]: https://pkg.go.dev/github.com/apache/arrow-go/v18/arrow/array#RecordReader
package mempool
