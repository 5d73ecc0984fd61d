#!/usr/bin/env python3
"""Benchmarks of the Python package against the Go library on the same file
(python/BENCHMARKS.part.md):

  - Go: capi's BenchmarkOpen (tfxio.Open and every batch: what a consumer of
    the Arrow stream makes Go do) and BenchmarkTensors (the same plus the
    tensors read_numpy gets), run with "go test -bench" on the same file;
  - Python: open_stream consumed batch by batch in ctypes (get_next and
    release, as a consumer does), and read_numpy;
  - threads: two files decoded one after the other in one thread, against
    two threads at once, each call on one decoding goroutine (workers=1):
    the speedup two threads get on two cores.

Every figure is the minimum over --repeat runs, the runs interleaved so that
load from other processes spreads over all of them.

    python/test.sh                                   # builds python/build
    python/build/venv/bin/python python/bench.py     # from the repository root
"""

import argparse
import ctypes
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# The installed gobsl (the wheel), not the source tree next to this script.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

import gobsl  # noqa: E402
from gobsl import _lib  # noqa: E402


def make_files(tmp, copies):
    """Two TFRecord files of copies x 2,000 synthetic taxi records (gzip),
    written by gobsl from gendata's file."""
    data = os.path.join(tmp, "data")
    subprocess.run(["go", "run", "./internal/cmd/gendata", "-o", data], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    parts = os.path.join(tmp, "parts")
    os.makedirs(parts)
    for i in range(copies):
        shutil.copy(os.path.join(data, "taxi.tfrecord.gz"), os.path.join(parts, "p%03d.gz" % i))
    files = []
    for name in ("a", "b"):
        path = os.path.join(tmp, "taxi_%s.tfrecord.gz" % name)
        gobsl.write(path, gobsl.open_stream(parts))
        files.append(path)
    for name in ("a", "b"):  # uncompressed, read with a schema: one pass, nothing to inflate
        path = os.path.join(tmp, "taxi_%s.tfrecord" % name)
        gobsl.write(path, gobsl.open_stream(parts))
        files.append(path)
    files.append(gobsl.infer_schema(files[0], output="binary"))
    return files


def consume_stream(path, workers, batch_size):
    s = gobsl.open_stream(path, workers=workers, batch_size=batch_size)
    out = _lib.lib.gobsl_stream_new()
    try:
        s._export_to_c(out)
        st = ctypes.cast(out, ctypes.POINTER(_lib.ArrowArrayStream)).contents
        get_next = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_lib.ArrowArray))(st.get_next)
        rows = 0
        arr = _lib.ArrowArray()
        while True:
            if get_next(out, ctypes.byref(arr)) != 0:
                raise RuntimeError("get_next failed")
            if not arr.release:
                break
            rows += arr.length
            ctypes.CFUNCTYPE(None, ctypes.POINTER(_lib.ArrowArray))(arr.release)(ctypes.byref(arr))
        return rows
    finally:
        _lib.lib.gobsl_stream_delete(out)


def consume_numpy(path, workers, batch_size, representation, columns=None, bytes_as="object"):
    rows = 0
    for b in gobsl.read_numpy(path, workers=workers, batch_size=batch_size, representation=representation,
                              columns=columns, bytes_as=bytes_as):
        rows += 1
    return rows


def consume_calls(path, workers, batch_size, representation, columns=None):
    """read_numpy's calls into Go without the NumPy arrays: what the Go
    library does for it, timed in this process."""
    h = gobsl._tensors_open(path, None, gobsl._read_kw(workers=workers, batch_size=batch_size,
                                                       representation=representation, columns=columns))
    try:
        b = ctypes.c_size_t()
        structs = None
        while True:
            _lib.check(_lib.lib.gobsl_tensors_next, h, ctypes.byref(b))
            if not b.value:
                return
            n = _lib.lib.gobsl_batch_num_arrays(b.value)
            if structs is None or len(structs) != n:
                structs = (_lib.GobslArray * n)()
            _lib.check(_lib.lib.gobsl_batch_arrays, b.value, structs, n)
            _lib.lib.gobsl_batch_free(b.value)
    finally:
        _lib.lib.gobsl_tensors_close(h)


def python_share(path, workers, batch_size, representation, columns=None, bytes_as="object"):
    """Runs read_numpy with every call into Go timed: returns (seconds in
    Go, seconds in Python) of one run, both in this process and this run,
    so that load from other processes weighs on both alike."""
    in_go = [0.0]
    real = gobsl.check

    def timed_check(fn, *args):
        t0 = time.perf_counter()
        try:
            return real(fn, *args)
        finally:
            in_go[0] += time.perf_counter() - t0

    gobsl.check = timed_check
    try:
        t0 = time.perf_counter()
        consume_numpy(path, workers, batch_size, representation, columns, bytes_as)
        total = time.perf_counter() - t0
    finally:
        gobsl.check = real
    return in_go[0], total - in_go[0]


def timed(fn, *args):
    """(wall seconds, CPU seconds of the whole process: Go's threads too)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0


# The two ways read_numpy returns bytes values in the two-thread measurement:
# Python bytes objects (made under the GIL, ~30 ns each) and zero-copy arrays
# over Go's memory.
THREAD_BYTES_AS = ("object", "offsets")


def two_threads(fn, a, b):
    barrier = threading.Barrier(2)
    spans = {}

    def run(name, path):
        barrier.wait()
        t0 = time.perf_counter()
        fn(path)
        spans[name] = (t0, time.perf_counter())

    ts = [threading.Thread(target=run, args=("a", a)), threading.Thread(target=run, args=("b", b))]
    t0, c0 = time.perf_counter(), time.process_time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    (a0, a1), (b0, b1) = spans["a"], spans["b"]
    overlap = max(0.0, min(a1, b1) - max(a0, b0)) / min(a1 - a0, b1 - b0)
    return time.perf_counter() - t0, time.process_time() - c0, overlap


def go_bench(path, repeat, benchtime):
    env = dict(os.environ, GOBSL_BENCH_FILE=path)
    r = subprocess.run(["go", "test", "-run", "^$", "-bench", "^Benchmark(Open|Tensors)$", "-benchtime", benchtime,
                        "-count", str(repeat), "./capi"], cwd=REPO, env=env, check=True, stdout=subprocess.PIPE)
    best = {}
    for line in r.stdout.decode().splitlines():
        m = re.match(r"^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(\d+(?:\.\d+)?) ns/op.*?(\d+(?:\.\d+)?) cpu-s/op", line)
        if m:
            name, wall, cpu = m.group(1), float(m.group(2)) / 1e9, float(m.group(3))
            w0, c0 = best.get(name, (wall, cpu))
            best[name] = (min(w0, wall), min(c0, cpu))
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=50, help="x 2,000 records per file (default %(default)s)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--benchtime", default="3x", help="go test -benchtime per run (default %(default)s)")
    ap.add_argument("--threads-only", action="store_true", help="only the two-thread measurement")
    ap.add_argument("--thread-batch-sizes", default="1024",
                    help="comma-separated batch sizes of the two-thread measurement (default %(default)s)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="gobsl-bench-")
    try:
        a, b, plain_a, plain_b, schema = make_files(tmp, args.copies)
        size = os.path.getsize(a)
        records = args.copies * 2000
        print("file: %d records, %.1f MB gzip; %d CPUs; load average %s; %s" % (
            records, size / 1e6, os.cpu_count(), " ".join("%.1f" % x for x in os.getloadavg()), gobsl.version()))
        bs = args.batch_size
        thread_sizes = [int(x) for x in args.thread_batch_sizes.split(",")]
        cases = {}
        for w in (1, 0):
            cases["stream/workers=%d" % w] = (consume_stream, a, w, bs)
            for rep in ("auto", "ragged"):
                cases["numpy/representation=%s/workers=%d" % (rep, w)] = (consume_numpy, a, w, bs, rep)
                cases["calls/representation=%s/workers=%d" % (rep, w)] = (consume_calls, a, w, bs, rep)
        specs = gobsl.tensor_specs(a)
        numeric = [c for c in specs if specs[c]["dtype"] != "bytes"]
        cases["numpy/numeric columns"] = (consume_numpy, a, 0, bs, "ragged", numeric)
        cases["calls/numeric columns"] = (consume_calls, a, 0, bs, "ragged", numeric)
        best = {}
        go = {}

        def keep(name, wall, cpu):
            w0, c0 = best.get(name, (wall, cpu))
            best[name] = (min(w0, wall), min(c0, cpu))

        def keep_run(name, wall, cpu):  # the fastest run's wall and CPU time
            if name not in best or wall < best[name][0]:
                best[name] = (wall, cpu)

        overlaps = []
        shares = {}
        if args.threads_only:
            cases, numeric = {}, []
        for i in range(args.repeat):
            for rep in (() if args.threads_only else ("auto", "ragged")):
                for label, cols, bytes_as in (("all columns", None, "object"),
                                              ("all columns, bytes_as=offsets", None, "offsets"),
                                              ("numeric columns", numeric, "object")):
                    k = "%s, representation=%s" % (label, rep)
                    g, p = python_share(a, 0, bs, rep, cols, bytes_as)
                    g0, p0 = shares.get(k, (g, p))
                    shares[k] = (g, p) if g + p < g0 + p0 else (g0, p0)
            for name, (fn, *fa) in cases.items():
                keep(name, *timed(fn, *fa))
            for label, (fa, fb, sch) in (("gzip", (a, b, None)), ("plain", (plain_a, plain_b, schema))):
                for bytes_as, tbs in itertools.product(THREAD_BYTES_AS, thread_sizes):
                    def one(p, sch=sch, bytes_as=bytes_as, tbs=tbs):
                        for _ in gobsl.read_numpy(p, schema=sch, workers=1, batch_size=tbs, representation="ragged",
                                                  bytes_as=bytes_as):
                            pass
                    key = "threads/%s/%s/%d" % (label, bytes_as, tbs)
                    keep_run(key + "/sequential", *timed(lambda: (one(fa), one(fb))))
                    wall, cpu, overlap = two_threads(one, fa, fb)
                    keep_run(key + "/parallel", wall, cpu)
                    overlaps.append(overlap)
            for k, (wall, cpu) in ({} if args.threads_only else go_bench(a, 1, args.benchtime)).items():
                w0, c0 = go.get(k, (wall, cpu))
                go[k] = (min(w0, wall), min(c0, cpu))
        print()
        if not args.threads_only:
            report_single(go, best, shares)
        print("Two files, read_numpy(representation=ragged, workers=1) each; cores = CPU time / wall time:")
        print()
        print("| files | bytes_as | batch | one thread, one file after the other: wall, CPU, cores "
              "| two threads: wall, CPU, cores | speedup |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for label, what in (("gzip", "gzip, schemaless"), ("plain", "uncompressed, with a schema")):
            for bytes_as, tbs in itertools.product(THREAD_BYTES_AS, thread_sizes):
                key = "threads/%s/%s/%d" % (label, bytes_as, tbs)
                (sw, sc), (pw, pc) = best[key + "/sequential"], best[key + "/parallel"]
                print("| %s | %s | %d | %.3f s, %.3f s, %.2f | %.3f s, %.3f s, %.2f | %.2fx |" % (
                    what, bytes_as, tbs, sw, sc, sc / sw, pw, pc, pc / pw, sw / pw))
        print()
        print("The two threads' calls overlapped %s of the shorter one (GIL released)." % ", ".join(
            "%.0f%%" % (100 * o) for o in overlaps))
        print("load average after: %s" % " ".join("%.1f" % x for x in os.getloadavg()))
    finally:
        shutil.rmtree(tmp, True)


def report_single(go, best, shares):
    """The tables of one reader at a time."""
    print("| what | Go wall (s) | Python wall (s) | over Go | Go CPU (s) | Python CPU (s) | over Go |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    pairs = [("stream/workers=1", "Open/workers=1"), ("stream/workers=0", "Open/workers=0")]
    for rep in ("auto", "ragged"):
        for w in (1, 0):
            pairs.append(("numpy/representation=%s/workers=%d" % (rep, w),
                          "Tensors/representation=%s/workers=%d" % (rep, w)))
    for py, g in pairs:
        if g in go:
            (gw, gc), (pw, pc) = go[g], best[py]
            print("| %s | %.3f | %.3f | %+.1f%% | %.3f | %.3f | %+.1f%% |" % (
                py, gw, pw, 100 * (pw / gw - 1), gc, pc, 100 * (pc / gc - 1)))
    print()
    print("In this process: read_numpy against its calls into Go alone (the NumPy arrays are the difference):")
    print()
    print("| what | calls wall (s) | read_numpy wall (s) | over | calls CPU (s) | read_numpy CPU (s) | over |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    keys = ["representation=%s/workers=%d" % (rep, w) for rep in ("auto", "ragged") for w in (1, 0)]
    for k in keys + ["numeric columns"]:
        (cw, cc), (nw, nc) = best["calls/" + k], best["numpy/" + k]
        print("| %s | %.3f | %.3f | %+.1f%% | %.3f | %.3f | %+.1f%% |" % (
            k, cw, nw, 100 * (nw / cw - 1), cc, nc, 100 * (nc / cc - 1)))
    print()
    print("One run of read_numpy (workers=0), every call into Go timed: the time Python spends between "
          "them (the fastest run of each):")
    print()
    print("| what | in Go (s) | in Python (s) | Python over Go |")
    print("| --- | ---: | ---: | ---: |")
    for k, (g, p) in shares.items():
        print("| %s | %.3f | %.3f | %+.1f%% |" % (k, g, p, 100 * p / g))
    print()


if __name__ == "__main__":
    sys.exit(main())
