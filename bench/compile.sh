#!/usr/bin/env bash
# Benchmarks `scorec build --dialect all` (release build) on the generated
# scorecard of 1,000 journeys x 10 pairs (examples/gen_large.rs, the input
# of bench/check.sh): wall time (median of RUNS runs) and peak RSS
# (/usr/bin/time -v), with the size of what it writes. With --by-dialect,
# also each dialect alone. Target: under 1 s and 300 MB.
#
#   bench/compile.sh [RUNS] [--by-dialect]     # default 1 run
#
# Exit status: 0 when the target is met, 3 when it is missed, 1 on an error.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scorec-target}"
runs=1
by_dialect=false
for arg in "$@"; do
  case "$arg" in
    --by-dialect) by_dialect=true ;;
    *) runs="$arg" ;;
  esac
done

cargo build --release --quiet --bin scorec --example gen_large
bin="$CARGO_TARGET_DIR/release/scorec"
gen="$CARGO_TARGET_DIR/release/examples/gen_large"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" yaml "$tmp/large" 1000 >/dev/null
"$bin" check --deny warnings "$tmp/large" >/dev/null   # must check clean

# One build: prints "<wall ms> <peak RSS KB>".
measure() {
  local dialect=$1 start end
  rm -rf "$tmp/out"
  start=$(date +%s%N)
  /usr/bin/time -v -o "$tmp/time.txt" "$bin" build "$tmp/large" --dialect "$dialect" --out "$tmp/out" >/dev/null
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")"
}

echo "scorec build --dialect all, 1,000 journeys x 10 pairs (20,000 metrics), $(nproc) cores, median of $runs"
walls=()
peak=0
for _ in $(seq "$runs"); do
  read -r wall rss < <(measure all)
  walls+=("$wall")
  (( rss > peak )) && peak=$rss
done
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
files=$(find "$tmp/out" -type f | wc -l)
bytes=$(du -sb "$tmp/out" | cut -f1)
printf 'all dialects: wall %.2f s (runs: %s ms), peak RSS %.0f MB, wrote %d files, %.0f MB\n' \
  "$(echo "$median / 1000" | bc -l)" "${walls[*]}" "$(echo "$peak / 1024" | bc -l)" "$files" "$(echo "$bytes / 1000000" | bc -l)"

if $by_dialect; then
  for dialect in duckdb postgres snowflake bigquery databricks redshift trino clickhouse; do
    read -r wall rss < <(measure "$dialect")
    printf '  %-10s wall %6.2f s, peak RSS %5.0f MB, %4.0f MB written\n' "$dialect" \
      "$(echo "$wall / 1000" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
      "$(echo "$(du -sb "$tmp/out" | cut -f1) / 1000000" | bc -l)"
  done
fi

if (( median < 1000 && peak < 300 * 1024 )); then
  echo "target < 1 s and < 300 MB: met"
else
  echo "target < 1 s and < 300 MB: MISSED"
  exit 3
fi
