#!/usr/bin/env bash
# Whole-process builds of generated projects (see benches/synthetic/): for
# each size, the median wall time and the peak memory of five builds into an
# output that already holds the previous build, as `time` measures them.
#
#   benches/site.sh            # 100, 1,000 and 10,000 pages, and the variants
#   benches/site.sh 1000       # one size only
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
  echo "site.sh needs GNU time at /usr/bin/time (Debian package: time)" >&2
  exit 2
fi
cargo build --release --quiet --bin barometer --example generate
# Where cargo put them: CI caches may move the target folder elsewhere.
bin=${CARGO_TARGET_DIR:-target}/release

# name, then the generator's arguments
run() {
  local name=$1; shift
  local dir=target/bench/site-$name
  if [ ! -f "$dir/report.yaml" ]; then
    "$bin/examples/generate" "$dir" "$@"
  fi
  "$bin/barometer" build --root "$dir" >/dev/null 2>&1 # the first build creates the output
  local runs; runs=$(mktemp)
  for _ in 1 2 3 4 5; do
    /usr/bin/time -a -o "$runs" -f "%e %M" "$bin/barometer" build --root "$dir" >/dev/null 2>&1
  done
  local summary; summary=$("$bin/barometer" build --root "$dir" 2>/dev/null | tail -1)
  sort -n "$runs" | awk -v name="$name" -v summary="$summary" '
    { t[NR] = $1; if ($2 > mem) mem = $2 }
    END { printf "%-24s %6.2f s median (%.2f to %.2f)  %4d MB   %s\n", name, t[3], t[1], t[5], mem / 1024, summary }'
  rm -f "$runs"
}

sizes=${1:-"100 1000 10000"}
for n in $sizes; do
  datasets=$(( n / 20 < 5 ? 5 : (n / 20 > 50 ? 50 : n / 20) ))
  run "$n-pages" --pages "$n" --datasets "$datasets"
  run "$n-pages-no-charts" --pages "$n" --datasets "$datasets" --no-charts
done
if [ -z "${1:-}" ]; then
  run "1000-pages-with-png" --pages 1000 --datasets 50 --png
fi
