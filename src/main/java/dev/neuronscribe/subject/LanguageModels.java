package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a causal language model: a Hugging Face directory (safetensors, one file or shards) or a GGUF file. */
public final class LanguageModels {
  /** What {@link #open} runs. */
  public static final String SUPPORTED = "llama (and mistral), qwen2 and gemma2, as a Hugging Face directory (config.json, "
      + "safetensors, tokenizer.json, tokenizer_config.json) or a GGUF file (F32, F16, BF16, Q8_0)";

  private LanguageModels() {}

  /**
   * Opens {@code path}, mapping its weights. A missing or malformed file, an unsupported architecture or weight
   * type is an {@link InvalidInputException} naming the file and what to do.
   */
  public static LanguageModel open(Path path) {
    if (Files.isRegularFile(path)) return Gguf.open(path);
    if (!Files.isDirectory(path)) {
      throw new InvalidInputException(path.toString(), "not found; give a Hugging Face model directory or a .gguf file");
    }
    Path file = path.resolve("config.json");
    String type = Models.modelType(file);
    HfTokenizer tokenizer = HfTokenizer.open(path.resolve("tokenizer.json"));
    try {
      LanguageModel.Chat chat = ChatFiles.read(path, tokenizer);
      return switch (type) {
        case "llama", "mistral", "qwen2" -> complete(Llama.load(path, DecoderConfig.read(file, type)), file, tokenizer, chat, false);
        case "gemma2" -> complete(Gemma2.load(path, DecoderConfig.read(file, type)), file, tokenizer, chat, true);
        default -> throw new InvalidInputException(file.toString(), "field 'model_type' is '" + type + "'; a local LLM runs " + SUPPORTED);
      };
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** The final norm and head read from the checkpoint ({@code lm_head.weight}, or the embeddings when tied). */
  private static <D extends MappedDecoder & CausalBlocks> LanguageModel complete(D decoder, Path file, Tokenizer tokenizer, LanguageModel.Chat chat,
      boolean gemma) {
    try {
      DecoderConfig c = decoder.config;
      JsonNode root = Models.readConfig(file);
      boolean tied = root.path("tie_word_embeddings").asBoolean(gemma);
      Checkpoint ck = decoder.checkpoint;
      float[] norm = gemma ? Gemma2.Weights.gain(ck, "norm.weight", c.width()) : ck.vector("norm.weight", c.width());
      Matrix head = tied ? ck.linear("embed_tokens.weight", c.vocabSize(), c.width()) : ck.linear("lm_head.weight", c.vocabSize(), c.width());
      JsonNode cap = root.get("final_logit_softcapping");
      float softcap = gemma && cap != null && cap.isNumber() ? cap.floatValue() : 0f;
      return new DecoderLanguageModel(decoder, norm, head, softcap, tokenizer, chat);
    } catch (RuntimeException e) {
      decoder.close();
      throw e;
    }
  }
}
