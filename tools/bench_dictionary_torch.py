"""The PyTorch peer of `scribe bench dictionary`: times a sparse autoencoder's encoder on the CPU.

Same work as ours: ROWS tokens of D_IN values -> D_SAE latents, `act((x - b_dec) @ W_enc + b_enc)`, float32, the
formula SAELens' `encode` (and, for --layout sparsify, sparsify's encoder: nn.Linear [d_sae, d_in], ReLU, top-k)
runs. torch.set_num_threads(cores). Prints the median rows/s of REPEATS runs of ROUNDS encodes.

  python3 tools/bench_dictionary_torch.py [--layout saelens|sparsify] [--activation relu|jumprelu|topk]
      [--d-in 768] [--d-sae 24576] [--k 32] [--rows 1024] [--rounds 4] [--repeats 5]
"""
import argparse
import os
import statistics
import time

import torch

p = argparse.ArgumentParser()
p.add_argument("--layout", default="saelens")
p.add_argument("--activation", default="topk")
p.add_argument("--d-in", type=int, default=768)
p.add_argument("--d-sae", type=int, default=24576)
p.add_argument("--k", type=int, default=32)
p.add_argument("--rows", type=int, default=1024)
p.add_argument("--rounds", type=int, default=4)
p.add_argument("--repeats", type=int, default=5)
a = p.parse_args()
torch.set_num_threads(os.cpu_count())
torch.manual_seed(0)
w = torch.randn(a.d_in, a.d_sae) / a.d_in ** 0.5
if a.layout == "sparsify":
    w = w.T.contiguous()  # stored [d_sae, d_in] as nn.Linear keeps it
b_enc, b_dec, threshold = torch.randn(a.d_sae) * 0.1, torch.randn(a.d_in) * 0.1, torch.randn(a.d_sae) * 0.1
x = torch.randn(a.rows, a.d_in)


def encode(x):
    if a.layout == "sparsify":
        pre = torch.relu(torch.nn.functional.linear(x - b_dec, w, b_enc))
        top = torch.topk(pre, a.k, dim=-1, sorted=False)
        return torch.zeros_like(pre).scatter(-1, top.indices, top.values)
    pre = (x - b_dec) @ w + b_enc
    if a.activation == "relu":
        return torch.relu(pre)
    if a.activation == "jumprelu":
        return torch.relu(pre) * (pre > threshold)
    top = torch.topk(pre, a.k, dim=-1)
    return torch.zeros_like(pre).scatter(-1, top.indices, torch.relu(top.values))


with torch.inference_mode():
    for _ in range(3):
        encode(x)
    runs = []
    for r in range(a.repeats):
        t0 = time.perf_counter()
        for _ in range(a.rounds):
            encode(x)
        runs.append(a.rows * a.rounds / (time.perf_counter() - t0))
        print(f"run {r + 1}: {runs[-1]:.0f} rows/s")
m = statistics.median(runs)
print(f"\ntorch {torch.__version__} {a.layout} {a.activation} encoder, {a.d_in} -> {a.d_sae}, {a.rows} rows per encode, "
      f"{torch.get_num_threads()} threads: median {m:.0f} rows/s, {m * 2 * a.d_in * a.d_sae / 1e9:.1f} GFLOP/s")
