#!/usr/bin/env python3
"""PyTorch (CPU) peer of `scribe bench record --model DIR`: the same checkpoint, loaded by transformers as its
base model (no language-model head, as the recorder), float32, each layer's MLP neurons captured through hooks
(the input of down_proj for gated MLPs, the output of mlp.act for GPT-NeoX/GPT-2) and reduced to a per-excerpt max,
as a recorder would. One untimed warm-up batch, then ROUNDS timed batches of BATCH x TOKENS random ids.
usage: bench_torch_arch.py DIR TOKENS BATCH ROUNDS [THREADS]   -> prints 'tokens/s N'"""
import sys
import time

import torch
import transformers

path = sys.argv[1]
tokens, batch, rounds = (int(a) for a in sys.argv[2:5])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else torch.get_num_threads()
torch.set_num_threads(threads)
model = transformers.AutoModel.from_pretrained(path, dtype=torch.float32).eval()
kind = model.config.model_type
layers = model.layers if hasattr(model, "layers") else model.h
acts = []
for layer in layers:
    if kind in ("gpt_neox", "gpt2"):
        layer.mlp.act.register_forward_hook(lambda m, i, o: acts.append(o.max(dim=1).values))
    else:
        layer.mlp.down_proj.register_forward_pre_hook(lambda m, i: acts.append(i[0].max(dim=1).values))
g = torch.Generator().manual_seed(0)
batches = [torch.randint(0, model.config.vocab_size, (batch, tokens), generator=g) for _ in range(rounds)]
with torch.inference_mode():
    model(batches[0], use_cache=False)
    acts.clear()
    t = time.perf_counter()
    for ids in batches:
        model(ids, use_cache=False)
        acts.clear()
    dt = time.perf_counter() - t
print(f"tokens/s {rounds * batch * tokens / dt:.1f}  ({kind}, torch {torch.__version__}, transformers {transformers.__version__}, "
      f"{threads} threads, attention {model.config._attn_implementation})")
