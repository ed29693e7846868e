#!/usr/bin/env bash
# make bench-data: the deterministic exports `make bench` converts (scripts/gen-export.py; same seed, same bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${BENCH_DATA:-.build/bench-data}
mkdir -p "$DATA"
gen() { local name=$1; shift; [ -f "$DATA/$name.zip" ] || python3 scripts/gen-export.py "$DATA/$name.zip" "$@"; }
gen x12000 --pages 12000 --versions 8 --attachment-bytes 2000 &
gen c12000 --pages 12000 --versions 8 --attachment-bytes 2000 --format csv &
gen x3000 --pages 3000 &
wait
# About 1 GB: the same pages with 150 KB attachments (random bytes, barely compressible).
gen scale-1g --pages 12000 --versions 8 --attachment-bytes 150000 --seed 2
if [ "${BENCH_SCALE:-0}" = 1 ]; then
  # About 5 GB two ways: five times everything (pages, history, attachments) ...
  gen scale-5g --pages 60000 --versions 8 --attachment-bytes 150000 --seed 3
  # ... and the same 12,000 pages with five times the bytes (40 historical versions, 650 KB attachments).
  gen scale-5g-h --pages 12000 --versions 40 --attachment-bytes 650000 --seed 4
fi
ls -la "$DATA"
