"""Loading libgobsl.so and declaring its C functions for ctypes.

Every call goes through ctypes.CDLL, which releases the GIL for the
duration of the foreign call: Python threads decode in parallel.
"""

import ctypes
import json
import os

__all__ = ["lib", "GobslError", "UsageError", "DataError", "InternalError", "check", "options", "patterns"]

GOBSL_OK, GOBSL_EDATA, GOBSL_EUSAGE, GOBSL_EINTERNAL = 0, 1, 2, 3


class GobslError(Exception):
    """An error reported by libgobsl. ``code`` is the status: 1 bad data or
    I/O, 2 a bad argument or option, 3 a bug in gobsl. The message is the
    text the inspect CLI prints for the same error."""

    def __init__(self, message, code=GOBSL_EDATA):
        super().__init__(message)
        self.code = code


class DataError(GobslError, OSError):
    """Bad data or an I/O error (status 1)."""


class UsageError(GobslError, ValueError):
    """A bad argument or option (status 2)."""


class InternalError(GobslError):
    """A bug in gobsl: a Go panic, recovered (status 3)."""


_ERRORS = {GOBSL_EDATA: DataError, GOBSL_EUSAGE: UsageError, GOBSL_EINTERNAL: InternalError}


class ArrowSchema(ctypes.Structure):
    pass


class ArrowArray(ctypes.Structure):
    pass


class ArrowArrayStream(ctypes.Structure):
    pass


ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p),
    ("name", ctypes.c_char_p),
    ("metadata", ctypes.c_void_p),
    ("flags", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(ArrowSchema))),
    ("dictionary", ctypes.POINTER(ArrowSchema)),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]
ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(ArrowArray))),
    ("dictionary", ctypes.POINTER(ArrowArray)),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]
ArrowArrayStream._fields_ = [
    ("get_schema", ctypes.c_void_p),
    ("get_next", ctypes.c_void_p),
    ("get_last_error", ctypes.c_void_p),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]


class GobslArray(ctypes.Structure):
    """struct gobsl_array of libgobsl.h."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("tensor", ctypes.c_char_p),
        ("kind", ctypes.c_int32),
        ("role", ctypes.c_int32),
        ("level", ctypes.c_int32),
        ("dtype", ctypes.c_int32),
        ("ndim", ctypes.c_int64),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("data", ctypes.c_void_p),
        ("nbytes", ctypes.c_int64),
        ("offsets", ctypes.c_void_p),
    ]


def _find_library():
    path = os.environ.get("GOBSL_LIBRARY")
    if path:
        return path
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "libgobsl.so")


lib = ctypes.CDLL(_find_library())

_c = ctypes
_charpp = _c.POINTER(_c.c_char_p)
_errp = _c.POINTER(_c.c_void_p)
_stream_p = _c.c_void_p  # struct ArrowArrayStream*, passed as an address

_protos = {
    "gobsl_version": (_c.c_char_p, []),
    "gobsl_free": (None, [_c.c_void_p]),
    "gobsl_open": (_c.c_int, [_charpp, _c.c_int64, _c.c_char_p, _c.c_char_p, _c.c_int64, _stream_p, _errp]),
    "gobsl_write": (_c.c_int, [_c.c_char_p, _stream_p, _c.c_char_p, _c.c_char_p, _c.c_int64,
                               _c.POINTER(_c.c_int64), _errp]),
    "gobsl_convert": (_c.c_int, [_charpp, _c.c_int64, _c.c_char_p, _c.c_char_p, _c.c_char_p, _c.c_char_p,
                                 _c.c_int64, _c.POINTER(_c.c_int64), _errp]),
    "gobsl_stats": (_c.c_int, [_charpp, _c.c_int64, _stream_p, _c.c_char_p, _c.c_char_p, _c.c_int64,
                               _c.POINTER(_c.c_void_p), _c.POINTER(_c.c_int64), _errp]),
    "gobsl_infer_schema": (_c.c_int, [_charpp, _c.c_int64, _stream_p, _c.c_char_p, _c.c_char_p, _c.c_int64,
                                      _c.POINTER(_c.c_void_p), _c.POINTER(_c.c_int64), _errp]),
    "gobsl_tensors_open": (_c.c_int, [_charpp, _c.c_int64, _stream_p, _c.c_char_p, _c.c_char_p, _c.c_int64,
                                      _c.POINTER(_c.c_size_t), _errp]),
    "gobsl_tensors_specs": (_c.c_int, [_c.c_size_t, _c.POINTER(_c.c_void_p), _errp]),
    "gobsl_tensors_next": (_c.c_int, [_c.c_size_t, _c.POINTER(_c.c_size_t), _errp]),
    "gobsl_tensors_close": (None, [_c.c_size_t]),
    "gobsl_batch_num_rows": (_c.c_int64, [_c.c_size_t]),
    "gobsl_batch_num_arrays": (_c.c_int64, [_c.c_size_t]),
    "gobsl_batch_array": (_c.c_int, [_c.c_size_t, _c.c_int64, _c.POINTER(GobslArray), _errp]),
    "gobsl_batch_arrays": (_c.c_int, [_c.c_size_t, _c.POINTER(GobslArray), _c.c_int64, _errp]),
    "gobsl_batch_bytes_format": (_c.c_int, [_c.c_size_t, _c.c_int64, _c.POINTER(_c.c_void_p),
                                            _c.POINTER(_c.c_int64), _errp]),
    "gobsl_batch_free": (None, [_c.c_size_t]),
    "gobsl_stream_new": (_c.c_void_p, []),
    "gobsl_stream_delete": (None, [_c.c_void_p]),
}
for _name, (_res, _args) in _protos.items():
    _f = getattr(lib, _name)
    _f.restype, _f.argtypes = _res, _args


def check(fn, *args):
    """Calls fn(*args, &err) and raises the GobslError it reports."""
    err = ctypes.c_void_p()
    rc = fn(*args, ctypes.byref(err))
    if rc != GOBSL_OK:
        msg = "gobsl: status %d" % rc
        if err.value:
            msg = ctypes.string_at(err.value).decode("utf-8", "replace")
            lib.gobsl_free(err)
        raise _ERRORS.get(rc, GobslError)(msg, rc)


def take_bytes(ptr, n):
    """Copies n bytes gobsl returned at ptr and frees them."""
    try:
        return ctypes.string_at(ptr.value, n.value) if n.value else b""
    finally:
        lib.gobsl_free(ptr)


def options(**kw):
    """The JSON options of a call: the keyword arguments that are not None."""
    return json.dumps({k: v for k, v in kw.items() if v is not None}).encode()


def patterns(p):
    """A ctypes array of the file patterns p (a path or a list of paths), and
    its length."""
    if isinstance(p, (str, bytes, os.PathLike)):
        p = [p]
    enc = [os.fsencode(x) for x in p]
    if not enc:
        raise UsageError("no input files", GOBSL_EUSAGE)
    return (ctypes.c_char_p * len(enc))(*enc), len(enc)
