#!/usr/bin/env bash
# Whole-process builds of generated projects (see benches/synthetic/): for
# each size, the median wall time and the peak memory of five builds into an
# output that already holds the previous build, as `time` measures them.
#
#   benches/site.sh            # 100, 1,000 and 10,000 pages, and the variants
#   benches/site.sh 1000       # one size only
#   benches/site.sh flat       # 1,000 pages in one flat section, cold, beside Hugo
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

# The same chapters as a Hugo site with a minimal theme (title, content,
# previous and next): Hugo draws no chart, so it is the floor for pages.
hugo_twin() {
  local from=$1 twin=$1-hugo
  if [ ! -f "$twin/config.toml" ]; then
    mkdir -p "$twin/layouts/_default"
    cp -r "$from/content" "$twin/"
    printf "baseURL = 'http://example.org/'\ntitle = 'Twin'\n" > "$twin/config.toml"
    local page='<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>'
    echo "$page" > "$twin/layouts/_default/single.html"
    echo "$page" > "$twin/layouts/_default/list.html"
  fi
  echo "$twin"
}

# name, then the generator's arguments: five cold builds (empty output and
# cache), side by side with Hugo's five of the same pages.
run_flat() {
  local name=$1; shift
  local dir=target/bench/site-$name
  if [ ! -f "$dir/report.yaml" ]; then
    "$bin/examples/generate" "$dir" --flat "$@"
  fi
  local twin; twin=$(hugo_twin "$dir")
  local runs hugo; runs=$(mktemp); hugo=$(mktemp)
  for _ in 1 2 3 4 5; do
    rm -rf "$dir/public" "$dir/.barometer" "$twin/public"
    /usr/bin/time -a -o "$runs" -f "%e %M" "$bin/barometer" build --root "$dir" >/dev/null 2>&1
    (cd "$twin" && /usr/bin/time -a -o "$hugo" -f "%e %M" hugo --quiet >/dev/null 2>&1)
  done
  local median_hugo; median_hugo=$(sort -n "$hugo" | awk 'NR == 3 { print $1 }')
  local hugo_mem; hugo_mem=$(awk '$2 > m { m = $2 } END { print int(m / 1024) }' "$hugo")
  sort -n "$runs" | awk -v name="$name" -v h="$median_hugo" -v hm="$hugo_mem" '
    { t[NR] = $1; if ($2 > mem) mem = $2 }
    END { printf "%-28s %6.2f s  %4d MB   Hugo %5.2f s  %4d MB   %.1f x Hugo\n", name, t[3], mem / 1024, h, hm, t[3] / h }'
  rm -f "$runs" "$hugo"
}

if ! command -v hugo >/dev/null; then
  echo "installing Hugo (Debian package) to compare with" >&2
  apt-get install -y -qq hugo >/dev/null
fi

flat_rows() {
  # One flat section, as `barometer new` starts a report: no charts; the
  # defaults (PNG downloads and the PDF); PNGs off.
  run_flat "flat-1000-no-charts" --pages 1000 --datasets 50 --no-charts
  run_flat "flat-1000-defaults" --pages 1000 --datasets 50 --png --pdf
  run_flat "flat-1000-png-off" --pages 1000 --datasets 50 --pdf
}
if [ "${1:-}" = flat ]; then
  flat_rows
  exit 0
fi

sizes=${1:-"100 1000 10000"}
for n in $sizes; do
  datasets=$(( n / 20 < 5 ? 5 : (n / 20 > 50 ? 50 : n / 20) ))
  run "$n-pages" --pages "$n" --datasets "$datasets"
  run "$n-pages-no-charts" --pages "$n" --datasets "$datasets" --no-charts
done
if [ -z "${1:-}" ]; then
  run "1000-pages-with-png" --pages 1000 --datasets 50 --png
  flat_rows
fi
