package dev.neuronscribe.subject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens a Hugging Face model directory as the architecture its {@code config.json} names, with its tokenizer. */
public final class Models {
  /** The {@code model_type}s this recorder runs. */
  public static final String SUPPORTED = "gpt2";

  private Models() {}

  /**
   * Opens {@code directory}. An unsupported {@code model_type}, a missing or malformed file, a missing tensor
   * or one whose shape disagrees with config.json is an {@link InvalidInputException} that names it.
   */
  public static Model load(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new InvalidInputException(directory.toString(), "is not a directory; give a Hugging Face model directory holding config.json and model.safetensors");
    }
    Path file = directory.resolve("config.json");
    String type = modelType(file);
    return switch (type) {
      case "gpt2" -> Gpt2.load(directory);
      default -> throw new InvalidInputException(file.toString(), "field 'model_type' is '" + type + "'; supported: " + SUPPORTED);
    };
  }

  /** The tokenizer recordings of {@code model} use: GPT-2's BPE for GPT-2 (as OpenAI's records), else the directory's tokenizer.json. */
  public static Tokenizer tokenizer(Model model) {
    if (model instanceof Gpt2) return new Gpt2Tokenizer();
    throw new InvalidInputException(model.directory().toString(), "no tokenizer for model_type " + model.shape().architecture());
  }

  static JsonNode readConfig(Path file) {
    String source = file.toString();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "no such file; a Hugging Face model directory holds config.json and model.safetensors");
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source, "is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) throw new InvalidInputException(source, "must hold a JSON object");
    return root;
  }

  /** {@code model_type}, or (older files) guessed from {@code architectures}; GPT-2 files without either are GPT-2. */
  static String modelType(Path file) {
    JsonNode root = readConfig(file);
    JsonNode type = root.get("model_type");
    if (type != null && type.isTextual()) return type.textValue();
    JsonNode archs = root.get("architectures");
    if (archs != null && archs.isArray() && !archs.isEmpty()) {
      String a = archs.get(0).asText();
      if (a.startsWith("GPT2")) return "gpt2";
      if (a.startsWith("Llama") || a.startsWith("Mistral")) return "llama";
      if (a.startsWith("Qwen2")) return "qwen2";
      if (a.startsWith("GPTNeoX")) return "gpt_neox";
      if (a.startsWith("Gemma2")) return "gemma2";
      throw new InvalidInputException(file.toString(), "field 'architectures' is " + archs + " and there is no 'model_type'; supported: " + SUPPORTED);
    }
    return "gpt2";
  }
}
