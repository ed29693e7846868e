#!/usr/bin/env bash
# make bench: converts generated exports and, in the same run, measures the floor (every ZIP entry decompressed
# with `unzip -p`, plus `xmllint --stream` of entities.xml), best of BENCH_RUNS (3) each; the 5 GB exports best of
# BENCH_SCALE_RUNS (1). Prints a Markdown table: convert/floor with the bundle on tmpfs and on disk, pages/s,
# peak RSS (/usr/bin/time -v), and the time per stage (--stats).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${BENCH_DATA:-.build/bench-data}
BIN=${BENCH_BIN:-.build/release/confluence-km}
OUT=${BENCH_OUT:-.build/bench-out}
RUNS=${BENCH_RUNS:-3}
SETS=${BENCH_SETS:-"x12000 c12000 scale-1g"}
[ "${BENCH_SCALE:-0}" = 1 ] && [ -z "${BENCH_SETS:-}" ] && SETS="$SETS scale-5g scale-5g-h"
mkdir -p "$OUT"
# ext4 skips inodes freed in the last minute when it allocates new ones; deleting a bundle of 27,000 files right
# before a run makes that run's file creation crawl (seen here: 8 s became 15 s). So old bundles go first, with a
# pause, and this run's disk bundles are kept until the table is done.
if compgen -G "$OUT/*/manifest.json" > /dev/null; then
  echo "removing the previous bundles under $OUT, then waiting 65 s for ext4 to forget them" >&2
  find "$OUT" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
  sync
  sleep 65
fi

best() { sort -n | head -1; }
now() { date +%s.%N; }

# The second floor: one bare pass (libarchive decompresses every entry, libxml2's SAX parser walks entities.xml,
# nothing built), the cost the index stage is measured against.
BARE="$OUT/bare-pass"
cc -O2 -o "$BARE" scripts/bare-pass.c $(pkg-config --cflags --libs libarchive libxml-2.0)
bare_once() {
  local t0 t1
  t0=$(now); "$BARE" "$1" > /dev/null; t1=$(now)
  echo "$t1 - $t0" | bc
}

floor_once() {
  local zip=$1 t0 t1
  t0=$(now)
  unzip -p "$zip" > /dev/null
  if unzip -l "$zip" entities.xml > /dev/null 2>&1; then
    unzip -p "$zip" entities.xml | xmllint --stream --noout - 2>/dev/null || true
  else
    unzip -p "$zip" bodycontent.csv.gz | gzip -dc 2>/dev/null | wc -c > /dev/null || true
  fi
  t1=$(now)
  echo "$t1 - $t0" | bc
}

# The floor writes nothing, so the conversion is measured twice: with the bundle on tmpfs (the converter's own cost,
# like for like with the floor) and on the disk under $OUT (what a user of this machine waits for).
SHM=${BENCH_SHM:-/dev/shm/ckm-bench-out}
[ -d /dev/shm ] || SHM=""
convert_once() {  # zip, out dir, log → wall seconds (peak RSS and stages stay in the log)
  rm -rf "$2"
  /usr/bin/time -v "$BIN" convert "$1" -o "$2" --stats -q 2> "$3"
  grep "Elapsed (wall clock)" "$3" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'
}
echo "| export | pages | entities/tables (MB) | zip (MB) | floor (s) | bare pass (s) | convert, tmpfs (s) | convert/floor | pages/s | convert, disk (s) | disk/floor | peak RSS (MB) | stages on tmpfs (s): index, plan, content, bundle | index/bare |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for set in $SETS; do
  zip="$DATA/$set.zip"
  [ -f "$zip" ] || { echo "missing $zip: run make bench-data" >&2; exit 1; }
  runs=$RUNS
  case $set in scale-5g*) runs=${BENCH_SCALE_RUNS:-1} ;; esac
  floors=(); bares=(); fast=(); disk=(); rss=0; stages=""; best=""
  for i in $(seq "$runs"); do floors+=("$(floor_once "$zip")"); bares+=("$(bare_once "$zip")"); done
  for i in $(seq "$runs"); do
    if [ -n "$SHM" ]; then
      wall=$(convert_once "$zip" "$SHM/$set" "$OUT/$set.shm.log")
      fast+=("$wall")
      r=$(grep "Maximum resident" "$OUT/$set.shm.log" | awk '{print $NF}'); [ "$r" -gt "$rss" ] && rss=$r
      if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then
        best=$wall
        stages=$(grep "stages:" "$OUT/$set.shm.log" | sed 's/.*stages: //' | python3 -c "import sys,re; print(', '.join('%.2f' % float(x) for x in re.findall(r'([0-9.]+)s', sys.stdin.read())[:4]))")
      fi
      cp "$SHM/$set/report.json" "$OUT/$set.report.json"
      rm -rf "$SHM/$set"
    fi
    wall=$(convert_once "$zip" "$OUT/$set.$i" "$OUT/$set.log")
    disk+=("$wall")
    r=$(grep "Maximum resident" "$OUT/$set.log" | awk '{print $NF}'); [ "$r" -gt "$rss" ] && rss=$r
    cp "$OUT/$set.$i/report.json" "$OUT/$set.report.json"
  done
  floor=$(printf '%s\n' "${floors[@]}" | best)
  bare=$(printf '%s\n' "${bares[@]}" | best)
  conv=$( [ -n "$SHM" ] && printf '%s\n' "${fast[@]}" | best || echo 0)
  dconv=$(printf '%s\n' "${disk[@]}" | best)
  pages=$(python3 -c "import json;r=json.load(open('$OUT/$set.report.json'));c=r['converted'];print(c.get('pages',0)+c.get('blogposts',0))")
  xml=$(unzip -l "$zip" | awk '$4=="entities.xml" || $4 ~ /\.csv(\.gz)?$/ {s+=$1} END {printf "%.0f", s/1048576}')
  zmb=$(du -m "$zip" | cut -f1)
  python3 - "$set" "$pages" "$xml" "$zmb" "$floor" "$bare" "$conv" "$dconv" "$rss" "$stages" <<'PY'
import sys
s, pages, xml, zmb, floor, bare, conv, dconv, rss, stages = sys.argv[1:]
floor, bare, conv, dconv = float(floor), float(bare), float(conv), float(dconv)
fast = f"{conv:.2f} | {conv/floor:.2f} | {int(pages)/conv:.0f}" if conv > 0 else "— | — | —"
index = float(stages.split(",")[0]) if stages else 0
ratio = f"{index/bare:.2f}" if index > 0 else "—"
print(f"| {s} | {pages} | {xml} | {zmb} | {floor:.2f} | {bare:.2f} | {fast} | {dconv:.2f} | {dconv/floor:.2f} | {int(rss)/1024:.0f} | {stages or '—'} | {ratio} |")
PY
done
find "$OUT" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +

# The bundle as one archive: the first set converted to .zip and .tar.zst, on tmpfs and on disk, against the folder.
ASET=${SETS%% *}
if [ -z "${BENCH_NO_ARCHIVE:-}" ] && [ -f "$DATA/$ASET.zip" ]; then
  echo
  echo "| export | output | tmpfs (s) | disk (s) | size (MB) |"
  echo "| --- | --- | --- | --- | --- |"
  for fmt in folder zip tar.zst; do
    t=(); d=()
    for i in $(seq "$RUNS"); do
      for where in shm disk; do
        base=$([ $where = shm ] && echo "${SHM:-$OUT}" || echo "$OUT")
        target="$base/archive-$ASET"; [ $fmt = folder ] || target="$target.$fmt"
        rm -rf "$target"; t0=$(now); "$BIN" convert "$DATA/$ASET.zip" -o "$target" -q; t1=$(now)
        if [ $where = shm ]; then t+=("$(echo "$t1 - $t0" | bc)"); else d+=("$(echo "$t1 - $t0" | bc)"); fi
        size=$(du -sm "$target" | cut -f1)
      done
    done
    printf '| %s | %s | %.2f | %.2f | %s |\n' "$ASET" "$fmt" "$(printf '%s\n' "${t[@]}" | best)" "$(printf '%s\n' "${d[@]}" | best)" "$size"
    rm -rf "${SHM:-$OUT}/archive-$ASET"* "$OUT/archive-$ASET"*
  done
fi

# Peers on the current bodies of the same export (extracted once, outside the timing), in a venv this script makes.
if [ -z "${BENCH_NO_PEERS:-}" ] && [ -f "$DATA/$ASET.zip" ]; then
  VENV=${BENCH_VENV:-.build/peers-venv}
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -c "import cfxmark, markdownify" 2>/dev/null || "$VENV/bin/pip" install --quiet --disable-pip-version-check cfxmark markdownify
  "$BIN" preview "$DATA/$ASET.zip" --all --storage --format json > "$OUT/$ASET.bodies.jsonl"
  echo
  echo "| converter | version | pages | failures | seconds | pages/s |"
  echo "| --- | --- | --- | --- | --- | --- |"
  "$VENV/bin/python" scripts/bench-peers.py "$OUT/$ASET.bodies.jsonl"
  ours=()
  for i in $(seq "$RUNS"); do
    rm -rf "${SHM:-$OUT}/ours-$ASET"; t0=$(now); "$BIN" convert "$DATA/$ASET.zip" -o "${SHM:-$OUT}/ours-$ASET" -q; t1=$(now)
    ours+=("$(echo "$t1 - $t0" | bc)")
  done
  rm -rf "${SHM:-$OUT}/ours-$ASET"
  o=$(printf '%s\n' "${ours[@]}" | best)
  n=$(wc -l < "$OUT/$ASET.bodies.jsonl")
  python3 -c "import sys; o,n=float(sys.argv[1]),int(sys.argv[2]); print(f'| confluence-km, the whole export (index, plan, bodies, attachments, bundle) | $("$BIN" --version 2>/dev/null || echo dev) | {n} | 0 | {o:.2f} | {n/o:.0f} |')" "$o" "$n"
  rm -f "$OUT/$ASET.bodies.jsonl"
fi

# The HTML preview at scale: the site of a 3,000-page export against the conversion of the same export.
if [ -f "$DATA/x3000.zip" ] && [ -z "${BENCH_NO_PREVIEW:-}" ]; then
  echo
  echo "| export | convert (s) | preview --html (s) | preview/convert | site (MB) | files |"
  echo "| --- | --- | --- | --- | --- | --- |"
  cv=(); pv=()
  for i in $(seq "$RUNS"); do
    rm -rf "$OUT/p-bundle" "$OUT/p-site"
    t0=$(now); "$BIN" convert "$DATA/x3000.zip" -o "$OUT/p-bundle" -q; t1=$(now); cv+=("$(echo "$t1 - $t0" | bc)")
    t0=$(now); "$BIN" preview "$DATA/x3000.zip" --html "$OUT/p-site" 2>/dev/null; t1=$(now); pv+=("$(echo "$t1 - $t0" | bc)")
  done
  c=$(printf '%s\n' "${cv[@]}" | best); p=$(printf '%s\n' "${pv[@]}" | best)
  mb=$(du -sm "$OUT/p-site" | cut -f1); files=$(find "$OUT/p-site" -type f | wc -l)
  python3 -c "import sys; c,p=float(sys.argv[1]),float(sys.argv[2]); print(f'| x3000 | {c:.2f} | {p:.2f} | {p/c:.2f} | {sys.argv[3]} | {sys.argv[4]} |')" "$c" "$p" "$mb" "$files"
  rm -rf "$OUT/p-bundle" "$OUT/p-site"
fi
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(swift --version 2>/dev/null | head -1)"
