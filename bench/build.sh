#!/usr/bin/env bash
# Benchmarks the SQL that `scorec build` writes, and the build itself
# (release build; see BENCHMARKS.md):
#
# 1. Query: 10M example events in Parquet (`scorec example-data`); the
#    DuckDB SQL of examples/ciam for every metric by day and cohort over
#    [2026-03-20, 2026-04-06) against the hand-written bench/reference.sql,
#    on the bundled DuckDB (examples/bench_sql.rs, views over read_parquet):
#    the results must be equal; best of RUNS after a warm-up run. Target:
#    generated <= 1.2x the reference.
# 2. Aggregation: the SQL of bench/aggregation (counts, a sum, rates and
#    filtered rates; no de-duplication, distinct or sequence) against a
#    plain scan of the same columns (bench/scan.sql). Target: <= 1.5x.
#    For comparison (no target), the same counters written by hand
#    (bench/aggregation_reference.sql) against the same scan.
# 3. Scans: EXPLAIN of both generated queries has one scan per source.
# 4. Compile: bench/compile.sh (`scorec build --dialect all` on 1,000
#    journeys x 10 pairs). Target: under 1 s and 300 MB.
#
#   bench/build.sh [RUNS]        # default 3
#
# EVENTS=N changes the number of events (default 10000000); DATA=DIR keeps
# the example data in DIR (generated there when it is missing) for re-runs.
# Exit status: 1 when a result differs, a source is scanned twice or a
# step fails; else 3 when a target is missed; 0 when all are met.
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
range=(--dialect duckdb --start 2026-03-20 --end 2026-04-06)
"$bin" sql scorecard examples/ciam "${range[@]}" >"$tmp/generated.sql" || exit 1
"$bin" check --deny warnings bench/aggregation >/dev/null || exit 1
"$bin" sql scorecard bench/aggregation "${range[@]}" >"$tmp/aggregation.sql" || exit 1

missed=0
# Runs one step; stops on a failure (exit 1), remembers a missed target (3).
step() {
  echo
  echo "== $1"
  shift
  "$@"
  local rc=$?
  case $rc in
    0) ;;
    3) missed=1 ;;
    *) echo "FAILED (exit $rc)"; exit 1 ;;
  esac
}

step "query: generated (examples/ciam) vs bench/reference.sql, best of $runs" \
  "$bench" compare "$data" "$tmp/generated.sql" bench/reference.sql --runs "$runs" --target 1.2
step "aggregation: generated (bench/aggregation) vs plain scan (bench/scan.sql), best of $runs" \
  "$bench" time "$data" "$tmp/aggregation.sql" bench/scan.sql --runs "$runs" --target 1.5
step "aggregation, for comparison: hand-written (bench/aggregation_reference.sql) vs plain scan, best of $runs" \
  "$bench" time "$data" bench/aggregation_reference.sql bench/scan.sql --runs "$runs"
step "scans: EXPLAIN of the generated query (examples/ciam)" \
  "$bench" scans "$data" "$tmp/generated.sql"
step "scans: EXPLAIN of the generated query (bench/aggregation)" \
  "$bench" scans "$data" "$tmp/aggregation.sql"
step "compile: scorec build --dialect all" bench/compile.sh

echo
if (( missed )); then
  echo "results equal, one scan per source; a target is MISSED"
  exit 3
fi
echo "results equal, one scan per source; every target met"
