package dev.neuronscribe.local;

import dev.neuronscribe.subject.Tokenizer;
import java.nio.charset.StandardCharsets;

/**
 * Token ids as the OpenAI protocol shows them: a generation's text, and each token's own text so that the
 * tokens of an echoed prompt, joined, spell the prompt (the all-at-once simulator lines its predictions up by
 * them). A token that is only part of a UTF-8 character shows as {@code bytes:\xNN}, as OpenAI writes it.
 */
final class TokenTexts {
  private final Tokenizer tokenizer;
  private final int vocabSize;

  TokenTexts(Tokenizer tokenizer, int vocabSize) {
    this.tokenizer = tokenizer;
    this.vocabSize = vocabSize;
  }

  /** The text of a sequence of generated tokens. */
  String decode(int[] ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) b.append(token(id));
    return b.toString();
  }

  /** One token's text; an id past the tokenizer's vocabulary (padding rows of the output matrix) has none. */
  String token(int id) {
    if (id < 0 || id >= tokenizer.vocabularySize()) return "";
    return tokenizer.token(id);
  }

  /** Each token's text in the context of the tokens before it. */
  String[] each(int[] ids) {
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = token(ids[i]);
    return out;
  }

  /** A token's UTF-8 bytes (for chat log-probabilities' {@code bytes}). */
  byte[] bytes(int id) {
    String t = token(id);
    return t.startsWith("bytes:") ? rawBytes(t) : t.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] rawBytes(String t) {
    String hex = t.substring(6).replace("\\x", "");
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    return out;
  }

  /** How many characters of the text a token's shown form stands for ({@code text_offset} counts them). */
  static int visibleLength(String shown) {
    return shown.startsWith("bytes:") ? 0 : shown.length();
  }

  int vocabSize() {
    return vocabSize;
  }
}
