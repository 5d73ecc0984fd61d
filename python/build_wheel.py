#!/usr/bin/env python3
"""Builds the gobsl wheel with the standard library only (zipfile): the
pure-Python package, libgobsl.so and its header, and a .dist-info with
METADATA, WHEEL and RECORD.

    python3 python/build_wheel.py --lib build/libgobsl.so --header build/libgobsl.h --out build/dist

The wheel is tagged py3-none-<platform> (linux_x86_64 here): the code is
Python 3 of any version and ABI, the shared library is for one platform.
It is not a manylinux wheel (no auditwheel here): it needs a glibc at
least as new as the build machine's. Entries are sorted and dated
SOURCE_DATE_EPOCH (default 1980-01-01), so equal inputs give an equal wheel.
"""

import argparse
import base64
import hashlib
import os
import re
import sys
import sysconfig
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "gobsl"


def version():
    with open(os.path.join(HERE, NAME, "__init__.py")) as f:
        m = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not m:
        sys.exit("build_wheel: no __version__ in gobsl/__init__.py")
    return m.group(1)


def platform_tag():
    return re.sub(r"[^a-zA-Z0-9]", "_", sysconfig.get_platform())


def record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "sha256=" + digest


def metadata(ver):
    readme = ""
    path = os.path.join(HERE, "README.md")
    if os.path.exists(path):
        with open(path) as f:
            readme = f.read()
    head = [
        "Metadata-Version: 2.1",
        "Name: " + NAME,
        "Version: " + ver,
        "Summary: Python coordinates, Go executes: TFRecord, Arrow, Parquet, tensors and statistics "
        "from the gobsl Go library, zero-copy into NumPy and Arrow",
        "Home-page: https://github.com/gobsl/gobsl",
        "License: Apache-2.0",
        "Requires-Python: >=3.8",
        "Provides-Extra: numpy",
        'Requires-Dist: numpy; extra == "numpy"',
        "Provides-Extra: pyarrow",
        'Requires-Dist: pyarrow>=14; extra == "pyarrow"',
        "Description-Content-Type: text/markdown",
    ]
    return ("\n".join(head) + "\n\n" + readme).encode()


def build(lib, header, out, plat):
    ver = version()
    files = []  # (archive name, bytes, mode)
    pkg = os.path.join(HERE, NAME)
    for fn in sorted(os.listdir(pkg)):
        if fn.endswith(".py"):
            with open(os.path.join(pkg, fn), "rb") as f:
                files.append(("%s/%s" % (NAME, fn), f.read(), 0o644))
    with open(lib, "rb") as f:
        files.append(("%s/libgobsl.so" % NAME, f.read(), 0o755))
    if header:
        with open(header, "rb") as f:
            files.append(("%s/include/libgobsl.h" % NAME, f.read(), 0o644))

    tag = "py3-none-" + plat
    dist_info = "%s-%s.dist-info" % (NAME, ver)
    wheel = "\n".join([
        "Wheel-Version: 1.0",
        "Generator: gobsl build_wheel.py",
        "Root-Is-Purelib: false",
        "Tag: " + tag,
        "",
    ]).encode()
    files.append((dist_info + "/METADATA", metadata(ver), 0o644))
    files.append((dist_info + "/WHEEL", wheel, 0o644))
    files.append((dist_info + "/top_level.txt", (NAME + "\n").encode(), 0o644))
    record = "".join("%s,%s,%d\n" % (name, record_hash(data), len(data)) for name, data, _ in files)
    record += dist_info + "/RECORD,,\n"
    files.append((dist_info + "/RECORD", record.encode(), 0o644))

    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "%s-%s-%s.whl" % (NAME, ver, tag))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    date = time.gmtime(max(epoch, 315532800))[:6]
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in files:  # RECORD last, as the spec recommends
            info = zipfile.ZipInfo(name, date_time=date)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    os.replace(tmp, path)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", required=True, help="libgobsl.so (go build -buildmode=c-shared ./capi)")
    ap.add_argument("--header", help="libgobsl.h, shipped as gobsl/include/libgobsl.h")
    ap.add_argument("--out", default="dist", help="output directory")
    ap.add_argument("--plat", default=platform_tag(), help="platform tag (default: %(default)s)")
    args = ap.parse_args()
    print(build(args.lib, args.header, args.out, args.plat))


if __name__ == "__main__":
    main()
