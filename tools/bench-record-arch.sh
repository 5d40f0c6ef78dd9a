#!/usr/bin/env bash
# The recorder beside PyTorch on each architecture, paired, on one machine:
#   tools/bench-record-arch.sh [ROUNDS] [ARCH...]        (default: 3 rounds; gpt2 llama qwen2 gpt_neox gemma2)
# For each architecture, `scribe bench record --arch A --keep-model` writes one random checkpoint of a ~125M-parameter
# shape (12 layers, width 768, 12 heads; Llama/Qwen2/Gemma 2: 4 KV heads, 2048 neurons, vocabulary 32000; NeoX:
# 3072 neurons, vocabulary 50304; GPT-2 small), and then each round times `scribe bench record --model` on it
# (forward pass, 4 batches of 16x64 tokens) and, seconds later, tools/bench_torch_arch.py on the very same
# checkpoint (transformers, float32, torch.set_num_threads = 2). The summary is the median of the per-round ratios:
# on a shared machine the load moves from minute to minute, so only ratios taken together mean anything.
# Needs a Python with torch and transformers (PYTHON=..., default python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="${PYTHON:-python3}"
rounds="${1:-3}"
shift || true
archs=("$@")
[[ ${#archs[@]} -eq 0 ]] && archs=(gpt2 llama qwen2 gpt_neox gemma2)
threads="$(nproc)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/scribe" --version >/dev/null 2>&1 || true
for arch in "${archs[@]}"; do
  "$here/scribe" bench record --arch "$arch" --rounds 1 --repeats 1 --batch 2 --keep-model "$work/$arch" >/dev/null
done
printf '%-9s %-6s %14s %14s %8s\n' arch round scribe-fwd torch ratio
for arch in "${archs[@]}"; do
  for ((r = 1; r <= rounds; r++)); do
    out="$("$here/scribe" bench record --model "$work/$arch" --repeats 1 --rounds 4 2>/dev/null)"
    fwd="$(awk '/forward pass  median/ {print $4}' <<<"$out")"
    pt="$("$py" "$here/tools/bench_torch_arch.py" "$work/$arch" 64 16 4 "$threads" 2>/dev/null | awk '/^tokens\/s/ {print $2}')"
    echo "$arch $r $fwd $pt" >>"$work/table"
    awk -v a="$arch" -v r="$r" -v f="$fwd" -v p="$pt" 'BEGIN {printf "%-9s %-6s %14.1f %14.1f %7.2fx\n", a, r, f, p, f / p}'
  done
done
"$py" - "$work/table" <<'PY'
import collections, statistics, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    a, _, f, p = line.split()
    by[a].append((float(f), float(p)))
for a, rows in by.items():
    print(f"{a:9s} median tokens/s scribe {statistics.median(f for f, _ in rows):8.1f}  torch {statistics.median(p for _, p in rows):8.1f}"
          f"  median of per-round ratios {statistics.median(f / p for f, p in rows):.2f}x  ({len(rows)} rounds)")
PY
