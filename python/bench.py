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


def consume_numpy(path, workers, batch_size, representation):
    rows = 0
    for b in gobsl.read_numpy(path, workers=workers, batch_size=batch_size, representation=representation):
        rows += 1
    return rows


def timed(fn, *args):
    """(wall seconds, CPU seconds of the whole process: Go's threads too)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0


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
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="gobsl-bench-")
    try:
        a, b = make_files(tmp, args.copies)
        size = os.path.getsize(a)
        records = args.copies * 2000
        print("file: %d records, %.1f MB gzip; %d CPUs; load average %s; %s" % (
            records, size / 1e6, os.cpu_count(), " ".join("%.1f" % x for x in os.getloadavg()), gobsl.version()))
        bs = args.batch_size
        cases = {}
        for w in (1, 0):
            cases["stream/workers=%d" % w] = (consume_stream, a, w, bs)
            for rep in ("auto", "ragged"):
                cases["numpy/representation=%s/workers=%d" % (rep, w)] = (consume_numpy, a, w, bs, rep)
        best = {}
        go = {}

        def keep(name, wall, cpu):
            w0, c0 = best.get(name, (wall, cpu))
            best[name] = (min(w0, wall), min(c0, cpu))

        overlaps = []
        for i in range(args.repeat):
            for name, (fn, *fa) in cases.items():
                keep(name, *timed(fn, *fa))
            keep("threads/sequential", *timed(lambda: (consume_numpy(a, 1, bs, "ragged"),
                                                       consume_numpy(b, 1, bs, "ragged"))))
            wall, cpu, overlap = two_threads(lambda p: consume_numpy(p, 1, bs, "ragged"), a, b)
            keep("threads/parallel", wall, cpu)
            overlaps.append(overlap)
            for k, (wall, cpu) in go_bench(a, 1, args.benchtime).items():
                w0, c0 = go.get(k, (wall, cpu))
                go[k] = (min(w0, wall), min(c0, cpu))
        print()
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
        (sw, sc), (pw, pc) = best["threads/sequential"], best["threads/parallel"]
        print("two files, read_numpy(ragged, workers=1): one thread %.3f s wall (%.3f s CPU), "
              "two threads %.3f s wall (%.3f s CPU): %.2fx; calls overlapped %s of the shorter" % (
                  sw, sc, pw, pc, sw / pw, ", ".join("%.0f%%" % (100 * o) for o in overlaps)))
        print("load average after: %s" % " ".join("%.1f" % x for x in os.getloadavg()))
    finally:
        shutil.rmtree(tmp, True)


if __name__ == "__main__":
    sys.exit(main())
