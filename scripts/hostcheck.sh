#!/usr/bin/env bash
# How much work this machine's two cores do together, against one core
# alone: the control for every 2-core speed-up in BENCHMARKS.md.
#
# It decodes the taxi shape on one core (BenchmarkBatchReader with one
# worker, records from memory: the code and memory reuse of a 1-core leg
# of the speed-up benchmarks, 64 batches an op) in one process pinned to
# CPU 0, then to CPU 1, then in two processes at once, one pinned to
# each, and prints the time per batch of each. (Until session 5 it ran BenchmarkDecode, whose
# decoder allocates every batch afresh from the Go heap: not the memory
# reuse the readers run with.) Two processes share
# nothing but the machine, so "bound" -- the work rate of the pair over the
# rate of one CPU alone -- is about the best 2-core speed-up any code can
# show at that moment (2.00x on an ideal machine; a 1-core run may land on
# either CPU, hence two bounds). The host moves it from minute to minute,
# and at times gives one vCPU half the speed of the other for many minutes:
# run it next to the measurement it qualifies.
#
# With --reader, each round also runs one 2-worker reader in one process
# (not pinned) and prints its speed-up over the faster CPU alone and its
# share of the bound: what the pipeline keeps of what the machine gives two
# readers that share nothing. Only rounds whose bound is near 2 say much
# about the reader.
#
#   scripts/hostcheck.sh [--reader] [ROUNDS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
reader=
if [[ ${1:-} == --reader ]]; then
  reader=1
  shift
fi
rounds=${1:-3}
bin=$(mktemp -d)/example.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./coders/example
run() { # CPU
  (cd coders/example && taskset -c "$1" "$bin" -test.run '^$' -test.bench 'BenchmarkBatchReader$/shape=taxi/workers=1/source=memory' \
    -test.benchtime 25x -test.cpu 1 | awk '/ns\/op/ {print $3 / 64}')
}
for ((i = 1; i <= rounds; i++)); do
  a0=$(run 0)
  a1=$(run 1)
  p0=$(mktemp)
  run 0 >"$p0" &
  p1=$(run 1)
  wait
  w2=0
  if [[ -n $reader ]]; then
    w2=$(cd coders/example && "$bin" -test.run '^$' -test.bench 'BenchmarkBatchReader$/shape=taxi/workers=2/source=memory' \
      -test.benchtime 50x -test.cpu 2 | awk '/ns\/op/ {print $3 / 64}')
  fi
  awk -v a0="$a0" -v a1="$a1" -v p0="$(cat "$p0")" -v p1="$p1" -v w2="$w2" 'BEGIN {
    fast = a0 < a1 ? a0 : a1
    slow = a0 < a1 ? a1 : a0
    pair = 1 / p0 + 1 / p1
    printf "alone: CPU 0 %.0f, CPU 1 %.0f us/batch; together: %.0f and %.0f us/batch; bound %.2fx over the faster CPU, %.2fx over the slower",
      a0 / 1e3, a1 / 1e3, p0 / 1e3, p1 / 1e3, pair * fast, pair * slow
    if (w2 > 0)
      printf "; one 2-worker reader %.0f us/batch: %.2fx, %.2f of the bound", w2 / 1e3, fast / w2, fast / w2 / (pair * fast)
    printf "\n" }'
  rm -f "$p0"
done
