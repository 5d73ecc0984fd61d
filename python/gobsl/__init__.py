"""gobsl: Python coordinates, Go executes.

A thin layer over libgobsl, the C ABI of the gobsl Go library, loaded with
ctypes: reading TFRecord (tf.Example, tf.SequenceExample), Parquet, Arrow
IPC, JSON lines and CSV; writing them; tensors as NumPy arrays; TFDV-style
statistics and schema inference. Decoding runs in Go on all cores, with the
GIL released for every call, so Python threads run in parallel too.

    import gobsl
    for batch in gobsl.read_numpy("data/Split-train/", schema="schema.pbtxt"):
        batch["fare"]                 # a dense tensor: ndarray [B, 1]
        batch["tips.values"], batch["tips.row_splits"]   # ragged
    reader = gobsl.read("data-*.gz")   # pyarrow.RecordBatchReader (needs pyarrow)
    gobsl.write("out.tfrecord.gz", {"x": np.arange(10), "y": np.ones((10, 3))})
    print(gobsl.infer_schema("data/Split-train/"))    # schema.pbtxt text

Patterns name files, quoted globs, directories (TFX Split-* folders) and
shard patterns (prefix@N, prefix-?????-of-NNNNN), as the inspect CLI takes
them. Errors raise GobslError (UsageError for bad arguments, DataError for
bad data or I/O) with the CLI's message.
"""

import ctypes
import struct

from ._arrow import ArrowStream, NumpyStream, stream_address
from ._lib import DataError, GobslArray, GobslError, InternalError, UsageError, check, lib, options, patterns
from ._lib import take_bytes

__version__ = "0.1.0"

__all__ = [
    "ArrowStream", "DataError", "GobslError", "InternalError", "NumpyStream", "UsageError",
    "convert", "infer_schema", "open_stream", "read", "read_numpy", "stats", "tensor_specs", "version", "write",
]


def version():
    """The version of libgobsl and of the Go it was built with."""
    return lib.gobsl_version().decode()


def _schema(schema):
    """(bytes, length, path) of a schema argument: bytes are its contents
    (text or binary), a str or path-like names a file."""
    if schema is None:
        return None, 0, None
    if isinstance(schema, (bytes, bytearray, memoryview)):
        b = bytes(schema)
        return b, len(b), None
    import os

    return None, 0, os.fspath(schema)


def _read_options(schema_path, format, record_type, batch_size, columns, workers, list_type, bytes_type, csv,
                  **more):
    return dict(schema_path=schema_path, format=format, record_type=record_type, batch_size=batch_size,
                columns=None if columns is None else list(columns), workers=workers, list_type=list_type,
                bytes_type=bytes_type, csv=csv, **more)


def open_stream(patterns_, *, schema=None, format=None, record_type=None, batch_size=None, columns=None,
                workers=None, list_type=None, bytes_type=None, csv=None):
    """Opens a reader over the files patterns_ names and returns it as an
    ArrowStream: an Arrow C stream of record batches, decoded as they are
    pulled, that pyarrow, polars or DuckDB import without copying.

    schema: a TFMD schema, as a file name or its bytes (text or binary).
    format: tfrecord, parquet, arrow, arrows, jsonl or csv (default: by name).
    record_type: "example" (default) or "sequence_example".
    batch_size: records per batch (default 1024). columns: names to keep,
    in order. workers: decoding goroutines (default all cores). list_type:
    "large_list" (default, as tfx-bsl) or "list"; bytes_type: "large_binary"
    (default), "binary", "string" or "large_string". csv: a dict of the CSV
    options of libgobsl.h (column_names, delimiter, ...).
    """
    sb, sn, sp = _schema(schema)
    pats, n = patterns(patterns_)
    opts = options(**_read_options(sp, format, record_type, batch_size, columns, workers, list_type, bytes_type,
                                   csv))
    ptr = lib.gobsl_stream_new()
    try:
        check(lib.gobsl_open, pats, n, opts, sb, sn, ptr)
    except BaseException:
        lib.gobsl_stream_delete(ptr)
        raise
    return ArrowStream(ptr)


def read(patterns_, **kw):
    """Reads the files as a pyarrow.RecordBatchReader (an iterator of
    pyarrow.RecordBatch) through the Arrow C stream, without copying.
    Needs pyarrow; the options are open_stream's."""
    return open_stream(patterns_, **kw).to_pyarrow()


_DTYPES = {1: "int8", 2: "int16", 3: "int32", 4: "int64", 5: "uint8", 6: "uint16", 7: "uint32", 8: "uint64",
           9: "float16", 10: "float32", 11: "float64"}
_BYTES = 12


class _Batch:
    """Owns one gobsl_batch: the NumPy arrays of the batch keep it (through
    their bases) and it is freed when the last of them goes."""

    __slots__ = ("handle", "__weakref__")

    def __init__(self, handle):
        self.handle = handle

    def __del__(self):
        h, self.handle = self.handle, 0
        if h:
            lib.gobsl_batch_free(h)


class _Memory:
    """The base of an array over Go memory: the NumPy array interface of
    the data, read-only, and the batch that owns it."""

    __slots__ = ("__array_interface__", "_gobsl_batch")


def _bytes_arrays(np, owner, name, a):
    """A bytes array as NAME.bytes (uint8, the values end to end) and
    NAME.offsets (int64, one more than the values), both over Go memory,
    as gobsl names them in .safetensors files."""
    count = 1
    for i in range(a.ndim):
        count *= a.shape[i]
    data = _over(np, owner, a.data, (a.nbytes,), "|u1") if a.nbytes else np.zeros(0, np.uint8)
    offsets = _over(np, owner, a.offsets, (count + 1,), "=i8")
    return {name + ".bytes": data, name + ".offsets": offsets}


def _over(np, owner, ptr, shape, typestr):
    m = _Memory()
    # Read-only: shared with Go, and among arrays (copy to modify).
    m.__array_interface__ = {"data": (ptr, True), "shape": shape, "typestr": typestr, "version": 3}
    m._gobsl_batch = owner  # keeps the Go batch alive as long as the array
    return np.asarray(m)


def _to_numpy(np, owner, i, a):
    ndim = a.ndim
    shape = (a.shape[0],) if ndim == 1 else tuple(a.shape[k] for k in range(ndim))
    if a.dtype == _BYTES:
        count = 1
        for d in shape:
            count *= d
        out = _bytes_objects(np, owner, i, a, count)
        return out.reshape(shape) if ndim != 1 else out
    if not a.nbytes:
        arr = np.empty(shape, dtype=_NP_DTYPES[a.dtype])
        arr.flags.writeable = False
        return arr
    return _over(np, owner, a.data, shape, _TYPESTR[a.dtype])


def _bytes_objects(np, owner, i, a, count):
    """The values of bytes array i as a 1-D object array of count bytes.
    Go gives a struct format with every value's length, so one
    unpack_from call makes all the bytes objects (about 30 ns a value,
    where a Python loop over the offsets takes 70): this part holds the
    GIL, so it bounds how well threads scale."""
    if not count:
        return np.empty(0, dtype=object)
    fmt, n = ctypes.c_void_p(), ctypes.c_int64()
    check(lib.gobsl_batch_bytes_format, owner.handle, i, ctypes.byref(fmt), ctypes.byref(n))
    data = ctypes.string_at(a.data, a.nbytes) if a.nbytes else b""
    values = struct.Struct(ctypes.string_at(fmt.value, n.value)).unpack_from(data)
    if _FROMITER_OBJECT:
        return np.fromiter(values, dtype=object, count=count)
    out = np.empty(count, dtype=object)
    out[:] = values
    return out


_NP_DTYPES = {}
_FROMITER_OBJECT = False
_TYPESTR = {1: "|i1", 2: "=i2", 3: "=i4", 4: "=i8", 5: "|u1", 6: "=u2", 7: "=u4", 8: "=u8",
            9: "=f2", 10: "=f4", 11: "=f8"}


def _tensors_open(source, schema, kw):
    sb, sn, sp = _schema(schema)
    representation = kw.pop("representation", None)
    opts = options(representation=representation, **_read_options(sp, **kw))
    handle = ctypes.c_size_t()
    pats, n, ptr, cleanup = _source(source)
    try:
        check(lib.gobsl_tensors_open, pats, n, ptr, opts, sb, sn, ctypes.byref(handle))
    finally:
        cleanup()
    return handle.value


def _read_kw(format=None, record_type=None, batch_size=None, columns=None, workers=None, list_type=None,
             bytes_type=None, csv=None, representation=None):
    return dict(format=format, record_type=record_type, batch_size=batch_size, columns=columns, workers=workers,
                list_type=list_type, bytes_type=bytes_type, csv=csv, representation=representation)


def read_numpy(source, *, schema=None, representation=None, bytes_as="object", **kw):
    """Reads the files (or Arrow data: anything read, stats and write take)
    and yields one dict of NumPy arrays per batch, made by tfx-bsl's
    TensorAdapter and named as gobsl's .npz files:

      dense tensor   NAME                      [B, shape...]
      sparse tensor  NAME.indices [nnz, rank], NAME.values [nnz],
                     NAME.dense_shape [rank]
      ragged tensor  NAME.values, NAME.row_splits [B+1] (then
                     NAME.row_splits1, ... for deeper ragged dimensions)

    Numeric arrays share the memory Go decoded into (no copy where Arrow
    has the tensor's layout: dense values, ragged values and row splits);
    they are read-only, and keep the Go batch alive as long as any of them
    exists. Bytes come as object arrays of bytes (copied, about 30 ns a
    value), or with bytes_as="offsets" as two arrays over Go memory in
    place of each: NAME.bytes (uint8, the values end to end) and
    NAME.offsets (int64; value i is bytes[offsets[i]:offsets[i+1]]), as in
    gobsl's .safetensors files.

    representation: "auto" (default: from the schema's features and tensor
    representations, or without a schema list columns as sparse tensors, as
    tfx-bsl) or "ragged" (list columns as ragged tensors: zero-copy).
    The other options are open_stream's. Every batch costs Python a few
    microseconds an array under the GIL, and two threads make that cost
    more (the interpreter's memory moves between the cores): with small
    records read from several threads, batch_size=4096 rather than the
    default 1024 goes faster (python/BENCHMARKS.part.md).
    """
    import numpy as np

    if bytes_as not in ("object", "offsets"):
        raise UsageError('bytes_as must be "object" or "offsets", not %r' % (bytes_as,), 2)
    offsets = bytes_as == "offsets"
    global _FROMITER_OBJECT
    if not _NP_DTYPES:
        _NP_DTYPES.update({k: np.dtype(v) for k, v in _DTYPES.items()})
        # NumPy 1.23 and later make object arrays from iterators (faster
        # than assigning a tuple to a slice).
        _FROMITER_OBJECT = tuple(int(x) for x in np.__version__.split(".")[:2]) >= (1, 23)
    handle = _tensors_open(source, schema, _read_kw(representation=representation, **kw))
    try:
        b = ctypes.c_size_t()
        structs = None
        while True:
            check(lib.gobsl_tensors_next, handle, ctypes.byref(b))
            if not b.value:
                return
            owner = _Batch(b.value)
            n = lib.gobsl_batch_num_arrays(b.value)
            if structs is None or len(structs) != n:
                structs = (GobslArray * n)()
            check(lib.gobsl_batch_arrays, b.value, structs, n)
            if offsets:
                out = {}
                for i, a in enumerate(structs):
                    if a.dtype == _BYTES:
                        out.update(_bytes_arrays(np, owner, a.name.decode(), a))
                    else:
                        out[a.name.decode()] = _to_numpy(np, owner, i, a)
            else:
                out = {a.name.decode(): _to_numpy(np, owner, i, a) for i, a in enumerate(structs)}
            del owner  # the arrays hold it now (or nothing does: freed)
            yield out
    finally:
        lib.gobsl_tensors_close(handle)


def tensor_specs(source, *, schema=None, representation=None, **kw):
    """The tensors read_numpy would make, as a dict NAME -> {"kind", "dtype",
    "shape" (-1: varies), "ragged_rank", "row_splits_dtype", "arrays"}."""
    import json

    handle = _tensors_open(source, schema, _read_kw(representation=representation, **kw))
    try:
        out = ctypes.c_void_p()
        check(lib.gobsl_tensors_specs, handle, ctypes.byref(out))
        try:
            return json.loads(ctypes.string_at(out.value).decode())
        finally:
            lib.gobsl_free(out)
    finally:
        lib.gobsl_tensors_close(handle)


def _source(source):
    """(patterns array, count, stream address, cleanup) for a source: file
    patterns, or Arrow data taken over as a stream."""
    import os

    if isinstance(source, (str, bytes, os.PathLike, list, tuple)):
        pats, n = patterns(source)
        return pats, n, None, lambda: None
    ptr, cleanup = stream_address(source)
    return None, 0, ptr, cleanup


def write(path, data, *, schema=None, format=None, record_type=None, compression=None, shards=None,
          parquet_compression=None, force=False, deterministic=False, workers=None, batch_size=65536):
    """Writes data to path and returns the number of rows written.

    data: anything with __arrow_c_stream__ (a pyarrow Table or
    RecordBatchReader, a polars DataFrame, a gobsl stream from open_stream),
    or a dict of column name -> NumPy array or list (see NumpyStream; no
    pyarrow needed). The format follows path's name or format: TFRecord of
    tf.Example (or tf.SequenceExample with record_type), compressed by
    extension (.gz, .zst, .zz) or compression; Parquet; Arrow IPC (.arrow,
    .arrows); JSON lines. shards > 1 writes PREFIX-0000i-of-0000N files.
    The output appears only when complete; force replaces an existing file.
    """
    import os

    sb, sn, sp = _schema(schema)
    if hasattr(data, "keys") and not hasattr(data, "__arrow_c_stream__"):
        data = NumpyStream(data, batch_size=batch_size)
        ptr, cleanup = data.export()
    else:
        ptr, cleanup = stream_address(data)
    opts = options(format=format, schema_path=sp, record_type=record_type, compression=compression,
                   shards=shards, parquet_compression=parquet_compression, force=force or None,
                   deterministic=deterministic or None, workers=workers)
    rows = ctypes.c_int64()
    try:
        check(lib.gobsl_write, os.fsencode(path), ptr, opts, sb, sn, ctypes.byref(rows))
    finally:
        cleanup()
    return rows.value


def convert(source, output, *, schema=None, input_format=None, output_format=None, record_type=None,
            batch_size=None, workers=None, list_type=None, bytes_type=None, csv=None, compression=None,
            shards=None, parquet_compression=None, force=False, deterministic=False):
    """Converts the files source names (patterns, as read() takes them) to
    output in one call, all in Go, as "inspect convert" does, and returns
    the number of rows. Formats follow the names (or input_format and
    output_format); the other options are those of read() and write().
    Schemaless TFRecord input is read once (its schema checked while it is
    decoded) rather than twice. The output appears only when complete.
    """
    import os

    if not isinstance(source, (str, bytes, os.PathLike, list, tuple)):
        raise UsageError("convert reads files: give file names or patterns (write() takes Arrow data)", 2)
    sb, sn, sp = _schema(schema)
    ropts = options(**_read_options(sp, input_format, record_type, batch_size, None, workers, list_type,
                                    bytes_type, csv))
    wopts = options(format=output_format, schema_path=sp, record_type=record_type, compression=compression,
                    shards=shards, parquet_compression=parquet_compression, force=force or None,
                    deterministic=deterministic or None, workers=workers)
    pats, n = patterns(source)
    rows = ctypes.c_int64()
    check(lib.gobsl_convert, pats, n, os.fsencode(output), ropts, wopts, sb, sn, ctypes.byref(rows))
    return rows.value


_STATS_KEYS = ("name", "num_top_values", "num_rank_histogram_buckets", "num_values_histogram_buckets",
               "num_histogram_buckets", "num_quantiles_histogram_buckets")


def _proto_call(fn, source, schema, output, extra, kw):
    sb, sn, sp = _schema(schema)
    read_kw = {k: kw.pop(k) for k in list(kw) if k in
               ("format", "record_type", "batch_size", "columns", "workers", "list_type", "bytes_type", "csv")}
    for k in kw:
        if k not in _STATS_KEYS:
            raise TypeError("unexpected keyword argument %r" % k)
    opts = options(output=output, **extra, **kw, **_read_options(sp, **_read_kw(**read_kw), ))
    pats, n, ptr, cleanup = _source(source)
    out, out_len = ctypes.c_void_p(), ctypes.c_int64()
    try:
        check(fn, pats, n, ptr, opts, sb, sn, ctypes.byref(out), ctypes.byref(out_len))
    finally:
        cleanup()
    return take_bytes(out, out_len)


def stats(source, *, schema=None, output="binary", **kw):
    """TFDV-compatible statistics of the files (or Arrow data, or a dict of
    NumPy arrays): a serialized tensorflow.metadata DatasetFeatureStatisticsList
    (bytes; parse with statistics_pb2.DatasetFeatureStatisticsList.FromString),
    or its text format with output="text" (str).

    Options: name, num_top_values, num_rank_histogram_buckets,
    num_values_histogram_buckets, num_histogram_buckets,
    num_quantiles_histogram_buckets, and open_stream's reading options.
    """
    b = _proto_call(lib.gobsl_stats, source, schema, output, {}, kw)
    return b.decode() if output == "text" else b


def infer_schema(source, *, schema=None, output="text", infer_shape=True, max_string_domain_size=None, **kw):
    """Infers a TFMD schema as TFDV's infer_schema (and "inspect schema
    infer") does: schema.pbtxt text (str) by default, the serialized
    tensorflow.metadata Schema (bytes) with output="binary".

    infer_shape: fixed shapes for features always present with the same
    number of values (default True, as TFDV). max_string_domain_size:
    largest number of distinct values that gets a string domain (default
    100; 0: none). Other options as stats.
    """
    extra = dict(infer_shape=infer_shape, max_string_domain_size=max_string_domain_size)
    b = _proto_call(lib.gobsl_infer_schema, source, schema, output, extra, kw)
    return b.decode() if output == "text" else b
