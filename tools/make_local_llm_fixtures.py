#!/usr/bin/env python3
"""Writes the local-LLM fixtures the Java tests compare against (src/test/resources/fixtures/local-llm/<name>/).

Each fixture is a tiny random causal LM saved by transformers' save_pretrained (config.json, safetensors,
generation_config.json), a byte-level or SentencePiece-style tokenizer.json made with the `tokenizers` library,
a tokenizer_config.json (chat template, bos/eos tokens, add_bos_token) written here in the shapes the hub uses
(a template string or a list of named templates; a token as a string or as an {"content": ...} object), and
reference.json: for a few prompts, transformers' log-softmax of the next-token logits at EVERY position as the
top-20 ids and log-probabilities, the whole log-softmax at a few positions, and 12 greedy tokens.

  llama    Llama 3 shape (llama3 rope scaling, GQA, untied head), 2 safetensors shards, a Llama-3-like chat template
  qwen2    Qwen2 (q/k/v biases, tied embeddings), a ChatML-style template, two end-of-turn ids in generation_config
  gemma2   Gemma 2 (soft-capped attention and logits, sliding window, √width embedding scale, tied head)
  heldout  a Mistral with another seed and shape; no implementation test is tuned against it (the server test uses it)

and GGUF files of the first three under gguf/, written with the `gguf` package the way llama.cpp's converter
writes them: Llama's q/k rows permuted into interleaved rotary pairs, Gemma's norm weights stored as 1 + w, Llama 3
rope scaling as a rope_freqs tensor, 1-D tensors in F32, the tokenizer as tokenizer.ggml.* metadata (byte-level BPE
"gpt2" with its pre-tokenizer name; Gemma's SentencePiece as "llama", with its tokenizer.json beside the file). Each
NAME-TYPE.gguf has NAME-TYPE.reference.json: transformers run on the weights as stored (rounded to F16/BF16, or
Q8_0 quantised and dequantised), the same prompts as the directory's reference.

Usage: /work/venv/bin/python tools/make_local_llm_fixtures.py [OUT_DIR]   (torch, transformers, tokenizers, safetensors)
"""
import json
import os
import shutil
import sys

import torch
import transformers
import gguf
import numpy as np
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_arch_fixtures import TRAINING_TEXT, CORPUS, sentencepiece_bpe  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "local-llm")
TOP = 20
GREEDY = 12

# ChatML as Qwen2 uses it, in our own wording: a default system turn, each message framed by <|im_start|>role ... <|im_end|>.
CHATML = (
    "{%- if messages[0]['role'] != 'system' -%}<|im_start|>system\nYou are a careful assistant.<|im_end|>\n{% endif -%}"
    "{%- for m in messages -%}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor -%}"
    "{%- if add_generation_prompt -%}<|im_start|>assistant\n{% endif -%}")
# Llama 3's header framing, in our own wording.
LLAMA3 = (
    "{{- bos_token -}}{%- for m in messages -%}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n{{ m['content'] | trim }}<|eot_id|>"
    "{%- endfor -%}{%- if add_generation_prompt -%}<|start_header_id|>assistant<|end_header_id|>\n\n{%- endif -%}")
LLAMA3_TOOLS = "{{- bos_token -}}{%- for m in messages -%}[{{ m['role'] }}] {{ m['content'] }}<|eot_id|>{%- endfor -%}"


# The pre-tokenizer split patterns of Llama 3 and Qwen2 (facts of those tokenizers), which llama.cpp names by
# tokenizer.ggml.pre "llama-bpe" and "qwen2"; None = GPT-2's own ByteLevel split ("gpt-2").
LLAMA3_SPLIT = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2_SPLIT = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"


def chat_bpe(specials, bos, split=None, nfc=False, ignore_merges=False):
    """A byte-level BPE (Llama 3 / Qwen2 style) with the chat's special tokens; `bos` (or None) added by the post-processor."""
    tok = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    if split:
        tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(split), behavior="isolated"),
                                                     pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    else:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    if nfc:
        tok.normalizer = normalizers.NFC()
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator((TRAINING_TEXT + CORPUS) * 3, trainer)
    if bos:
        tok.post_processor = processors.TemplateProcessing(single=bos + " $A", pair=bos + " $A " + bos + " $B", special_tokens=[(bos, tok.token_to_id(bos))])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok


LLAMA_SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
CHATML_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

SPECS = {
    "llama": dict(cls="LlamaForCausalLM", seed=1501, shard="300KB", cfg=dict(
        vocab_size=512, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=128, rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=0, eos_token_id=4,
        rope_parameters=dict(rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                             original_max_position_embeddings=16)),
        tokenizer=lambda: chat_bpe(LLAMA_SPECIALS, "<|begin_of_text|>", split=LLAMA3_SPLIT, ignore_merges=True), pre="llama-bpe",
        tokenizer_config=lambda tok: {
            "bos_token": {"content": "<|begin_of_text|>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False},
            "eos_token": "<|eot_id|>", "add_bos_token": True,
            "chat_template": [{"name": "default", "template": LLAMA3}, {"name": "tool_use", "template": LLAMA3_TOOLS}]},
        generation=lambda tok: {"bos_token_id": tok.token_to_id("<|begin_of_text|>"),
                                "eos_token_id": [tok.token_to_id("<|end_of_text|>"), tok.token_to_id("<|eot_id|>")]}),
    "qwen2": dict(cls="Qwen2ForCausalLM", seed=1502, shard=None, cfg=dict(
        vocab_size=512, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1,
        max_position_embeddings=128, rms_norm_eps=1e-6, tie_word_embeddings=True, rope_theta=1000000.0, bos_token_id=0, eos_token_id=2),
        tokenizer=lambda: chat_bpe(CHATML_SPECIALS, None, split=QWEN2_SPLIT, nfc=True), pre="qwen2",
        tokenizer_config=lambda tok: {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "add_bos_token": False,
                                      "chat_template": CHATML},
        generation=lambda tok: {"eos_token_id": [tok.token_to_id("<|im_end|>"), tok.token_to_id("<|endoftext|>")]}),
    "gemma2": dict(cls="Gemma2ForCausalLM", seed=1503, shard=None, cfg=dict(
        vocab_size=512, hidden_size=64, intermediate_size=96, num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
        head_dim=16, max_position_embeddings=128, rms_norm_eps=1e-6, query_pre_attn_scalar=16, attn_logit_softcapping=5.0,
        final_logit_softcapping=3.0, sliding_window=5, hidden_activation="gelu_pytorch_tanh", bos_token_id=1, pad_token_id=0, eos_token_id=2),
        tokenizer=lambda: sentencepiece_bpe("<bos>", prepend=False),
        tokenizer_config=lambda tok: {"bos_token": "<bos>", "eos_token": "</s>", "add_bos_token": True},
        generation=lambda tok: {"bos_token_id": tok.token_to_id("<bos>"), "eos_token_id": tok.token_to_id("</s>")}),
    "heldout": dict(cls="MistralForCausalLM", seed=7777, shard=None, cfg=dict(
        vocab_size=448, hidden_size=48, intermediate_size=80, num_hidden_layers=3, num_attention_heads=6, num_key_value_heads=3,
        max_position_embeddings=96, rms_norm_eps=1e-5, tie_word_embeddings=False, rope_theta=10000.0, sliding_window=None,
        bos_token_id=0, eos_token_id=2),
        tokenizer=lambda: chat_bpe(CHATML_SPECIALS, None),
        tokenizer_config=lambda tok: {"bos_token": {"content": "<|endoftext|>"}, "eos_token": {"content": "<|im_end|>"}, "add_bos_token": False,
                                      "chat_template": CHATML},
        generation=lambda tok: {"eos_token_id": tok.token_to_id("<|im_end|>")}),
}

PROMPT_TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "In March 2021 the committee met 3 times; in April it met twice (once online), and then the river ran north.",
]


def r7(x):
    if isinstance(x, list):
        return [r7(v) for v in x]
    return float("%.8g" % x)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def logprobs(model, ids):
    with torch.no_grad():
        return torch.log_softmax(model(torch.tensor([ids])).logits[0].float(), dim=-1)


def greedy(model, ids):
    """GREEDY argmax steps (recomputing the whole prefix each time, no cache, no stop) and the smallest top-1/top-2 gap."""
    ids = list(ids)
    out, margin = [], float("inf")
    for _ in range(GREEDY):
        lp = logprobs(model, ids)[-1]
        top = torch.topk(lp, 2)
        margin = min(margin, float(top.values[0] - top.values[1]))
        out.append(int(top.indices[0]))
        ids.append(out[-1])
    return out, margin


def references(model, prompts):
    ref = {"made_with": "transformers " + transformers.__version__ + ", torch " + torch.__version__, "top": TOP, "prompts": []}
    for ids in prompts:
        lp = logprobs(model, ids)
        top = torch.topk(lp, TOP, dim=-1)
        full_at = sorted({0, len(ids) // 2, len(ids) - 1})
        gen, margin = greedy(model, ids)
        ref["prompts"].append({"token_ids": ids, "top_ids": top.indices.tolist(), "top_logprobs": r7(top.values.tolist()),
                               "full_positions": full_at, "full_logprobs": [r7(lp[p].tolist()) for p in full_at],
                               "greedy": gen, "greedy_min_margin": margin})
    return ref


def prompts_for(tok, vocab, seed):
    g = torch.Generator().manual_seed(seed)
    ps = [tok.encode(t, add_special_tokens=True).ids for t in PROMPT_TEXTS]
    ps.append(torch.randint(0, vocab, (24,), generator=g).tolist())  # ids past the tokenizer's vocabulary too
    return ps


Q = gguf.GGMLQuantizationType
FILE_TYPES = {"f32": (Q.F32, gguf.LlamaFileType.ALL_F32), "f16": (Q.F16, gguf.LlamaFileType.MOSTLY_F16),
              "bf16": (Q.BF16, gguf.LlamaFileType.MOSTLY_BF16), "q8_0": (Q.Q8_0, gguf.LlamaFileType.MOSTLY_Q8_0)}
GGUF_FILES = {"llama": ["f32", "f16", "bf16", "q8_0"], "qwen2": ["q8_0"], "gemma2": ["q8_0"]}
HF_TO_GGUF = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
              "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down", "input_layernorm": "attn_norm"}
NORMS = {"llama": {"post_attention_layernorm": "ffn_norm"}, "qwen2": {"post_attention_layernorm": "ffn_norm"},
         "gemma2": {"post_attention_layernorm": "post_attention_norm", "pre_feedforward_layernorm": "ffn_norm",
                    "post_feedforward_layernorm": "post_ffw_norm"}}


def permute(w, heads):
    """llama.cpp's converter: each head's rows (i, i + d/2) become neighbours (2i, 2i + 1)."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def llama3_rope_factors(cfg):
    """rope_freqs as llama.cpp's converter computes it for Llama 3 scaling: llama.cpp divides each frequency by its factor."""
    rp = cfg.rope_parameters
    base, dim = rp["rope_theta"], cfg.head_dim
    factor, low, high, old = rp["factor"], rp["low_freq_factor"], rp["high_freq_factor"], rp["original_max_position_embeddings"]
    freqs = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    low_wavelen, high_wavelen = old / low, old / high
    out = []
    for f in freqs.tolist():
        wavelen = 2 * np.pi / f
        if wavelen < high_wavelen:
            out.append(1.0)
        elif wavelen > low_wavelen:
            out.append(factor)
        else:
            smooth = (old / wavelen - low) / (high - low)
            out.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(out, dtype=np.float32)


def gguf_vocab(tok, vocab_size):
    """Tokens (padded to the model's rows as the converter pads them), their types, and the BPE merges."""
    spec = json.loads(tok.to_str())
    by_id = {i: t for t, i in tok.get_vocab(with_added_tokens=True).items()}
    added = {a["id"]: a for a in spec["added_tokens"]}
    tokens, types = [], []
    for i in range(vocab_size):
        if i in added:
            tokens.append(added[i]["content"])
            types.append(gguf.TokenType.CONTROL if added[i]["special"] else gguf.TokenType.USER_DEFINED)
        elif i in by_id:
            tokens.append(by_id[i])
            types.append(gguf.TokenType.BYTE if by_id[i].startswith("<0x") and len(by_id[i]) == 6 else gguf.TokenType.NORMAL)
        else:
            tokens.append("[PAD%d]" % i)
            types.append(gguf.TokenType.UNUSED)
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["model"].get("merges", [])]
    return tokens, types, merges


def store(w, name, t, qtype):
    """Adds a tensor as llama.cpp's converter stores it (1-D in F32) and returns the values a reader gets back."""
    a = t.detach().float().numpy()
    if a.ndim == 1 or qtype == Q.F32:
        w.add_tensor(name, a.astype(np.float32))
        return a
    if qtype == Q.F16:
        h = a.astype(np.float16)
        w.add_tensor(name, h)
        return h.astype(np.float32)
    q = gguf.quants.quantize(a, qtype)
    w.add_tensor(name, q, raw_dtype=qtype)
    return gguf.quants.dequantize(q, qtype).reshape(a.shape).astype(np.float32)


def write_gguf(name, spec, model, tok, kind):
    """NAME-KIND.gguf beside its reference; returns the model transformers runs on the stored values."""
    arch = model.config.model_type.replace("mistral", "llama")
    cfg = model.config
    qtype, ftype = FILE_TYPES[kind]
    gdir = os.path.join(OUT, "gguf") if spec.get("pre") else os.path.join(OUT, "gguf", name)  # a tokenizer.json beside it: its own folder
    os.makedirs(gdir, exist_ok=True)
    path = os.path.join(gdir, "%s-%s.gguf" % (name, kind))
    w = gguf.GGUFWriter(path, arch)
    w.add_name("neuronscribe tiny " + name)
    w.add_file_type(ftype)
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    theta = cfg.rope_parameters["rope_theta"] if getattr(cfg, "rope_parameters", None) else cfg.rope_theta
    w.add_rope_freq_base(theta)
    w.add_rope_dimension_count(head_dim)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_vocab_size(cfg.vocab_size)
    if arch == "gemma2":
        w.add_attn_logit_softcapping(cfg.attn_logit_softcapping)
        w.add_final_logit_softcapping(cfg.final_logit_softcapping)
        w.add_sliding_window(cfg.sliding_window)
    tokens, types, merges = gguf_vocab(tok, cfg.vocab_size)
    tcfg = spec["tokenizer_config"](tok)
    gen = spec["generation"](tok)
    if spec.get("pre"):
        w.add_tokenizer_model("gpt2")
        w.add_tokenizer_pre(spec["pre"])
        w.add_token_merges(merges)
    else:  # SentencePiece: llama.cpp's "llama" vocabulary (scores and types); our reader takes the tokenizer.json beside it
        w.add_tokenizer_model("llama")
        w.add_tokenizer_pre("default")
        w.add_token_scores([0.0] * len(tokens))
        shutil.copy(os.path.join(OUT, name, "tokenizer.json"), os.path.join(gdir, "tokenizer.json"))
    w.add_token_list(tokens)
    w.add_token_types(types)
    eos = gen["eos_token_id"] if isinstance(gen["eos_token_id"], int) else gen["eos_token_id"][-1]
    w.add_eos_token_id(tok.token_to_id(tcfg["eos_token"] if isinstance(tcfg["eos_token"], str) else tcfg["eos_token"]["content"]))
    w.add_eot_token_id(eos)
    if "bos_token_id" in gen:
        w.add_bos_token_id(gen["bos_token_id"])
    w.add_add_bos_token(bool(tcfg.get("add_bos_token", False)))
    if "chat_template" in tcfg:
        w.add_chat_template(tcfg["chat_template"])
    stored = {}
    sd = model.state_dict()
    for hf, t in sd.items():
        if hf == "lm_head.weight" and cfg.tie_word_embeddings:
            continue
        gemma_norm = arch == "gemma2" and "norm" in hf
        v = t + 1 if gemma_norm else t  # the converter stores Gemma's norm gains as 1 + w
        if hf == "model.embed_tokens.weight":
            g = "token_embd.weight"
        elif hf == "model.norm.weight":
            g = "output_norm.weight"
        elif hf == "lm_head.weight":
            g = "output.weight"
        else:
            parts = hf.split(".")  # model.layers.N.<module...>.weight|bias
            layer, module, leaf = parts[2], ".".join(parts[3:-1]), parts[-1]
            g = "blk.%s.%s.%s" % (layer, HF_TO_GGUF.get(module) or NORMS[arch][module], leaf)
            if arch == "llama" and module in ("self_attn.q_proj", "self_attn.k_proj"):
                heads = cfg.num_attention_heads if module.endswith("q_proj") else cfg.num_key_value_heads
                v = permute(v, heads)
                back = store(w, g, v, qtype)
                # un-permute what was stored, for the reference
                back = torch.from_numpy(back).reshape(heads, v.shape[0] // heads // 2, 2, *v.shape[1:]).swapaxes(1, 2).reshape(v.shape)
                stored[hf] = back
                continue
        back = torch.from_numpy(store(w, g, v, qtype)).reshape(t.shape)
        stored[hf] = back - 1 if gemma_norm else back
    if arch == "llama" and getattr(cfg, "rope_parameters", {}).get("rope_type") == "llama3":
        w.add_tensor("rope_freqs.weight", llama3_rope_factors(cfg))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    if cfg.tie_word_embeddings and "lm_head.weight" in sd:
        stored["lm_head.weight"] = stored["model.embed_tokens.weight"]
    ref_model = type(model)(cfg).float().eval()
    ref_model.load_state_dict(stored, strict=True)
    return path, ref_model


def make(name, spec):
    torch.manual_seed(spec["seed"])
    cls = getattr(transformers, spec["cls"])
    config = getattr(transformers, spec["cls"].replace("ForCausalLM", "Config"))(**spec["cfg"])
    model = cls._from_config(config, attn_implementation="eager")
    g = torch.Generator().manual_seed(spec["seed"])
    with torch.no_grad():  # larger weights than the default init, so that the next-token distributions are not flat
        for n, p in model.named_parameters():
            if p.dim() == 2:
                p.normal_(0, 0.1, generator=g)
            elif n.endswith("bias") or "norm" in n:  # biases and gains away from 0 and 1: a loader that drops one is caught
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
    model = model.float().eval()
    out = os.path.join(OUT, name)
    shutil.rmtree(out, ignore_errors=True)
    kwargs = {"max_shard_size": spec["shard"]} if spec["shard"] else {}
    model.save_pretrained(out, **kwargs)
    tok = spec["tokenizer"]()
    tok.save(os.path.join(out, "tokenizer.json"))
    write_json(os.path.join(out, "tokenizer_config.json"), spec["tokenizer_config"](tok))
    gen = {"_from_model_config": True, "transformers_version": transformers.__version__, **spec["generation"](tok)}
    write_json(os.path.join(out, "generation_config.json"), gen)
    model = cls.from_pretrained(out, dtype=torch.float32, attn_implementation="eager").eval()
    ref = references(model, prompts_for(tok, model.config.vocab_size, spec["seed"]))
    write_json(os.path.join(out, "reference.json"), ref)
    return model, tok


def vocab_only_gpt2():
    """gguf/gpt2-vocab.gguf: only the tokenizer metadata of fixtures/tokenizers/byte-level.json, pre-tokenizer "gpt-2"."""
    src = os.path.join(OUT, "..", "tokenizers", "byte-level.json")
    tok = Tokenizer.from_file(src)
    w = gguf.GGUFWriter(os.path.join(OUT, "gguf", "gpt2-vocab.gguf"), "llama")
    w.add_type("vocab")
    tokens, types, merges = gguf_vocab(tok, tok.get_vocab_size())
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[2:] or list(SPECS)
    for name in only:
        model, tok = make(name, SPECS[name])
        margins = [p["greedy_min_margin"] for p in json.load(open(os.path.join(OUT, name, "reference.json")))["prompts"]]
        print("wrote", name, "greedy margins", ["%.4f" % m for m in margins])
        for kind in GGUF_FILES.get(name, []):
            path, ref_model = write_gguf(name, SPECS[name], model, tok, kind)
            ref = references(ref_model, prompts_for(tok, model.config.vocab_size, SPECS[name]["seed"]))
            write_json(path[:-len(".gguf")] + ".reference.json", ref)
            print("wrote", os.path.basename(path), "greedy margins", ["%.4f" % p["greedy_min_margin"] for p in ref["prompts"]])
    vocab_only_gpt2()
