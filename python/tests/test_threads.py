"""The GIL is released during every call into Go: two Python threads
decoding different files run at the same time."""

import os
import shutil
import threading
import time
import unittest

import gobsl

from util import testdata, tmpdir


def make_dataset(name, copies):
    """A directory of copies of the taxi file (fileset reads them all)."""
    d = os.path.join(tmpdir(), name)
    os.makedirs(d, exist_ok=True)
    src = os.path.join(testdata(), "taxi.tfrecord.gz")
    for i in range(copies):
        p = os.path.join(d, "part-%03d.gz" % i)
        if not os.path.exists(p):
            shutil.copy(src, p)
    return d


class ThreadsTest(unittest.TestCase):
    def test_calls_overlap(self):
        # Each thread makes one long call into Go (statistics of 60,000
        # records, on one decoding goroutine). If the GIL were held during
        # a call, the second call could not start before the first ended:
        # the intervals would not overlap.
        dirs = [make_dataset("threads-a", 30), make_dataset("threads-b", 30)]
        barrier = threading.Barrier(2)
        spans = [None, None]
        errors = []

        def work(i):
            try:
                barrier.wait()
                t0 = time.perf_counter()
                gobsl.stats(dirs[i], workers=1)
                spans[i] = (t0, time.perf_counter())
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        (a0, a1), (b0, b1) = spans
        overlap = min(a1, b1) - max(a0, b0)
        shortest = min(a1 - a0, b1 - b0)
        self.assertGreater(overlap, 0.5 * shortest,
                           "calls overlap %.3fs of %.3fs: the GIL is held during calls?" % (overlap, shortest))

    def test_read_numpy_in_threads(self):
        # read_numpy from several threads at once gives each its own data.
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        want = sum(len(b["trip_seconds.row_splits"]) - 1
                   for b in gobsl.read_numpy(path, representation="ragged"))
        got = []

        def work():
            got.append(sum(len(b["trip_seconds.row_splits"]) - 1
                           for b in gobsl.read_numpy(path, representation="ragged", batch_size=128)))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(got, [want] * 4)


if __name__ == "__main__":
    unittest.main()
