#!/usr/bin/env bash
# The raw-data benchmark: a generated accounts CSV (1,000,000 rows unless
# told otherwise) aggregated by tier and platform, then built into a site by
# the release binary. Prints the median wall time and peak memory of five
# whole-process builds, as `time` measures them.
#
#   benches/raw-data.sh [ROWS]
#
# PROFILE=dev runs it on the debug build, as a quick smoke test (CI does,
# so it never compiles a second, release build).
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-1000000}
dir=target/bench/raw-$rows
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
if [ ! -f "$dir/data/accounts.csv" ]; then
  "$bin/examples/generate" "$dir" --rows "$rows" --datasets 0
fi

runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for _ in 1 2 3 4 5; do
  /usr/bin/time -a -o "$runs" -f "%e %M" "$bin/barometer" build --root "$dir" >/dev/null 2>&1
done

size=$(du -m "$dir/data/accounts.csv" | cut -f1)
sort -n "$runs" | awk -v rows="$rows" -v size="$size" '
  { t[NR] = $1; if ($2 > mem) mem = $2 }
  END {
    printf "%d rows (%d MB of CSV): build %.2f s median (%.2f to %.2f), peak memory %d MB\n",
      rows, size, t[3], t[1], t[5], mem / 1024
  }'
