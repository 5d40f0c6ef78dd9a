package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A Hugging Face {@code tokenizer.json} (byte-level BPE as in Llama 3, Qwen2 and Pythia; SentencePiece-style
 * BPE or Unigram as in Llama 2, Mistral and Gemma), run by the Rust tokenizers library through DJL's binding,
 * so that ids are exactly those transformers gives.
 *
 * <p>BOS follows the tokenizer's own post-processor: when encoding with special tokens puts one id before
 * the text's ids, that id is {@link #bos()}. A token's text is what the decoder makes of it after a plain
 * ASCII token, minus that token's own text: decoding it truly alone would let a SentencePiece decoder strip
 * its leading space ("▁the" would read "the"), and then the tokens of an excerpt would not spell its text.
 */
final class HfTokenizer implements Tokenizer, AutoCloseable {
  private final Path file;
  private final HuggingFaceTokenizer tokenizer;
  private final int vocabularySize;
  private final OptionalInt bos;
  private final String fingerprint;
  private final long[] anchor;
  private final String anchorText;
  private final AtomicReferenceArray<String> strings;
  private final Map<String, Integer> ids;
  private final Pieces pieces;

  private HfTokenizer(Path file, HuggingFaceTokenizer tokenizer, int vocabularySize, String fingerprint, Map<String, Integer> ids, Pieces pieces) {
    this.file = file;
    this.ids = ids;
    this.pieces = pieces;
    this.tokenizer = tokenizer;
    this.vocabularySize = vocabularySize;
    this.fingerprint = fingerprint;
    this.strings = new AtomicReferenceArray<>(vocabularySize);
    long[] plain = tokenizer.encode("a", false, false).getIds();
    long[] special = tokenizer.encode("a", true, false).getIds();
    boolean leading = special.length > plain.length && plain.length > 0 && special[0] != plain[0]
        && java.util.Arrays.equals(special, 1, 1 + plain.length, plain, 0, plain.length);
    this.bos = leading ? OptionalInt.of((int) special[0]) : OptionalInt.empty();
    this.anchor = plain;
    this.anchorText = tokenizer.decode(plain, false);
  }

  /** Reads {@code file}; one that is missing, not JSON or not a tokenizer the library accepts is an {@link InvalidInputException}. */
  public static HfTokenizer open(Path file) {
    String source = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "no such file; the model directory needs the tokenizer.json its model was trained with "
          + "(save it with AutoTokenizer.from_pretrained(...).save_pretrained(dir))");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    return fromJson(source, bytes);
  }

  /**
   * A tokenizer.json given as bytes ({@code source} names it in errors): one read from a file, or one built from a
   * GGUF file's vocabulary.
   */
  static HfTokenizer fromJson(String source, byte[] bytes) {
    Path file = Path.of(source);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(bytes);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new InvalidInputException(source, "is not valid JSON (" + why + "); it must be a Hugging Face tokenizers file (tokenizer.json)", e);
    }
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw new InvalidInputException(source, "has no 'model' object; it must be a Hugging Face tokenizers file (tokenizer.json), not tokenizer_config.json or a vocabulary");
    }
    HuggingFaceTokenizer t;
    try {
      // No truncation or padding: documents of any length are tokenised whole, and special tokens only when asked.
      t = HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(bytes), Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "maxLength", "-1"));
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(source, "cannot be read by the Hugging Face tokenizers library (" + e.getMessage()
          + "); supported: tokenizer.json files written by tokenizers / transformers", e);
    }
    try {
      int size = vocabularySize(root);
      return new HfTokenizer(file, t, size, sha256(bytes), tokenIds(root), Pieces.of(root, size));
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** Token text to id: the added (special) tokens and a BPE/WordPiece vocabulary object (a Unigram list too). */
  private static Map<String, Integer> tokenIds(JsonNode root) {
    Map<String, Integer> ids = new java.util.HashMap<>();
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (var it = vocab.fields(); it.hasNext(); ) {
        var e = it.next();
        ids.put(e.getKey(), e.getValue().asInt());
      }
    } else if (vocab.isArray()) {
      for (int i = 0; i < vocab.size(); i++) ids.put(vocab.get(i).path(0).asText(), i);
    }
    for (JsonNode added : root.path("added_tokens")) ids.put(added.path("content").asText(), added.path("id").asInt());
    return ids;
  }

  private static int vocabularySize(JsonNode root) {
    int max = -1;
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (JsonNode id : vocab) max = Math.max(max, id.asInt());
    } else if (vocab.isArray()) {
      max = vocab.size() - 1; // Unigram: [piece, score] pairs, the id is the position
    }
    for (JsonNode added : root.path("added_tokens")) max = Math.max(max, added.path("id").asInt());
    return max + 1;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
    return out;
  }

  @Override
  public String token(int id) {
    if (id < 0 || id >= vocabularySize) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + file);
    String s = strings.get(id);
    if (s == null) {
      long[] ids = java.util.Arrays.copyOf(anchor, anchor.length + 1);
      ids[anchor.length] = id;
      String both = tokenizer.decode(ids, false);
      s = both.startsWith(anchorText) ? both.substring(anchorText.length()) : tokenizer.decode(new long[] {id}, false);
      strings.set(id, s);
    }
    return s;
  }

  @Override
  public String decode(int[] ids) {
    long[] wide = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocabularySize) throw new IllegalArgumentException("token id " + ids[i] + " is outside the vocabulary of " + file);
      wide[i] = ids[i];
    }
    return tokenizer.decode(wide, false);
  }

  @Override
  public byte[] bytes(int id) {
    if (id < 0 || id >= vocabularySize) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + file);
    byte[] b = pieces.bytes(id);
    return b != null ? b : token(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The vocabulary's pieces as tokenizer.json writes them, for each token's raw bytes: a byte-level BPE piece spells
   * its bytes in GPT-2's byte-to-character alphabet; a SentencePiece byte-fallback piece is {@code <0xNN>}; an added
   * (special) token is its content as written.
   */
  private static final class Pieces {
    private final String[] byId;
    private final boolean[] added;
    private final boolean byteLevel;
    private final boolean byteFallback;

    private Pieces(String[] byId, boolean[] added, boolean byteLevel, boolean byteFallback) {
      this.byId = byId;
      this.added = added;
      this.byteLevel = byteLevel;
      this.byteFallback = byteFallback;
    }

    // GPT-2's alphabet: printable Latin-1 bytes stand for themselves, the other 68 take the characters from U+0100 on.
    private static final int[] UNBYTE = new int[324];

    static {
      java.util.Arrays.fill(UNBYTE, -1);
      int next = 0;
      for (int b = 0; b < 256; b++) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        UNBYTE[printable ? b : 256 + next++] = b;
      }
    }

    static Pieces of(JsonNode root, int size) {
      String[] byId = new String[size];
      boolean[] added = new boolean[size];
      JsonNode vocab = root.path("model").path("vocab");
      if (vocab.isObject()) {
        for (var it = vocab.properties().iterator(); it.hasNext(); ) {
          var e = it.next();
          int id = e.getValue().asInt();
          if (id >= 0 && id < size) byId[id] = e.getKey();
        }
      } else if (vocab.isArray()) {
        for (int i = 0; i < vocab.size() && i < size; i++) byId[i] = vocab.get(i).path(0).asText();
      }
      for (JsonNode a : root.path("added_tokens")) {
        int id = a.path("id").asInt(-1);
        if (id >= 0 && id < size) {
          byId[id] = a.path("content").asText();
          added[id] = true;
        }
      }
      boolean byteLevel = root.path("decoder").toString().contains("\"ByteLevel\"") || root.path("pre_tokenizer").toString().contains("\"ByteLevel\"");
      boolean byteFallback = root.path("model").path("byte_fallback").asBoolean(false) || root.path("decoder").toString().contains("\"ByteFallback\"");
      return new Pieces(byId, added, byteLevel, byteFallback);
    }

    /** The raw bytes of a piece, or null where the piece's decoded text says it better (a SentencePiece word). */
    byte[] bytes(int id) {
      String piece = byId[id];
      if (piece == null) return null;
      if (added[id]) return piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (byteLevel) {
        byte[] b = new byte[piece.length()];
        for (int i = 0; i < piece.length(); i++) {
          char c = piece.charAt(i);
          if (c >= UNBYTE.length || UNBYTE[c] < 0) return null; // not in the alphabet: not a byte-level piece after all
          b[i] = (byte) UNBYTE[c];
        }
        return b;
      }
      if (byteFallback && piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
        try {
          return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
        } catch (NumberFormatException e) {
          return null; // an ordinary piece that only looks like a byte
        }
      }
      return null;
    }
  }

  /** The id of a token given by its text (a special token such as {@code <|im_end|>}), if the vocabulary has it. */
  OptionalInt id(String token) {
    Integer id = ids.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public OptionalInt bos() {
    return bos;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public String fingerprint() {
    return "tokenizer.json " + fingerprint;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
