package dev.neuronscribe.explain;

/**
 * Turns a model's completion of the explanation stem into the explanation: the first line only (the
 * paper asked for one sentence in at most 60 tokens, and models sometimes go on to invent the next
 * neuron), surrounding whitespace and quotes dropped, and the single trailing period removed that the
 * few-shot answers end with.
 */
public final class ExplanationCleanup {
  private ExplanationCleanup() {}

  public static String clean(String completion) {
    String s = completion.strip();
    int nl = s.indexOf('\n');
    if (nl >= 0) s = s.substring(0, nl).strip();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") && s.indexOf('"', 1) == s.length() - 1) {
      s = s.substring(1, s.length() - 1).strip();
    }
    if (s.endsWith(".") && !s.endsWith("..")) s = s.substring(0, s.length() - 1).strip();
    return s;
  }

  /**
   * Whether a cleaned explanation says nothing: empty, or only whitespace (no-break spaces included), zero-width
   * format characters and U+FFFD, which a local model's byte tokens decode to when it stops inside a character.
   * Such a reply is a failed explanation, not a sentence for the simulator to score.
   */
  public static boolean blank(String explanation) {
    return explanation.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFFFD'
        || Character.getType(c) == Character.FORMAT);
  }
}
