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

Usage: /work/venv/bin/python tools/make_local_llm_fixtures.py [OUT_DIR]   (torch, transformers, tokenizers, safetensors)
"""
import json
import os
import shutil
import sys

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

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


def chat_bpe(specials, bos):
    """A byte-level BPE (Llama 3 / Qwen2 style) with the chat's special tokens; `bos` (or None) added by the post-processor."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
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
        tokenizer=lambda: chat_bpe(LLAMA_SPECIALS, "<|begin_of_text|>"),
        tokenizer_config=lambda tok: {
            "bos_token": {"content": "<|begin_of_text|>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False},
            "eos_token": "<|eot_id|>", "add_bos_token": True,
            "chat_template": [{"name": "default", "template": LLAMA3}, {"name": "tool_use", "template": LLAMA3_TOOLS}]},
        generation=lambda tok: {"bos_token_id": tok.token_to_id("<|begin_of_text|>"),
                                "eos_token_id": [tok.token_to_id("<|end_of_text|>"), tok.token_to_id("<|eot_id|>")]}),
    "qwen2": dict(cls="Qwen2ForCausalLM", seed=1502, shard=None, cfg=dict(
        vocab_size=512, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1,
        max_position_embeddings=128, rms_norm_eps=1e-6, tie_word_embeddings=True, rope_theta=1000000.0, bos_token_id=0, eos_token_id=2),
        tokenizer=lambda: chat_bpe(CHATML_SPECIALS, None),
        tokenizer_config=lambda tok: {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "add_bos_token": False,
                                      "chat_template": CHATML},
        generation=lambda tok: {"eos_token_id": [tok.token_to_id("<|im_end|>"), tok.token_to_id("<|endoftext|>")]}),
    "gemma2": dict(cls="Gemma2ForCausalLM", seed=1503, shard=None, cfg=dict(
        vocab_size=512, hidden_size=64, intermediate_size=96, num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
        head_dim=16, max_position_embeddings=128, rms_norm_eps=1e-6, query_pre_attn_scalar=24, attn_logit_softcapping=5.0,
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


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[2:] or list(SPECS)
    for name in only:
        model, tok = make(name, SPECS[name])
        margins = [p["greedy_min_margin"] for p in json.load(open(os.path.join(OUT, name, "reference.json")))["prompts"]]
        print("wrote", name, "greedy margins", ["%.4f" % m for m in margins])
