#!/usr/bin/env bash
# Regenerates the Go code for proto/ with buf and protoc-gen-go.
#
#   scripts/generate.sh           rewrite the committed generated code
#   scripts/generate.sh --check   fail ("stale generated files") if it differs
#
# buf is pinned in tools/go.mod; protoc-gen-go is built from the root module,
# so it always matches the protobuf runtime the generated code links against.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${GOBSL_TOOLS_BIN:-$root/.cache/bin}
mkdir -p "$bin"
go build -C tools -o "$bin/buf" github.com/bufbuild/buf/cmd/buf
go build -o "$bin/protoc-gen-go" google.golang.org/protobuf/cmd/protoc-gen-go
export PATH="$bin:$PATH"

if [[ "${1:-}" == "--check" ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  buf generate --template buf.gen.yaml -o "$out"
  stale=0
  # Every generated file must match, and no committed .pb.go may lack a source.
  while IFS= read -r f; do
    rel=${f#"$out"/}
    if ! cmp -s "$f" "$root/$rel"; then
      echo "stale generated file: $rel" >&2
      diff -u "$root/$rel" "$f" | head -20 >&2 || true
      stale=1
    fi
  done < <(find "$out" -name '*.pb.go')
  while IFS= read -r f; do
    rel=${f#"$root"/}
    [[ -f "$out/$rel" ]] || { echo "generated file without a source: $rel" >&2; stale=1; }
  done < <(find "$root/proto" -name '*.pb.go')
  if (( stale )); then
    echo "stale generated files: run scripts/generate.sh and commit the result" >&2
    exit 1
  fi
  echo "generated code is up to date"
  exit 0
fi

find proto -name '*.pb.go' -delete
buf generate --template buf.gen.yaml
