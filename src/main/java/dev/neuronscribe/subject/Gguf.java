package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF file (llama.cpp's format, versions 2 and 3), memory-mapped: the header ({@code GGUF}, version, counts),
 * the metadata key-values, the tensor infos, then the tensor data from the next multiple of
 * {@code general.alignment} (32 when absent). Every count, length and offset is checked against the file before it
 * is used, so a truncated or corrupt file is one {@link InvalidInputException}. Tensors are F32, F16, BF16 or Q8_0;
 * GGUF lists dimensions innermost first, so a weight's {@code ne = [in, out]} is torch's {@code [out, in]}.
 *
 * <p>As a language model the file is read with llama.cpp's conventions: its tensor names ({@code blk.N.attn_q},
 * ...) stand for the Hugging Face ones, Llama's query and key rows come permuted into interleaved rotary pairs
 * (rotated as such, see {@link Ops#rope}), Gemma's norm weights hold {@code 1 + w}, Llama 3's frequency scaling
 * is the {@code rope_freqs} tensor, and an absent {@code output} tensor means the head is the embedding matrix.
 */
final class Gguf {
  private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final String[] TYPE_NAMES = new String[42];

  static {
    String[] names = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
        "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};
    System.arraycopy(names, 0, TYPE_NAMES, 0, names.length);
    TYPE_NAMES[34] = "TQ1_0";
    TYPE_NAMES[35] = "TQ2_0";
    TYPE_NAMES[39] = "MXFP4";
  }

  /** How the file's weights differ from transformers' (all false / empty for safetensors). */
  record Conventions(boolean interleavedRope, boolean normsHoldOnePlus, float[] ropeFactors, Map<String, String> ggufNames) {
    static final Conventions NONE = new Conventions(false, false, new float[0], Map.of());

    /** The name a user sees in the file (the GGUF name for a tensor looked up by its Hugging Face name). */
    String label(String name) {
      return ggufNames.getOrDefault(name, name);
    }

    /** Where the shapes come from, for messages. */
    String config() {
      return ggufNames.isEmpty() ? "config.json" : "the GGUF metadata";
    }
  }

  /** A parsed file: metadata values (Long, Double, Boolean, String or List of them) and tensors under their GGUF names. */
  record File(Path path, Map<String, Object> metadata, Map<String, Safetensors.Tensor> tensors, String digest) {
    String source() {
      return path.toString();
    }

    Optional<Object> get(String key) {
      return Optional.ofNullable(metadata.get(key));
    }

    long integer(String key) {
      Object v = metadata.get(key);
      if (v instanceof Long l) return l;
      throw new InvalidInputException(source(), v == null ? "metadata key '" + key + "' is missing; the file is not a complete llama.cpp model"
          : "metadata key '" + key + "' must be an integer, found " + v);
    }

    long integer(String key, long fallback) {
      return metadata.containsKey(key) ? integer(key) : fallback;
    }

    double number(String key, double fallback) {
      Object v = metadata.get(key);
      if (v == null) return fallback;
      if (v instanceof Number n) return n.doubleValue();
      throw new InvalidInputException(source(), "metadata key '" + key + "' must be a number, found " + v);
    }

    String string(String key) {
      Object v = metadata.get(key);
      if (v instanceof String s) return s;
      throw new InvalidInputException(source(), v == null ? "metadata key '" + key + "' is missing" : "metadata key '" + key + "' must be a string");
    }

    List<?> list(String key) {
      Object v = metadata.get(key);
      if (v instanceof List<?> l) return l;
      throw new InvalidInputException(source(), v == null ? "metadata key '" + key + "' is missing" : "metadata key '" + key + "' must be an array");
    }
  }

  private Gguf() {}

  /** Maps and parses {@code file} into {@code arena}. */
  static File read(Path file, Arena arena) {
    String source = file.toString();
    MemorySegment all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "not found");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    Cursor c = new Cursor(all, source);
    if (all.byteSize() < 4 || all.get(U32, 0) != MAGIC) {
      throw new InvalidInputException(source, "is not a GGUF file (it does not start with the bytes 'GGUF'); give a llama.cpp .gguf model or a Hugging Face directory");
    }
    c.pos = 4;
    long version = c.u32();
    if (version != 2 && version != 3) {
      throw new InvalidInputException(source, "is GGUF version " + version + "; supported: versions 2 and 3 (convert it again with a current llama.cpp)");
    }
    long tensorCount = c.u64(), kvCount = c.u64();
    if (tensorCount < 0 || kvCount < 0 || tensorCount > all.byteSize() || kvCount > all.byteSize()) {
      throw new InvalidInputException(source, "its header counts " + tensorCount + " tensors and " + kvCount + " metadata keys, more than the file can hold; it is corrupt");
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (long i = 0; i < kvCount; i++) {
      String key = c.string();
      metadata.put(key, c.value(c.u32(), key));
    }
    long alignment = metadata.get("general.alignment") instanceof Long a ? a : 32;
    if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
      throw new InvalidInputException(source, "metadata key 'general.alignment' is " + alignment + "; it must be a power of two");
    }
    record Info(String name, long[] ne, int type, long offset) {}
    List<Info> infos = new ArrayList<>();
    for (long i = 0; i < tensorCount; i++) {
      String name = c.string();
      long dims = c.u32();
      if (dims < 1 || dims > 4) throw new InvalidInputException(source, "tensor '" + name + "' has " + dims + " dimensions; GGUF allows 1 to 4, the file is corrupt");
      long[] ne = new long[(int) dims];
      for (int d = 0; d < dims; d++) {
        ne[d] = c.u64();
        if (ne[d] < 0 || ne[d] > all.byteSize() * 2) throw new InvalidInputException(source, "tensor '" + name + "' has a dimension of " + ne[d] + "; the file is corrupt");
      }
      infos.add(new Info(name, ne, (int) c.u32(), c.u64()));
    }
    long dataStart = (c.pos + alignment - 1) / alignment * alignment;
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    for (Info info : infos) {
      DType dtype = switch (info.type()) {
        case 0 -> DType.F32;
        case 1 -> DType.F16;
        case 30 -> DType.BF16;
        case 8 -> DType.Q8_0;
        default -> throw new InvalidInputException(source, "tensor '" + info.name() + "' is stored as " + typeName(info.type())
            + "; supported GGUF tensor types are F32, F16, BF16 and Q8_0 (convert or quantise the model to one of them, e.g. llama-quantize ... Q8_0)");
      };
      long elements = 1;
      for (long d : info.ne()) elements = Math.multiplyExact(elements, d);
      if (dtype == DType.Q8_0 && info.ne()[0] % Q8_0.BLOCK != 0) {
        throw new InvalidInputException(source, "tensor '" + info.name() + "' is Q8_0 with rows of " + info.ne()[0] + " weights, not a multiple of 32; the file is corrupt");
      }
      long bytes = dtype == DType.Q8_0 ? Q8_0.bytes(elements) : elements * dtype.bytes;
      long begin = dataStart + info.offset();
      if (info.offset() < 0 || begin + bytes > all.byteSize()) {
        throw new InvalidInputException(source, "tensor '" + info.name() + "' ends at byte " + (begin + bytes) + ", but the file has " + all.byteSize()
            + " bytes: the file is truncated (download it again)");
      }
      long[] shape = new long[info.ne().length];
      for (int d = 0; d < shape.length; d++) shape[d] = info.ne()[shape.length - 1 - d];
      tensors.put(info.name(), new Safetensors.Tensor(info.name(), dtype, shape, all.asSlice(begin, bytes)));
    }
    String digest;
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(all.asSlice(0, c.pos).asByteBuffer());
      sha.update(Long.toString(all.byteSize()).getBytes(StandardCharsets.UTF_8));
      digest = java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return new File(file, metadata, tensors, digest);
  }

  static String typeName(int type) {
    return type >= 0 && type < TYPE_NAMES.length && TYPE_NAMES[type] != null ? TYPE_NAMES[type] : "GGML type " + type;
  }

  /** Reads the header, every read checked against the file's end. */
  private static final class Cursor {
    final MemorySegment m;
    final String source;
    long pos;

    Cursor(MemorySegment m, String source) {
      this.m = m;
      this.source = source;
    }

    private void need(long n) {
      if (n < 0 || pos + n > m.byteSize()) {
        throw new InvalidInputException(source, "ends inside its header (reading " + n + " bytes at byte " + pos + " of " + m.byteSize()
            + "): the file is truncated or corrupt (download it again)");
      }
    }

    long u32() {
      need(4);
      long v = Integer.toUnsignedLong(m.get(U32, pos));
      pos += 4;
      return v;
    }

    long u64() {
      need(8);
      long v = m.get(U64, pos);
      pos += 8;
      return v;
    }

    String string() {
      long n = u64();
      need(n);
      String s = new String(m.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    Object value(long type, String key) {
      return switch ((int) type) {
        case 0 -> { need(1); yield (long) Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, pos++)); }
        case 1 -> { need(1); yield (long) m.get(ValueLayout.JAVA_BYTE, pos++); }
        case 2, 3 -> {
          need(2);
          short s = m.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), pos);
          pos += 2;
          yield type == 2 ? (long) Short.toUnsignedInt(s) : (long) s;
        }
        case 4 -> u32();
        case 5 -> (long) (int) u32();
        case 6 -> (double) Float.intBitsToFloat((int) u32());
        case 7 -> { need(1); yield m.get(ValueLayout.JAVA_BYTE, pos++) != 0; }
        case 8 -> string();
        case 9 -> {
          long elementType = u32(), n = u64();
          if (n < 0 || n > m.byteSize() - pos) throw new InvalidInputException(source, "metadata key '" + key + "' claims an array of " + n + " values; the file is corrupt");
          List<Object> list = new ArrayList<>((int) n);
          for (long i = 0; i < n; i++) list.add(value(elementType, key));
          yield list;
        }
        case 10, 11 -> u64();
        case 12 -> Double.longBitsToDouble(u64());
        default -> throw new InvalidInputException(source, "metadata key '" + key + "' has value type " + type + ", which GGUF does not define; the file is corrupt");
      };
    }
  }

  private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");

  /** llama.cpp's per-block tensor names → transformers' module names, by architecture. */
  private static String module(String arch, String gguf) {
    return switch (gguf) {
      case "attn_norm" -> "input_layernorm";
      case "attn_q" -> "self_attn.q_proj";
      case "attn_k" -> "self_attn.k_proj";
      case "attn_v" -> "self_attn.v_proj";
      case "attn_output" -> "self_attn.o_proj";
      case "ffn_gate" -> "mlp.gate_proj";
      case "ffn_up" -> "mlp.up_proj";
      case "ffn_down" -> "mlp.down_proj";
      case "ffn_norm" -> arch.equals("gemma2") ? "pre_feedforward_layernorm" : "post_attention_layernorm";
      case "post_attention_norm" -> "post_attention_layernorm";
      case "post_ffw_norm" -> "post_feedforward_layernorm";
      default -> null;
    };
  }

  /** A GGUF file's blocks (a {@link Model} the recorder runs, and the start of a language model) with what they were read from. */
  record Decoder(MappedDecoder decoder, File file, Checkpoint checkpoint) {}

  /** Maps {@code path} and builds its architecture's blocks; on failure nothing stays mapped. */
  static Decoder decoder(Path path) {
    Arena arena = Arena.ofShared();
    try {
      File f = read(path, arena);
      String arch = f.string("general.architecture");
      if (!arch.equals("llama") && !arch.equals("qwen2") && !arch.equals("gemma2")) {
        throw new InvalidInputException(f.source(), "metadata key 'general.architecture' is '" + arch + "'; supported: llama (and mistral), qwen2, gemma2");
      }
      Map<String, Safetensors.Tensor> named = new LinkedHashMap<>();
      Map<String, String> ggufNames = new LinkedHashMap<>();
      for (var e : f.tensors().entrySet()) {
        String g = e.getKey(), hf = switch (g) {
          case "token_embd.weight" -> "embed_tokens.weight";
          case "output_norm.weight" -> "norm.weight";
          case "output.weight" -> "lm_head.weight";
          default -> {
            Matcher m = BLOCK.matcher(g);
            String module = m.matches() ? module(arch, m.group(2)) : null;
            yield module == null ? null : "layers." + m.group(1) + "." + module + "." + m.group(3);
          }
        };
        if (hf != null) {
          named.put(hf, e.getValue());
          ggufNames.put(hf, g);
        }
      }
      DecoderConfig config = config(f, arch);
      Checkpoint checkpoint = Checkpoint.ofGguf(path, named, f.digest(),
          new Conventions(arch.equals("llama"), arch.equals("gemma2"), ropeFactors(f, arch, config), ggufNames));
      Models.checkLayers(checkpoint, config.layers(), "layers\\.(\\d+)\\..*", "block_count");
      MappedDecoder.Mapping mapping = new MappedDecoder.Mapping(path, config, arena, checkpoint);
      return new Decoder(arch.equals("gemma2") ? Gemma2.of(mapping) : Llama.of(mapping), f, checkpoint);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** The tokenizer of a GGUF file (see {@link GgufTokenizer}); the file is mapped only while it is built. */
  static HfTokenizer tokenizer(Path path) {
    try (Arena arena = Arena.ofConfined()) {
      return GgufTokenizer.open(read(path, arena));
    }
  }

  /** Opens a GGUF file as a language model. */
  static LanguageModel open(Path path) {
    Decoder d = decoder(path);
    HfTokenizer tokenizer = null;
    try {
      File f = d.file();
      Checkpoint checkpoint = d.checkpoint();
      tokenizer = GgufTokenizer.open(f);
      LanguageModel.Chat chat = chat(f, tokenizer);
      DecoderConfig config = d.decoder().config;
      int e = config.width(), vocab = config.vocabSize();
      Matrix head = checkpoint.find("lm_head.weight").isPresent() ? checkpoint.linear("lm_head.weight", vocab, e)
          : checkpoint.linear("embed_tokens.weight", vocab, e); // no output tensor: tied to the embeddings
      if (d.decoder() instanceof Gemma2 gemma) {
        return new DecoderLanguageModel(gemma, Gemma2.Weights.gain(checkpoint, "norm.weight", e), head,
            (float) f.number("gemma2.final_logit_softcapping", 0), tokenizer, chat);
      }
      return new DecoderLanguageModel((Llama) d.decoder(), checkpoint.vector("norm.weight", e), head, 0f, tokenizer, chat);
    } catch (RuntimeException e) {
      if (tokenizer != null) tokenizer.close();
      d.decoder().close();
      throw e;
    }
  }

  /** The decoder's shape from {@code ARCH.*} metadata (the vocabulary from the embedding's rows). */
  static DecoderConfig config(File f, String arch) {
    String p = arch + ".";
    int layers = positive(f, p + "block_count"), width = positive(f, p + "embedding_length"), heads = positive(f, p + "attention.head_count");
    int kvHeads = f.metadata().containsKey(p + "attention.head_count_kv") ? positive(f, p + "attention.head_count_kv") : heads;
    if (heads % kvHeads != 0) {
      throw new InvalidInputException(f.source(), "metadata: attention.head_count (" + heads + ") is not a multiple of attention.head_count_kv (" + kvHeads + ")");
    }
    int headDim = f.metadata().containsKey(p + "attention.key_length") ? positive(f, p + "attention.key_length") : width / heads;
    int rotary = f.metadata().containsKey(p + "rope.dimension_count") ? positive(f, p + "rope.dimension_count") : headDim;
    Safetensors.Tensor embd = f.tensors().get("token_embd.weight");
    if (embd == null) throw new InvalidInputException(f.source(), "has no tensor 'token_embd.weight'; the file is not a complete llama.cpp model");
    int vocab = (int) embd.shape()[0];
    Object scaling = f.metadata().get(p + "rope.scaling.type");
    if (scaling != null && !scaling.equals("none") && !scaling.equals("linear")) {
      throw new InvalidInputException(f.source(), "metadata key '" + p + "rope.scaling.type' is '" + scaling + "'; supported: none, linear, and Llama 3's rope_freqs tensor");
    }
    int[] window = new int[layers];
    float scale = (float) (1 / Math.sqrt(headDim)), softcap = 0;
    DecoderConfig.Activation act = DecoderConfig.Activation.SILU;
    if (arch.equals("gemma2")) {
      int sliding = (int) f.integer(p + "attention.sliding_window", 0);
      for (int l = 0; l < layers; l += 2) window[l] = sliding; // Gemma 2 alternates: even layers local
      softcap = (float) f.number(p + "attn_logit_softcapping", 0);
      act = DecoderConfig.Activation.GELU_TANH;
      // llama.cpp keeps no query_pre_attn_scalar: it scales by head_dim^-0.5, except for the 46-layer (27B) model's width / heads.
      if (layers == 46) scale = (float) (1 / Math.sqrt((double) width / heads));
    }
    return new DecoderConfig(arch, layers, width, heads, kvHeads, headDim, positive(f, p + "feed_forward_length"), positive(f, p + "context_length"), vocab,
        (float) f.number(p + "attention.layer_norm_rms_epsilon", 1e-5), rotary,
        new DecoderConfig.Rope(f.number(p + "rope.freq_base", 10000), 0, 0, 0, 0), act, window, scale, softcap, false);
  }

  /** Divisors of the rotary frequencies: Llama 3's {@code rope_freqs} tensor, or a linear scaling factor; empty when neither. */
  private static float[] ropeFactors(File f, String arch, DecoderConfig c) {
    Safetensors.Tensor t = f.tensors().get("rope_freqs.weight");
    if (t != null) {
      if (t.elements() != c.rotaryDim() / 2) {
        throw new InvalidInputException(f.source(), "tensor 'rope_freqs.weight' has " + t.elements() + " values, but the rotary dimension " + c.rotaryDim() + " needs " + c.rotaryDim() / 2);
      }
      float[] v = new float[c.rotaryDim() / 2];
      t.copy(0, v, 0, v.length);
      return v;
    }
    if ("linear".equals(f.metadata().get(arch + ".rope.scaling.type"))) {
      float[] v = new float[c.rotaryDim() / 2];
      java.util.Arrays.fill(v, (float) f.number(arch + ".rope.scaling.factor", 1));
      return v;
    }
    return new float[0];
  }

  private static int positive(File f, String key) {
    long v = f.integer(key);
    if (v < 1 || v > Integer.MAX_VALUE) throw new InvalidInputException(f.source(), "metadata key '" + key + "' must be a whole number >= 1, found " + v);
    return (int) v;
  }

  /** The chat conventions from {@code tokenizer.*} metadata. */
  private static LanguageModel.Chat chat(File f, HfTokenizer tokenizer) {
    Map<String, String> templates = new LinkedHashMap<>();
    if (f.metadata().get("tokenizer.chat_template") instanceof String s) templates.put("default", s);
    if (f.metadata().get("tokenizer.chat_templates") instanceof List<?> names) {
      for (Object n : names) {
        if (f.metadata().get("tokenizer.chat_template." + n) instanceof String s) templates.put(n.toString(), s);
      }
    }
    List<?> tokens = f.metadata().get("tokenizer.ggml.tokens") instanceof List<?> l ? l : List.of();
    OptionalInt bosId = id(f, "tokenizer.ggml.bos_token_id", tokens.size());
    OptionalInt eosId = id(f, "tokenizer.ggml.eos_token_id", tokens.size());
    Set<Integer> endOfTurn = new LinkedHashSet<>();
    for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
      id(f, key, tokens.size()).ifPresent(endOfTurn::add);
    }
    Optional<String> bos = bosId.isPresent() ? Optional.of(tokens.get(bosId.getAsInt()).toString()) : Optional.empty();
    Optional<String> eos = eosId.isPresent() ? Optional.of(tokens.get(eosId.getAsInt()).toString()) : Optional.empty();
    // llama.cpp's default when the key is absent: BOS for SentencePiece vocabularies, none for byte-level BPE.
    boolean addBos = f.metadata().get("tokenizer.ggml.add_bos_token") instanceof Boolean b ? b : "llama".equals(f.metadata().get("tokenizer.ggml.model"));
    Optional<String> template = Optional.ofNullable(templates.getOrDefault("default", templates.isEmpty() ? null : templates.values().iterator().next()));
    return new LanguageModel.Chat(template, Map.copyOf(templates), bos, eos, Set.copyOf(endOfTurn), bosId, addBos);
  }

  private static OptionalInt id(File f, String key, int vocab) {
    if (!f.metadata().containsKey(key)) return OptionalInt.empty();
    long v = f.integer(key);
    if (v < 0 || (vocab > 0 && v >= vocab)) throw new InvalidInputException(f.source(), "metadata key '" + key + "' is " + v + ", outside the vocabulary of " + vocab);
    return OptionalInt.of((int) v);
  }
}
