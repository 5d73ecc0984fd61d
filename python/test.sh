#!/usr/bin/env bash
# Builds libgobsl.so (go build -buildmode=c-shared ./capi) and the gobsl
# wheel, installs the wheel into a fresh virtual environment of Debian's
# Python (with --system-site-packages, so that Debian's python3-numpy is
# visible), and runs the Python tests (unittest) against the installed
# wheel, and the C test program capi/testdata/stream_test.c compiled
# against the generated header.
#
#   python/test.sh                        everything
#   GOBSL_PY_OUT=/tmp/x python/test.sh    build in /tmp/x (default python/build)
#
# Needs Go, gcc and Debian's python3, python3-venv and python3-numpy (installed
# with apt-get when missing). Real files are used when GOBSL_REALDATA names
# them.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT=${GOBSL_PY_OUT:-python/build}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PY=/usr/bin/python3

need=()
$PY -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
$PY -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
if ((${#need[@]})); then
  echo "== installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== libgobsl.so (c-shared)"
go build -trimpath -ldflags='-s -w' -buildmode=c-shared -o "$OUT/libgobsl.so" ./capi
ls -l "$OUT/libgobsl.so" | awk '{print "   " $5 " bytes"}'

echo "== C test program against libgobsl.h"
gcc -std=c11 -Wall -Wextra -Werror -O1 -I"$OUT" -o "$OUT/stream_test" capi/testdata/stream_test.c \
  -L"$OUT" -lgobsl -Wl,-rpath,"$OUT" -lm

echo "== test data, CLI"
go run ./internal/cmd/gendata -o "$OUT/data" >/dev/null
go build -o "$OUT/inspect" ./cmd/inspect

echo "== wheel"
rm -rf "$OUT/dist"
WHEEL=$($PY python/build_wheel.py --lib "$OUT/libgobsl.so" --header "$OUT/libgobsl.h" --out "$OUT/dist")
echo "   $(basename "$WHEEL")"

echo "== venv (Debian's Python, system site packages) + wheel"
rm -rf "$OUT/venv"
$PY -m venv --system-site-packages "$OUT/venv"
"$OUT/venv/bin/python" -m pip install --quiet --no-index --no-deps --disable-pip-version-check "$WHEEL"

echo "== C self test"
mkdir -p "$OUT/ctest"
"$OUT/stream_test" selftest "$OUT/ctest"

echo "== Python tests (installed wheel)"
# Run from $OUT so that the source tree's python/gobsl is not importable:
# the tests must see the installed wheel.
(
  cd "$OUT"
  GOBSL_TESTDATA="$OUT/data" GOBSL_INSPECT="$OUT/inspect" GOBSL_STREAM_TEST="$OUT/stream_test" \
    GOBSL_EXPECT_INSTALLED=1 "$OUT/venv/bin/python" -m unittest discover -s "$REPO/python/tests" -t "$REPO/python/tests"
)
echo "== python tests passed"
