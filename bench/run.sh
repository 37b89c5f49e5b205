#!/usr/bin/env bash
# Benchmarks `scorec run` (release build; see BENCHMARKS.md):
#
# 1. 10M example events in Parquet (`scorec example-data`): `scorec run
#    examples/ciam` over [2026-03-20, 2026-04-06) with every metric, the
#    integrity checks, the statuses, the alerts and the gauges, as a whole
#    process (load, check, bind, SQL, report, JSON written), against the
#    hand-written bench/reference.sql run by `bench_sql run` (a process that
#    opens the same views over the same files and prints its rows). Best of
#    RUNS wall times after one warm-up run each; peak RSS of the run from
#    /usr/bin/time -v. Target: run <= 1.2x the reference.
# 2. Start-up: `scorec run examples/ciam` on its bundled data, the time to
#    the first byte of output (and to the end), best of 15. Target: under
#    300 ms.
#
#   bench/run.sh [RUNS]        # default 3
#
# EVENTS=N changes the number of events (default 10000000); DATA=DIR keeps
# the example data in DIR (generated there when it is missing).
# Exit status: 1 when a step fails, 3 when a target is missed, else 0.
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

# Wall milliseconds of a command (output discarded), and its peak RSS in KB.
measure() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null || return 1
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")"
}

# Best wall time of RUNS runs after a warm-up, and the largest peak RSS.
best() {
  local best=0 peak=0 wall rss
  measure "$@" >/dev/null || return 1
  for _ in $(seq "$runs"); do
    read -r wall rss < <(measure "$@") || return 1
    if (( best == 0 || wall < best )); then best=$wall; fi
    if (( rss > peak )); then peak=$rss; fi
  done
  echo "$best $peak"
}

run=("$bin" run examples/ciam --data "$data" --from 2026-03-20 --to 2026-04-06 --format json --out "$tmp/report.json")
echo
echo "== scorec run (examples/ciam, 10M events) vs bench/reference.sql, best of $runs"
read -r run_ms run_rss < <(best "${run[@]}") || { echo "FAILED: scorec run"; exit 1; }
read -r ref_ms ref_rss < <(best "$bench" run "$data" bench/reference.sql) || { echo "FAILED: reference"; exit 1; }
ratio=$(echo "$run_ms / $ref_ms" | bc -l)
printf 'scorec run: %.2f s, peak RSS %.0f MB (report: %s statuses)\n' "$(echo "$run_ms / 1000" | bc -l)" \
  "$(echo "$run_rss / 1024" | bc -l)" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["statuses"]))' "$tmp/report.json")"
printf 'reference:  %.2f s, peak RSS %.0f MB\n' "$(echo "$ref_ms / 1000" | bc -l)" "$(echo "$ref_rss / 1024" | bc -l)"
missed=0
if (( $(echo "$ratio <= 1.2" | bc -l) )); then
  printf 'ratio %.2fx, target <= 1.2x: met\n' "$ratio"
else
  printf 'ratio %.2fx, target <= 1.2x: MISSED\n' "$ratio"
  missed=1
fi

echo
echo "== start-up: scorec run examples/ciam (bundled data), best of 15"
first=$(python3 - "$bin" <<'PY'
import subprocess, sys, time
best_first, best_all = None, None
for _ in range(16):
    start = time.perf_counter()
    p = subprocess.Popen([sys.argv[1], "run", "examples/ciam", "--color", "never"], stdout=subprocess.PIPE)
    p.stdout.read(1)
    first = time.perf_counter() - start
    p.stdout.read()
    p.wait()
    total = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"scorec run exited {p.returncode}")
    best_first = first if best_first is None else min(best_first, first)
    best_all = total if best_all is None else min(best_all, total)
print(f"{best_first * 1000:.0f} {best_all * 1000:.0f}")
PY
) || { echo "FAILED: start-up"; exit 1; }
read -r first_ms all_ms <<<"$first"
echo "first output after ${first_ms} ms, done after ${all_ms} ms"
if (( first_ms < 300 )); then
  echo "target < 300 ms: met"
else
  echo "target < 300 ms: MISSED"
  missed=1
fi
if (( missed )); then exit 3; fi
