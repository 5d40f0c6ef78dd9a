package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens a Hugging Face model directory as the architecture its {@code config.json} names, with its tokenizer. */
public final class Models {
  /** The {@code model_type}s this recorder runs (llama, qwen2 and gemma2 also from GGUF files). */
  public static final String SUPPORTED = "gpt2, llama (and mistral), qwen2, gpt_neox, gemma2";

  private Models() {}

  /**
   * Opens {@code directory}. An unsupported {@code model_type}, a missing or malformed file, a missing tensor
   * or one whose shape disagrees with config.json is an {@link InvalidInputException} that names it.
   */
  public static Model load(Path directory) {
    if (Files.isRegularFile(directory)) return Gguf.decoder(directory).decoder(); // a GGUF file: its blocks, as llama.cpp stores them
    if (!Files.isDirectory(directory)) {
      throw new InvalidInputException(directory.toString(), (Files.exists(directory) ? "is not a directory" : "not found")
          + "; give a Hugging Face model directory holding config.json and model.safetensors, or a GGUF file");
    }
    Path file = directory.resolve("config.json");
    String type = modelType(file);
    return switch (type) {
      case "gpt2" -> Gpt2.load(directory);
      case "llama", "mistral", "qwen2" -> Llama.load(directory, DecoderConfig.read(file, type));
      case "gpt_neox" -> NeoX.load(directory, DecoderConfig.read(file, type));
      case "gemma2" -> Gemma2.load(directory, DecoderConfig.read(file, type));
      default -> throw new InvalidInputException(file.toString(), "field 'model_type' is '" + type + "'; supported: " + SUPPORTED);
    };
  }

  /**
   * The tokenizer recordings of {@code model} use: GPT-2's BPE for GPT-2 (jtokkit, as OpenAI's records were
   * made), else the directory's {@code tokenizer.json}.
   */
  public static Tokenizer tokenizer(Model model) {
    if (model instanceof Gpt2) return new Gpt2Tokenizer();
    if (Files.isRegularFile(model.directory())) return Gguf.tokenizer(model.directory());
    return HfTokenizer.open(model.directory().resolve("tokenizer.json"));
  }

  static void checkBatch(int rows, int capacity, int length, int context) {
    if (rows > capacity) throw new IllegalArgumentException(rows + " tokens do not fit a pass for " + capacity);
    if (length > context) throw new IllegalArgumentException("sequences of " + length + " tokens exceed the context of " + context);
  }

  /** A tensor of a layer config.json does not have means the config belongs to another checkpoint. */
  static void checkLayers(Checkpoint c, int layers, String layerPattern, String field) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile("^(?:[a-z_]+\\.)?" + layerPattern);
    for (String name : c.names()) {
      java.util.regex.Matcher m = p.matcher(name);
      if (m.matches() && (m.group(1).length() > 6 || Integer.parseInt(m.group(1)) >= layers)) {
        throw new InvalidInputException(c.directory().toString(), "holds tensor '" + name + "' of layer " + m.group(1)
            + ", but config.json says " + field + " = " + layers + "; the config does not belong to these weights");
      }
    }
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
