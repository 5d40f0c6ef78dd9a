#!/usr/bin/env bash
# The recorder's benchmark beside numpy's, alternating, in one session on one machine:
#   tools/bench-record-vs-numpy.sh [ROUNDS]
# Each round runs numpy's peer (../shared/bench/gpt2_numpy.py bench 12 768 64 16 4) three times and then
# `scribe bench record` (GPT-2 small's shape, 16x64 tokens per batch, 4 batches per run, 3 runs). Compare
# medians and bests of the same session only; other work on the machine moves both.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
numpy="${NUMPY_BENCH:-$here/../shared/bench/gpt2_numpy.py}"
rounds="${1:-3}"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r: numpy =="
  for i in 1 2 3; do python3 "$numpy" bench 12 768 64 16 4; done
  echo "== round $r: scribe bench record =="
  "$here/scribe" bench record --repeats 3 2>/dev/null | grep -E "tokens/s|peak|measured|summaries"
done
