#!/usr/bin/env bash
# Runs every test of gobsl on a fresh machine: installs the test oracles it
# needs (Debian packages), checks that the generated code is not stale, vets,
# runs the unit, differential and real-data tests, and runs each fuzz target
# briefly.
#
#   scripts/test.sh                 everything
#   FUZZTIME=0 scripts/test.sh      skip the fuzz runs
#   GOBSL_SKIP_BEAM=1 scripts/test.sh   skip the Beam module (beam/)
#   GOBSL_SKIP_PYTHON=1 scripts/test.sh   skip the Python package (python/test.sh)
#
# Real files written by TensorFlow are used when GOBSL_REALDATA names them
# (set automatically when ../shared/realdata exists).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-8s}

if [[ -z "${GOBSL_REALDATA:-}" && -d ../shared/realdata ]]; then
  GOBSL_REALDATA=$(cd ../shared/realdata && pwd)
  export GOBSL_REALDATA
fi
echo "== GOBSL_REALDATA=${GOBSL_REALDATA:-(unset: real-file tests skip)}"

# Independent oracles the tests compare our output with.
need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
/usr/bin/python3 -c 'import google.protobuf' >/dev/null 2>&1 || need+=(python3-protobuf)
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
if ((${#need[@]})); then
  echo "== installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
fi

# DuckDB and Apache Arrow JS read our Parquet and Arrow IPC output in tests.
if command -v npm >/dev/null 2>&1; then
  if [[ ! -d oracles/node_modules ]]; then
    echo "== installing the npm oracles (DuckDB, Apache Arrow JS)"
    npm ci --prefix oracles --no-audit --no-fund --loglevel=error >/dev/null
  fi
  export GOBSL_ORACLES=1
else
  echo "== npm not found: DuckDB and Arrow JS oracle tests skip"
fi

echo "== generated code"
scripts/generate.sh --check

echo "== go vet"
go vet ./...
go -C tools vet ./coreuse

echo "== go test"
go test -count=1 -timeout 20m ./...

# Decoders recycle the buffers of released batches (internal/mempool). With
# GOBSL_MEMPOOL_POISON=1 freed memory is overwritten at once, so a consumer
# that keeps a view into a batch it has released reads garbage and fails.
echo "== go test with poisoned buffer recycling (consumers of decoded batches)"
GOBSL_MEMPOOL_POISON=1 go test -count=1 -timeout 20m ./coders/... ./tfxio/... ./cmd/... ./capi/... ./stats/... ./validate/... ./tensors/... ./schema/...

# The README's main job must keep working: it was found failing in session
# 3 (a round-trip comparison), unnoticed because nothing ran it.
echo "== the main job (scripts/demo.sh)"
demo_log=$(mktemp)
if ! bash scripts/demo.sh "$(mktemp -d)" >"$demo_log" 2>&1; then
  cat "$demo_log"; rm -f "$demo_log"; exit 1
fi
tail -n 1 "$demo_log"; rm -f "$demo_log"

echo "== go test -race (concurrent code)"
go test -count=1 -race -short -timeout 20m ./internal/... ./coders/...

# The Beam module (beam/, its own go.mod) runs pipelines on Prism, whose job
# server listens on every interface: each test binary re-runs itself in a
# private network namespace with only the loopback up (beam/internal/prismtest).
if [[ -z "${GOBSL_SKIP_BEAM:-}" ]]; then
  echo "== beam module: go vet, go test on Prism in a private network namespace (GOBSL_SKIP_BEAM=1 skips)"
  (cd beam && go vet ./... && go test -count=1 -timeout 30m ./...)
else
  echo "== beam module skipped (GOBSL_SKIP_BEAM=1)"
fi

if [[ -z "${GOBSL_SKIP_PYTHON:-}" ]]; then
  echo "== python (libgobsl.so, wheel, venv, unittest, C stream test; poisoned buffer recycling)"
  GOBSL_MEMPOOL_POISON=1 python/test.sh
fi

if [[ "$FUZZTIME" != 0 ]]; then
  echo "== fuzz ($FUZZTIME each)"
  for pkg in $(go list ./...); do
    for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
      echo "-- $pkg $target"
      # Go's fuzzer can fail with "context deadline exceeded" and no input
      # at the very end of -fuzztime (a race in the fuzzer itself): a failure
      # that saved no crasher is tried once more; a real finding fails twice
      # (its input is then in testdata/fuzz and runs as a seed).
      log=$(mktemp)
      if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
        grep -v '^fuzz: elapsed' "$log" | tail -n 40
        echo "-- $target failed; trying once more"
        go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1 || {
          grep -v '^fuzz: elapsed' "$log" | tail -n 60; rm -f "$log"; exit 1; }
      fi
      tail -n 2 "$log"
      rm -f "$log"
    done
  done
fi
echo "== all tests passed"
