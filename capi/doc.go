// Command capi is the C ABI of gobsl: built with -buildmode=c-shared it is
// libgobsl.so and its header libgobsl.h, which Python (the gobsl package
// under python/, through ctypes), C, Rust or any FFI loads.
//
//	go build -buildmode=c-shared -o libgobsl.so ./capi
//
// # What it offers
//
//   - readers over files or patterns in every format github.com/gobsl/gobsl/tfxio
//     reads, handed out as an Arrow C stream (struct ArrowArrayStream), which
//     pyarrow, polars, DuckDB or nanoarrow import without copying;
//   - tensors (github.com/gobsl/gobsl/tensors): dense, sparse and ragged
//     components as raw buffers with dtype and shape, zero-copy where Arrow
//     already has the layout;
//   - writers that take an Arrow C stream and write TFRecord, Parquet,
//     Arrow IPC and the other formats tfxio writes;
//   - schema inference and statistics, returned as serialized protos.
//
// # Conventions
//
// The header (the preamble of capi.go, copied verbatim into libgobsl.h) is
// the reference: status codes are the inspect CLI's exit statuses, error
// messages are the CLI's text, options are a JSON object, and every export
// recovers from panics so that none crosses into C. Ownership of every
// pointer is documented there.
//
// # Related packages
//
//   - github.com/gobsl/gobsl/tfxio: the readers and writers;
//   - github.com/gobsl/gobsl/tensors: record batches to tensors;
//   - github.com/gobsl/gobsl/schema, github.com/gobsl/gobsl/stats: inference
//     and statistics;
//   - github.com/apache/arrow-go/v18/arrow/cdata: the Arrow C data interface.
package main

// main is not called in a c-shared library; the package must be main. The
// rest of the package needs cgo: without it this is all there is.
func main() {}
