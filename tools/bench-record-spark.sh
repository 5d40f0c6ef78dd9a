#!/usr/bin/env bash
# Recording on Spark in local mode against the recorder on one machine, alternating, in one session:
#   tools/bench-record-spark.sh MODEL CORPUS [ROUNDS] [-- RECORD-OPTIONS...]
# Each round records the corpus three times into fresh directories: `scribe record` (one machine), then
# `scribe record --spark local[1]` and `--spark local[2]` (one and two executor threads in the driver's JVM).
# It prints each run's wall time and tokens/s (corpus tokens / wall time, everything included), and for the
# Spark runs the module's own account of each pass: how long the shards ran, and how long fetching and
# merging their partial summaries on the driver took. Pass --calibration 1 (or a corpus larger than the
# calibration set) to time the usual two passes; the files of all three runs must be identical.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:?MODEL}"; corpus="${2:?CORPUS}"; rounds="${3:-2}"
shift $(( $# < 3 ? $# : 3 ))
[[ "${1:-}" == "--" ]] && shift
extra=("$@")
"$here/scribe" --version >/dev/null 2>&1 || true
"$here/scribe" record --spark local[1] --help >/dev/null 2>&1 || true # builds the Spark module
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for mode in single 'local[1]' 'local[2]'; do
    out="$work/out-${mode//[^a-z0-9]/}"
    rm -rf "$out"
    args=(record --model "$model" --corpus "$corpus" --out "$out" "${extra[@]}")
    [[ "$mode" != single ]] && args+=(--spark "$mode")
    t0=$(date +%s.%N)
    "$here/scribe" "${args[@]}" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
    t1=$(date +%s.%N)
    tokens="$(grep -o '([0-9,]* tokens)' "$work/log" | tr -dc 0-9)"
    awk -v r="$r" -v m="$mode" -v s="$(echo "$t1 - $t0" | bc)" -v t="$tokens" 'BEGIN {printf "round %d %-9s %7.1f s  %7.1f tokens/s end to end\n", r, m, s, t / s}'
    grep -o 'spark: [^)]*alone [0-9.]* s)' "$work/log" | sed 's/^/    /' || true
  done
  diff -rq "$work/out-single" "$work/out-local1" >/dev/null && diff -rq "$work/out-single" "$work/out-local2" >/dev/null \
    && echo "    the three recordings are identical" || echo "    THE RECORDINGS DIFFER" >&2
done
