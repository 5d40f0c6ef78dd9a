"""Writes tiny random dictionaries in every format NeuronScribe reads, with reference latents computed by torch.

Formats, each as its library saves it:
  SAELens     cfg.json + sae_weights.safetensors (standard ReLU, JumpReLU, TopK, transcoder; new- and old-style cfg)
  sparsify    <hookpoint>/cfg.json + sae.safetensors (TopK SAE, TopK transcoder; encoder stored as nn.Linear [d_sae, d_in])
  Gemma Scope layer_N/width_W/average_l0_X/params.npz (JumpReLU; one np.savez, one np.savez_compressed)

The dictionaries read hook points of the tiny GPT-2 at src/test/resources/fixtures/gpt2-tiny-a (2 layers, width 32,
MLP width 128) and, in llama/, of the tiny Llama at fixtures/llama-tiny (width 32, SwiGLU width 88). reference.json
holds, for each dictionary, (a) random inputs and their latents and (b) the latents of the model's hook-point
activations (computed with transformers, hooks on the modules) for the token sequences of that model's own
reference.json. Each latent follows the format's published formula:
  SAELens standard  relu((x - b_dec*apply_b_dec_to_input) @ W_enc + b_enc)
  SAELens jumprelu  relu(pre) * (pre > threshold)
  SAELens topk      topk(pre, k), relu on the kept values, zeros elsewhere
  SAELens transcoder / sparsify transcoder: no b_dec subtraction (b_dec lives in the output space)
  sparsify          topk(relu((x - b_dec) @ encoder.weight.T + encoder.bias), k)
  Gemma Scope       relu(pre) * (pre > threshold), pre = x @ W_enc + b_enc
Inputs are redrawn until no TopK choice or JumpReLU threshold is within 1e-3 of a tie, so that float32 rounding in
another implementation cannot flip a decision.

Run: python3 tools/make_dictionary_fixtures.py   (torch, transformers, safetensors, numpy; CPU is enough)
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
from safetensors.torch import save_file

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures")
OUT = os.path.join(ROOT, "dictionaries")

MARGIN = 1e-3

torch.manual_seed(0)


def first(x):
    return x[0] if isinstance(x, tuple) else x


def hook_activations(name):
    """Activations at every hook point of a fixture model for its reference sequences: {(point, layer): [seq][pos][dim]}."""
    from transformers import AutoModelForCausalLM

    directory = os.path.join(ROOT, name)
    model = AutoModelForCausalLM.from_pretrained(directory, attn_implementation="eager").eval()
    sequences = [s["token_ids"] for s in json.load(open(os.path.join(directory, "reference.json")))["sequences"]]
    gpt2 = model.config.model_type == "gpt2"
    blocks = model.transformer.h if gpt2 else model.model.layers
    out = {}
    for s, ids in enumerate(sequences):
        captured = {}

        def keep(key):
            return lambda value: captured.__setitem__(key, first(value)[0].clone())

        handles = []
        for l, block in enumerate(blocks):
            pre, post = keep(("resid_pre", l)), keep(("resid_post", l))
            handles.append(block.register_forward_pre_hook(
                lambda m, a, kw, pre=pre: pre(a[0] if a else kw["hidden_states"]), with_kwargs=True))
            handles.append(block.register_forward_hook(lambda m, a, o, post=post: post(o)))
            norm = block.ln_2 if gpt2 else block.post_attention_layernorm
            handles.append(norm.register_forward_hook(lambda m, a, o, k=keep(("mlp_in", l)): k(o)))
            if gpt2:  # the neurons: mlp.act's output; for a gated MLP, the input of down_proj
                handles.append(block.mlp.act.register_forward_hook(lambda m, a, o, k=keep(("mlp_act", l)): k(o)))
            else:
                handles.append(block.mlp.down_proj.register_forward_pre_hook(lambda m, a, k=keep(("mlp_act", l)): k(a[0])))
            handles.append(block.mlp.register_forward_hook(lambda m, a, o, k=keep(("mlp_out", l)): k(o)))
        with torch.no_grad():
            model(torch.tensor([ids]))
        for h in handles:
            h.remove()
        for key, value in captured.items():
            out.setdefault(key, []).append(value)
    return sequences, out


def pre_acts(d, x):
    if d["subtract_b_dec"]:
        x = x - d["b_dec"]
    return x @ d["W_enc"] + d["b_enc"]


def latents(d, x):
    pre = pre_acts(d, x)
    act = d["activation"]
    if act == "relu":
        return torch.relu(pre)
    if act == "jumprelu":
        return torch.relu(pre) * (pre > d["threshold"]).to(pre.dtype)
    if act == "topk":  # SAELens: topk then relu; sparsify: relu then topk; the same values
        top = torch.topk(pre, d["k"], dim=-1)
        return torch.zeros_like(pre).scatter(-1, top.indices, torch.relu(top.values))
    raise ValueError(act)


def safe(d, x):
    """No decision within MARGIN of a tie."""
    pre = pre_acts(d, x)
    if d["activation"] == "jumprelu":
        return bool(((pre - d["threshold"]).abs() > MARGIN).all())
    if d["activation"] == "topk":
        s = torch.sort(pre, dim=-1, descending=True).values
        return bool((s[:, d["k"] - 1] - s[:, d["k"]] > MARGIN).all())
    return True


SPECS = [
    # path, format, hook point (ours), layer, d_sae, activation, k, subtract b_dec, cfg style; paths under llama/ read llama-tiny
    ("saelens-standard", "saelens", "resid_pre", 1, 64, "relu", 0, True, "v6"),
    ("saelens-relu-legacy", "saelens", "mlp_act", 0, 96, "relu", 0, False, "legacy"),
    ("saelens-jumprelu", "saelens", "resid_post", 0, 64, "jumprelu", 0, False, "v6"),
    ("saelens-jumprelu-bdec", "saelens", "resid_post", 1, 48, "jumprelu", 0, True, "v6"),
    ("saelens-topk", "saelens", "mlp_out", 1, 64, "topk", 6, True, "v6"),
    ("saelens-topk-legacy", "saelens", "mlp_out", 0, 40, "topk", 5, False, "legacy"),
    ("saelens-transcoder", "saelens-transcoder", "mlp_in", 1, 64, "relu", 0, False, "v6"),
    ("sparsify-run/layers.1", "sparsify", "resid_post", 1, 64, "topk", 8, True, None),
    ("sparsify-run/layers.0.mlp", "sparsify", "mlp_out", 0, 48, "topk", 4, True, None),
    ("sparsify-transcoder/layers.1.mlp", "sparsify-transcoder", "mlp_in", 1, 64, "topk", 6, False, None),
    ("gemma-scope-tiny-res/layer_1/width_64/average_l0_9", "gemma-scope", "resid_post", 1, 64, "jumprelu", 0, False, "savez"),
    ("gemma-scope-tiny-mlp/layer_0/width_48/average_l0_7", "gemma-scope", "mlp_out", 0, 48, "jumprelu", 0, False, "savez_compressed"),
    ("llama/saelens-topk", "saelens", "resid_post", 0, 48, "topk", 5, True, "v6"),
    ("llama/saelens-relu-neurons", "saelens", "mlp_act", 1, 64, "relu", 0, False, "legacy"),
    ("llama/sparsify-transcoder/layers.1.mlp", "sparsify-transcoder", "mlp_in", 1, 64, "topk", 6, False, None),
    ("llama/gemma-scope-tiny-res/layer_1/width_40/average_l0_9", "gemma-scope", "resid_pre", 1, 40, "jumprelu", 0, False, "savez"),
]

TL_NAMES = {"resid_pre": "hook_resid_pre", "resid_post": "hook_resid_post", "mlp_out": "hook_mlp_out",
            "mlp_in": "ln2.hook_normalized", "mlp_act": "mlp.hook_post"}


def draw(d_in, d_sae, activation, k, subtract, scale, gen):
    w = torch.randn(d_in, d_sae, generator=gen) / (d_in ** 0.5 * scale)
    d = {
        "W_enc": w,
        "b_enc": torch.randn(d_sae, generator=gen) * 0.3 - 0.2,
        "W_dec": torch.randn(d_sae, d_in, generator=gen) * 0.1,
        "b_dec": torch.randn(d_in, generator=gen) * scale * 0.5,
        "activation": activation,
        "k": k,
        "subtract_b_dec": subtract,
    }
    if activation == "jumprelu":
        d["threshold"] = torch.rand(d_sae, generator=gen) * 0.5
    return d


def main():
    models = {name: hook_activations(name) for name in ("gpt2-tiny-a", "llama-tiny")}
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    import transformers
    reference = {"made_with": f"torch {torch.__version__}, transformers {transformers.__version__}, numpy {np.__version__}",
                 "what": "per dictionary: latents of random inputs and of its model's hook-point activations "
                         "for the token sequences of that model's reference.json, [sequence][position][latent]",
                 "sequences": {name: m[0] for name, m in models.items()}, "dictionaries": {}}
    for n, (path, fmt, point, layer, d_sae, activation, k, subtract, style) in enumerate(SPECS):
        model_name = "llama-tiny" if path.startswith("llama/") else "gpt2-tiny-a"
        acts = models[model_name][1]
        model_x = torch.cat(acts[(point, layer)])
        d_in = model_x.shape[1]
        scale = float(model_x.std())
        for attempt in range(200):
            gen = torch.Generator().manual_seed(1000 * n + attempt)
            d = draw(d_in, d_sae, activation, k, subtract, scale, gen)
            x = torch.randn(6, d_in, generator=gen) * scale
            if safe(d, x) and safe(d, model_x):
                break
        else:
            sys.exit(f"{path}: no draw without near-ties")
        directory = os.path.join(OUT, path)
        os.makedirs(directory, exist_ok=True)
        tl_hook = f"blocks.{layer}.{TL_NAMES[point]}"
        if path.startswith("llama/gemma-scope"):
            tl_hook = f"blocks.{layer}.hook_resid_pre"  # given with --hook: Gemma Scope's folders name resid_post
        tensors = {"W_enc": d["W_enc"], "b_enc": d["b_enc"], "W_dec": d["W_dec"], "b_dec": d["b_dec"]}
        if activation == "jumprelu":
            tensors["threshold"] = d["threshold"]
        if fmt in ("saelens", "saelens-transcoder"):
            if style == "v6":
                cfg = {"architecture": {"relu": "standard", "jumprelu": "jumprelu", "topk": "topk"}[activation],
                       "d_in": d_in, "d_sae": d_sae, "dtype": "float32", "device": "cpu",
                       "apply_b_dec_to_input": subtract, "normalize_activations": "none", "reshape_activations": "none",
                       "metadata": {"model_name": "gpt2-tiny-a", "hook_name": tl_hook, "hook_head_index": None,
                                    "prepend_bos": True, "context_size": 16, "sae_lens_training_version": "6.5.1"}}
                if activation == "topk":
                    cfg["k"] = k
                if fmt == "saelens-transcoder":
                    cfg["architecture"] = "transcoder"
                    cfg["d_out"] = d_in
                    cfg["hook_name_out"] = f"blocks.{layer}.hook_mlp_out"
                    cfg["hook_layer_out"] = layer
            else:
                cfg = {"model_name": "gpt2-tiny-a", "hook_name": tl_hook, "hook_layer": layer, "hook_head_index": None,
                       "d_in": d_in, "d_sae": d_sae, "dtype": "float32", "device": "cpu", "context_size": 16,
                       "prepend_bos": True, "apply_b_dec_to_input": subtract, "finetuning_scaling_factor": False,
                       "normalize_activations": "none", "activation_fn_str": activation,
                       "activation_fn_kwargs": {"k": k} if activation == "topk" else {}, "sae_lens_training_version": "3.13.0"}
            json.dump(cfg, open(os.path.join(directory, "cfg.json"), "w"), indent=2)
            save_file({name: t.contiguous() for name, t in tensors.items()}, os.path.join(directory, "sae_weights.safetensors"))
        elif fmt.startswith("sparsify"):
            # sparsify's SparseCoder: encoder = nn.Linear(d_in, num_latents), saved with safetensors' save_model.
            cfg = {"activation": "topk", "expansion_factor": 32, "normalize_decoder": True, "num_latents": d_sae, "k": k,
                   "multi_topk": False, "skip_connection": False, "transcode": fmt.endswith("transcoder"), "d_in": d_in}
            json.dump(cfg, open(os.path.join(directory, "cfg.json"), "w"))
            save_file({"encoder.weight": d["W_enc"].T.contiguous(), "encoder.bias": d["b_enc"], "W_dec": d["W_dec"],
                       "b_dec": d["b_dec"]}, os.path.join(directory, "sae.safetensors"))
        else:
            arrays = {name: t.numpy() for name, t in tensors.items()}
            (np.savez if style == "savez" else np.savez_compressed)(os.path.join(directory, "params.npz"), **arrays)
        reference["dictionaries"][path] = {
            "model": model_name, "hook": tl_hook, "hook_option": tl_hook if path.startswith("llama/gemma-scope") else None, "point": point, "layer": layer, "d_in": d_in, "d_sae": d_sae,
            "inputs": x.tolist(), "latents": latents(d, x).tolist(),
            "model_latents": [latents(d, a).tolist() for a in acts[(point, layer)]],
        }
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f)
    print("wrote", len(SPECS), "dictionaries to", OUT)


if __name__ == "__main__":
    main()
