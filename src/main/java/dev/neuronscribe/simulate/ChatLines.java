package dev.neuronscribe.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * Strict reading of a chat simulator's answer: between {@code <start>} and {@code <end>} (both optional),
 * one {@code token<TAB>integer} line per subject token, in order, each token as listed (escaped, compared
 * without surrounding whitespace, which models drop or add freely) and each integer 0–10.
 */
final class ChatLines {
  /** One parsed line: the written value and where its text starts in the answer. */
  record Line(int value, int valueOffset) {}

  sealed interface Result {}

  record Parsed(List<Line> lines) implements Result {}

  record Invalid(String reason) implements Result {}

  private ChatLines() {}

  static Result parse(String answer, List<String> tokens) {
    int from = answer.indexOf("<start>");
    from = from < 0 ? 0 : from + "<start>".length();
    int to = answer.indexOf("<end>", from);
    if (to < 0) to = answer.length();
    List<Line> out = new ArrayList<>();
    int pos = from;
    int j = 0;
    while (pos < to) {
      int eol = answer.indexOf('\n', pos);
      if (eol < 0 || eol > to) eol = to;
      String line = answer.substring(pos, eol);
      int lineStart = pos;
      pos = eol + 1;
      if (line.isBlank()) continue;
      int tab = line.lastIndexOf('\t');
      if (tab < 0) return new Invalid("line " + (j + 1) + " has no TAB: \"" + clip(line) + "\"");
      if (j >= tokens.size()) return new Invalid("more lines than the " + tokens.size() + " tokens");
      String token = line.substring(0, tab).strip();
      String expected = SimulatorPrompt.escape(tokens.get(j)).strip();
      if (!token.equals(expected)) {
        return new Invalid("line " + (j + 1) + " is for token \"" + clip(token) + "\" but token " + (j + 1) + " is \"" + clip(expected) + "\"");
      }
      String raw = line.substring(tab + 1);
      String number = raw.strip();
      int value;
      try {
        value = Integer.parseInt(number);
      } catch (NumberFormatException e) {
        return new Invalid("line " + (j + 1) + " gives \"" + clip(number) + "\", not a whole number 0–10");
      }
      if (value < 0 || value > 10) return new Invalid("line " + (j + 1) + " gives " + value + ", outside 0–10");
      int leading = raw.indexOf(number);
      out.add(new Line(value, lineStart + tab + 1 + leading));
      j++;
    }
    if (j < tokens.size()) return new Invalid("the answer has " + j + " lines for " + tokens.size() + " tokens");
    return new Parsed(out);
  }

  private static String clip(String s) {
    String q = s.replace("\n", "\\n").replace("\t", "\\t");
    return q.length() > 60 ? q.substring(0, 60) + "…" : q;
  }
}
