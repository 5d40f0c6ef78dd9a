package dev.neuronscribe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.subject.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Token ids as the OpenAI protocol shows them: a generation's text (the tokens decoded together), and each
 * token's own text, so that an echoed prompt's tokens, joined, spell the prompt (the all-at-once simulator lines
 * its predictions up by them). A token that is only part of a UTF-8 character has no text of its own: it shows as
 * {@code bytes:\xNN}, as OpenAI writes it, which also keeps apart the many byte tokens that would all read "�".
 * Their bytes come from the vocabulary in {@code tokenizer.json} (byte-level BPE pieces, or SentencePiece's
 * {@code <0xNN>} byte fallback).
 */
final class TokenTexts {
  private final Tokenizer tokenizer;
  private final int vocabSize;
  private final byte[][] raw;

  TokenTexts(Tokenizer tokenizer, int vocabSize, Optional<Path> tokenizerJson) {
    this.tokenizer = tokenizer;
    this.vocabSize = vocabSize;
    this.raw = tokenizerJson.flatMap(TokenTexts::rawBytes).orElse(null);
  }

  /** The text of a sequence of generated tokens. */
  String decode(int[] ids) {
    int n = 0;
    int[] kept = new int[ids.length];
    for (int id : ids) if (id >= 0 && id < tokenizer.vocabularySize()) kept[n++] = id;
    return tokenizer.decode(java.util.Arrays.copyOf(kept, n));
  }

  /**
   * One token as the protocol shows it. An id past the tokenizer's vocabulary (a padding row of the head, which an
   * untrained or random model may still rank high) has no text: it shows as {@code <pad:ID>}, with no bytes, so that
   * such ids stay apart among the alternatives.
   */
  String token(int id) {
    if (id < 0 || id >= tokenizer.vocabularySize()) return "<pad:" + id + ">";
    String text = tokenizer.token(id);
    if (text.indexOf('\uFFFD') < 0 || raw == null || id >= raw.length || raw[id] == null) return text;
    byte[] b = raw[id];
    if (validUtf8(b)) return new String(b, StandardCharsets.UTF_8);
    StringBuilder s = new StringBuilder("bytes:");
    for (byte x : b) s.append(String.format("\\x%02x", x & 0xff));
    return s.toString();
  }

  /** Each token of a sequence as {@link #token} shows it. */
  String[] each(int[] ids) {
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = token(ids[i]);
    return out;
  }

  /** A token's UTF-8 bytes (for chat log-probabilities' {@code bytes}). */
  byte[] bytes(int id) {
    if (id < 0 || id >= tokenizer.vocabularySize()) return new byte[0];
    String t = token(id);
    if (t.startsWith("bytes:") && raw != null && id < raw.length && raw[id] != null) return raw[id].clone();
    return t.getBytes(StandardCharsets.UTF_8);
  }

  /** How many characters of the text a token's shown form stands for ({@code text_offset} counts them). */
  static int visibleLength(String shown) {
    return shown.startsWith("bytes:") || shown.startsWith("<pad:") ? 0 : shown.length();
  }

  int vocabSize() {
    return vocabSize;
  }

  private static boolean validUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  // Each id's bytes from the vocabulary: a byte-level BPE piece maps its characters back through GPT-2's
  // byte-to-character table; a SentencePiece piece is UTF-8 with '▁' for a space, or <0xNN> for one raw byte.
  private static Optional<byte[][]> rawBytes(Path file) {
    if (!Files.isRegularFile(file)) return Optional.empty();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      return Optional.empty(); // the tokenizer itself already read this file; without it, partial tokens show as text
    }
    JsonNode vocab = root.path("model").path("vocab");
    boolean byteLevel = root.path("decoder").path("type").asText().equals("ByteLevel")
        || root.path("pre_tokenizer").toString().contains("\"ByteLevel\"");
    int size = 0;
    if (vocab.isObject()) for (JsonNode id : vocab) size = Math.max(size, id.asInt() + 1);
    else if (vocab.isArray()) size = vocab.size();
    byte[][] out = new byte[size][];
    int[] unbyte = byteLevel ? inverseByteTable() : null;
    if (vocab.isObject()) {
      for (var it = vocab.properties().iterator(); it.hasNext(); ) {
        var e = it.next();
        out[e.getValue().asInt()] = pieceBytes(e.getKey(), unbyte);
      }
    } else if (vocab.isArray()) {
      for (int i = 0; i < vocab.size(); i++) out[i] = pieceBytes(vocab.get(i).path(0).asText(), unbyte);
    }
    return Optional.of(out);
  }

  private static byte[] pieceBytes(String piece, int[] unbyte) {
    if (unbyte != null) {
      byte[] b = new byte[piece.length()];
      for (int i = 0; i < piece.length(); i++) {
        char c = piece.charAt(i);
        if (c >= unbyte.length || unbyte[c] < 0) return piece.getBytes(StandardCharsets.UTF_8);
        b[i] = (byte) unbyte[c];
      }
      return b;
    }
    if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
      try {
        return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
      } catch (NumberFormatException e) {
        // an ordinary piece that happens to look like one
      }
    }
    return piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
  }

  // GPT-2's table: printable Latin-1 bytes stand for themselves, the other 68 take the characters from U+0100 on.
  private static int[] inverseByteTable() {
    int[] inverse = new int[512];
    java.util.Arrays.fill(inverse, -1);
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      inverse[printable ? b : 256 + next++] = b;
    }
    return inverse;
  }
}
