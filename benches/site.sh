#!/usr/bin/env bash
# Whole-process builds of generated projects (see benches/synthetic/): for
# each size, the median wall time and the peak memory of five builds into an
# output that already holds the previous build (its build cache deleted),
# as `time` measures them; and with `flat`, the configuration `barometer
# new` gives, beside Hugo.
#
#   benches/site.sh            # 100, 1,000 and 10,000 pages, and the variants
#   benches/site.sh 1000       # one size only
#   benches/site.sh flat       # one flat section, as `barometer new` starts: cold, after an
#                              # edit, 100 to 10,000 pages, beside Hugo; the Typst twin (the
#                              # chapters' text alone as a PDF); and `serve`
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
  echo "site.sh needs GNU time at /usr/bin/time (Debian package: time)" >&2
  exit 2
fi
cargo build --release --quiet --bin barometer --example generate --example typst_twin
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
  # Without the build cache, so these rows measure drawing, as before it.
  for _ in 1 2 3 4 5; do
    rm -rf "$dir/.barometer"
    /usr/bin/time -a -o "$runs" -f "%e %M" "$bin/barometer" build --root "$dir" >/dev/null 2>&1
  done
  rm -rf "$dir/.barometer"
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

# Generates target/bench/site-NAME (generator arguments after the name)
# and the Hugo twin of its chapters; prints the project's folder.
flat_project() {
  local name=$1; shift
  local dir=target/bench/site-$name
  if [ ! -f "$dir/report.yaml" ]; then
    "$bin/examples/generate" "$dir" --flat "$@" >/dev/null
  fi
  hugo_twin "$dir" >/dev/null
  echo "$dir"
}

# Prints a row from two files of "seconds kilobytes" lines (barometer's
# runs, Hugo's): medians, peaks, the ratio, and the time per page.
row() {
  local name=$1 pages=$2 runs=$3 hugo=$4
  local median_hugo; median_hugo=$(sort -n "$hugo" | awk 'NR == 3 { print $1 }')
  local hugo_mem; hugo_mem=$(awk '$2 > m { m = $2 } END { print int(m / 1024) }' "$hugo")
  sort -n "$runs" | awk -v name="$name" -v h="$median_hugo" -v hm="$hugo_mem" -v pages="$pages" '
    { t[NR] = $1; if ($2 > mem) mem = $2 }
    END { printf "%-34s %6.2f s  %5d MB   Hugo %5.2f s  %4d MB   %5.2f x Hugo   %.2f ms a page\n",
          name, t[3], mem / 1024, h, hm, t[3] / h, t[3] * 1000 / pages }'
}

# Moves the folders given aside, into target/bench/trash, deleted when
# the script ends. A cold build starts from an empty output, as a fresh
# checkout in CI does; deleting thousands of files just before creating
# thousands again is another measure on this machine's disk (ext4 without
# a journal, whose inode allocator then skips every inode deleted in the
# last 30 s one by one: half of a cold 10,000-page build, for either
# tool), so the previous outputs are only renamed away.
trash=target/bench/trash
set_aside() {
  mkdir -p "$trash"
  local f
  for f in "$@"; do
    if [ -e "$f" ]; then mv "$f" "$(mktemp -d "$trash/XXXXXX")/"; fi
  done
}
trap 'rm -rf "$trash"' EXIT

# name, pages, project, then a step: the step run five times on the
# project, each beside a cold Hugo build of the same pages; then their row.
# The step is given the project and the file it appends its "seconds
# kilobytes" to.
beside_hugo() {
  local name=$1 pages=$2 dir=$3 step=$4
  local twin=$dir-hugo runs hugo; runs=$(mktemp); hugo=$(mktemp)
  for _ in 1 2 3 4 5; do
    set_aside "$twin/public"
    "$step" "$dir" "$runs"
    (cd "$twin" && /usr/bin/time -a -o "$hugo" -f "%e %M" hugo --quiet >/dev/null 2>&1)
  done
  row "$name" "$pages" "$runs" "$hugo"
  rm -f "$runs" "$hugo"
}

# A cold build of the project in $1 (empty output and cache), timed into $2.
cold_build() {
  set_aside "$1/public" "$1/.barometer"
  /usr/bin/time -a -o "$2" -f "%e %M" "$bin/barometer" build --root "$1" >/dev/null 2>&1
}

# name, pages, then the generator's arguments: five cold builds beside
# Hugo's five of the same pages.
run_flat() {
  local name=$1 pages=$2; shift 2
  local dir; dir=$(flat_project "$name" --pages "$pages" "$@")
  beside_hugo "$name" "$pages" "$dir" cold_build
}

# name, pages, what to do before each build (`edit`: a sentence added to
# one chapter; `same`: nothing), then the generator's arguments: five
# builds into the output and cache of the build before, beside Hugo's
# five builds of the same pages after the same edit.
run_again() {
  local name=$1 pages=$2 change=$3; shift 3
  # The project of the cold row of the same name (before the comma).
  local dir; dir=$(flat_project "${name%%,*}" --pages "$pages" "$@")
  local twin=$dir-hugo runs hugo; runs=$(mktemp); hugo=$(mktemp)
  local page; page=content/chapter-$(printf %05d $((pages / 2))).md
  set_aside "$dir/public" "$dir/.barometer" "$twin/public"
  "$bin/barometer" build --root "$dir" >/dev/null 2>&1
  (cd "$twin" && hugo --quiet >/dev/null 2>&1)
  for i in 1 2 3 4 5; do
    if [ "$change" = edit ]; then
      echo "A sentence added by edit $i of the benchmark." | tee -a "$dir/$page" >>"$twin/$page"
    fi
    /usr/bin/time -a -o "$runs" -f "%e %M" "$bin/barometer" build --root "$dir" >/dev/null 2>&1
    (cd "$twin" && /usr/bin/time -a -o "$hugo" -f "%e %M" hugo --quiet >/dev/null 2>&1)
  done
  row "$name" "$pages" "$runs" "$hugo"
  rm -f "$runs" "$hugo"
}

# The chapters of the project in $1 as the plainest Typst document
# (examples/typst_twin.rs), typeset and written, timed into $2.
typst_twin() {
  set_aside "$1-typst.pdf"
  /usr/bin/time -a -o "$2" -f "%e %M" "$bin/examples/typst_twin" "$1" "$1-typst.pdf" >/dev/null
}

# name, pages, then the generator's arguments: the floor of the PDF, the
# Typst twin of the chapters five times, beside Hugo's five builds of them.
run_typst_twin() {
  local name=$1 pages=$2; shift 2
  local dir; dir=$(flat_project "${name%%,*}" --pages "$pages" "$@")
  beside_hugo "$name" "$pages" "$dir" typst_twin
}

if ! command -v hugo >/dev/null; then
  echo "installing Hugo (Debian package) to compare with" >&2
  apt-get install -y -qq hugo >/dev/null
fi

flat_rows() {
  # One flat section, as `barometer new` starts a report. Without charts,
  # growing from 100 to 10,000 pages:
  run_flat "flat-100-no-charts" 100 --datasets 5 --no-charts
  run_flat "flat-1000-no-charts" 1000 --datasets 50 --no-charts
  run_flat "flat-10000-no-charts" 10000 --datasets 50 --no-charts
  # The defaults (PNG downloads and the PDF), cold; with PNGs off; after
  # a one-page prose edit; and the same with `pdf: false`:
  run_flat "flat-1000-defaults" 1000 --datasets 50 --png --pdf
  run_flat "flat-1000-png-off" 1000 --datasets 50 --pdf
  run_again "flat-1000-defaults, one edit" 1000 edit --datasets 50 --png --pdf
  # What any PDF of these chapters costs: their text alone, typeset by Typst.
  run_typst_twin "flat-1000-defaults, Typst twin" 1000 --datasets 50 --png --pdf
  run_flat "flat-1000-pdf-off" 1000 --datasets 50 --png
  run_again "flat-1000-pdf-off, one edit" 1000 edit --datasets 50 --png
  # A 100-page report's PDF: cold, then built again unchanged.
  run_flat "flat-100-defaults" 100 --datasets 5 --png --pdf
  run_again "flat-100-defaults, unchanged" 100 same --datasets 5 --png --pdf
  # `serve`: a one-page edit in the 1,000 flat pages, to the page served.
  cargo bench --quiet --bench serve_reload 2>/dev/null | grep "one-page edit"
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
