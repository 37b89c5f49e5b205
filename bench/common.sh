# Sourced by bench/build.sh and bench/run.sh: builds the release binary and
# bench_sql, makes a temporary folder, prints the machine, and writes the
# example data (EVENTS=N events, default 10,000,000) into DATA (default: the
# temporary folder) when it is not there yet. Sets bin, bench, tmp, data
# and runs (the first argument, default 3).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scorec-target}"
runs="${1:-3}"
events="${EVENTS:-10000000}"

cargo build --release --quiet --bin scorec --example bench_sql || exit 1
bin="$CARGO_TARGET_DIR/release/scorec"
bench="$CARGO_TARGET_DIR/release/examples/bench_sql"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data="${DATA:-$tmp/data}"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
  "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -e "$data/analytics.auth_events.parquet" ]; then
  echo "generating $events example events in $data"
  "$bin" example-data --events "$events" --format parquet --out "$data" >/dev/null || exit 1
fi
