package dev.neuronscribe.subject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The shape of a GPT-2 model, read from Hugging Face's {@code config.json}.
 *
 * @param layers {@code n_layer}
 * @param width {@code n_embd}, the residual stream's width
 * @param heads {@code n_head}
 * @param mlpWidth {@code n_inner}, or 4 × width when it is null: the number of neurons per layer
 * @param contextLength {@code n_positions} (older files: {@code n_ctx})
 * @param vocabSize {@code vocab_size}
 * @param layerNormEpsilon {@code layer_norm_epsilon}
 * @param scaleByInverseLayer {@code scale_attn_by_inverse_layer_idx}
 */
public record Gpt2Config(
    int layers, int width, int heads, int mlpWidth, int contextLength, int vocabSize,
    float layerNormEpsilon, boolean scaleByInverseLayer) {

  public Gpt2Config {
    if (layers < 1 || width < 1 || heads < 1 || mlpWidth < 1 || contextLength < 1 || vocabSize < 1) {
      throw new IllegalArgumentException("every size of a GPT-2 model must be at least 1");
    }
    if (width % heads != 0) throw new IllegalArgumentException("n_embd (" + width + ") must be a multiple of n_head (" + heads + ")");
  }

  /** GPT-2 small with another depth and width: 12 heads per 768, vocabulary 50257, context 1024. */
  public static Gpt2Config gpt2(int layers, int width, int heads) {
    return new Gpt2Config(layers, width, heads, 4 * width, 1024, 50257, 1e-5f, false);
  }

  public int headSize() {
    return width / heads;
  }

  /** Reads {@code dir/config.json}; any problem names the file and the field. */
  public static Gpt2Config read(Path file) {
    String source = file.toString();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "not found; a Hugging Face GPT-2 directory holds config.json and model.safetensors");
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source, "is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) throw new InvalidInputException(source, "must hold a JSON object");
    JsonNode type = root.get("model_type");
    if (type != null && !type.isNull() && !type.asText().equals("gpt2")) {
      throw new InvalidInputException(source, "field 'model_type' is '" + type.asText() + "'; this recorder runs GPT-2 models (model_type gpt2) only");
    }
    int layers = positive(root, "n_layer", source);
    int width = positive(root, "n_embd", source);
    int heads = positive(root, "n_head", source);
    if (width % heads != 0) {
      throw new InvalidInputException(source, "field 'n_embd' (" + width + ") is not a multiple of 'n_head' (" + heads + ")");
    }
    JsonNode inner = root.get("n_inner");
    int mlpWidth = inner == null || inner.isNull() ? 4 * width : positive(root, "n_inner", source);
    int context = root.has("n_positions") ? positive(root, "n_positions", source) : positive(root, "n_ctx", source);
    int vocab = positive(root, "vocab_size", source);
    double eps = 1e-5;
    JsonNode epsNode = root.get("layer_norm_epsilon");
    if (epsNode != null && !epsNode.isNull()) {
      if (!epsNode.isNumber() || !(epsNode.doubleValue() > 0)) throw new InvalidInputException(source, "field 'layer_norm_epsilon' must be a positive number");
      eps = epsNode.doubleValue();
    }
    JsonNode actNode = root.get("activation_function");
    String act = actNode == null || actNode.isNull() ? "gelu_new" : actNode.asText();
    // The recorded value is the output of this function; GPT-2 checkpoints use the tanh form under these names.
    if (!List.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast").contains(act)) {
      throw new InvalidInputException(source, "field 'activation_function' is '" + act + "'; supported: gelu_new (GPT-2's), gelu_pytorch_tanh, gelu_fast");
    }
    JsonNode scaleWeights = root.get("scale_attn_weights");
    if (scaleWeights != null && scaleWeights.isBoolean() && !scaleWeights.booleanValue()) {
      throw new InvalidInputException(source, "field 'scale_attn_weights' is false; only GPT-2's scaled attention is supported");
    }
    JsonNode inverse = root.get("scale_attn_by_inverse_layer_idx");
    boolean byInverse = inverse != null && inverse.asBoolean(false);
    return new Gpt2Config(layers, width, heads, mlpWidth, context, vocab, (float) eps, byInverse);
  }

  private static int positive(JsonNode root, String field, String source) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) throw new InvalidInputException(source, "field '" + field + "' is missing");
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
      throw new InvalidInputException(source, "field '" + field + "' must be a whole number >= 1, found " + n);
    }
    return n.intValue();
  }

  /** The config.json Hugging Face writes for such a model (what {@code save_pretrained} would write). */
  String toJson() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("activation_function", "gelu_new");
    o.putArray("architectures").add("GPT2LMHeadModel");
    o.put("attn_pdrop", 0.0).put("bos_token_id", 50256).put("embd_pdrop", 0.0).put("eos_token_id", 50256);
    // The float's shortest decimal (1e-05 as transformers writes it), not its double expansion 9.99999974e-06.
    o.put("initializer_range", 0.02).put("layer_norm_epsilon", Double.parseDouble(Float.toString(layerNormEpsilon))).put("model_type", "gpt2");
    o.put("n_ctx", contextLength).put("n_embd", width).put("n_head", heads);
    if (mlpWidth == 4 * width) o.putNull("n_inner");
    else o.put("n_inner", mlpWidth);
    o.put("n_layer", layers).put("n_positions", contextLength).put("resid_pdrop", 0.0);
    o.put("scale_attn_by_inverse_layer_idx", scaleByInverseLayer).put("scale_attn_weights", true);
    o.put("tie_word_embeddings", true).put("torch_dtype", "float32").put("vocab_size", vocabSize);
    return o.toPrettyString();
  }
}
