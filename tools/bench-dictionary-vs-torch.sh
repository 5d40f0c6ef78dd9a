#!/usr/bin/env bash
# Paired comparison of the dictionary encoder: `scribe bench dictionary` and PyTorch's (tools/bench_dictionary_torch.py),
# back to back for ROUNDS rounds, then the median of the per-round ratios (ours / torch). Pass the shape options to both,
# e.g. tools/bench-dictionary-vs-torch.sh 5 --activation relu --d-sae 16384. PYTHON: a Python with torch (default python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"; shift || true
python="${PYTHON:-python3}"
ratios=()
for ((i = 1; i <= rounds; i++)); do
  ours=$("$here/scribe" bench dictionary "$@" 2>/dev/null | sed -n 's/.*median \([0-9]*\) rows\/s.*/\1/p')
  theirs=$("$python" "$here/tools/bench_dictionary_torch.py" "$@" 2>/dev/null | sed -n 's/.*median \([0-9]*\) rows\/s.*/\1/p')
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.3f", a / b }')
  echo "round $i: ours $ours rows/s, torch $theirs rows/s, ratio $ratio"
  ratios+=("$ratio")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "median ratio (ours / torch) over %d rounds: %.2f\n", NR, m }'
