#!/usr/bin/env bash
# How much of the machine's two cores a 2-worker BatchReader gets, against
# two 1-worker readers in two processes, measured in the same minute.
#
# Each round runs BenchmarkBatchReader (taxi, 64 batches an op) three ways:
# a 1-worker reader alone, pinned to CPU 0 and then CPU 1; two of them at
# once in two processes pinned one to each CPU ("bound": what the machine
# gives two readers that share nothing); and one 2-worker reader in one
# process. Only rounds whose two 1-worker times are close and whose bound
# is near 2 say anything about the reader: the host changes from minute to
# minute (see scripts/hostcheck.sh).
#
#   scripts/readercheck.sh [ROUNDS]        (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
bin=$(mktemp -d)/example.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./coders/example
cd coders/example
one() { taskset -c "$1" "$bin" -test.run '^$' -test.bench 'BenchmarkBatchReader$/shape=taxi/workers=1' -test.benchtime 25x -test.cpu 1 | awk '/ns\/op/ {print $3}'; }
two() { "$bin" -test.run '^$' -test.bench 'BenchmarkBatchReader$/shape=taxi/workers=2' -test.benchtime 50x -test.cpu 2 | awk '/ns\/op/ {print $3}'; }
for ((i = 1; i <= rounds; i++)); do
  a=$(one 0)
  b=$(one 1)
  p0=$(mktemp)
  one 0 >"$p0" &
  p1=$(one 1)
  wait
  w2=$(two)
  awk -v a="$a" -v b="$b" -v p0="$(cat "$p0")" -v p1="$p1" -v w2="$w2" 'BEGIN {
    f = a < b ? a : b
    bound = (1 / p0 + 1 / p1) * f
    printf "1 worker %.1f / %.1f ms; two processes %.1f / %.1f ms: bound %.2fx; one process, 2 workers %.1f ms: %.2fx (%.2f of the bound)\n",
      a / 1e6, b / 1e6, p0 / 1e6, p1 / 1e6, bound, w2 / 1e6, f / w2, f / w2 / bound }'
  rm -f "$p0"
done
