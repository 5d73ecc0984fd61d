"""The Arrow C stream interface in pure Python (ctypes): gobsl's streams as
objects any Arrow consumer takes (the PyCapsule protocol), and a producer
that hands NumPy arrays to gobsl without pyarrow.
"""

import ctypes
import errno
import itertools
import threading

from ._lib import ArrowArray, ArrowArrayStream, ArrowSchema, UsageError, GOBSL_EUSAGE, lib

_STREAM_CAPSULE = b"arrow_array_stream"

_PyCapsule_New = ctypes.pythonapi.PyCapsule_New
_PyCapsule_New.restype = ctypes.py_object
_PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_PyCapsule_GetPointer = ctypes.pythonapi.PyCapsule_GetPointer
_PyCapsule_GetPointer.restype = ctypes.c_void_p
_PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_PyCapsule_GetPointerRaw = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi))


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _capsule_destructor(capsule):
    # The capsule is being destroyed: take its pointer without touching its
    # reference count, release the stream if no consumer took it, free it.
    try:
        ptr = _PyCapsule_GetPointerRaw(capsule, _STREAM_CAPSULE)
        if ptr:
            lib.gobsl_stream_delete(ptr)
    except Exception:  # pragma: no cover - nothing to report to
        pass


class ArrowStream:
    """An Arrow C stream (struct ArrowArrayStream) of record batches that
    gobsl produces: decoding happens as the consumer pulls batches.

    Any Arrow consumer takes it without copying: it implements the Arrow
    PyCapsule protocol (``__arrow_c_stream__``: pyarrow >= 14, polars,
    DuckDB, nanoarrow) and pyarrow's older ``_export_to_c``. A stream can be
    consumed once; ``close()`` (or garbage collection) releases it unread.
    """

    def __init__(self, ptr):
        self._ptr = ptr  # a gobsl_stream_new() struct holding a live stream
        self._lock = threading.Lock()

    def _take(self):
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr is None:
            raise UsageError("the stream was already consumed or closed", GOBSL_EUSAGE)
        return ptr

    def __arrow_c_stream__(self, requested_schema=None):
        """Returns a PyCapsule "arrow_array_stream" that owns the stream.
        requested_schema is ignored: the batches come as gobsl decodes them."""
        ptr = self._take()
        return _PyCapsule_New(ptr, _STREAM_CAPSULE, ctypes.cast(_capsule_destructor, ctypes.c_void_p))

    def _export_to_c(self, out_ptr):
        """Moves the stream into the struct ArrowArrayStream at out_ptr (an
        int address), as pyarrow's RecordBatchReader._export_to_c does."""
        ptr = self._take()
        ctypes.memmove(out_ptr, ptr, ctypes.sizeof(ArrowArrayStream))
        ctypes.memset(ptr, 0, ctypes.sizeof(ArrowArrayStream))
        lib.gobsl_stream_delete(ptr)

    def to_pyarrow(self):
        """A pyarrow.RecordBatchReader over the stream (needs pyarrow)."""
        import pyarrow as pa

        ptr = self._take()
        try:
            return pa.RecordBatchReader._import_from_c(ptr)
        finally:
            lib.gobsl_stream_delete(ptr)  # only frees: pyarrow moved the stream out

    def close(self):
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr is not None:
            lib.gobsl_stream_delete(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


def stream_address(data):
    """Returns (address, cleanup) of a struct ArrowArrayStream holding data,
    which gobsl then takes over: anything with ``__arrow_c_stream__``, a
    pyarrow reader or table (``_export_to_c``, ``to_reader``), or a mapping
    of column names to NumPy arrays (see NumpyStream)."""
    if hasattr(data, "__arrow_c_stream__"):
        capsule = data.__arrow_c_stream__()
        ptr = _PyCapsule_GetPointer(capsule, _STREAM_CAPSULE)
        # gobsl moves the stream out of the capsule's struct; the capsule
        # frees the struct when it goes.
        return ptr, lambda: capsule
    if not hasattr(data, "_export_to_c") and hasattr(data, "to_reader"):
        data = data.to_reader()  # an older pyarrow Table
    if hasattr(data, "_export_to_c"):
        ptr = lib.gobsl_stream_new()
        data._export_to_c(ptr)
        return ptr, lambda: lib.gobsl_stream_delete(ptr)
    if hasattr(data, "keys"):
        s = NumpyStream(data)
        return s.export()
    raise UsageError(
        "cannot read %s as Arrow data: want an object with __arrow_c_stream__ (pyarrow, polars, "
        "a gobsl stream) or a dict of NumPy arrays" % type(data).__name__, GOBSL_EUSAGE)


# --------------------------------------------------------------------------
# NumPy arrays as an Arrow C stream, produced here in ctypes.

_SCHEMA_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowSchema))
_ARRAY_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowArray))
_GET_SCHEMA = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ArrowArrayStream), ctypes.POINTER(ArrowSchema))
_GET_NEXT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ArrowArrayStream), ctypes.POINTER(ArrowArray))
_GET_ERROR = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.POINTER(ArrowArrayStream))
_STREAM_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowArrayStream))

# What a release callback frees, by the key in private_data.
_live = {}
_live_lock = threading.Lock()
_keys = itertools.count(1)


def _keep(obj):
    key = next(_keys)
    with _live_lock:
        _live[key] = obj
    return key


def _drop(key):
    with _live_lock:
        return _live.pop(key, None)


@_SCHEMA_RELEASE
def _release_schema(p):
    s = p.contents
    _drop(s.private_data or 0)
    s.release = None


@_SCHEMA_RELEASE
def _release_child_schema(p):
    p.contents.release = None


@_ARRAY_RELEASE
def _release_array(p):
    a = p.contents
    _drop(a.private_data or 0)
    a.release = None


@_ARRAY_RELEASE
def _release_child_array(p):
    p.contents.release = None


_NUMERIC_FORMATS = {
    "int8": b"c", "uint8": b"C", "int16": b"s", "uint16": b"S", "int32": b"i", "uint32": b"I",
    "int64": b"l", "uint64": b"L", "float16": b"e", "float32": b"f", "float64": b"g",
}


class _Column:
    """One column as Arrow buffers: a format, buffers, and a child for lists.
    keep holds the Python objects the buffers point into."""

    def __init__(self, name, fmt, length, buffers, valid=None, child=None, keep=()):
        self.name, self.fmt, self.length = name, fmt, length
        self.buffers, self.valid, self.child, self.keep = buffers, valid, child, keep


def _address(a):
    return a.ctypes.data if a.size else 0


def _column(name, values, np):
    """Arrow buffers for one column of values: a 1-D numeric array
    (primitive), a 2-D numeric array (large_list, every row the same
    length), bytes or str values (large_binary), or a sequence of sequences
    or None (large_list, None a null row)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf" and values.ndim in (1, 2):
        a = np.ascontiguousarray(values)
        if a.dtype.byteorder == ">":
            a = a.astype(a.dtype.newbyteorder("="))
        fmt = _NUMERIC_FORMATS[a.dtype.name]
        if a.ndim == 1:
            return _Column(name, fmt, len(a), [0, _address(a)], keep=(a,))
        n, k = a.shape
        offsets = np.arange(0, (n + 1) * k, k, dtype=np.int64)
        flat = a.reshape(-1)
        child = _Column("item", fmt, len(flat), [0, _address(flat)], keep=(flat,))
        return _Column(name, b"+L", n, [0, _address(offsets)], child=child, keep=(offsets, a))
    if isinstance(values, np.ndarray) and values.dtype.kind == "b" and values.ndim == 1:
        bits = np.packbits(values.astype(np.uint8), bitorder="little")
        return _Column(name, b"b", len(values), [0, _address(bits)], keep=(bits,))
    items = list(values.tolist() if isinstance(values, np.ndarray) else values)
    if all(isinstance(v, (bytes, str)) for v in items):
        return _binary(name, items, np)
    # a list column: each item a sequence of values, or None
    valid = np.array([v is not None for v in items], dtype=bool)
    rows = [[] if v is None else (v.tolist() if isinstance(v, np.ndarray) else list(v)) for v in items]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = [x for r in rows for x in r]
    if flat and all(isinstance(x, (bytes, str)) for x in flat):
        child = _binary("item", flat, np)
    else:
        arr = None
        for r in items:  # the element type of the first typed row wins
            if isinstance(r, np.ndarray) and r.dtype.kind in "iuf":
                arr = np.asarray(flat, dtype=r.dtype)
                break
        if arr is None:
            arr = np.asarray(flat) if flat else np.zeros(0, dtype=np.int64)
            if arr.dtype.kind == "i":
                arr = arr.astype(np.int64)
            elif arr.dtype.kind == "f":
                arr = arr.astype(np.float32)  # tf.Example's float_list
        if arr.dtype.kind not in "iuf":
            raise UsageError("column %r: values of type %s are not supported" % (name, arr.dtype), GOBSL_EUSAGE)
        child = _column("item", arr, np)
    nulls = int(len(valid) - valid.sum())
    bitmap = np.packbits(valid.astype(np.uint8), bitorder="little") if nulls else None
    return _Column(name, b"+L", len(rows), [_address(bitmap) if nulls else 0, _address(offsets)],
                   valid=valid if nulls else None, child=child, keep=(offsets, bitmap))


def _binary(name, items, np):
    enc = [v.encode() if isinstance(v, str) else v for v in items]
    offsets = np.zeros(len(enc) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in enc], out=offsets[1:])
    data = np.frombuffer(b"".join(enc) or b"\0", dtype=np.uint8)
    return _Column(name, b"Z", len(enc), [0, _address(offsets), _address(data)], keep=(offsets, data))


class _Holder:
    """What one exported ArrowSchema or ArrowArray points into."""

    def __init__(self):
        self.objs = []

    def add(self, o):
        self.objs.append(o)
        return o


def _export_schema(cols, out):
    h = _Holder()

    def field(col):
        s = h.add(ArrowSchema())
        s.format = col.fmt  # ctypes keeps the bytes alive with s
        s.name = col.name.encode()
        s.flags = 2  # ARROW_FLAG_NULLABLE
        s.release = ctypes.cast(_release_child_schema, ctypes.c_void_p).value
        if col.child is not None:
            c = field(col.child)
            arr = h.add((ctypes.POINTER(ArrowSchema) * 1)(ctypes.pointer(c)))
            s.n_children, s.children = 1, ctypes.cast(arr, ctypes.POINTER(ctypes.POINTER(ArrowSchema)))
        return s

    children = [field(c) for c in cols]
    ptrs = h.add((ctypes.POINTER(ArrowSchema) * max(len(children), 1))(*[ctypes.pointer(c) for c in children]))
    top = out.contents
    ctypes.memset(ctypes.addressof(top), 0, ctypes.sizeof(ArrowSchema))
    top.format = _STRUCT_FORMAT
    top.name = _EMPTY
    top.n_children = len(children)
    top.children = ctypes.cast(ptrs, ctypes.POINTER(ctypes.POINTER(ArrowSchema)))
    top.private_data = _keep(h)
    top.release = ctypes.cast(_release_schema, ctypes.c_void_p).value


_STRUCT_FORMAT, _EMPTY = b"+s", b""  # module constants: they outlive any consumer


def _export_batch(cols, start, length, out):
    h = _Holder()

    def array(col, offset, n):
        a = h.add(ArrowArray())
        a.length, a.offset = n, offset
        a.null_count = 0 if col.valid is None else int(n - col.valid[offset:offset + n].sum())
        bufs = h.add((ctypes.c_void_p * len(col.buffers))(*[b or None for b in col.buffers]))
        a.n_buffers, a.buffers = len(col.buffers), ctypes.cast(bufs, ctypes.POINTER(ctypes.c_void_p))
        a.release = ctypes.cast(_release_child_array, ctypes.c_void_p).value
        if col.child is not None:
            c = array(col.child, 0, col.child.length)  # list offsets index the whole child
            arr = h.add((ctypes.POINTER(ArrowArray) * 1)(ctypes.pointer(c)))
            a.n_children, a.children = 1, ctypes.cast(arr, ctypes.POINTER(ctypes.POINTER(ArrowArray)))
        h.add(col.keep)
        return a

    children = [array(c, start, length) for c in cols]
    ptrs = h.add((ctypes.POINTER(ArrowArray) * max(len(children), 1))(*[ctypes.pointer(c) for c in children]))
    top = out.contents
    ctypes.memset(ctypes.addressof(top), 0, ctypes.sizeof(ArrowArray))
    top.length = length
    top.n_buffers = 1
    nobuf = h.add((ctypes.c_void_p * 1)(None))
    top.buffers = ctypes.cast(nobuf, ctypes.POINTER(ctypes.c_void_p))
    top.n_children = len(children)
    top.children = ctypes.cast(ptrs, ctypes.POINTER(ctypes.POINTER(ArrowArray)))
    top.private_data = _keep(h)
    top.release = ctypes.cast(_release_array, ctypes.c_void_p).value


class NumpyStream:
    """A mapping of column names to NumPy arrays (or lists) as an Arrow C
    stream, produced in Python without pyarrow. Numeric arrays are shared,
    not copied; batches of batch_size rows slice them through Arrow offsets.

      1-D numeric array          -> int8...uint64, float16/32/64 column
      1-D bool array             -> bool column
      2-D numeric array [n, k]   -> large_list of k values per row
      bytes or str values        -> large_binary (str as UTF-8)
      sequence of sequences      -> large_list (None: a null row, as a
                                    feature absent from a tf.Example)
    """

    def __init__(self, columns, batch_size=65536):
        import numpy as np

        self.cols = [_column(str(k), v, np) for k, v in columns.items()]
        lengths = {c.length for c in self.cols}
        if len(lengths) > 1:
            raise UsageError("columns have different lengths: %s" % ", ".join(
                "%s=%d" % (c.name, c.length) for c in self.cols), GOBSL_EUSAGE)
        self.rows = lengths.pop() if lengths else 0
        self.batch_size = max(1, batch_size)
        self.pos = 0
        self.error = None

    def export(self):
        """Returns (address, cleanup) of a new struct ArrowArrayStream."""
        ptr = lib.gobsl_stream_new()
        st = ctypes.cast(ptr, ctypes.POINTER(ArrowArrayStream)).contents
        st.get_schema = ctypes.cast(_stream_get_schema, ctypes.c_void_p).value
        st.get_next = ctypes.cast(_stream_get_next, ctypes.c_void_p).value
        st.get_last_error = ctypes.cast(_stream_get_error, ctypes.c_void_p).value
        st.release = ctypes.cast(_stream_release, ctypes.c_void_p).value
        st.private_data = _keep(self)
        return ptr, lambda: lib.gobsl_stream_delete(ptr)


def _stream_of(p):
    with _live_lock:
        return _live.get(p.contents.private_data or 0)


@_GET_SCHEMA
def _stream_get_schema(p, out):
    s = _stream_of(p)
    try:
        _export_schema(s.cols, out)
        return 0
    except Exception as e:  # reported through get_last_error
        s.error = ctypes.create_string_buffer(("gobsl: exporting the NumPy schema: %s" % e).encode())
        return errno.EINVAL


@_GET_NEXT
def _stream_get_next(p, out):
    s = _stream_of(p)
    try:
        if s.pos >= s.rows:
            ctypes.memset(ctypes.cast(out, ctypes.c_void_p).value, 0, ctypes.sizeof(ArrowArray))
            return 0
        n = min(s.batch_size, s.rows - s.pos)
        _export_batch(s.cols, s.pos, n, out)
        s.pos += n
        return 0
    except Exception as e:
        s.error = ctypes.create_string_buffer(("gobsl: exporting NumPy arrays: %s" % e).encode())
        return errno.EINVAL


@_GET_ERROR
def _stream_get_error(p):
    s = _stream_of(p)
    return ctypes.addressof(s.error) if s is not None and s.error is not None else None


@_STREAM_RELEASE
def _stream_release(p):
    st = p.contents
    _drop(st.private_data or 0)
    st.release = None
