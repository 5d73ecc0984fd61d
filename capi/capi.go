package main

/*
#include <stdint.h>
#include <stdlib.h>

// ============================================================================
// libgobsl: the C ABI of gobsl (github.com/gobsl/gobsl).
//
// Build:   go build -buildmode=c-shared -o libgobsl.so ./capi
//          (writes libgobsl.so and this header, libgobsl.h)
// Link:    cc app.c -I. -L. -lgobsl      (or dlopen("libgobsl.so"))
//
// CONVENTIONS
//
// Status.  Every function that can fail returns an int: GOBSL_OK (0) or the
//   status the inspect CLI would exit with: GOBSL_EDATA (1) for bad data or
//   an I/O error, GOBSL_EUSAGE (2) for a bad argument or option; and
//   GOBSL_EINTERNAL (3) for a bug in gobsl (a Go panic, recovered: no panic
//   ever crosses into C; the message carries the Go stack).
//
// Errors.  The last parameter, char** err, may be NULL. Otherwise *err is
//   set to NULL on success and, on failure, to a NUL-terminated message that
//   the caller owns and frees with gobsl_free. The message is the text the
//   CLI prints after "inspect COMMAND: " (for data errors it names the file,
//   the record and its byte offset).
//
// Options.  A JSON object as a NUL-terminated string; NULL or "" means all
//   defaults; an unknown key is GOBSL_EUSAGE. Names follow the CLI's flags:
//     reading (gobsl_open, gobsl_tensors_open, gobsl_stats,
//     gobsl_infer_schema):
//       "format"       tfrecord|parquet|arrow|arrows|jsonl|csv (default: by
//                      file name, then by content)
//       "schema_path"  a TFMD schema file (.pbtxt or binary); or pass the
//                      schema's bytes (text or binary) as schema/schema_len
//       "record_type"  example (default) | sequence_example
//       "batch_size"   records per batch (default 1024)
//       "columns"      ["a", "b"]: keep these columns, in this order (with a
//                      schema, TFRecord decoding skips the others)
//       "workers"      decoding goroutines (default 0: all cores)
//       "list_type"    large_list (default, as tfx-bsl) | list
//       "bytes_type"   large_binary (default) | binary | string | large_string
//       "csv"          {"column_names": [...], "delimiter": ",",
//                      "keep_blank_lines": false, "multivalent_columns":
//                      [...], "secondary_delimiter": " ",
//                      "raw_record_column": "", "infer_rows": 0,
//                      "max_field_size": 0}
//     gobsl_tensors_open adds "representation": auto (default: tfx-bsl's
//       TensorAdapter, from the schema or the Arrow types) | ragged (varlen
//       sparse tensors become ragged: values and row splits, no copy).
//     gobsl_stats and gobsl_infer_schema add "output": binary (default) |
//       text (as TFX writes .pbtxt, and as the CLI prints), and the
//       statistics options "name", "num_top_values",
//       "num_rank_histogram_buckets", "num_values_histogram_buckets",
//       "num_histogram_buckets", "num_quantiles_histogram_buckets".
//     gobsl_infer_schema adds "infer_shape" (default true) and
//       "max_string_domain_size" (default 100; 0: no string domains), the
//       defaults of "inspect schema infer".
//     gobsl_write: "format", "schema_path", "record_type", "compression"
//       (auto|none|gzip|zlib|zstd), "shards", "parquet_compression"
//       (zstd|snappy|gzip|lz4|brotli|none), "force", "deterministic",
//       "workers".
//     gobsl_convert takes two: read_options as gobsl_open's (no
//       "columns"), write_options as gobsl_write's.
//
// Inputs.  patterns/n_patterns: files, quoted globs, directories (TFX
//   Split-* folders), shard patterns (prefix@N, prefix-?????-of-NNNNN), as
//   the CLI takes them. Strings and bytes passed in are copied during the
//   call; gobsl keeps no pointer to them.
//
// Threads.  Any function may be called from any thread, and concurrently
//   from several threads on different objects. Calls on one gobsl_tensors
//   are serialised. Each call blocks its thread only: the Go runtime runs
//   decoding on its own goroutines (the "workers" option), so callers such
//   as Python's ctypes, which release the GIL around foreign calls, run in
//   parallel.
//
// OWNERSHIP
//
//   - char* err messages and the uint8_t* buffers of gobsl_stats and
//     gobsl_infer_schema belong to the caller: free them with gobsl_free.
//   - gobsl_open fills a caller-provided struct ArrowArrayStream that the
//     caller then owns: call stream->release(stream) when done (the Arrow C
//     stream interface's rule). Each ArrowSchema and ArrowArray it yields is
//     the caller's too, released with its own release callback,
//     independently of the stream; the memory they point to stays valid
//     until then, whatever happens to the stream.
//   - gobsl_write, gobsl_stats, gobsl_infer_schema and gobsl_tensors_open
//     take a stream `in` over: they move it (in->release is NULL on return)
//     and release it when done, on success and on failure alike. The
//     struct itself stays the caller's memory.
//   - gobsl_tensors is a handle the caller closes with gobsl_tensors_close.
//     gobsl_batch is a handle the caller frees with gobsl_batch_free; every
//     pointer in the struct gobsl_array it fills (names, shape, data,
//     offsets) is valid until then, also after the gobsl_tensors is closed.
//     Data is read-only: several arrays may share memory with each other
//     and with record batches.
//   - gobsl_stream_new/gobsl_stream_delete allocate and free stream structs
//     for callers that cannot (Python capsules).
// ============================================================================

enum {
  GOBSL_OK = 0,
  GOBSL_EDATA = 1,      // bad data or I/O error (CLI exit status 1)
  GOBSL_EUSAGE = 2,     // bad argument or option (CLI exit status 2)
  GOBSL_EINTERNAL = 3,  // a bug in gobsl: a recovered Go panic
};

// Element types (numbering as github.com/gobsl/gobsl/tensors.DType).
enum {
  GOBSL_INT8 = 1, GOBSL_INT16 = 2, GOBSL_INT32 = 3, GOBSL_INT64 = 4,
  GOBSL_UINT8 = 5, GOBSL_UINT16 = 6, GOBSL_UINT32 = 7, GOBSL_UINT64 = 8,
  GOBSL_FLOAT16 = 9, GOBSL_FLOAT32 = 10, GOBSL_FLOAT64 = 11,
  GOBSL_BYTES = 12,     // variable-length bytes: data end to end + offsets
};

// Tensor kinds.
enum { GOBSL_DENSE = 1, GOBSL_SPARSE = 2, GOBSL_RAGGED = 3 };

// What an array is to its tensor.
enum {
  GOBSL_ROLE_VALUES = 0,       // a dense tensor; a sparse or ragged tensor's values
  GOBSL_ROLE_INDICES = 1,      // sparse: int64 [nnz, rank], row first
  GOBSL_ROLE_DENSE_SHAPE = 2,  // sparse: int64 [rank]; -1 for an unknown size
  GOBSL_ROLE_ROW_SPLITS = 3,   // ragged: int64 or int32 [n+1], level 0 outermost
};

typedef uintptr_t gobsl_tensors;  // a tensor reader; 0 is none
typedef uintptr_t gobsl_batch;    // one batch of tensors; 0 is none

// One array of a batch's tensors, named as in gobsl's .npz files: NAME (a
// dense tensor); NAME.indices, NAME.values, NAME.dense_shape (sparse);
// NAME.values, NAME.row_splits, NAME.row_splits1, ... (ragged).
struct gobsl_array {
  const char* name;        // the array's name
  const char* tensor;      // the tensor's name
  int32_t kind;            // GOBSL_DENSE, GOBSL_SPARSE, GOBSL_RAGGED (of the tensor)
  int32_t role;            // GOBSL_ROLE_*
  int32_t level;           // row splits: the ragged dimension, 0 outermost
  int32_t dtype;           // GOBSL_INT8 ... GOBSL_BYTES
  int64_t ndim;            // number of dimensions, batch first where there is one
  const int64_t* shape;    // ndim sizes
  const void* data;        // the elements in C order, native byte order; for
                           // GOBSL_BYTES the values end to end. NULL when empty.
  int64_t nbytes;          // bytes at data
  const int64_t* offsets;  // GOBSL_BYTES: 1 + elements offsets into data
                           // (value i is data[offsets[i]:offsets[i+1]]); else NULL
};

typedef const char gobsl_cchar;
typedef const uint8_t gobsl_cbyte;

// The Arrow C data and stream interfaces
// (https://arrow.apache.org/docs/format/CDataInterface.html).
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};
struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};
#endif
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE
struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};
#endif

// gobsl_version returns gobsl's version ("0.1.0 (go1.26.8)"): a static
// string, not to be freed.
extern const char* gobsl_version(void);

// gobsl_free frees a message or buffer that gobsl returned. NULL is fine.
extern void gobsl_free(void* p);

// gobsl_open opens a reader of record batches over the files patterns name,
// in any format gobsl reads, and fills *out with an Arrow C stream of its
// batches (every batch has the same schema). Decoding happens in
// out->get_next, on all cores; errors there are reported by
// out->get_last_error with the same text as here. On failure *out is not
// touched.
extern int gobsl_open(const char** patterns, int64_t n_patterns, const char* options,
                      const uint8_t* schema, int64_t schema_len,
                      struct ArrowArrayStream* out, char** err);

// gobsl_write writes every batch of the stream `in` (taken over, see
// OWNERSHIP) to path in the format its name or "format" says: TFRecord
// (tf.Example or tf.SequenceExample; compressed by extension), Parquet,
// Arrow IPC file or stream, JSON lines. The output appears only when
// complete; an existing file is kept unless "force". *rows (if rows is not
// NULL) is the number of rows written.
extern int gobsl_write(const char* path, struct ArrowArrayStream* in, const char* options,
                       const uint8_t* schema, int64_t schema_len,
                       int64_t* rows, char** err);

// gobsl_convert reads the files patterns name (read_options: those of
// gobsl_open, without "columns") and writes all their rows to output
// (write_options: those of gobsl_write), as "inspect convert" does:
// schemaless TFRecord input is read once, and its output written again in
// the rare input whose later records add columns. The output appears only
// when complete. *rows (if rows is not NULL) is the number of rows.
extern int gobsl_convert(const char** patterns, int64_t n_patterns, const char* output,
                         const char* read_options, const char* write_options,
                         const uint8_t* schema, int64_t schema_len,
                         int64_t* rows, char** err);

// gobsl_stats computes TFDV-compatible statistics (a serialized
// tensorflow.metadata.v0.DatasetFeatureStatisticsList) of the files patterns
// name, or of the stream `in` (taken over): give one or the other. *out and
// *out_len receive the bytes, which the caller frees with gobsl_free.
extern int gobsl_stats(const char** patterns, int64_t n_patterns, struct ArrowArrayStream* in,
                       const char* options, const uint8_t* schema, int64_t schema_len,
                       uint8_t** out, int64_t* out_len, char** err);

// gobsl_infer_schema infers a TFMD schema (tensorflow.metadata.v0.Schema) as
// TFDV's infer_schema does, from the statistics of the files or of the
// stream, as gobsl_stats. "output": "text" gives what "inspect schema
// infer" prints.
extern int gobsl_infer_schema(const char** patterns, int64_t n_patterns, struct ArrowArrayStream* in,
                              const char* options, const uint8_t* schema, int64_t schema_len,
                              uint8_t** out, int64_t* out_len, char** err);

// gobsl_tensors_open opens a reader of tensors over the files (or the
// stream `in`, taken over), as tfx-bsl's TensorAdapter makes them.
extern int gobsl_tensors_open(const char** patterns, int64_t n_patterns, struct ArrowArrayStream* in,
                              const char* options, const uint8_t* schema, int64_t schema_len,
                              gobsl_tensors* out, char** err);

// gobsl_tensors_specs gives the tensors' static types as a JSON object
// {"NAME": {"kind": "dense|sparse|ragged", "dtype": "int64", "shape": [-1,
// 1], "ragged_rank": 1, "row_splits_dtype": "int64", "arrays": ["NAME.values",
// ...]}}, in *json (free with gobsl_free).
extern int gobsl_tensors_specs(gobsl_tensors t, char** json, char** err);

// gobsl_tensors_next decodes the next batch into *out, or sets *out to 0 at
// the end of the input.
extern int gobsl_tensors_next(gobsl_tensors t, gobsl_batch* out, char** err);

// gobsl_tensors_close stops reading and frees the reader; batches stay valid.
extern void gobsl_tensors_close(gobsl_tensors t);

// gobsl_batch_num_rows is the number of rows (records) of the batch; -1 for
// an invalid handle.
extern int64_t gobsl_batch_num_rows(gobsl_batch b);

// gobsl_batch_num_arrays is the number of arrays of the batch's tensors;
// -1 for an invalid handle.
extern int64_t gobsl_batch_num_arrays(gobsl_batch b);

// gobsl_batch_array fills *out with array i (0 <= i < gobsl_batch_num_arrays);
// arrays come tensor by tensor, tensors sorted by name.
extern int gobsl_batch_array(gobsl_batch b, int64_t i, struct gobsl_array* out, char** err);

// gobsl_batch_arrays fills out[0] ... out[n-1] with the first n arrays (n at
// most gobsl_batch_num_arrays): gobsl_batch_array for all of them in one call.
extern int gobsl_batch_arrays(gobsl_batch b, struct gobsl_array* out, int64_t n, char** err);

// gobsl_batch_bytes_format sets *fmt and *fmt_len to a Python struct
// format that splits bytes array i into its values: "<" then "Ns" for each
// value of N bytes, so struct.unpack_from(fmt, data) makes every value's
// bytes object in one call (the Python package's object arrays). The text
// is not NUL-terminated and stays valid until gobsl_batch_free. An array
// that is not bytes is an error.
extern int gobsl_batch_bytes_format(gobsl_batch b, int64_t i, char** fmt, int64_t* fmt_len, char** err);

// gobsl_batch_free frees the batch; the pointers it handed out become invalid.
extern void gobsl_batch_free(gobsl_batch b);

// gobsl_stream_new returns a zeroed struct ArrowArrayStream (calloc);
// gobsl_stream_delete releases the stream in it if it is live, then frees it.
extern struct ArrowArrayStream* gobsl_stream_new(void);
extern void gobsl_stream_delete(struct ArrowArrayStream* s);
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/cgo"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/cdata"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/stats"
	"github.com/gobsl/gobsl/tensors"
	"github.com/gobsl/gobsl/tfxio"
)

// The header's numbering is the tensors package's and ours: a mismatch
// does not compile (a constant index out of range).
const constMismatch = 0 +
	(int(C.GOBSL_INT8)-int(tensors.Int8))*(int(C.GOBSL_INT8)-int(tensors.Int8)) +
	(int(C.GOBSL_INT16)-int(tensors.Int16))*(int(C.GOBSL_INT16)-int(tensors.Int16)) +
	(int(C.GOBSL_INT32)-int(tensors.Int32))*(int(C.GOBSL_INT32)-int(tensors.Int32)) +
	(int(C.GOBSL_INT64)-int(tensors.Int64))*(int(C.GOBSL_INT64)-int(tensors.Int64)) +
	(int(C.GOBSL_UINT8)-int(tensors.Uint8))*(int(C.GOBSL_UINT8)-int(tensors.Uint8)) +
	(int(C.GOBSL_UINT16)-int(tensors.Uint16))*(int(C.GOBSL_UINT16)-int(tensors.Uint16)) +
	(int(C.GOBSL_UINT32)-int(tensors.Uint32))*(int(C.GOBSL_UINT32)-int(tensors.Uint32)) +
	(int(C.GOBSL_UINT64)-int(tensors.Uint64))*(int(C.GOBSL_UINT64)-int(tensors.Uint64)) +
	(int(C.GOBSL_FLOAT16)-int(tensors.Float16))*(int(C.GOBSL_FLOAT16)-int(tensors.Float16)) +
	(int(C.GOBSL_FLOAT32)-int(tensors.Float32))*(int(C.GOBSL_FLOAT32)-int(tensors.Float32)) +
	(int(C.GOBSL_FLOAT64)-int(tensors.Float64))*(int(C.GOBSL_FLOAT64)-int(tensors.Float64)) +
	(int(C.GOBSL_BYTES)-int(tensors.Bytes))*(int(C.GOBSL_BYTES)-int(tensors.Bytes)) +
	(int(C.GOBSL_DENSE)-int(tensors.KindDense))*(int(C.GOBSL_DENSE)-int(tensors.KindDense)) +
	(int(C.GOBSL_SPARSE)-int(tensors.KindSparse))*(int(C.GOBSL_SPARSE)-int(tensors.KindSparse)) +
	(int(C.GOBSL_RAGGED)-int(tensors.KindRagged))*(int(C.GOBSL_RAGGED)-int(tensors.KindRagged)) +
	(int(C.GOBSL_ROLE_VALUES)-int(roleValues))*(int(C.GOBSL_ROLE_VALUES)-int(roleValues)) +
	(int(C.GOBSL_ROLE_INDICES)-int(roleIndices))*(int(C.GOBSL_ROLE_INDICES)-int(roleIndices)) +
	(int(C.GOBSL_ROLE_DENSE_SHAPE)-int(roleDenseShape))*(int(C.GOBSL_ROLE_DENSE_SHAPE)-int(roleDenseShape)) +
	(int(C.GOBSL_ROLE_ROW_SPLITS)-int(roleRowSplits))*(int(C.GOBSL_ROLE_ROW_SPLITS)-int(roleRowSplits))

var _ = [1]struct{}{}[constMismatch]

// Version is the version of the C ABI and of the Python package.
const Version = "0.1.0"

var versionC = C.CString(Version + " (" + runtime.Version() + ")") // never freed

// status is the code for err.
func status(err error) C.int {
	var ue *usageError
	var pe *panicError
	switch {
	case err == nil:
		return C.GOBSL_OK
	case errors.As(err, &pe):
		return C.GOBSL_EINTERNAL
	case errors.As(err, &ue):
		return C.GOBSL_EUSAGE
	}
	return C.GOBSL_EDATA
}

// finish reports err through errp and returns its status. It recovers a
// panic first: every export defers it on its named result.
func finish(errp **C.char, rc *C.int, err *error) {
	if p := recover(); p != nil {
		*err = newPanicError(p)
	}
	*rc = status(*err)
	if errp != nil {
		*errp = nil
		if *err != nil {
			*errp = C.CString((*err).Error())
		}
	}
}

func goStrings(p **C.gobsl_cchar, n C.int64_t) ([]string, error) {
	if n < 0 || (n > 0 && p == nil) {
		return nil, usagef("bad patterns: %d of them at %p", n, p)
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]string, n)
	for i, s := range unsafe.Slice(p, n) {
		if s == nil {
			return nil, usagef("pattern %d is NULL", i)
		}
		out[i] = C.GoString(s)
	}
	return out, nil
}

func goString(p *C.gobsl_cchar) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// goBytes copies n bytes at p; nil when p is NULL.
func goBytes(p *C.gobsl_cbyte, n C.int64_t) ([]byte, error) {
	if p == nil {
		if n != 0 {
			return nil, usagef("schema is NULL but schema_len is %d", n)
		}
		return nil, nil
	}
	if n < 0 || n > math.MaxInt32 {
		return nil, usagef("schema_len %d out of range", n)
	}
	return C.GoBytes(unsafe.Pointer(p), C.int(n)), nil
}

// importStream takes over a caller's stream: nil when in is NULL.
func importStream(in *C.struct_ArrowArrayStream) (array.RecordReader, error) {
	if in == nil {
		return nil, nil
	}
	if in.release == nil {
		return nil, usagef("the input stream is released (or was moved)")
	}
	r, err := cdata.ImportCRecordReader((*cdata.CArrowArrayStream)(unsafe.Pointer(in)), nil)
	if err != nil {
		return nil, fmt.Errorf("importing the Arrow stream: %w", err)
	}
	rr, ok := r.(array.RecordReader)
	if !ok { // arrow-go's importer is one; guard against a change
		return nil, fmt.Errorf("arrow-go: imported stream %T is not an array.RecordReader", r)
	}
	return safe(rr), nil
}

// inputs are the arguments every reading function shares.
type inputs struct {
	patterns []string
	in       array.RecordReader // an imported stream, or nil
	schema   *metadatapb.Schema
}

// takeInputs copies the arguments and imports the stream. Whatever
// happens, the stream is taken over: released on failure here, else by
// release or by open.
func takeInputs(pats **C.gobsl_cchar, n C.int64_t, in *C.struct_ArrowArrayStream, opts *C.gobsl_cchar,
	sch *C.gobsl_cbyte, schLen C.int64_t, ro *readOptions, v any) (inp inputs, err error) {
	if inp.in, err = importStream(in); err != nil {
		return inp, err
	}
	defer func() {
		if err != nil {
			inp.release()
		}
	}()
	if inp.patterns, err = goStrings(pats, n); err != nil {
		return inp, err
	}
	if inp.in != nil && len(inp.patterns) > 0 {
		return inp, usagef("give input files or a stream, not both")
	}
	if err = decodeOptions(goString(opts), v); err != nil {
		return inp, err
	}
	b, err := goBytes(sch, schLen)
	if err != nil {
		return inp, err
	}
	inp.schema, err = loadSchema(b, ro.SchemaPath)
	return inp, err
}

func (inp *inputs) release() {
	if inp.in != nil {
		inp.in.Release()
		inp.in = nil
	}
}

// open returns the reader of the inputs (which it takes over).
func (inp *inputs) open(ctx context.Context, ro *readOptions) (array.RecordReader, error) {
	if r := inp.in; r != nil {
		inp.in = nil
		if _, err := ro.tfxio(nil); err != nil { // check the options all the same
			r.Release()
			return nil, err
		}
		return project(r, ro.Columns)
	}
	return openPatterns(ctx, inp.patterns, ro, inp.schema)
}

//export gobsl_version
func gobsl_version() *C.gobsl_cchar { return versionC }

//export gobsl_free
func gobsl_free(p unsafe.Pointer) { C.free(p) }

//export gobsl_open
func gobsl_open(pats **C.gobsl_cchar, n C.int64_t, opts *C.gobsl_cchar, sch *C.gobsl_cbyte, schLen C.int64_t,
	out *C.struct_ArrowArrayStream, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	if out == nil {
		err = usagef("out is NULL")
		return
	}
	var o readOptions
	inp, err := takeInputs(pats, n, nil, opts, sch, schLen, &o, &o)
	if err != nil {
		return
	}
	r, err := inp.open(context.Background(), &o)
	if err != nil {
		return
	}
	cdata.ExportRecordReader(r, (*cdata.CArrowArrayStream)(unsafe.Pointer(out)))
	r.Release() // the stream holds its own reference
	return
}

//export gobsl_write
func gobsl_write(path *C.gobsl_cchar, in *C.struct_ArrowArrayStream, opts *C.gobsl_cchar, sch *C.gobsl_cbyte, schLen C.int64_t,
	rows *C.int64_t, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	if rows != nil {
		*rows = 0
	}
	r, err := importStream(in)
	if err != nil {
		return
	}
	if r == nil {
		err = usagef("in is NULL")
		return
	}
	defer r.Release()
	var o writeOptions
	if err = decodeOptions(goString(opts), &o); err != nil {
		return
	}
	if path == nil || *path == 0 {
		err = usagef("no output path")
		return
	}
	b, err := goBytes(sch, schLen)
	if err != nil {
		return
	}
	s, err := loadSchema(b, o.SchemaPath)
	if err != nil {
		return
	}
	wo, err := o.tfxio(s)
	if err != nil {
		return
	}
	nrows, err := tfxio.WriteAll(context.Background(), C.GoString(path), r, wo)
	if err != nil {
		return
	}
	if rows != nil {
		*rows = C.int64_t(nrows)
	}
	return
}

//export gobsl_convert
func gobsl_convert(pats **C.gobsl_cchar, n C.int64_t, output *C.gobsl_cchar, readOpts, writeOpts *C.gobsl_cchar,
	sch *C.gobsl_cbyte, schLen C.int64_t, rows *C.int64_t, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	if rows != nil {
		*rows = 0
	}
	var ro readOptions
	inp, err := takeInputs(pats, n, nil, readOpts, sch, schLen, &ro, &ro)
	if err != nil {
		return
	}
	if len(inp.patterns) == 0 {
		err = usagef("no input files")
		return
	}
	if ro.Columns != nil {
		err = usagef(`"columns" is not a convert option: convert writes every column`)
		return
	}
	var wo writeOptions
	if err = decodeOptions(goString(writeOpts), &wo); err != nil {
		return
	}
	if output == nil || *output == 0 {
		err = usagef("no output path")
		return
	}
	s := inp.schema
	if s == nil && wo.SchemaPath != "" {
		if s, err = loadSchema(nil, wo.SchemaPath); err != nil {
			return
		}
	}
	tro, err := ro.tfxio(s)
	if err != nil {
		return
	}
	two, err := wo.tfxio(s)
	if err != nil {
		return
	}
	nrows, err := tfxio.Convert(context.Background(), inp.patterns, C.GoString(output), tfxio.ConvertOptions{Read: tro, Write: two})
	if err == nil && rows != nil {
		*rows = C.int64_t(nrows)
	}
	return
}

// putBytes hands b to the caller as malloc'd memory.
func putBytes(b []byte, out **C.uint8_t, outLen *C.int64_t) error {
	if out == nil || outLen == nil {
		return usagef("out or out_len is NULL")
	}
	*out = (*C.uint8_t)(C.CBytes(b))
	*outLen = C.int64_t(len(b))
	return nil
}

//export gobsl_stats
func gobsl_stats(pats **C.gobsl_cchar, n C.int64_t, in *C.struct_ArrowArrayStream, opts *C.gobsl_cchar,
	sch *C.gobsl_cbyte, schLen C.int64_t, out **C.uint8_t, outLen *C.int64_t, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	var o statsCallOptions
	inp, err := takeInputs(pats, n, in, opts, sch, schLen, &o.readOptions, &o)
	if err != nil {
		return
	}
	ctx := context.Background()
	r, err := inp.open(ctx, &o.readOptions)
	if err != nil {
		return
	}
	defer r.Release()
	l, err := stats.Compute(ctx, r, o.statsOptions.stats(inp.schema, o.Workers))
	if err != nil {
		return
	}
	b, err := o.protoOutput.marshal(l)
	if err != nil {
		return
	}
	err = putBytes(b, out, outLen)
	return
}

//export gobsl_infer_schema
func gobsl_infer_schema(pats **C.gobsl_cchar, n C.int64_t, in *C.struct_ArrowArrayStream, opts *C.gobsl_cchar,
	sch *C.gobsl_cbyte, schLen C.int64_t, out **C.uint8_t, outLen *C.int64_t, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	var o inferOptions
	inp, err := takeInputs(pats, n, in, opts, sch, schLen, &o.readOptions, &o)
	if err != nil {
		return
	}
	ctx := context.Background()
	r, err := inp.open(ctx, &o.readOptions)
	if err != nil {
		return
	}
	defer r.Release()
	inf := o.infer(inp.schema)
	l, err := stats.Compute(ctx, r, inf.Stats)
	if err != nil {
		return
	}
	s, err := inf.Infer(l)
	if err != nil {
		return
	}
	b, err := o.protoOutput.marshal(s)
	if err != nil {
		return
	}
	err = putBytes(b, out, outLen)
	return
}

//export gobsl_tensors_open
func gobsl_tensors_open(pats **C.gobsl_cchar, n C.int64_t, in *C.struct_ArrowArrayStream, opts *C.gobsl_cchar,
	sch *C.gobsl_cbyte, schLen C.int64_t, out *C.gobsl_tensors, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	var o tensorOptions
	inp, err := takeInputs(pats, n, in, opts, sch, schLen, &o.readOptions, &o)
	if err != nil {
		return
	}
	if out == nil {
		inp.release()
		err = usagef("out is NULL")
		return
	}
	r, err := inp.open(context.Background(), &o.readOptions)
	if err != nil {
		return
	}
	tr, err := newTensorReader(r, &o, inp.schema)
	if err != nil {
		return
	}
	*out = C.gobsl_tensors(cgo.NewHandle(tr))
	return
}

// lookup returns the value of a handle the caller gave, or a usage error
// for a handle that is invalid or of another kind.
func lookup[T any](h uintptr, what string) (v T, err error) {
	defer func() {
		if recover() != nil {
			err = usagef("invalid %s handle %#x (closed or freed?)", what, h)
		}
	}()
	if h == 0 {
		return v, usagef("%s handle is 0", what)
	}
	v, ok := cgo.Handle(h).Value().(T)
	if !ok {
		return v, usagef("handle %#x is not a %s", h, what)
	}
	return v, nil
}

//export gobsl_tensors_specs
func gobsl_tensors_specs(t C.gobsl_tensors, out **C.char, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	tr, err := lookup[*tensorReader](uintptr(t), "gobsl_tensors")
	if err != nil {
		return
	}
	if out == nil {
		err = usagef("json is NULL")
		return
	}
	b, err := tr.specJSON()
	if err != nil {
		return
	}
	*out = C.CString(string(b))
	return
}

//export gobsl_tensors_next
func gobsl_tensors_next(t C.gobsl_tensors, out *C.gobsl_batch, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	if out == nil {
		err = usagef("out is NULL")
		return
	}
	*out = 0
	tr, err := lookup[*tensorReader](uintptr(t), "gobsl_tensors")
	if err != nil {
		return
	}
	b, err := tr.next()
	if err != nil || b == nil {
		return
	}
	b.c = newCArrays(b.arrays)
	*out = C.gobsl_batch(cgo.NewHandle(b))
	return
}

//export gobsl_tensors_close
func gobsl_tensors_close(t C.gobsl_tensors) {
	defer func() { _ = recover() }()
	tr, err := lookup[*tensorReader](uintptr(t), "gobsl_tensors")
	if err != nil {
		return
	}
	cgo.Handle(t).Delete()
	tr.close()
}

//export gobsl_batch_num_rows
func gobsl_batch_num_rows(b C.gobsl_batch) C.int64_t {
	defer func() { _ = recover() }()
	tb, err := lookup[*tensorBatch](uintptr(b), "gobsl_batch")
	if err != nil {
		return -1
	}
	return C.int64_t(tb.rows)
}

//export gobsl_batch_num_arrays
func gobsl_batch_num_arrays(b C.gobsl_batch) C.int64_t {
	defer func() { _ = recover() }()
	tb, err := lookup[*tensorBatch](uintptr(b), "gobsl_batch")
	if err != nil {
		return -1
	}
	return C.int64_t(len(tb.arrays))
}

//export gobsl_batch_array
func gobsl_batch_array(b C.gobsl_batch, i C.int64_t, out *C.struct_gobsl_array, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	tb, err := lookup[*tensorBatch](uintptr(b), "gobsl_batch")
	if err != nil {
		return
	}
	if out == nil {
		err = usagef("out is NULL")
		return
	}
	k, err := tb.index(int64(i))
	if err != nil {
		return
	}
	tb.fill(k, out)
	return
}

//export gobsl_batch_arrays
func gobsl_batch_arrays(b C.gobsl_batch, out *C.struct_gobsl_array, n C.int64_t, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	tb, err := lookup[*tensorBatch](uintptr(b), "gobsl_batch")
	if err != nil {
		return
	}
	if n < 0 || int(n) > len(tb.arrays) || (n > 0 && out == nil) {
		err = usagef("bad arrays: %d of them at %p (the batch has %d)", n, out, len(tb.arrays))
		return
	}
	outs := unsafe.Slice(out, n)
	for i := range outs {
		tb.fill(i, &outs[i])
	}
	return
}

//export gobsl_batch_bytes_format
func gobsl_batch_bytes_format(b C.gobsl_batch, i C.int64_t, fmt **C.char, fmtLen *C.int64_t, errp **C.char) (rc C.int) {
	var err error
	defer finish(errp, &rc, &err)
	tb, err := lookup[*tensorBatch](uintptr(b), "gobsl_batch")
	if err != nil {
		return
	}
	if fmt == nil || fmtLen == nil {
		err = usagef("fmt or fmt_len is NULL")
		return
	}
	k, err := tb.index(int64(i))
	if err != nil {
		return
	}
	f, err := tb.bytesFormat(k)
	if err != nil {
		return
	}
	*fmt = (*C.char)(unsafe.Pointer(unsafe.SliceData(f)))
	*fmtLen = C.int64_t(len(f))
	return
}

// index checks the index of an array of the batch.
func (tb *tensorBatch) index(i int64) (int, error) {
	if i < 0 || int(i) >= len(tb.arrays) {
		return 0, usagef("array %d out of range: the batch has %d", i, len(tb.arrays))
	}
	return int(i), nil
}

// fill describes array i in *out.
func (tb *tensorBatch) fill(i int, out *C.struct_gobsl_array) {
	a, c := &tb.arrays[i], &tb.c[i]
	*out = C.struct_gobsl_array{
		name:   c.name,
		tensor: c.tensor,
		kind:   C.int32_t(a.kind),
		role:   C.int32_t(a.role),
		level:  C.int32_t(a.level),
		dtype:  C.int32_t(a.dtype),
		ndim:   C.int64_t(len(a.shape)),
		shape:  c.shape,
		nbytes: C.int64_t(len(a.data)),
	}
	// Go memory, handed to C: the batch's handle keeps it reachable until
	// gobsl_batch_free, and Go's collector does not move heap objects (the
	// rule arrow-go's C data export relies on too).
	if len(a.data) > 0 {
		out.data = unsafe.Pointer(unsafe.SliceData(a.data))
	}
	if a.offsets != nil {
		out.offsets = (*C.int64_t)(unsafe.Pointer(unsafe.SliceData(a.offsets)))
	}
}

//export gobsl_batch_free
func gobsl_batch_free(b C.gobsl_batch) {
	defer func() { _ = recover() }()
	tb, err := lookup[*tensorBatch](uintptr(b), "gobsl_batch")
	if err != nil {
		return
	}
	cgo.Handle(b).Delete()
	tb.c.free()
	tb.c, tb.arrays, tb.ts, tb.formats = nil, nil, nil, nil
	tb.rb.Release()
}

//export gobsl_stream_new
func gobsl_stream_new() *C.struct_ArrowArrayStream {
	return (*C.struct_ArrowArrayStream)(C.calloc(1, C.sizeof_struct_ArrowArrayStream))
}

//export gobsl_stream_delete
func gobsl_stream_delete(s *C.struct_ArrowArrayStream) {
	defer func() { _ = recover() }()
	if s == nil {
		return
	}
	if s.release != nil {
		cdata.ReleaseCArrowArrayStream((*cdata.CArrowArrayStream)(unsafe.Pointer(s)))
	}
	C.free(unsafe.Pointer(s))
}

// cArray holds the C copies of an array's names and shape.
type cArray struct {
	name, tensor *C.char
	shape        *C.int64_t
}

type cArrays []cArray

func newCArrays(as []flatArray) cArrays {
	c := make(cArrays, len(as))
	for i, a := range as {
		c[i].name = C.CString(a.name)
		c[i].tensor = C.CString(a.tensor)
		c[i].shape = (*C.int64_t)(C.malloc(C.size_t(8 * max(len(a.shape), 1))))
		copy(unsafe.Slice((*int64)(unsafe.Pointer(c[i].shape)), len(a.shape)), a.shape)
	}
	return c
}

func (c cArrays) free() {
	for _, a := range c {
		C.free(unsafe.Pointer(a.name))
		C.free(unsafe.Pointer(a.tensor))
		C.free(unsafe.Pointer(a.shape))
	}
}
