#!/usr/bin/env python3
"""Writes the architecture fixtures the Java tests compare against (src/test/resources/fixtures/arch-*).

For each of llama (Llama 3 shape: rope_scaling llama3, GQA), qwen2 (q/k/v biases, tied embeddings), gpt_neox
(Pythia: partial rotary; one parallel and one sequential residual) and gemma2 (soft-capping, sliding window,
query_pre_attn_scalar): a tiny random checkpoint saved by transformers' save_pretrained, a tokenizer.json made
with the `tokenizers` library, and reference.json holding, for several token sequences, every hook point
transformers computes: resid_pre, mlp_in, mlp_act, mlp_out and resid_post, [layer][position][unit].

It also writes corpus.jsonl and, per model, the activations of a few neurons on every excerpt of that corpus,
cut as the recorder cuts it (windows of EXCERPT tokens per document, tails of at least MIN_EXCERPT tokens,
BOS first when the tokenizer's post-processor adds one): the end-to-end recording test checks its top
excerpts against them. The held-out fixtures ../shared/fixtures/{llama,neox}-tiny (made by someone else) are
copied with a tokenizer.json of ours added, and get the same corpus activations.

Usage: python3 tools/make_arch_fixtures.py [OUT_DIR]   (needs torch, transformers, tokenizers, safetensors)
"""
import json
import os
import shutil
import sys

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures")
SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures")
EXCERPT, MIN_EXCERPT = 16, 4
CORPUS_UNITS = {"layer": 1, "point": "mlp_act", "units": [0, 1, 2, 3, 5, 8]}

TRAINING_TEXT = [
    "The quick brown fox jumps over the lazy dog.", "In 1998 the red car was parked near 42 Elm Street.",
    "Colours such as blue, green and violet appear in the rainbow.", "She said: \"Don't stop (yet)!\" and left at 5 pm.",
    "Numbers like 3.14159 and 2,718 are famous constants.", "Ünïcödé text, emoji 🙂 and café au lait.",
    "def main(): return [x * 2 for x in range(10)]", "January, February and March are the first months of the year.",
]
CORPUS = [
    "A red apple and a green pear sat on the blue table while the dog slept in the sun.",
    "In March 2021 the committee met 3 times; in April it met twice (once online).",
    "The river ran north for 120 miles before it turned east toward the sea and the old harbour town.",
    "Short one.",
    "He wrote 7 letters, 12 postcards and 1 long essay about violet flowers, café tables and emoji 🙂.",
    "Tokens repeat: the the the cat cat sat sat on on the mat mat, and then the story ended abruptly there.",
]


def byte_level_bpe(bos):
    """A Llama 3 / Qwen2 / Pythia-like byte-level BPE; `bos` (or None) is added by the post-processor."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = [bos] if bos else []
    specials.append("<|endoftext|>")
    trainer = trainers.BpeTrainer(vocab_size=360, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(TRAINING_TEXT * 3, trainer)
    if bos:
        tok.post_processor = processors.TemplateProcessing(single=bos + " $A", pair=bos + " $A " + bos + " $B", special_tokens=[(bos, tok.token_to_id(bos))])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok


def sentencepiece_bpe(bos, prepend):
    """A Llama 2 / Gemma-like SentencePiece BPE (▁ for spaces, byte fallback, BOS by the post-processor)."""
    tok = Tokenizer(models.BPE(byte_fallback=True, fuse_unk=True, unk_token="<unk>"))
    norms = [normalizers.Prepend("▁")] if prepend else []
    tok.normalizer = normalizers.Sequence(norms + [normalizers.Replace(" ", "▁")])
    tok.pre_tokenizer = pre_tokenizers.Split("▁", behavior="merged_with_next")
    decs = [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()]
    if prepend:
        decs.append(decoders.Strip(" ", 1, 0))
    tok.decoder = decoders.Sequence(decs)
    trainer = trainers.BpeTrainer(vocab_size=200, special_tokens=["<unk>", bos, "</s>"], show_progress=False)
    tok.train_from_iterator(TRAINING_TEXT * 3, trainer)
    # byte-fallback tokens <0x00>..<0xFF>, as SentencePiece vocabularies have them
    spec = json.loads(tok.to_str())
    vocab = spec["model"]["vocab"]
    for b in range(256):
        name = "<0x%02X>" % b
        if name not in vocab:
            vocab[name] = len(vocab)
    tok = Tokenizer.from_str(json.dumps(spec))
    tok.pre_tokenizer = None
    tok.post_processor = processors.TemplateProcessing(single=bos + " $A", pair=bos + " $A " + bos + " $B", special_tokens=[(bos, tok.token_to_id(bos))])
    return tok


def perturb(model, seed):
    """Biases and norm gains away from 0 and 1, so that a loader that drops one is caught."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or "norm" in name:
                p.add_(torch.randn(p.shape, generator=g) * 0.1)


def capture(model, kind, ids):
    """Every hook point of every layer for one sequence, [point][layer][position][unit]."""
    layers = model.model.layers if kind != "gpt_neox" else model.gpt_neox.layers
    out = {p: [None] * len(layers) for p in ["resid_pre", "mlp_in", "mlp_act", "mlp_out", "resid_post"]}
    hooks = []

    def first(args, kwargs):
        return args[0] if args else kwargs["hidden_states"]

    for l, layer in enumerate(layers):
        def pre(m, args, kwargs, l=l):
            out["resid_pre"][l] = first(args, kwargs)[0].tolist()
        def post(m, args, kwargs, output, l=l):
            h = output[0] if isinstance(output, tuple) else output
            out["resid_post"][l] = h[0].tolist()
        def mlp_in(m, args, kwargs, l=l):
            out["mlp_in"][l] = first(args, kwargs)[0].tolist()
        def mlp_out(m, args, output, l=l):
            out["mlp_out"][l] = output[0].tolist()
        def act_out(m, args, output, l=l):
            out["mlp_act"][l] = output[0].tolist()
        def down_in(m, args, l=l):
            out["mlp_act"][l] = args[0][0].tolist()
        hooks.append(layer.register_forward_pre_hook(pre, with_kwargs=True))
        hooks.append(layer.register_forward_hook(post, with_kwargs=True))
        hooks.append(layer.mlp.register_forward_pre_hook(mlp_in, with_kwargs=True))
        if kind == "gemma2":
            hooks.append(layer.post_feedforward_layernorm.register_forward_hook(mlp_out))
        else:
            hooks.append(layer.mlp.register_forward_hook(mlp_out))
        if kind == "gpt_neox":
            hooks.append(layer.mlp.act.register_forward_hook(act_out))
        else:
            hooks.append(layer.mlp.down_proj.register_forward_pre_hook(down_in))
    with torch.no_grad():
        model(torch.tensor([ids]))
    for h in hooks:
        h.remove()
    return out


def r7(x):
    if isinstance(x, list):
        return [r7(v) for v in x]
    return float("%.8g" % x)


def excerpts(tok):
    """The corpus cut as the recorder cuts it: per document, windows of EXCERPT ids; a tail of MIN_EXCERPT or more kept."""
    out = []
    for doc in CORPUS:
        ids = tok.encode(doc, add_special_tokens=False).ids
        for i in range(0, len(ids), EXCERPT):
            w = ids[i:i + EXCERPT]
            if len(w) == EXCERPT or len(w) >= MIN_EXCERPT:
                out.append(w)
    return out


def bos_of(tok):
    with_special = tok.encode("a", add_special_tokens=True).ids
    plain = tok.encode("a", add_special_tokens=False).ids
    return with_special[0] if len(with_special) == len(plain) + 1 and with_special[1:] == plain else None


def corpus_reference(model, kind, tok):
    """The CORPUS_UNITS of every excerpt, as the recorder must find them (BOS fed, not recorded)."""
    bos = bos_of(tok)
    rows = []
    for ids in excerpts(tok):
        fed = ([bos] if bos is not None else []) + ids
        acts = capture(model, kind, fed)[CORPUS_UNITS["point"]][CORPUS_UNITS["layer"]]
        if bos is not None:
            acts = acts[1:]
        rows.append({"token_ids": ids, "activations": [[r7(a[u]) for u in CORPUS_UNITS["units"]] for a in acts]})
    return {"layer": CORPUS_UNITS["layer"], "point": CORPUS_UNITS["point"], "units": CORPUS_UNITS["units"], "excerpt_tokens": EXCERPT,
            "min_excerpt_tokens": MIN_EXCERPT, "bos": bos, "excerpts": rows}


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))


SPECS = {
    "arch-llama": dict(kind="llama", cls="LlamaForCausalLM", cfg=dict(
        vocab_size=512, hidden_size=48, intermediate_size=72, num_hidden_layers=2, num_attention_heads=6, num_key_value_heads=2,
        max_position_embeddings=128, rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=0, eos_token_id=1,
        rope_parameters=dict(rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                             original_max_position_embeddings=32)),
        tokenizer=lambda: byte_level_bpe("<|begin_of_text|>"), dtype=torch.float32, shard=None),
    "arch-qwen2": dict(kind="qwen2", cls="Qwen2ForCausalLM", cfg=dict(
        vocab_size=512, hidden_size=32, intermediate_size=80, num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=128, rms_norm_eps=1e-6, tie_word_embeddings=True, rope_theta=1000000.0),
        tokenizer=lambda: byte_level_bpe(None), dtype=torch.float32, shard="40KB"),
    "arch-neox": dict(kind="gpt_neox", cls="GPTNeoXForCausalLM", cfg=dict(
        vocab_size=512, hidden_size=32, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        max_position_embeddings=128, rotary_pct=0.25, use_parallel_residual=True, hidden_act="gelu", layer_norm_eps=1e-5),
        tokenizer=lambda: byte_level_bpe(None), dtype=torch.float32, shard=None),
    "arch-neox-sequential": dict(kind="gpt_neox", cls="GPTNeoXForCausalLM", cfg=dict(
        vocab_size=512, hidden_size=32, intermediate_size=96, num_hidden_layers=2, num_attention_heads=2,
        max_position_embeddings=128, rotary_pct=0.5, use_parallel_residual=False, hidden_act="gelu", layer_norm_eps=1e-5),
        tokenizer=lambda: byte_level_bpe(None), dtype=torch.bfloat16, shard=None),
    "arch-gemma2": dict(kind="gemma2", cls="Gemma2ForCausalLM", cfg=dict(
        vocab_size=512, hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
        head_dim=16, max_position_embeddings=128, rms_norm_eps=1e-6, query_pre_attn_scalar=24, attn_logit_softcapping=2.0,
        final_logit_softcapping=30.0, sliding_window=5, hidden_activation="gelu_pytorch_tanh", bos_token_id=2, pad_token_id=0, eos_token_id=1),
        tokenizer=lambda: sentencepiece_bpe("<bos>", prepend=False), dtype=torch.bfloat16, shard="60KB"),
}


def make(name, spec, seed):
    torch.manual_seed(seed)
    config = getattr(transformers, spec["cls"].replace("ForCausalLM", "Config"))(**spec["cfg"])
    model = getattr(transformers, spec["cls"])._from_config(config, attn_implementation="eager")
    with torch.no_grad():  # larger weights than the default init, so that activations are not all near zero
        for n, p in model.named_parameters():
            if p.dim() == 2:
                p.normal_(0, 0.08)
    perturb(model, seed)
    model = model.to(spec["dtype"]).eval()
    out = os.path.join(OUT, name)
    shutil.rmtree(out, ignore_errors=True)
    kwargs = {"max_shard_size": spec["shard"]} if spec["shard"] else {}
    model.save_pretrained(out, **kwargs)
    # The reference: float32 arithmetic on the stored (possibly rounded) weights, loaded as a user loads them.
    model = getattr(transformers, spec["cls"]).from_pretrained(out, dtype=torch.float32, attn_implementation="eager").eval()
    tok = spec["tokenizer"]()
    tok.save(os.path.join(out, "tokenizer.json"))
    write_references(out, model, spec["kind"], tok, seed)


def write_references(out, model, kind, tok, seed):
    g = torch.Generator().manual_seed(seed)
    vocab = model.config.vocab_size
    seqs = [torch.randint(0, vocab, (n,), generator=g).tolist() for n in (1, 7, 20)]
    seqs.append(tok.encode(CORPUS[0], add_special_tokens=True).ids)
    ref = {"made_with": "transformers " + transformers.__version__ + ", torch " + torch.__version__, "sequences": []}
    for ids in seqs:
        acts = capture(model, kind, ids)
        ref["sequences"].append({"token_ids": ids, **{p: r7(v) for p, v in acts.items()}})
    write_json(os.path.join(out, "reference.json"), ref)
    write_json(os.path.join(out, "corpus-reference.json"), corpus_reference(model, kind, tok))


def held_out(name, kind, cls, tok):
    src = os.path.join(SHARED, name)
    out = os.path.join(OUT, name)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(src, out)
    tok.save(os.path.join(out, "tokenizer.json"))
    model = getattr(transformers, cls).from_pretrained(out, attn_implementation="eager").float().eval()
    write_json(os.path.join(out, "corpus-reference.json"), corpus_reference(model, kind, tok))


def tokenizer_fixtures():
    out = os.path.join(OUT, "tokenizers")
    os.makedirs(out, exist_ok=True)
    texts = CORPUS + TRAINING_TEXT + ["  two  spaces\tand a tab\nnew line", "", "zzzz qqq \u00e9\u00e8 \U0001F600 \u4e2d\u6587"]
    for name, tok in [("byte-level-bos", byte_level_bpe("<|begin_of_text|>")), ("byte-level", byte_level_bpe(None)),
                      ("sentencepiece-llama2", sentencepiece_bpe("<s>", prepend=True)), ("sentencepiece-gemma", sentencepiece_bpe("<bos>", prepend=False))]:
        tok.save(os.path.join(out, name + ".json"))
        cases = [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids, "with_special": tok.encode(t, add_special_tokens=True).ids,
                  "decoded": tok.decode(tok.encode(t, add_special_tokens=False).ids)} for t in texts]
        write_json(os.path.join(out, name + ".reference.json"), {"bos": bos_of(tok), "vocab_size": tok.get_vocab_size(), "cases": cases})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "corpus.jsonl"), "w") as f:
        for doc in CORPUS:
            f.write(json.dumps({"text": doc}) + "\n")
    for i, (name, spec) in enumerate(SPECS.items()):
        make(name, spec, 100 + i)
        print("wrote", name)
    held_out("llama-tiny", "llama", "LlamaForCausalLM", sentencepiece_bpe("<s>", prepend=True))
    held_out("neox-tiny", "gpt_neox", "GPTNeoXForCausalLM", byte_level_bpe(None))
    tokenizer_fixtures()
    print("wrote held-out copies and tokenizers")
