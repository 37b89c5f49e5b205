#!/usr/bin/env bash
# Benchmarks `scorec check` (release build): the bundled example, and a
# generated scorecard of 1,000 journeys x 10 pairs (every metric kind and
# threshold form) in YAML and in the DSL. Prints the median wall time of
# RUNS runs and the peak RSS.
#
#   bench/check.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scorec-target}"
runs="${1:-15}"

cargo build --release --quiet --bin scorec --example gen_large
bin="$CARGO_TARGET_DIR/release/scorec"
gen="$CARGO_TARGET_DIR/release/examples/gen_large"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" yaml "$tmp/large-yaml" 1000 >/dev/null
"$gen" dsl "$tmp/large-dsl" 1000 >/dev/null

measure() {
  local name=$1 path=$2
  "$bin" check --deny warnings "$path" >/dev/null   # must check clean
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$bin" check "$path" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  local rss
  rss=$( { /usr/bin/time -f '%M' "$bin" check "$path" >/dev/null; } 2>&1 | tail -1)
  printf '%-28s median %8.1f ms   peak RSS %6.1f MB\n' "$name" "$(echo "$median / 1000" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

echo "scorec check, median of $runs runs, $(nproc) cores"
measure "examples/ciam" examples/ciam
measure "1000 journeys x 10 (YAML)" "$tmp/large-yaml"
measure "1000 journeys x 10 (DSL)" "$tmp/large-dsl"
