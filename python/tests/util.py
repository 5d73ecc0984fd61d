"""Helpers of the gobsl Python tests: test data, the inspect CLI (the
oracle), and the canonical form rows are compared in.

The tests are self-contained: they generate their data with the library
(go run ./internal/cmd/gendata) and build the CLI, unless python/test.sh
did and says where through GOBSL_TESTDATA, GOBSL_INSPECT and
GOBSL_STREAM_TEST.
"""

import base64
import functools
import json
import math
import os
import shutil
import subprocess
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_tmp = None


def tmpdir():
    global _tmp
    if _tmp is None:
        _tmp = tempfile.mkdtemp(prefix="gobsl-pytest-")
        import atexit

        atexit.register(shutil.rmtree, _tmp, True)
    return _tmp


@functools.lru_cache(None)
def testdata():
    """The directory of gendata's files (taxi.tfrecord.gz, edge.tfrecord,
    longlists.tfrecord, sequence.tfrecord.zst)."""
    d = os.environ.get("GOBSL_TESTDATA")
    if d:
        return d
    d = os.path.join(tmpdir(), "data")
    subprocess.run(["go", "run", "./internal/cmd/gendata", "-o", d], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    return d


@functools.lru_cache(None)
def inspect_cli():
    p = os.environ.get("GOBSL_INSPECT")
    if p:
        return p
    p = os.path.join(tmpdir(), "inspect")
    subprocess.run(["go", "build", "-o", p, "./cmd/inspect"], cwd=REPO, check=True)
    return p


def cli(*args, check=True):
    """Runs the inspect CLI; returns (status, stdout bytes, stderr text)."""
    r = subprocess.run([inspect_cli()] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        raise AssertionError("inspect %s: status %d: %s" % (" ".join(map(str, args)), r.returncode,
                                                              r.stderr.decode()))
    return r.returncode, r.stdout, r.stderr.decode()


def cli_has(command):
    """Whether the CLI has a command (some are newer than others)."""
    code, out, _ = cli("help", check=False)
    return any(line.split()[:1] == [command] for line in out.decode().splitlines())


def cli_error(*args):
    """The message the CLI prints for a failing command, without its
    "inspect COMMAND: " prefix."""
    code, _, err = cli(*args, check=False)
    assert code != 0, "inspect %s succeeded" % (args,)
    first = err.strip().splitlines()[0]
    prefix = "inspect %s: " % args[0]
    assert first.startswith(prefix), first
    return first[len(prefix):]


# --------------------------------------------------------------------------
# Canonical rows: a dict feature -> tuple of values, where values are int
# (integral numbers, floats included: -0 and 1.0 print as 0 and 1), float
# (as float32), bytes (strings and bytes alike; NaN and infinities as the
# strings the CLI prints). Features with no values are left out: a null
# cell, an empty list and an absent feature are alike in a ragged tensor.
# Sequence features are "##SEQUENCE##.NAME" -> tuple of steps, each a
# tuple of values (a null step is empty); a feature list without any value
# is left out.

def norm(v):
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    if isinstance(v, str):
        return v.encode()
    if isinstance(v, dict):
        if "base64" in v:
            return base64.b64decode(v["base64"])
        if "hex" in v:
            return bytes.fromhex(v["hex"])
        raise ValueError("unexpected value %r" % (v,))
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    f = float(np.float32(v)) if not isinstance(v, np.float64) else float(v)
    if math.isnan(f):
        return b"NaN"
    if math.isinf(f):
        return b"Infinity" if f > 0 else b"-Infinity"
    if f == int(f):
        return int(f)
    return f


def canon_flat(obj):
    """A row of "inspect cat --format flat" (or of stream_test dump) in
    canonical form."""
    out = {}
    for k, v in obj.items():
        if k == "##SEQUENCE##" and isinstance(v, dict):
            for name, steps in v.items():
                if any(steps):  # no step with a value: as absent (a feature list never typed has no tensor)
                    out[k + "." + name] = tuple(() if s is None else tuple(norm(x) for x in s) for s in steps)
            continue
        if v:  # None and [] are left out
            out[k] = tuple(norm(x) for x in v)
    return out


def cli_rows(*args):
    """The rows "inspect cat --format flat ARGS" prints, canonical. The
    records are read as tf.Example unless ARGS say --record-type (the CLI's
    auto would show a record with unknown fields as raw)."""
    if "--record-type" not in args:
        args = ("--record-type", "example") + args
    _, out, _ = cli("cat", "--format", "flat", *args)
    return [canon_flat(json.loads(line)) for line in out.decode().splitlines()]


def jsonl_rows(text):
    return [canon_flat(json.loads(line)) for line in text.splitlines() if line.strip()]


def numpy_rows(batches, specs):
    """Rows, canonical, from read_numpy batches, using tensor_specs to tell
    the tensors apart (dense, sparse, ragged)."""
    rows = []
    for b in batches:
        n = None
        per = {}
        for name, sp in specs.items():
            if sp["kind"] == "dense":
                a = b[name]
                n = a.shape[0]
                per[name] = [tuple(norm(x) for x in a[i].reshape(-1).tolist()) for i in range(n)]
            elif sp["kind"] == "sparse":
                idx, vals, shape = b[name + ".indices"], b[name + ".values"], b[name + ".dense_shape"]
                n = int(shape[0])
                lists = [[] for _ in range(n)]
                order = np.lexsort(idx.T[::-1]) if len(idx) else []
                for j in order:
                    lists[int(idx[j, 0])].append(vals[j])
                per[name] = [tuple(norm(x) for x in l) for l in lists]
            else:
                vals = b[name + ".values"]
                splits = [b[a] for a in sp["arrays"][1:]]
                n = len(splits[0]) - 1
                if len(splits) == 1:
                    s = splits[0]
                    per[name] = [tuple(norm(x) for x in vals[s[i]:s[i + 1]].tolist()) for i in range(n)]
                elif len(splits) == 2:
                    s0, s1 = splits
                    per[name] = [tuple(tuple(norm(x) for x in vals[s1[j]:s1[j + 1]].tolist())
                                       for j in range(s0[i], s0[i + 1])) for i in range(n)]
                else:
                    raise ValueError("ragged rank %d" % len(splits))
        for i in range(n or 0):
            rows.append({k: v[i] for k, v in per.items()
                         if (any(v[i]) if k.startswith("##SEQUENCE##.") else v[i])})
    return rows


def first_difference(want, got):
    if len(want) != len(got):
        return "%d rows, want %d" % (len(got), len(want))
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            keys = sorted(set(w) | set(g))
            diff = {k: (w.get(k), g.get(k)) for k in keys if w.get(k) != g.get(k)}
            return "row %d differs (want, got): %r" % (i, diff)
    return None
