#!/bin/sh
# Rebuilds tests/fixtures/monolingual.sha256, the digests of the site the
# single-language fixture builds into, which tests/languages.rs compares
# with. Run it only when a change alters a single-language report's output
# on purpose, and say why in the commit.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
cargo run --quiet --release -- build --root tests/fixtures/monolingual --output "$out" \
  --base-url https://example.org/etude/
(cd "$out" && find . -type f ! -name .barometer-manifest | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum) \
  > tests/fixtures/monolingual.sha256
rm -rf "$out"
