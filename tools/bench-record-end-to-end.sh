#!/usr/bin/env bash
# `scribe record` end to end, this checkout against another one (e.g. the commit before a change), with
# numpy's bare forward pass as the yardstick, alternating in one session:
#   SCRIBE_BASE=/path/to/other/checkout tools/bench-record-end-to-end.sh MODEL CORPUS [ROUNDS] [-- RECORD-OPTIONS...]
# MODEL: a GPT-2 directory (`scribe bench record --repeats 1 --keep-model DIR` writes GPT-2 small's shape).
# Each round runs numpy's peer (bench/peers/gpt2_numpy.py bench 12 768 64 16 4), then the other
# checkout's `scribe record`, then ours, into fresh output directories; it prints the wall-clock times,
# the recordings' tokens/s (corpus tokens / wall time, everything included: start-up, tokenising, every
# pass of the model, writing) and those as multiples of numpy's forward pass. On a shared machine only
# figures from the same round compare; the summary is the median of the per-round ratios.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
numpy="${NUMPY_BENCH:-$here/bench/peers/gpt2_numpy.py}"
base="${SCRIBE_BASE:?set SCRIBE_BASE to the checkout to compare with}"
model="${1:?MODEL}"; corpus="${2:?CORPUS}"; rounds="${3:-2}"
shift $(( $# < 3 ? $# : 3 ))
[[ "${1:-}" == "--" ]] && shift
extra=("$@")
if [[ ! -f "$numpy" ]]; then echo "bench-record-end-to-end: $numpy not found; set NUMPY_BENCH" >&2; exit 2; fi
"$here/scribe" --version >/dev/null 2>&1 || true # build both outside the timed runs
"$base/scribe" --version >/dev/null 2>&1 || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() { # launcher-dir label -> "seconds tokens"
  local out="$work/out-$2" t0 t1
  rm -rf "$out"
  t0=$(date +%s.%N)
  "$1/scribe" record --model "$model" --corpus "$corpus" --out "$out" "${extra[@]}" >"$work/log-$2" 2>&1
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc) $(grep -o '([0-9,]* tokens)' "$work/log-$2" | tr -dc 0-9)"
}
printf '%-6s %10s %10s %10s %12s %12s %9s\n' round numpy base-s ours-s base/numpy ours/numpy speed-up
for ((r = 1; r <= rounds; r++)); do
  np="$(python3 "$numpy" bench 12 768 64 16 4 | awk '/^tokens\/s/ {print $2}')"
  read -r bs tokens < <(run "$base" base)
  read -r os _ < <(run "$here" ours)
  echo "$r $np $bs $os $tokens" >>"$work/table"
  awk -v r="$r" -v n="$np" -v b="$bs" -v o="$os" -v t="$tokens" 'BEGIN {printf "%-6s %10.1f %10.1f %10.1f %11.2fx %11.2fx %8.2fx\n", r, n, b, o, t / b / n, t / o / n, b / o}'
done
python3 - "$work/table" <<'PY'
import statistics, sys
rows = [list(map(float, l.split()[1:])) for l in open(sys.argv[1]) if l.strip()]
print(f"{len(rows)} rounds, {int(rows[0][3])} tokens: median base/numpy {statistics.median(t / b / n for n, b, o, t in rows):.2f}x, "
      f"ours/numpy {statistics.median(t / o / n for n, b, o, t in rows):.2f}x, speed-up {statistics.median(b / o for n, b, o, t in rows):.2f}x "
      f"(wall {statistics.median(b for n, b, o, t in rows):.0f} s -> {statistics.median(o for n, b, o, t in rows):.0f} s)")
PY
