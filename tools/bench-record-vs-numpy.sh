#!/usr/bin/env bash
# The recorder's benchmark beside numpy's, alternating, in one session on one machine:
#   tools/bench-record-vs-numpy.sh [ROUNDS]
# Each round runs numpy's peer once (../shared/bench/gpt2_numpy.py bench 12 768 64 16 4: one warm-up batch,
# then 4 timed batches of 16x64 tokens) and then `scribe bench record --repeats 1` (GPT-2 small's shape, the
# same batches: 4 timed batches of the forward pass alone, then 4 of the recording). The two run a few
# seconds apart, so each round's ratio compares them under the same load; on a shared (virtual) machine
# the throughput of both moves by tens of percent from minute to minute, which is why the summary is the
# median of the per-round ratios rather than a ratio of medians taken at different times.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
numpy="${NUMPY_BENCH:-$here/../shared/bench/gpt2_numpy.py}"
rounds="${1:-8}"
if [[ ! -f "$numpy" ]]; then
  echo "bench-record-vs-numpy: $numpy not found; set NUMPY_BENCH to gpt2_numpy.py" >&2
  exit 2
fi
"$here/scribe" --version >/dev/null 2>&1 || true # build first, outside the timed rounds
table="$(mktemp)"
trap 'rm -f "$table"' EXIT
printf '%-6s %12s %14s %14s %9s %9s\n' round numpy scribe-fwd scribe-rec fwd/np rec/np
for ((r = 1; r <= rounds; r++)); do
  np="$(python3 "$numpy" bench 12 768 64 16 4 | awk '/^tokens\/s/ {print $2}')"
  out="$("$here/scribe" bench record --repeats 1 2>/dev/null)"
  fwd="$(awk '/forward pass  median/ {print $4}' <<<"$out")"
  rec="$(awk '/recording     median/ {print $3}' <<<"$out")"
  echo "$r $np $fwd $rec" >>"$table"
  awk -v r="$r" -v n="$np" -v f="$fwd" -v c="$rec" 'BEGIN {printf "%-6s %12.1f %14.1f %14.1f %9.2f %9.2f\n", r, n, f, c, f / n, c / n}'
done
python3 - "$table" <<'PY'
import statistics, sys
rows = [list(map(float, line.split()[1:])) for line in open(sys.argv[1]) if line.strip()]
np_, fwd, rec = zip(*rows)
print(f"median tokens/s   numpy {statistics.median(np_):.1f}   scribe forward {statistics.median(fwd):.1f}   scribe recording {statistics.median(rec):.1f}")
print(f"median of the per-round ratios   forward/numpy {statistics.median(f / n for f, n in zip(fwd, np_)):.2f}x"
      f"   recording/numpy {statistics.median(r / n for r, n in zip(rec, np_)):.2f}x   ({len(rows)} rounds)")
PY
