#!/usr/bin/env bash
# The recorder beside PyTorch on each architecture, paired, on one machine:
#   tools/bench-record-arch.sh [ROUNDS] [ARCH...]        (default: 3 rounds; gpt2 llama qwen2 gpt_neox gemma2)
# For each architecture, `scribe bench record --arch A --keep-model` writes one random checkpoint of a ~125M-parameter
# shape (12 layers, width 768, 12 heads; Llama/Qwen2/Gemma 2: 4 KV heads, 2048 neurons, vocabulary 32000; NeoX:
# 3072 neurons, vocabulary 50304; GPT-2 small), and then each round times `scribe bench record --model` on it
# (forward pass, BATCHES (default 4) batches of 16x64 tokens) and, seconds later, tools/bench_torch_arch.py on the very same
# checkpoint (transformers, float32, torch.set_num_threads = 2), then `scribe bench fma` for the FMA peak of that
# minute. The summary is the median of the per-round ratios (on a shared machine the load moves from minute to
# minute, so only ratios taken together mean anything) and PyTorch's share of the FMA peak: where it is above 50%,
# twice PyTorch's speed would need more than the machine's peak.
# Needs a Python with torch and transformers (PYTHON=..., default python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="${PYTHON:-python3}"
rounds="${1:-3}"
batches="${BATCHES:-4}" # timed batches of 16x64 tokens per run
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
printf '%-9s %-6s %14s %14s %8s %11s %12s\n' arch round scribe-fwd torch ratio torch-peak% scribe-peak%
for arch in "${archs[@]}"; do
  for ((r = 1; r <= rounds; r++)); do
    out="$("$here/scribe" bench record --model "$work/$arch" --repeats 1 --rounds "$batches" 2>/dev/null)"
    fwd="$(awk '/forward pass  median/ {print $4}' <<<"$out")"
    gflops="$(awk '/forward pass  median/ {print $6}' <<<"$out")"
    pt="$("$py" "$here/tools/bench_torch_arch.py" "$work/$arch" 64 16 "$batches" "$threads" 2>/dev/null | awk '/^tokens\/s/ {print $2}')"
    # The FMA peak right after PyTorch's run, and both passes' FLOPs counted alike (ours: the blocks' matmuls the
    # recorder runs; PyTorch runs those and the last MLP output projection too, so its share is if anything more).
    peak="$("$here/scribe" bench fma --repeats 1 2>/dev/null | awk '/^FMA peak/ {print $4}')"
    echo "$arch $r $fwd $pt $gflops $peak" >>"$work/table"
    awk -v a="$arch" -v r="$r" -v f="$fwd" -v p="$pt" -v g="$gflops" -v k="$peak" \
      'BEGIN {printf "%-9s %-6s %14.1f %14.1f %7.2fx %10.0f%% %11.0f%%\n", a, r, f, p, f / p, 100 * p * (g / f) / k, 100 * g / k}'
  done
done
"$py" - "$work/table" <<'PY'
import collections, statistics, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    a, _, f, p, g, k = line.split()
    by[a].append((float(f), float(p), float(g), float(k)))
for a, rows in by.items():
    torch_share = statistics.median(p * (g / f) / k for f, p, g, k in rows)
    print(f"{a:9s} median tokens/s scribe {statistics.median(r[0] for r in rows):8.1f}  torch {statistics.median(r[1] for r in rows):8.1f}"
          f"  median of per-round ratios {statistics.median(f / p for f, p, _, _ in rows):.2f}x; torch at {100 * torch_share:.0f}% of the FMA peak,"
          f" so 2x torch would need {200 * torch_share:.0f}% ({len(rows)} rounds)")
PY
