"""The C test program (capi/testdata/stream_test.c), compiled against the
generated header, consumes gobsl's Arrow C stream: its dump of every row
must equal the CLI's, and its self test (writing from a C-produced stream,
error paths, tensors) must pass."""

import os
import subprocess
import unittest

from util import REPO, cli_rows, first_difference, jsonl_rows, testdata, tmpdir


def stream_test():
    p = os.environ.get("GOBSL_STREAM_TEST")
    if p:
        return p
    raise unittest.SkipTest("GOBSL_STREAM_TEST is not set (python/test.sh builds it)")


def run(*args):
    r = subprocess.run([stream_test()] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise AssertionError("stream_test %s: status %d\n%s" % (" ".join(args), r.returncode, r.stderr.decode()))
    return r.stdout.decode()


class CStreamTest(unittest.TestCase):
    def test_dump_equals_cli(self):
        cases = [(f, (), None) for f in ["taxi.tfrecord.gz", "edge.tfrecord", "longlists.tfrecord"]]
        cases.append(("sequence.tfrecord.zst", ("--record-type", "sequence_example"),
                      '{"record_type": "sequence_example", "batch_size": 100}'))
        cases.append(("taxi.tfrecord.gz", (), '{"batch_size": 7, "list_type": "list", "bytes_type": "binary"}'))
        for f, cli_args, opts in cases:
            with self.subTest(file=f, options=opts):
                path = os.path.join(testdata(), f)
                got = jsonl_rows(run("dump", path, *([opts] if opts else [])))
                self.assertIsNone(first_difference(cli_rows(*cli_args, path), got))

    def test_selftest(self):
        d = os.path.join(tmpdir(), "ctest")
        os.makedirs(d, exist_ok=True)
        subprocess.run([stream_test(), "selftest", d], check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


if __name__ == "__main__":
    unittest.main()
