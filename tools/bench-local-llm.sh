#!/usr/bin/env bash
# The local LLM beside llama.cpp, paired, on the same GGUF files:
#   tools/bench-local-llm.sh [ROUNDS] [MODEL.gguf...]
# Each round runs `scribe bench llm` (one warm-up, one timed round: a PROMPT-token prompt (default 128) in one pass,
# then GENERATE (default 8) tokens greedily) and, right after it, tools/llama_cpp_speed.mjs on the very same file
# (node-llama-cpp 3.21.1, CPU, the same number of threads as cores, the same token ids). The summary is the median of
# the per-round ratios: on a shared machine only ratios taken together mean anything.
# Without MODEL arguments it writes random-weight GGUFs of Qwen2-0.5B's and Llama-3.2-1B's shapes in BF16 and Q8_0
# with tools/make_bench_gguf.py (PYTHON with numpy and gguf; about 5 GB in a temporary directory, removed after).
# node-llama-cpp must be installed outside the repository: npm i -E node-llama-cpp@3.21.1 in /work/node-llama, or
# NODE_LLAMA_CPP=/path/to/node_modules/node-llama-cpp.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="${PYTHON:-python3}"
rounds="${1:-3}"
shift || true
prompt="${PROMPT:-128}"
generate="${GENERATE:-8}"
threads="$(nproc)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
models=("$@")
if [[ ${#models[@]} -eq 0 ]]; then
  for shape in qwen2-0.5b llama-1b; do
    for type in bf16 q8_0; do
      "$py" "$here/tools/make_bench_gguf.py" "$shape" "$type" "$work/$shape-$type.gguf" >/dev/null
      models+=("$work/$shape-$type.gguf")
    done
  done
fi
"$here/scribe" --version >/dev/null 2>&1 || true
printf '%-22s %-5s %12s %12s %7s %12s %12s %7s %6s\n' model round pp-scribe pp-llama.cpp ratio tg-scribe tg-llama.cpp ratio peak%
for m in "${models[@]}"; do
  name="$(basename "$m" .gguf)"
  for ((r = 1; r <= rounds; r++)); do
    ours="$("$here/scribe" bench llm --model "$m" --prompt "$prompt" --generate "$generate" --rounds 1 2>/dev/null)"
    theirs="$(node "$here/tools/llama_cpp_speed.mjs" "$m" "$prompt" "$generate" 1 "$threads" 2>/dev/null)"
    pp="$(awk '/^prompt +median/ {print $3}' <<<"$ours")"
    tg="$(awk '/^generation median/ {print $3}' <<<"$ours")"
    share="$(awk '/^prompt +median/ {gsub(/[(%]/, "", $7); print $7}' <<<"$ours")"
    lpp="$(awk '/^round/ {print $4}' <<<"$theirs")"
    ltg="$(awk '/^round/ {print $7}' <<<"$theirs")"
    echo "$name $r $pp $lpp $tg $ltg $share" >>"$work/table"
    awk -v n="$name" -v r="$r" -v a="$pp" -v b="$lpp" -v c="$tg" -v d="$ltg" -v s="$share" \
      'BEGIN {printf "%-22s %-5s %12.1f %12.1f %6.2fx %12.2f %12.2f %6.2fx %5s%%\n", n, r, a, b, a / b, c, d, c / d, s}'
  done
done
"$py" - "$work/table" <<'PY'
import collections, statistics, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    n, _, pp, lpp, tg, ltg, share = line.split()
    by[n].append(tuple(map(float, (pp, lpp, tg, ltg, share))))
for n, rows in by.items():
    med = lambda i: statistics.median(r[i] for r in rows)
    print(f"{n:22s} prompt: scribe {med(0):7.1f} llama.cpp {med(1):7.1f} tokens/s, median ratio {statistics.median(r[0] / r[1] for r in rows):.2f}x;"
          f" generation: scribe {med(2):6.2f} llama.cpp {med(3):6.2f} tokens/s, median ratio {statistics.median(r[2] / r[3] for r in rows):.2f}x;"
          f" scribe's prompt at {med(4):.0f}% of the FMA peak ({len(rows)} rounds)")
PY
