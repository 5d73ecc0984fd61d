"""Real files written by TensorFlow, TFX and Beam ($GOBSL_REALDATA; the
tests skip when it is unset): NumPy results and the C stream consumer equal
the CLI's output."""

import os
import unittest

import gobsl

from util import cli_rows, first_difference, jsonl_rows, numpy_rows

REAL = os.environ.get("GOBSL_REALDATA")
TFX = "tfx/tfx/components/testdata"


@unittest.skipUnless(REAL, "GOBSL_REALDATA is not set")
class RealDataTest(unittest.TestCase):
    def path(self, rel):
        p = os.path.join(REAL, rel)
        if not os.path.exists(p):
            self.skipTest("%s is missing" % rel)
        return p

    def check(self, path, cli_args=(), **kw):
        want = cli_rows(*cli_args, path)
        self.assertTrue(want)
        for rep in ("auto", "ragged"):
            specs = gobsl.tensor_specs(path, representation=rep, **kw)
            got = numpy_rows(gobsl.read_numpy(path, representation=rep, **kw), specs)
            self.assertIsNone(first_difference(want, got), "%s %s" % (path, rep))
        return want

    def test_taxi_splits(self):
        # TFX's Chicago taxi data, as CsvExampleGen wrote it: 24 gzip shards.
        rows = self.check(self.path(TFX + "/csv_example_gen/Split-train"))
        self.assertEqual(len(rows), 9909)
        self.check(self.path(TFX + "/csv_example_gen/Split-eval"), batch_size=500)

    def test_taxi_with_schema(self):
        schema = self.path(TFX + "/schema_gen/schema.pbtxt")
        path = self.path(TFX + "/csv_example_gen/Split-eval/data_tfrecord-00000-of-00012.gz")
        want = cli_rows(path)
        specs = gobsl.tensor_specs(path, schema=schema)
        got = numpy_rows(gobsl.read_numpy(path, schema=schema), specs)
        self.assertIsNone(first_difference(want, got))

    def test_sequence_examples(self):
        path = self.path(TFX + "/tfrecord_sequence/Split-train/data_tfrecord_train.gz")
        self.check(path, ("--record-type", "sequence_example"), record_type="sequence_example")

    def test_penguins(self):
        self.check(self.path(TFX + "/penguin/data/train/data_tfrecord-00000-of-00001.gz"))

    def test_c_stream_consumer(self):
        st = os.environ.get("GOBSL_STREAM_TEST")
        if not st:
            self.skipTest("GOBSL_STREAM_TEST is not set")
        import subprocess

        for rel in [TFX + "/csv_example_gen/Split-eval/data_tfrecord-00003-of-00012.gz",
                    TFX + "/penguin/data/eval/data_tfrecord-00000-of-00001.gz"]:
            path = self.path(rel)
            out = subprocess.run([st, "dump", path], check=True, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE).stdout.decode()
            self.assertIsNone(first_difference(cli_rows(path), jsonl_rows(out)), rel)

    def test_infer_schema_of_real_split(self):
        text = gobsl.infer_schema(self.path(TFX + "/csv_example_gen/Split-train"))
        for name in ("trip_start_hour", "company", "tips"):
            self.assertIn('name: "%s"' % name, text)


if __name__ == "__main__":
    unittest.main()
