package dev.neuronscribe.local;

import dev.neuronscribe.subject.Tokenizer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Token ids as the OpenAI protocol shows them: a generation's text (the tokens decoded together), and each
 * token's own text, so that an echoed prompt's tokens, joined, spell the prompt (the all-at-once simulator lines
 * its predictions up by them). A token that is only part of a UTF-8 character has no text of its own: it shows as
 * {@code bytes:\xNN}, as OpenAI writes it, which also keeps apart the many byte tokens that would all read "�".
 * Their bytes come from the tokenizer ({@link Tokenizer#bytes}: byte-level BPE pieces, or SentencePiece's
 * {@code <0xNN>} byte fallback), so a Hugging Face directory and a GGUF file's own vocabulary label them alike.
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
    if (text.indexOf('\uFFFD') < 0) return text;
    byte[] b = tokenizer.bytes(id);
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
    if (t.startsWith("bytes:")) return tokenizer.bytes(id);
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
}
