#!/usr/bin/env bash
# The main job on bundled data: the sample TFRecord files in testdata/
# (made by internal/cmd/gendata) are verified, counted, shown, converted to
# Arrow and back to TFRecord, and the round trip is checked record by record.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
bin="$out/inspect"
echo "== building inspect"
go build -o "$bin" ./cmd/inspect

echo "== inspect verify testdata/"
"$bin" verify testdata/
echo "== inspect count testdata/"
"$bin" count testdata/
echo "== inspect head -n 2 --format flat testdata/taxi.tfrecord.gz"
"$bin" head -n 2 --format flat testdata/taxi.tfrecord.gz

# A missing feature (key absent, or kind not set) is a null cell in Arrow and
# comes back as a feature with no kind, as in tfx-bsl: drop nulls from the
# comparison. Likewise a tf.SequenceExample without feature_lists: the
# ##SEQUENCE## struct is never null (tfx-bsl), its cells are, and it comes
# back as an empty feature_lists. Empty lists ([]) are kept and must survive.
nonull() { sed -E 's/"[^"]*":null,?//g; s/,([]}])/\1/g; s/,?"##SEQUENCE##":\{\}//g'; }

roundtrip() { # name input record-type
  local name=$1 in=$2 rt=$3
  echo "== round trip $in -> $name.arrow -> $name.tfrecord.gz"
  "$bin" convert --quiet --force --record-type "$rt" "$in" "$out/$name.arrow"
  "$bin" convert --quiet --force --record-type "$rt" "$out/$name.arrow" "$out/$name.tfrecord.gz"
  # nonull (above) says what the comparison drops.
  "$bin" cat --format flat --record-type "$rt" "$in" | nonull >"$out/$name.before.jsonl"
  "$bin" cat --format flat --record-type "$rt" "$out/$name.tfrecord.gz" | nonull >"$out/$name.after.jsonl"
  if cmp -s "$out/$name.before.jsonl" "$out/$name.after.jsonl"; then
    echo "   $(wc -l <"$out/$name.before.jsonl") records, identical after the round trip"
  else
    echo "   round trip differs:" >&2
    diff "$out/$name.before.jsonl" "$out/$name.after.jsonl" | head -5 >&2
    exit 1
  fi
}
roundtrip taxi testdata/taxi.tfrecord.gz example
roundtrip longlists testdata/longlists.tfrecord example
roundtrip edge testdata/edge.tfrecord example
roundtrip sequence testdata/sequence.tfrecord.zst sequence_example
echo "== done; outputs in $out"
