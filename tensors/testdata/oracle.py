"""NumPy reads gobsl's tensor files: the oracle of tensors/oracle_test.go.

usage: oracle.py npz FILE | oracle.py safetensors FILE

Prints one JSON object: for every array, its dtype, shape and values
(bytes as latin-1 strings). For .npz files it also tells whether each
.npy header is byte for byte the one np.save writes for that array.
"""

import io
import json
import struct
import sys
import zipfile

import numpy as np


def plain(x):
    if isinstance(x, bytes):
        return x.decode("latin-1")
    if isinstance(x, list):
        return [plain(v) for v in x]
    return x


def describe(a):
    return {"dtype": a.dtype.str, "shape": list(a.shape), "values": plain(a.tolist())}


def npz(path):
    out = {}
    with np.load(path) as f:  # allow_pickle=False: no object arrays
        for name in f.files:
            out[name] = describe(f[name])
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            raw = z.read(info)
            name = info.filename[: -len(".npy")]
            buf = io.BytesIO()
            np.save(buf, np.load(io.BytesIO(raw)))
            saved = buf.getvalue()
            hlen = 10 + struct.unpack("<H", raw[8:10])[0]
            out[name]["header_as_np_save"] = raw[:hlen] == saved[:hlen] and len(raw) == len(saved)
    return out


DTYPES = {"I8": "<i1", "I16": "<i2", "I32": "<i4", "I64": "<i8", "U8": "<u1", "U16": "<u2",
          "U32": "<u4", "U64": "<u8", "F16": "<f2", "F32": "<f4", "F64": "<f8", "BOOL": "?"}


def safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    out = {"__metadata__": header.pop("__metadata__", {})}
    for name, t in header.items():
        start, end = t["data_offsets"]
        a = np.frombuffer(body[start:end], dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
        out[name] = describe(a)
    return out


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    print(json.dumps({"npz": npz, "safetensors": safetensors}[mode](path), sort_keys=True))
