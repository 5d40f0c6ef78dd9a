package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * The shape of a Llama-family decoder (Llama, Mistral, Qwen2, GPT-NeoX, Gemma 2), read from Hugging Face's
 * {@code config.json} as transformers 4.x and 5.x write it ({@code rope_theta} / {@code rope_scaling} or
 * {@code rope_parameters}).
 *
 * @param architecture {@code model_type}
 * @param kvHeads {@code num_key_value_heads}: heads share keys and values in groups (grouped-query attention)
 * @param rotaryDim the leading dimensions of each head that RoPE rotates (NeoX's {@code partial_rotary_factor})
 * @param rope the rotary frequencies' parameters
 * @param activation the MLP's non-linearity
 * @param slidingWindow per layer: how many positions back a query may look (0 = all)
 * @param attentionScale the factor on query·key ({@code head_dim^-0.5}, Gemma 2: {@code query_pre_attn_scalar^-0.5})
 * @param attentionSoftcap Gemma 2's {@code attn_logit_softcapping} (0 = none)
 * @param parallelResidual NeoX's {@code use_parallel_residual}
 */
record DecoderConfig(
    String architecture, int layers, int width, int heads, int kvHeads, int headDim, int mlpWidth, int contextLength, int vocabSize,
    float normEpsilon, int rotaryDim, Rope rope, Activation activation, int[] slidingWindow, float attentionScale,
    float attentionSoftcap, boolean parallelResidual) {

  /**
   * The record's text with the per-layer window spelled out: it goes into the model's fingerprint, which a
   * resumed or sharded recording compares, so it must not carry the array's identity hash.
   */
  @Override
  public String toString() {
    return "DecoderConfig[architecture=" + architecture + ", layers=" + layers + ", width=" + width + ", heads=" + heads + ", kvHeads=" + kvHeads
        + ", headDim=" + headDim + ", mlpWidth=" + mlpWidth + ", contextLength=" + contextLength + ", vocabSize=" + vocabSize
        + ", normEpsilon=" + normEpsilon + ", rotaryDim=" + rotaryDim + ", rope=" + rope + ", activation=" + activation
        + ", slidingWindow=" + java.util.Arrays.toString(slidingWindow) + ", attentionScale=" + attentionScale
        + ", attentionSoftcap=" + attentionSoftcap + ", parallelResidual=" + parallelResidual + "]";
  }

  /** The MLP non-linearities these architectures use, by their transformers names. */
  enum Activation {
    SILU, GELU_TANH, GELU_ERF;

    static Activation of(String name, String source, String field) {
      return switch (name) {
        case "silu", "swish" -> SILU;
        case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> GELU_TANH;
        case "gelu" -> GELU_ERF;
        default -> throw new InvalidInputException(source, "field '" + field + "' is '" + name
            + "'; supported: silu, gelu (erf), gelu_pytorch_tanh / gelu_new (tanh)");
      };
    }
  }

  /**
   * RoPE's inverse frequencies: {@code theta^(-2i/rotaryDim)}, reshaped by Llama 3's scaling when
   * {@code factor > 0} (then {@code lowFreqFactor}, {@code highFreqFactor}, {@code originalContext} apply).
   */
  record Rope(double theta, double factor, double lowFreqFactor, double highFreqFactor, int originalContext) {}

  /** RoPE's inverse frequency of each rotated pair, with Llama 3's rescaling of the long wavelengths. */
  float[] inverseFrequencies() {
    float[] f = new float[rotaryDim / 2];
    for (int i = 0; i < f.length; i++) {
      double inv = 1.0 / Math.pow(rope.theta(), (float) (2 * i) / rotaryDim);
      if (rope.factor() > 0) {
        double lowWavelength = rope.originalContext() / rope.lowFreqFactor(), highWavelength = rope.originalContext() / rope.highFreqFactor();
        double wavelength = 2 * Math.PI / inv;
        if (wavelength > lowWavelength) {
          inv /= rope.factor();
        } else if (wavelength >= highWavelength) {
          double smooth = (rope.originalContext() / wavelength - rope.lowFreqFactor()) / (rope.highFreqFactor() - rope.lowFreqFactor());
          inv = (1 - smooth) * inv / rope.factor() + smooth * inv;
        }
      }
      f[i] = (float) inv;
    }
    return f;
  }

  /** 2 FLOPs per weight of the blocks' matmuls (attention scores and embeddings excluded), per token. */
  double flopsPerToken() {
    double q = (double) heads * headDim, kv = (double) kvHeads * headDim;
    boolean gated = !architecture.equals("gpt_neox");
    return 2.0 * layers * (width * q * 2 + width * kv * 2 + (gated ? 3.0 : 2.0) * width * mlpWidth);
  }

  Model.Shape shape() {
    return new Model.Shape(architecture, layers, width, mlpWidth, contextLength, vocabSize);
  }

  static DecoderConfig read(Path file, String type) {
    String source = file.toString();
    JsonNode root = Models.readConfig(file);
    Fields f = new Fields(root, source);
    int layers = f.positive("num_hidden_layers");
    int width = f.positive("hidden_size");
    int heads = f.positive("num_attention_heads");
    int kvHeads = f.has("num_key_value_heads") ? f.positive("num_key_value_heads") : heads;
    if (heads % kvHeads != 0) {
      throw new InvalidInputException(source, "field 'num_attention_heads' (" + heads + ") is not a multiple of 'num_key_value_heads' (" + kvHeads + ")");
    }
    int headDim = f.has("head_dim") ? f.positive("head_dim") : width / heads;
    if (!f.has("head_dim") && width % heads != 0) {
      throw new InvalidInputException(source, "field 'hidden_size' (" + width + ") is not a multiple of 'num_attention_heads' (" + heads + ")");
    }
    int mlpWidth = f.positive("intermediate_size");
    int context = f.positive("max_position_embeddings");
    int vocab = f.positive("vocab_size");
    JsonNode ropeParams = root.get("rope_parameters");
    boolean v5 = ropeParams != null && ropeParams.isObject();
    double theta = v5 && ropeParams.has("rope_theta") ? ropeParams.get("rope_theta").asDouble()
        : f.number(type.equals("gpt_neox") && f.has("rotary_emb_base") ? "rotary_emb_base" : "rope_theta", 10000);
    double partial = v5 && ropeParams.has("partial_rotary_factor") ? ropeParams.get("partial_rotary_factor").asDouble()
        : f.number(type.equals("gpt_neox") ? "rotary_pct" : "partial_rotary_factor", type.equals("gpt_neox") ? 0.25 : 1.0);
    int rotaryDim = (int) (headDim * partial);
    if (rotaryDim < 2 || rotaryDim % 2 != 0 || rotaryDim > headDim) {
      throw new InvalidInputException(source, "the rotary fraction " + partial + " of head_dim " + headDim + " gives " + rotaryDim
          + " rotated dimensions; it must be an even number between 2 and head_dim");
    }
    Rope rope = rope(v5 ? ropeParams : root.get("rope_scaling"), theta, source);
    String actField = type.equals("gemma2") ? (f.has("hidden_activation") ? "hidden_activation" : "hidden_act") : "hidden_act";
    Activation act = Activation.of(f.text(actField, type.equals("gemma2") ? "gelu_pytorch_tanh" : type.equals("gpt_neox") ? "gelu" : "silu"), source, actField);
    float eps = (float) f.number(type.equals("gpt_neox") ? "layer_norm_eps" : "rms_norm_eps", type.equals("gpt_neox") ? 1e-5 : 1e-6);
    int[] window = new int[layers];
    int sliding = f.has("sliding_window") && !root.get("sliding_window").isNull() ? f.positive("sliding_window") : 0;
    JsonNode layerTypes = root.get("layer_types");
    boolean slidingOn = !type.equals("qwen2") || root.path("use_sliding_window").asBoolean(false);
    for (int l = 0; l < layers; l++) {
      boolean slidingLayer;
      if (layerTypes != null && layerTypes.isArray() && layerTypes.size() == layers) {
        slidingLayer = layerTypes.get(l).asText().equals("sliding_attention");
      } else if (type.equals("gemma2")) {
        slidingLayer = l % 2 == 0; // Gemma 2 alternates: even layers local, odd layers global
      } else {
        slidingLayer = slidingOn && sliding > 0 && (!type.equals("qwen2") || l >= root.path("max_window_layers").asInt(0));
      }
      window[l] = slidingLayer ? sliding : 0;
    }
    float scale = (float) (1 / Math.sqrt(type.equals("gemma2") && f.has("query_pre_attn_scalar") ? f.number("query_pre_attn_scalar", headDim) : headDim));
    float softcap = type.equals("gemma2") && f.has("attn_logit_softcapping") && !root.get("attn_logit_softcapping").isNull()
        ? (float) f.number("attn_logit_softcapping", 0) : 0f;
    boolean parallel = type.equals("gpt_neox") && root.path("use_parallel_residual").asBoolean(true);
    return new DecoderConfig(type, layers, width, heads, kvHeads, headDim, mlpWidth, context, vocab, eps, rotaryDim, rope, act, window,
        scale, softcap, parallel);
  }

  private static Rope rope(JsonNode node, double theta, String source) {
    if (node == null || node.isNull()) return new Rope(theta, 0, 0, 0, 0);
    String type = node.has("rope_type") ? node.get("rope_type").asText() : node.path("type").asText("default");
    return switch (type) {
      case "default" -> new Rope(theta, 0, 0, 0, 0);
      case "llama3" -> new Rope(theta, node.path("factor").asDouble(8), node.path("low_freq_factor").asDouble(1),
          node.path("high_freq_factor").asDouble(4), node.path("original_max_position_embeddings").asInt(8192));
      default -> throw new InvalidInputException(source, "RoPE type '" + type + "' (rope_scaling / rope_parameters) is not supported; supported: default, llama3");
    };
  }

  /** config.json's fields, each problem naming the file and the field. */
  private record Fields(JsonNode root, String source) {
    boolean has(String field) {
      return root.has(field) && !root.get(field).isNull();
    }

    int positive(String field) {
      JsonNode n = root.get(field);
      if (n == null || n.isNull()) throw new InvalidInputException(source, "field '" + field + "' is missing");
      if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
        throw new InvalidInputException(source, "field '" + field + "' must be a whole number >= 1, found " + n);
      }
      return n.intValue();
    }

    double number(String field, double fallback) {
      if (!has(field)) return fallback;
      JsonNode n = root.get(field);
      if (!n.isNumber() || !(n.doubleValue() > 0)) throw new InvalidInputException(source, "field '" + field + "' must be a positive number, found " + n);
      return n.doubleValue();
    }

    String text(String field, String fallback) {
      return has(field) ? root.get(field).asText() : fallback;
    }
  }

  static final List<String> TYPES = List.of("llama", "mistral", "qwen2", "gpt_neox", "gemma2");
}
