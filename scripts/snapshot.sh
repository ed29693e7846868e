#!/usr/bin/env bash
# Converts every reference export and every fixture with a given binary into one folder (one bundle each, plus
# preview JSON), so two builds can be compared byte for byte: scripts/snapshot.sh BIN OUT; diff -r OUT1 OUT2.
set -euo pipefail
bin=$(realpath "$1"); out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"; mkdir -p "$out/zips"
inputs=()
for z in "$root"/../shared/reference-exports/*.zip; do inputs+=("$z"); done
for d in "$root"/../shared/reference-exports/*/ "$root"/Fixtures/exports/*/; do
  name=$(basename "$d"); zip_path="$out/zips/$name.zip"
  (cd "$d" && zip -qrX "$zip_path" .)
  inputs+=("$zip_path")
done
for z in "${inputs[@]}"; do
  name=$(basename "$z" .zip)
  "$bin" convert "$z" -o "$out/$name" --force >/dev/null 2>&1 || echo "convert $name: exit $?" >>"$out/exits.txt"
  "$bin" convert "$z" -o "$out/$name-html" --tables html --front-matter yaml --force >/dev/null 2>&1 || true
  "$bin" preview "$z" --all --format json >"$out/$name.preview.json" 2>/dev/null || echo "preview $name: exit $?" >>"$out/exits.txt"
done
rm -rf "$out/zips"
echo "snapshot: $out"
