package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random checkpoints of the Llama-family architectures in Hugging Face's layout (config.json and one
 * model.safetensors, with the tensor names save_pretrained uses), for benchmarks: transformers loads the
 * same directory, so a peer measures the very same model. Tied embeddings: no language-model head is written.
 */
final class RandomCheckpoints {
  private RandomCheckpoints() {}

  /**
   * The shape of one: {@code architecture} is llama, qwen2, gpt_neox or gemma2; {@code kvHeads} applies to
   * the first, second and fourth; GPT-NeoX rotates a quarter of each head, in parallel residual form.
   */
  record Spec(String architecture, int layers, int width, int heads, int kvHeads, int mlpWidth, int vocabSize, DType dtype) {
    int headDim() {
      return width / heads;
    }

    /** FLOPs per token of the blocks' matmuls (attention scores and the embedding excluded): 2 per weight. */
    double flopsPerToken() {
      int q = heads * headDim(), kv = (architecture.equals("gpt_neox") ? heads : kvHeads) * headDim();
      double perLayer = (double) width * q * 2 + (double) width * kv * 2 + (architecture.equals("gpt_neox") ? 2.0 : 3.0) * width * mlpWidth;
      return 2 * layers * perLayer;
    }
  }

  static void write(Path dir, Spec s, long seed) {
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    int e = s.width(), m = s.mlpWidth(), q = s.heads() * s.headDim(), kv = s.kvHeads() * s.headDim();
    boolean neox = s.architecture().equals("gpt_neox"), gemma = s.architecture().equals("gemma2");
    String p0 = neox ? "gpt_neox." : "model.";
    add(entries, p0 + (neox ? "embed_in.weight" : "embed_tokens.weight"), 0.02f, 0, seed, s.vocabSize(), e);
    for (int l = 0; l < s.layers(); l++) {
      String p = p0 + "layers." + l + ".";
      if (neox) {
        add(entries, p + "input_layernorm.weight", 0, 1, seed, e);
        add(entries, p + "input_layernorm.bias", 0, 0, seed, e);
        add(entries, p + "post_attention_layernorm.weight", 0, 1, seed, e);
        add(entries, p + "post_attention_layernorm.bias", 0, 0, seed, e);
        add(entries, p + "attention.query_key_value.weight", 0.02f, 0, seed, 3L * e, e);
        add(entries, p + "attention.query_key_value.bias", 0.02f, 0, seed, 3L * e);
        add(entries, p + "attention.dense.weight", 0.02f, 0, seed, e, e);
        add(entries, p + "attention.dense.bias", 0.02f, 0, seed, e);
        add(entries, p + "mlp.dense_h_to_4h.weight", 0.02f, 0, seed, m, e);
        add(entries, p + "mlp.dense_h_to_4h.bias", 0.02f, 0, seed, m);
        add(entries, p + "mlp.dense_4h_to_h.weight", 0.02f, 0, seed, e, m);
        add(entries, p + "mlp.dense_4h_to_h.bias", 0.02f, 0, seed, e);
        continue;
      }
      float gain = gemma ? 0 : 1; // Gemma's norms multiply by 1 + w
      add(entries, p + "input_layernorm.weight", 0, gain, seed, e);
      add(entries, p + "self_attn.q_proj.weight", 0.02f, 0, seed, q, e);
      add(entries, p + "self_attn.k_proj.weight", 0.02f, 0, seed, kv, e);
      add(entries, p + "self_attn.v_proj.weight", 0.02f, 0, seed, kv, e);
      if (s.architecture().equals("qwen2")) {
        add(entries, p + "self_attn.q_proj.bias", 0.02f, 0, seed, q);
        add(entries, p + "self_attn.k_proj.bias", 0.02f, 0, seed, kv);
        add(entries, p + "self_attn.v_proj.bias", 0.02f, 0, seed, kv);
      }
      add(entries, p + "self_attn.o_proj.weight", 0.02f, 0, seed, e, q);
      add(entries, p + "post_attention_layernorm.weight", 0, gain, seed, e);
      if (gemma) {
        add(entries, p + "pre_feedforward_layernorm.weight", 0, gain, seed, e);
        add(entries, p + "post_feedforward_layernorm.weight", 0, gain, seed, e);
      }
      add(entries, p + "mlp.gate_proj.weight", 0.02f, 0, seed, m, e);
      add(entries, p + "mlp.up_proj.weight", 0.02f, 0, seed, m, e);
      add(entries, p + "mlp.down_proj.weight", 0.02f, 0, seed, e, m);
    }
    if (neox) {
      add(entries, p0 + "final_layer_norm.weight", 0, 1, seed, e);
      add(entries, p0 + "final_layer_norm.bias", 0, 0, seed, e);
    } else {
      add(entries, p0 + "norm.weight", 0, gemma ? 0 : 1, seed, e);
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, s.dtype());
    AtomicFiles.writeString(dir.resolve("config.json"), config(s) + "\n");
  }

  private static void add(List<SafetensorsWriter.Entry> entries, String name, float sigma, float mean, long seed, long... shape) {
    long tensorSeed = seed * 1_000_003L + name.hashCode();
    entries.add(new SafetensorsWriter.Entry(name, shape, (offset, chunk, n) -> {
      SplittableRandom r = new SplittableRandom(tensorSeed ^ (offset * 0x9E3779B97F4A7C15L));
      for (int k = 0; k < n; k++) chunk[k] = sigma == 0 ? mean : (float) r.nextGaussian() * sigma + mean;
    }));
  }

  private static String config(Spec s) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    String cls = switch (s.architecture()) {
      case "llama" -> "LlamaForCausalLM";
      case "qwen2" -> "Qwen2ForCausalLM";
      case "gpt_neox" -> "GPTNeoXForCausalLM";
      case "gemma2" -> "Gemma2ForCausalLM";
      default -> throw new IllegalArgumentException("no random checkpoints of " + s.architecture() + "; supported: llama, qwen2, gpt_neox, gemma2");
    };
    o.putArray("architectures").add(cls);
    o.put("model_type", s.architecture());
    o.put("hidden_size", s.width()).put("intermediate_size", s.mlpWidth()).put("num_hidden_layers", s.layers());
    o.put("num_attention_heads", s.heads()).put("vocab_size", s.vocabSize()).put("max_position_embeddings", 2048);
    o.put("tie_word_embeddings", true).put("torch_dtype", s.dtype() == DType.BF16 ? "bfloat16" : "float32");
    switch (s.architecture()) {
      case "gpt_neox" -> o.put("rotary_pct", 0.25).put("rotary_emb_base", 10000).put("use_parallel_residual", true)
          .put("hidden_act", "gelu").put("layer_norm_eps", 1e-5);
      case "gemma2" -> o.put("num_key_value_heads", s.kvHeads()).put("head_dim", s.headDim()).put("rms_norm_eps", 1e-6)
          .put("hidden_activation", "gelu_pytorch_tanh").put("query_pre_attn_scalar", s.headDim()).put("attn_logit_softcapping", 50.0)
          .put("final_logit_softcapping", 30.0).put("sliding_window", 4096).put("rope_theta", 10000.0);
      default -> o.put("num_key_value_heads", s.kvHeads()).put("rms_norm_eps", 1e-5).put("hidden_act", "silu").put("rope_theta", 500000.0);
    }
    return o.toPrettyString();
  }
}
