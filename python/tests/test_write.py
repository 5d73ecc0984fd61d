"""gobsl.write: NumPy columns and Arrow streams to every format, read back."""

import os
import unittest

import numpy as np

import gobsl

from util import cli, cli_rows, first_difference, numpy_rows, testdata, tmpdir


def columns(n=1000):
    rng = np.random.default_rng(7)
    return {
        "id": np.arange(n, dtype=np.int64) * 1_000_003 - 5,
        "score": rng.standard_normal(n).astype(np.float32),
        "emb": rng.standard_normal((n, 4)).astype(np.float32),
        "name": ["n%d" % i if i % 5 else b"\xff\x00raw" for i in range(n)],
        "tags": [None if i % 7 == 0 else list(range(i % 4)) for i in range(n)],
        "words": [[b"w%d" % j for j in range(i % 3)] for i in range(n)],
    }


class WriteTest(unittest.TestCase):
    def read_back(self, path, **kw):
        b = {}
        for batch in gobsl.read_numpy(path, representation="ragged", **kw):
            for k, v in batch.items():
                b.setdefault(k, []).append(v)
        return b

    def test_numpy_roundtrip_every_format(self):
        cols = columns()
        n = len(cols["id"])
        for name in ["out.tfrecord", "out.tfrecord.gz", "out.tfrecord.zst", "out.parquet", "out.arrow",
                     "out.arrows"]:
            with self.subTest(output=name):
                path = os.path.join(tmpdir(), name)
                self.assertEqual(gobsl.write(path, cols, force=True, batch_size=300), n)
                got = self.read_back(path)
                ids = np.concatenate(got.get("id.values", got.get("id")))
                np.testing.assert_array_equal(ids.reshape(-1), cols["id"])
                score = np.concatenate(got.get("score.values", got.get("score")))
                np.testing.assert_array_equal(score.reshape(-1), cols["score"])
                emb = np.concatenate(got["emb.values"]).reshape(n, 4)
                np.testing.assert_array_equal(emb, cols["emb"])
                names = np.concatenate(got.get("name.values", got.get("name"))).tolist()
                self.assertEqual(names, [v.encode() if isinstance(v, str) else v for v in cols["name"]])
                tags = np.concatenate(got["tags.values"]).tolist()
                self.assertEqual(tags, [x for t in cols["tags"] if t for x in t])
                splits = [s for s in got["tags.row_splits"]]
                lengths = np.concatenate([np.diff(s) for s in splits]).tolist()
                self.assertEqual(lengths, [len(t) if t else 0 for t in cols["tags"]])

    def test_tfrecord_equals_cli(self):
        # What gobsl wrote, the CLI reads as the same records.
        path = os.path.join(tmpdir(), "cli.tfrecord.gz")
        gobsl.write(path, columns(200), force=True, deterministic=True)
        specs = gobsl.tensor_specs(path)
        diff = first_difference(cli_rows(path), numpy_rows(gobsl.read_numpy(path), specs))
        self.assertIsNone(diff)

    def test_stream_passthrough(self):
        # A gobsl stream written by gobsl: TFRecord -> Parquet -> TFRecord.
        src = os.path.join(testdata(), "taxi.tfrecord.gz")
        pq = os.path.join(tmpdir(), "taxi.parquet")
        back = os.path.join(tmpdir(), "taxi_back.tfrecord")
        self.assertEqual(gobsl.write(pq, gobsl.open_stream(src), force=True), 2000)
        self.assertEqual(gobsl.write(back, gobsl.open_stream(pq), force=True, deterministic=True), 2000)
        self.assertEqual(cli_rows(back), cli_rows(src))

    def test_convert_equals_cli(self):
        # gobsl.convert and "inspect convert" write the same Parquet file;
        # its rows are the source's.
        src = os.path.join(testdata(), "taxi.tfrecord.gz")
        ours = os.path.join(tmpdir(), "convert.parquet")
        theirs = os.path.join(tmpdir(), "convert_cli.parquet")
        self.assertEqual(gobsl.convert(src, ours, force=True), 2000)
        cli("convert", "--quiet", "--force", src, theirs)
        with open(ours, "rb") as a, open(theirs, "rb") as b:
            self.assertEqual(a.read(), b.read())
        back = os.path.join(tmpdir(), "convert_back.tfrecord")
        self.assertEqual(gobsl.convert(ours, back, force=True, deterministic=True), 2000)
        self.assertEqual(cli_rows(back), cli_rows(src))
        with self.assertRaises(gobsl.DataError):
            gobsl.convert(src, ours)  # exists
        with self.assertRaises(gobsl.UsageError):
            gobsl.convert(gobsl.open_stream(src), ours, force=True)

    def test_sharded(self):
        path = os.path.join(tmpdir(), "shards.tfrecord.gz")
        gobsl.write(path, columns(100), force=True, shards=3)
        got = self.read_back(os.path.join(tmpdir(), "shards.tfrecord-?????-of-00003.gz"))
        self.assertEqual(sorted(np.concatenate(got["id.values"]).tolist()), sorted(columns(100)["id"].tolist()))

    def test_errors(self):
        path = os.path.join(tmpdir(), "exists.tfrecord")
        gobsl.write(path, {"x": np.arange(3)}, force=True)
        with self.assertRaises(gobsl.DataError) as cm:
            gobsl.write(path, {"x": np.arange(3)})
        self.assertIn("exists", str(cm.exception))
        with self.assertRaises(gobsl.UsageError):
            gobsl.write(path, {"x": np.arange(3), "y": np.arange(4)}, force=True)
        with self.assertRaises(gobsl.UsageError):
            gobsl.write(path, 42, force=True)
        with self.assertRaises(gobsl.UsageError) as cm:
            gobsl.write(path, {"x": np.arange(3)}, force=True, compression="lzma")
        s = gobsl.open_stream(os.path.join(testdata(), "edge.tfrecord"))
        with self.assertRaises(gobsl.UsageError):
            gobsl.write(path, s, force=True, format="xml")
        with self.assertRaises(gobsl.UsageError):  # the failed write took the stream over
            gobsl.write(path, s, force=True)


if __name__ == "__main__":
    unittest.main()
