#!/usr/bin/env bash
# make bench: converts generated exports and, in the same run, measures the floor (every ZIP entry decompressed
# with `unzip -p`, plus `xmllint --stream` of entities.xml), best of 3 each. Prints a Markdown table: pages/s,
# convert/floor ratio, peak RSS (/usr/bin/time -v), and the time per stage (--stats).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${BENCH_DATA:-.build/bench-data}
BIN=${BENCH_BIN:-.build/release/confluence-km}
OUT=${BENCH_OUT:-.build/bench-out}
RUNS=${BENCH_RUNS:-3}
SETS=${BENCH_SETS:-"x12000 c12000 scale-1g"}
[ "${BENCH_SCALE:-0}" = 1 ] && SETS="$SETS scale-5g scale-5g-h"
mkdir -p "$OUT"

best() { sort -n | head -1; }
now() { date +%s.%N; }

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

echo "| export | pages | entities/tables (MB) | zip (MB) | floor (s) | convert (s) | pages/s | convert/floor | peak RSS (MB) | stages (s): index, plan, content, bundle |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for set in $SETS; do
  zip="$DATA/$set.zip"
  [ -f "$zip" ] || { echo "missing $zip: run make bench-data" >&2; exit 1; }
  floors=(); converts=(); rss=0; stages=""
  for i in $(seq "$RUNS"); do floors+=("$(floor_once "$zip")"); done
  for i in $(seq "$RUNS"); do
    rm -rf "$OUT/$set"
    /usr/bin/time -v "$BIN" convert "$zip" -o "$OUT/$set" --stats -q 2> "$OUT/$set.log"
    wall=$(grep "Elapsed (wall clock)" "$OUT/$set.log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    converts+=("$wall")
    r=$(grep "Maximum resident" "$OUT/$set.log" | awk '{print $NF}')
    [ "$r" -gt "$rss" ] && rss=$r
    s=$(grep "stages:" "$OUT/$set.log" | sed 's/.*stages: //' | python3 -c "import sys,re; print(', '.join('%.2f' % float(x) for x in re.findall(r'([0-9.]+)s', sys.stdin.read())[:4]))")
    [ -z "$stages" ] && stages=$s
    [ "$(printf '%s\n' "${converts[@]}" | best)" = "$wall" ] && stages=$s
  done
  floor=$(printf '%s\n' "${floors[@]}" | best)
  conv=$(printf '%s\n' "${converts[@]}" | best)
  pages=$(python3 -c "import json;r=json.load(open('$OUT/$set/report.json'));c=r['converted'];print(c.get('pages',0)+c.get('blogposts',0))")
  xml=$(unzip -l "$zip" | awk '$4=="entities.xml" || $4 ~ /\.csv(\.gz)?$/ {s+=$1} END {printf "%.0f", s/1048576}')
  zmb=$(du -m "$zip" | cut -f1)
  python3 - "$set" "$pages" "$xml" "$zmb" "$floor" "$conv" "$rss" "$stages" <<'PY'
import sys
s, pages, xml, zmb, floor, conv, rss, stages = sys.argv[1:]
floor, conv = float(floor), float(conv)
print(f"| {s} | {pages} | {xml} | {zmb} | {floor:.2f} | {conv:.2f} | {int(pages)/conv:.0f} | {conv/floor:.2f} | {int(rss)/1024:.0f} | {stages} |")
PY
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(swift --version 2>/dev/null | head -1)"
