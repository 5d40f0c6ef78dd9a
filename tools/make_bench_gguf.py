#!/usr/bin/env python3
"""Random-weight GGUF files of real models' shapes, for tools/bench-local-llm.sh (speed only: the weights mean nothing).

  python tools/make_bench_gguf.py SHAPE TYPE OUT.gguf [LAYERS]
    SHAPE: qwen2-0.5b (Qwen2-0.5B: 24 layers, width 896, 14 heads / 2 KV heads, MLP 4864, vocabulary 151936, q/k/v biases)
           llama-1b   (Llama-3.2-1B: 16 layers, width 2048, 32 heads / 8 KV heads, MLP 8192, vocabulary 128256)
    TYPE:  f32, bf16 or q8_0 (the 2-D weights; norms and biases in F32, as llama.cpp's converter stores them)
    LAYERS: fewer layers than the shape's, for a quick check

Tensor names and metadata follow llama.cpp's converter (embeddings tied to the head, as both models have them). The
vocabulary is GPT-2's 256 byte symbols, one merge and an end-of-text token, padded with unused tokens to the shape's
size: enough for both readers, and the benchmark feeds token ids directly. Weights are N(0, 0.02) drawn once into a
pool and sliced at random offsets, which writes a 1B model in about a minute. Needs numpy and gguf (pip).
"""
import sys

import gguf
import numpy as np

SHAPES = {
    "qwen2-0.5b": dict(arch="qwen2", layers=24, width=896, heads=14, kv=2, mlp=4864, vocab=151936, theta=1e6, eps=1e-6, bias=True),
    "llama-1b": dict(arch="llama", layers=16, width=2048, heads=32, kv=8, mlp=8192, vocab=128256, theta=5e5, eps=1e-5, bias=False),
}
Q = gguf.GGMLQuantizationType
TYPES = {"f32": (Q.F32, gguf.LlamaFileType.ALL_F32), "bf16": (Q.BF16, gguf.LlamaFileType.MOSTLY_BF16),
         "q8_0": (Q.Q8_0, gguf.LlamaFileType.MOSTLY_Q8_0)}


def byte_symbols():
    """GPT-2's printable stand-ins for the 256 byte values, in byte order."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    shifted, extra = [], 0
    for b in range(256):
        if b in keep:
            shifted.append(chr(b))
        else:
            shifted.append(chr(256 + extra))
            extra += 1
    return shifted


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in SHAPES or sys.argv[2] not in TYPES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    s = dict(SHAPES[sys.argv[1]])
    if len(sys.argv) > 4:
        s["layers"] = int(sys.argv[4])
    qtype, ftype = TYPES[sys.argv[2]]
    out = sys.argv[3]
    rng = np.random.default_rng(0)
    pool = (rng.standard_normal(1 << 25, dtype=np.float32) * 0.02).astype(np.float32)

    def weights(rows, cols):
        n = rows * cols
        reps = -(-n // (len(pool) // 2))
        start = int(rng.integers(0, len(pool) // 2))
        flat = np.concatenate([pool[start:start + len(pool) // 2]] * reps)[:n] if reps > 1 else pool[start:start + n]
        return flat.reshape(rows, cols)

    w = gguf.GGUFWriter(out, s["arch"])
    w.add_name("random %s (NeuronScribe speed benchmark)" % sys.argv[1])
    w.add_file_type(ftype)
    hd = s["width"] // s["heads"]
    w.add_context_length(4096)
    w.add_embedding_length(s["width"])
    w.add_block_count(s["layers"])
    w.add_feed_forward_length(s["mlp"])
    w.add_head_count(s["heads"])
    w.add_head_count_kv(s["kv"])
    w.add_layer_norm_rms_eps(s["eps"])
    w.add_rope_freq_base(s["theta"])
    w.add_rope_dimension_count(hd)
    w.add_vocab_size(s["vocab"])
    tokens = byte_symbols() + ["Ġt", "<|endoftext|>"]
    types = [gguf.TokenType.NORMAL] * 257 + [gguf.TokenType.CONTROL]
    tokens += ["[PAD%d]" % i for i in range(len(tokens), s["vocab"])]
    types += [gguf.TokenType.UNUSED] * (s["vocab"] - len(types))
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2" if s["arch"] == "qwen2" else "llama-bpe")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(["Ġ t"])
    w.add_eos_token_id(257)
    w.add_bos_token_id(257)
    w.add_add_bos_token(False)

    def matrix(name, rows, cols):
        a = weights(rows, cols)
        if qtype == Q.F32:
            w.add_tensor(name, np.ascontiguousarray(a))
        else:
            w.add_tensor(name, gguf.quants.quantize(a, qtype), raw_dtype=qtype)

    def vector(name, n, value=None):
        w.add_tensor(name, np.full(n, value, dtype=np.float32) if value is not None else np.ascontiguousarray(weights(1, n)[0]))

    e, q, kv = s["width"], s["heads"] * hd, s["kv"] * hd
    matrix("token_embd.weight", s["vocab"], e)
    vector("output_norm.weight", e, 1.0)
    for l in range(s["layers"]):
        p = "blk.%d." % l
        vector(p + "attn_norm.weight", e, 1.0)
        matrix(p + "attn_q.weight", q, e)
        matrix(p + "attn_k.weight", kv, e)
        matrix(p + "attn_v.weight", kv, e)
        if s["bias"]:
            vector(p + "attn_q.bias", q)
            vector(p + "attn_k.bias", kv)
            vector(p + "attn_v.bias", kv)
        matrix(p + "attn_output.weight", e, q)
        vector(p + "ffn_norm.weight", e, 1.0)
        matrix(p + "ffn_gate.weight", s["mlp"], e)
        matrix(p + "ffn_up.weight", s["mlp"], e)
        matrix(p + "ffn_down.weight", e, s["mlp"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print("wrote", out)


if __name__ == "__main__":
    main()
