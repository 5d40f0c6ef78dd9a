package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A GGUF file's tokenizer. A byte-level BPE vocabulary ({@code tokenizer.ggml.model = "gpt2"}: tokens, token types,
 * merges) is rebuilt as the Hugging Face tokenizer.json it was converted from, with the pre-tokenizer that
 * {@code tokenizer.ggml.pre} names (GPT-2's, Llama 3's or Qwen2's split; BOS is the chat's business, see
 * {@link LanguageModel.Chat#addBos}); other vocabularies (SentencePiece's
 * {@code "llama"}, ...) or pre-tokenizers cannot be rebuilt exactly from the metadata, so the model's own
 * tokenizer.json must sit beside the file.
 */
final class GgufTokenizer {
  // The split patterns of Llama 3's and Qwen2's tokenizers (facts of those tokenizers; they differ in digits: 1-3 vs 1).
  static final String LLAMA3_SPLIT =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  static final String QWEN2_SPLIT =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  static final String PRE_SUPPORTED = "gpt-2 (GPT-2's split), llama-bpe / llama3 (Llama 3's), qwen2";

  private static final int CONTROL = 3, USER_DEFINED = 4;

  private GgufTokenizer() {}

  static HfTokenizer open(Gguf.File f) {
    Path beside = f.path().resolveSibling("tokenizer.json");
    String model = f.metadata().get("tokenizer.ggml.model") instanceof String s ? s : "(none)";
    String pre = f.metadata().get("tokenizer.ggml.pre") instanceof String s ? s : "(none)";
    boolean rebuildable = model.equals("gpt2") && preTokenizer(pre, new ObjectMapper()) != null;
    if (!rebuildable) {
      if (Files.exists(beside)) return HfTokenizer.open(beside);
      String why = model.equals("gpt2") ? "tokenizer.ggml.pre is '" + pre + "', a pre-tokenizer NeuronScribe cannot rebuild (it rebuilds " + PRE_SUPPORTED + ")"
          : "tokenizer.ggml.model is '" + model + "'" + (model.equals("llama") ? " (a SentencePiece vocabulary)" : "")
          + ", which NeuronScribe cannot rebuild exactly from GGUF metadata (it rebuilds byte-level BPE, 'gpt2')";
      throw new InvalidInputException(f.source(), why + "; put the model's tokenizer.json (from its Hugging Face repository) beside the .gguf as " + beside);
    }
    return HfTokenizer.fromJson(f.source() + " (tokenizer.ggml.*)", json(f, pre));
  }

  /** tokenizer.json's bytes for a byte-level BPE vocabulary. */
  static byte[] json(Gguf.File f, String pre) {
    ObjectMapper json = new ObjectMapper();
    List<?> tokens = f.list("tokenizer.ggml.tokens");
    List<?> types = f.metadata().get("tokenizer.ggml.token_type") instanceof List<?> l ? l : List.of();
    List<?> merges = f.metadata().get("tokenizer.ggml.merges") instanceof List<?> l ? l : List.of();
    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode vocab = json.createObjectNode();
    for (int id = 0; id < tokens.size(); id++) {
      String token = tokens.get(id).toString();
      int type = id < types.size() && types.get(id) instanceof Long t ? t.intValue() : 1;
      if (type == CONTROL || type == USER_DEFINED) {
        added.addObject().put("id", id).put("content", token).put("single_word", false).put("lstrip", false).put("rstrip", false)
            .put("normalized", type == USER_DEFINED).put("special", type == CONTROL);
      }
      if (!vocab.has(token)) vocab.put(token, id);
    }
    if (pre.equals("qwen2")) root.putObject("normalizer").put("type", "NFC");
    else root.putNull("normalizer");
    root.set("pre_tokenizer", preTokenizer(pre, json));
    root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false).put("use_regex", true);
    root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE").putNull("dropout");
    bpe.putNull("unk_token").putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
    bpe.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", isLlama3(pre));
    bpe.set("vocab", vocab);
    ArrayNode m = bpe.putArray("merges");
    for (Object merge : merges) m.add(merge.toString());
    try {
      return json.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isLlama3(String pre) {
    return pre.equals("llama-bpe") || pre.equals("llama3") || pre.equals("llama-v3");
  }

  /** The pre-tokenizer {@code pre} names, or null when it is not one rebuilt here. */
  private static ObjectNode preTokenizer(String pre, ObjectMapper json) {
    String split = isLlama3(pre) ? LLAMA3_SPLIT : pre.equals("qwen2") ? QWEN2_SPLIT : null;
    if (split == null) {
      if (!pre.equals("gpt-2") && !pre.equals("gpt2")) return null; // llama.cpp's "default" is a split of its own
      return json.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
    }
    ObjectNode seq = json.createObjectNode().put("type", "Sequence");
    ArrayNode list = seq.putArray("pretokenizers");
    ObjectNode s = list.addObject().put("type", "Split");
    s.putObject("pattern").put("Regex", split);
    s.put("behavior", "Isolated").put("invert", false);
    list.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", false);
    return seq;
  }
}
