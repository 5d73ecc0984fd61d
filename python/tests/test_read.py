"""gobsl.read_numpy, open_stream, stats and infer_schema against the inspect
CLI on the generated test data."""

import ctypes
import gc
import os
import shutil
import unittest
import weakref

import numpy as np

import gobsl
from gobsl import _lib

from util import (cli, cli_error, cli_has, cli_rows, first_difference, numpy_rows, testdata, tmpdir)

EXAMPLE_FILES = ["taxi.tfrecord.gz", "edge.tfrecord", "longlists.tfrecord"]


class InstalledTest(unittest.TestCase):
    def test_imported_from_the_wheel(self):
        # python/test.sh runs the tests against the installed wheel, not
        # the source tree.
        if os.environ.get("GOBSL_EXPECT_INSTALLED"):
            self.assertIn("site-packages", gobsl.__file__)
            self.assertTrue(os.path.exists(os.path.join(os.path.dirname(gobsl.__file__), "libgobsl.so")))

    def test_version(self):
        self.assertTrue(gobsl.version().startswith(gobsl.__version__ + " (go"), gobsl.version())


class ReadNumpyTest(unittest.TestCase):
    def check_equal_cli(self, path, cli_args=(), **kw):
        want = cli_rows(*cli_args, path)
        specs = gobsl.tensor_specs(path, **kw)
        got = numpy_rows(gobsl.read_numpy(path, **kw), specs)
        diff = first_difference(want, got)
        self.assertIsNone(diff, "%s %s" % (os.path.basename(path), kw))
        return got

    def test_examples_equal_cli(self):
        for f in EXAMPLE_FILES:
            for rep in ("auto", "ragged"):
                for bs in (None, 7):
                    with self.subTest(file=f, representation=rep, batch_size=bs):
                        self.check_equal_cli(os.path.join(testdata(), f), representation=rep, batch_size=bs)

    def test_sequence_examples_equal_cli(self):
        path = os.path.join(testdata(), "sequence.tfrecord.zst")
        rows = self.check_equal_cli(path, ("--record-type", "sequence_example"),
                                    record_type="sequence_example", representation="ragged", batch_size=64)
        self.assertTrue(any(k.startswith("##SEQUENCE##.") for r in rows for k in r))

    def test_taxi_dense_with_schema(self):
        # A schema whose int features have a shape makes dense tensors [B, 1].
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        schema = gobsl.infer_schema(path)
        specs = gobsl.tensor_specs(path, schema=schema.encode())
        kinds = {sp["kind"] for sp in specs.values()}
        self.assertIn("sparse", kinds)  # features missing in some records
        self.check_equal_cli(path, schema=schema.encode())
        # the same schema as a file
        sp = os.path.join(tmpdir(), "taxi_schema.pbtxt")
        with open(sp, "w") as f:
            f.write(schema)
        self.check_equal_cli(path, schema=sp, batch_size=333)

    def test_dense_from_fixed_length_features(self):
        path = os.path.join(tmpdir(), "fixed.tfrecord")
        n = 1000
        cols = {"a": np.arange(n, dtype=np.int64), "v": np.arange(3 * n, dtype=np.float32).reshape(n, 3)}
        gobsl.write(path, cols, force=True)
        schema = gobsl.infer_schema(path)  # infer_shape: a and v have shapes
        specs = gobsl.tensor_specs(path, schema=schema.encode())
        self.assertEqual(specs["v"]["kind"], "dense")
        self.assertEqual(specs["v"]["shape"], [-1, 3])
        got = {"a": [], "v": []}
        for b in gobsl.read_numpy(path, schema=schema.encode(), batch_size=300):
            got["a"].append(b["a"])
            got["v"].append(b["v"])
        np.testing.assert_array_equal(np.concatenate(got["a"]).reshape(-1), cols["a"])
        np.testing.assert_array_equal(np.concatenate(got["v"]), cols["v"])

    def test_columns(self):
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        b = next(gobsl.read_numpy(path, columns=["fare", "company"], representation="ragged"))
        self.assertEqual(sorted(b), ["company.row_splits", "company.values", "fare.row_splits", "fare.values"])
        with self.assertRaises(gobsl.UsageError) as cm:
            next(gobsl.read_numpy(path, columns=["nope"]))
        self.assertIn('no column "nope"', str(cm.exception))

    def test_zero_copy_and_lifetime(self):
        path = os.path.join(testdata(), "longlists.tfrecord")
        b = next(gobsl.read_numpy(path, representation="ragged", batch_size=50))
        arrays = [a for a in b.values() if a.dtype != object and a.size]
        self.assertTrue(arrays)
        owner = None
        for a in arrays:
            self.assertFalse(a.flags.owndata, "copied")
            self.assertFalse(a.flags.writeable)
            base = a
            while isinstance(base, np.ndarray):
                base = base.base
            self.assertIsNotNone(base)
            owner = base._gobsl_batch
        ref = weakref.ref(owner)
        keep = arrays[0].copy()
        del a, base, arrays, owner, b
        gc.collect()
        self.assertIsNone(ref(), "the Go batch outlives its arrays")
        self.assertTrue(keep.size > 0)

    def test_bytes_objects_without_fromiter(self):
        # NumPy before 1.23 cannot make object arrays with fromiter: the
        # fallback must give the same arrays.
        path = os.path.join(testdata(), "edge.tfrecord")
        want = list(gobsl.read_numpy(path))
        self.assertTrue(gobsl._FROMITER_OBJECT or np.lib.NumpyVersion(np.__version__) < "1.23.0")
        saved = gobsl._FROMITER_OBJECT
        gobsl._FROMITER_OBJECT = False
        try:
            got = list(gobsl.read_numpy(path))
        finally:
            gobsl._FROMITER_OBJECT = saved
        self.assertEqual(len(got), len(want))
        for g, w in zip(got, want):
            self.assertEqual(sorted(g), sorted(w))
            for name in w:
                self.assertEqual(g[name].dtype, w[name].dtype, name)
                self.assertEqual(g[name].shape, w[name].shape, name)
                if w[name].dtype == object:
                    self.assertEqual(g[name].tolist(), w[name].tolist(), name)
                else:  # bit for bit (NaNs)
                    self.assertEqual(g[name].tobytes(), w[name].tobytes(), name)

    def test_bytes_as_offsets(self):
        path = os.path.join(testdata(), "edge.tfrecord")
        for rep in ("auto", "ragged"):
            objs = list(gobsl.read_numpy(path, representation=rep))
            raws = list(gobsl.read_numpy(path, representation=rep, bytes_as="offsets"))
            self.assertEqual(len(objs), len(raws))
            for o, r in zip(objs, raws):
                values = o["b.values"].tolist()
                self.assertIn(b"a\x00b", values)  # NULs kept
                data, off = r["b.values.bytes"].tobytes(), r["b.values.offsets"]
                self.assertEqual([data[off[i]:off[i + 1]] for i in range(len(off) - 1)], values)
                self.assertNotIn("b.values", r)
                self.assertFalse(r["b.values.offsets"].flags.owndata)
        with self.assertRaises(gobsl.UsageError):
            next(gobsl.read_numpy(path, bytes_as="str"))

    def test_arrays_outlive_reader(self):
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        it = gobsl.read_numpy(path, representation="ragged", batch_size=100)
        first = next(it)
        it.close()  # closes the Go reader
        del it
        gc.collect()
        self.assertEqual(first["trip_seconds.row_splits"][0], 0)
        self.assertEqual(len(first["trip_seconds.row_splits"]), 101)

    def test_errors_are_the_clis(self):
        missing = os.path.join(tmpdir(), "missing.tfrecord")
        with self.assertRaises(gobsl.DataError) as cm:
            list(gobsl.read_numpy(missing))
        self.assertEqual(cm.exception.code, 1)
        self.assertEqual(str(cm.exception), cli_error("convert", missing, os.path.join(tmpdir(), "x.arrow")))

        bad = os.path.join(tmpdir(), "damaged.tfrecord")
        with open(os.path.join(testdata(), "longlists.tfrecord"), "rb") as f:
            data = bytearray(f.read())
        data[5000] ^= 0xFF  # a data CRC breaks
        with open(bad, "wb") as f:
            f.write(data)
        with self.assertRaises(gobsl.DataError) as cm:
            list(gobsl.read_numpy(bad))
        want = cli_error("convert", "--force", bad, os.path.join(tmpdir(), "y.arrow"))
        self.assertEqual(str(cm.exception), want)
        self.assertIn("damaged.tfrecord", want)

        with self.assertRaises(gobsl.UsageError) as cm:
            list(gobsl.read_numpy(missing, record_type="seq"))
        self.assertEqual(cm.exception.code, 2)
        with self.assertRaises(TypeError):
            list(gobsl.read_numpy(missing, batchsize=3))


class StreamTest(unittest.TestCase):
    """open_stream's Arrow C stream, walked in ctypes as a consumer would."""

    def walk(self, stream_ptr):
        st = ctypes.cast(stream_ptr, ctypes.POINTER(_lib.ArrowArrayStream)).contents
        get_schema = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_lib.ArrowSchema))(st.get_schema)
        get_next = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_lib.ArrowArray))(st.get_next)
        release = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(st.release)
        sch = _lib.ArrowSchema()
        self.assertEqual(get_schema(stream_ptr, ctypes.byref(sch)), 0)
        names = [sch.children[i].contents.name.decode() for i in range(sch.n_children)]
        formats = [sch.children[i].contents.format.decode() for i in range(sch.n_children)]
        rows = 0
        while True:
            arr = _lib.ArrowArray()
            self.assertEqual(get_next(stream_ptr, ctypes.byref(arr)), 0)
            if not arr.release:
                break
            rows += arr.length
            ctypes.CFUNCTYPE(None, ctypes.POINTER(_lib.ArrowArray))(arr.release)(ctypes.byref(arr))
            self.assertFalse(arr.release)
        ctypes.CFUNCTYPE(None, ctypes.POINTER(_lib.ArrowSchema))(sch.release)(ctypes.byref(sch))
        release(stream_ptr)
        self.assertFalse(st.release)
        return names, formats, rows

    def test_capsule(self):
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        s = gobsl.open_stream(path, batch_size=500, columns=["trip_seconds", "company"])
        capsule = s.__arrow_c_stream__()
        ptr = ctypes.pythonapi.PyCapsule_GetPointer
        ptr.restype, ptr.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
        names, formats, rows = self.walk(ptr(capsule, b"arrow_array_stream"))
        self.assertEqual(names, ["trip_seconds", "company"])
        self.assertEqual(formats, ["+L", "+L"])
        self.assertEqual(rows, 2000)
        with self.assertRaises(gobsl.UsageError):
            s.__arrow_c_stream__()  # consumed once
        del capsule  # frees the (released) struct
        # An unconsumed capsule releases its stream when it goes.
        c2 = gobsl.open_stream(path).__arrow_c_stream__()
        del c2
        gc.collect()

    def test_export_to_c(self):
        path = os.path.join(testdata(), "edge.tfrecord")
        out = _lib.lib.gobsl_stream_new()
        try:
            gobsl.open_stream(path)._export_to_c(out)
            names, formats, rows = self.walk(out)
        finally:
            _lib.lib.gobsl_stream_delete(out)
        self.assertEqual(rows, 13)
        self.assertIn("f", names)

    def test_close_unread(self):
        s = gobsl.open_stream(os.path.join(testdata(), "taxi.tfrecord.gz"))
        s.close()
        s.close()
        with self.assertRaises(gobsl.UsageError):
            s.__arrow_c_stream__()


class ProtoTest(unittest.TestCase):
    def test_infer_schema_equals_cli(self):
        if not cli_has("schema"):
            self.skipTest("this inspect has no schema command")
        for f, args in [("taxi.tfrecord.gz", ()), ("sequence.tfrecord.zst", ("--record-type", "sequence_example"))]:
            path = os.path.join(testdata(), f)
            kw = {"record_type": "sequence_example"} if args else {}
            with self.subTest(file=f):
                _, want, _ = cli("schema", "infer", *args, path)
                self.assertEqual(gobsl.infer_schema(path, **kw), want.decode())
                _, want, _ = cli("schema", "infer", "--infer-shape=false", "--max-string-domain-size", "0", *args,
                                 path)
                got = gobsl.infer_schema(path, infer_shape=False, max_string_domain_size=0, **kw)
                self.assertEqual(got, want.decode())

    def test_stats_equals_cli(self):
        if not cli_has("stats"):
            self.skipTest("this inspect has no stats command")
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        _, want, _ = cli("stats", "--format", "pbtxt", "--workers", "1", path)
        self.assertEqual(gobsl.stats(path, output="text", workers=1), want.decode())
        out = os.path.join(tmpdir(), "stats.pb")
        cli("stats", "--force", "--workers", "1", "-o", out, path)
        with open(out, "rb") as f:
            self.assertEqual(gobsl.stats(path, workers=1), f.read())

    def test_stats_of_numpy_and_streams(self):
        n = 100
        cols = {"x": np.arange(n, dtype=np.int64), "y": [b"a" if i % 3 else b"b" for i in range(n)]}
        text = gobsl.stats(cols, output="text")
        self.assertIn("num_examples: 100", text)
        self.assertIn('step: "y"', text)
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        self.assertEqual(gobsl.stats(gobsl.open_stream(path), workers=1), gobsl.stats(path, workers=1))
        schema = gobsl.infer_schema(cols, output="binary")
        self.assertIsInstance(schema, bytes)
        self.assertGreater(len(schema), 10)

    def test_option_errors(self):
        path = os.path.join(testdata(), "taxi.tfrecord.gz")
        with self.assertRaises(gobsl.UsageError) as cm:
            gobsl.stats(path, output="yaml")
        self.assertIn("unknown output", str(cm.exception))
        with self.assertRaises(TypeError):
            gobsl.stats(path, bogus=1)


class CopyTest(unittest.TestCase):
    def test_copy_dir_as_pattern(self):
        d = os.path.join(tmpdir(), "Split-train")
        os.makedirs(d, exist_ok=True)
        for i in range(3):
            shutil.copy(os.path.join(testdata(), "taxi.tfrecord.gz"), os.path.join(d, "data-%d.gz" % i))
        total = sum(len(b["trip_seconds.row_splits"]) - 1
                    for b in gobsl.read_numpy(d, representation="ragged", batch_size=1000))
        self.assertEqual(total, 6000)


if __name__ == "__main__":
    unittest.main()
