#!/usr/bin/env bash
# The raw-data benchmark: a generated accounts table (4,100,000 rows, about
# 200 MB of CSV, unless told otherwise) aggregated by tier and platform,
# then built into a site by the release binary, once from a CSV file and
# once from the same rows as Parquet. Prints, for each, the median wall
# time and the peak memory of five whole-process builds as `time` measures
# them, and that memory as a fixed base (the same project with 1,000 rows)
# plus a multiple of the file's size.
#
#   benches/raw-data.sh [ROWS]
#
# PROFILE=dev runs it on the debug build, as a quick smoke test (CI does,
# so it never compiles a second, release build).
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-4100000}
if [ ! -x /usr/bin/time ]; then
  echo "raw-data.sh needs GNU time at /usr/bin/time (Debian package: time)" >&2
  exit 2
fi

profile=${PROFILE:-release}
cargo build --profile "$profile" --quiet --bin barometer --example generate
# Where cargo put them: CI caches may move the target folder elsewhere.
folder=$profile
[ "$profile" = dev ] && folder=debug
bin=${CARGO_TARGET_DIR:-target}/$folder

# project ROWS FORMAT: the folder of a generated project, written once.
project() {
  local dir=target/bench/raw-$1-$2
  local flag=()
  [ "$2" = parquet ] && flag=(--parquet)
  if [ ! -f "$dir/data/accounts.$2" ]; then
    "$bin/examples/generate" "$dir" --rows "$1" --datasets 0 "${flag[@]}" >/dev/null
  fi
  echo "$dir"
}

# measure DIR RUNS: "median min max peak-KB" of RUNS builds.
measure() {
  local runs
  runs=$(mktemp)
  for _ in $(seq "$2"); do
    /usr/bin/time -a -o "$runs" -f "%e %M" "$bin/barometer" build --root "$1" >/dev/null 2>&1
  done
  sort -n "$runs" | awk '{ t[NR] = $1; if ($2 > mem) mem = $2 } END { m = int((NR + 1) / 2); print t[m], t[1], t[NR], mem }'
  rm -f "$runs"
}

base_kb=$(measure "$(project 1000 csv)" 3 | cut -d' ' -f4)
for format in csv parquet; do
  dir=$(project "$rows" "$format")
  size_kb=$(du -k "$dir/data/accounts.$format" | cut -f1)
  read -r median low high mem <<<"$(measure "$dir" 5)"
  awk -v f="$format" -v rows="$rows" -v size="$size_kb" -v t="$median" -v lo="$low" -v hi="$high" \
      -v mem="$mem" -v base="$base_kb" 'BEGIN {
    printf "%s, %d rows (%.0f MB): build %.2f s median (%.2f to %.2f), peak memory %.0f MB = base %.0f MB + %.2f x the file\n",
      f, rows, size / 1024, t, lo, hi, mem / 1024, base / 1024, (mem - base) / size
  }'
done
