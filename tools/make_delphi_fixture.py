"""Writes a small latent cache in delphi's on-disk layout (LatentCache.save_splits), for the import test.

Layout, as delphi writes it: <out>/<hookpoint>/<start>_<end>.safetensors, each file holding
  locations   (n, 3) uint16  = (row of tokens, position, latent - start)
  activations (n,)   float16 = the non-zero latent activations
  tokens      (rows, ctx) int64 = the token ids the cache was recorded on (the same in every split)
plus <hookpoint>/config.json with the cache settings and model_name.

Also writes expected.json: per latent, figures computed here with numpy (the per-excerpt max of the
top excerpt, moments over every token, zeros included), which the Java import must reproduce.

Usage: python tools/make_delphi_fixture.py src/test/resources/fixtures/delphi-cache
"""
import json
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

ROWS, CTX, WIDTH, SPLITS, EXCERPT = 12, 32, 40, 2, 16


def main(out: Path) -> None:
    rng = np.random.default_rng(7)
    tokens = rng.integers(0, 50257, size=(ROWS, CTX), dtype=np.int64)
    # Sparse non-negative latents, as a TopK/ReLU SAE gives; latent 39 never fires (absent from the cache).
    dense = np.where(rng.random((ROWS, CTX, WIDTH)) < 0.08, rng.gamma(2.0, 1.5, (ROWS, CTX, WIDTH)), 0.0)
    dense[..., 39] = 0
    dense = dense.astype(np.float16)
    module = out / "layers.1.mlp"
    module.mkdir(parents=True, exist_ok=True)
    bounds = np.linspace(0, WIDTH, SPLITS + 1).astype(int)
    rows, pos, lat = np.nonzero(dense)
    for start, end in zip(bounds[:-1], bounds[1:] - 1):
        m = (lat >= start) & (lat <= end)
        loc = np.stack([rows[m], pos[m], lat[m] - start], axis=1).astype(np.uint16)
        save_file({"locations": loc, "activations": dense[rows[m], pos[m], lat[m]], "tokens": tokens},
                  str(module / f"{start}_{end}.safetensors"))
    (module / "config.json").write_text(json.dumps({"cache_ctx_len": CTX, "n_tokens": ROWS * CTX, "model_name": "gpt2"}, indent=4))

    expected = {}
    for latent in range(WIDTH):
        a = dense[..., latent].astype(np.float64)
        if not a.any():
            continue
        per_excerpt = a.reshape(ROWS, CTX // EXCERPT, EXCERPT).max(axis=2).reshape(-1)
        mean = a.mean()
        var = a.var()
        expected[str(latent)] = {
            "top_max": float(per_excerpt.max()),
            "top_excerpt": int(np.argmax(per_excerpt)),
            "active_excerpts": int((per_excerpt > 0).sum()),
            "mean": mean,
            "variance": var,
            "skewness": float(((a - mean) ** 3).mean() / var ** 1.5),
            "kurtosis": float(((a - mean) ** 4).mean() / var ** 2 - 3),
            "top_tokens": tokens.reshape(-1, EXCERPT)[int(np.argmax(per_excerpt))].tolist(),
        }
    (out / "expected.json").write_text(json.dumps(expected, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
