package dev.neuronscribe.llm;

import java.util.List;

/**
 * Turns texts into vectors whose cosine similarity reflects similarity of meaning. Implemented by the
 * embedded MiniLM model (offline) and by OpenAI-compatible {@code /v1/embeddings} endpoints.
 */
public interface EmbeddingModel {

  /** A stable name for reports and cache keys, e.g. {@code "all-minilm-l6-v2"} or {@code "text-embedding-ada-002"}. */
  String name();

  /**
   * One vector per text, in order.
   *
   * @throws IllegalArgumentException when a text is {@linkplain #blank(String) blank}: there is nothing in it
   *     to embed, and a made-up vector for it would give a plausible similarity to a missing text
   */
  List<float[]> embed(List<String> texts);

  default float[] embed(String text) {
    return embed(List.of(text)).getFirst();
  }

  /** Cosine similarity of two vectors of equal length (0 when either is all zeros). */
  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("vectors differ in length: " + a.length + " vs " + b.length);
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  /**
   * Whether a text has nothing visible in it: empty, or only whitespace, space separators, control and
   * format characters (a {@code "\n"} token, a puzzle's {@code "\x00"}, a zero-width space), and the other
   * characters a BERT tokenizer drops (unassigned, private-use, lone surrogates, U+FFFD, combining marks on
   * nothing). Such texts cannot be embedded (langchain4j's MiniLM refuses them, OpenAI's endpoint refuses
   * the empty string); callers that must embed a whitespace token name it in words first, and a blank
   * explanation is a missing one.
   */
  static boolean blank(String text) {
    return text.codePoints().allMatch(EmbeddingModel::invisible);
  }

  private static boolean invisible(int c) {
    if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0xFFFD) return true;
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE,
          Character.NON_SPACING_MARK -> true;
      default -> false;
    };
  }

  /** Refuses a list holding a {@linkplain #blank(String) blank} text, naming its index (as the caller numbered it). */
  static void requireNotBlank(List<String> texts) {
    for (int i = 0; i < texts.size(); i++) {
      if (blank(texts.get(i))) {
        throw new IllegalArgumentException("text " + i + " of " + texts.size() + " (\"" + visible(texts.get(i)) + "\") is blank: only whitespace or "
            + "control characters, nothing to embed; leave it out (a blank explanation is a missing one) or name it in words (\"newline\")");
      }
    }
  }

  /** A blank text made readable in a message: {@code "\x00"}, {@code "\n"}, spaces as they are. */
  private static String visible(String text) {
    StringBuilder sb = new StringBuilder();
    text.codePoints().forEach(c -> {
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case ' ' -> sb.append(' ');
        default -> sb.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
      }
    });
    return sb.toString();
  }
}
