package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.prompts.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the batched prompts of the detection, fuzzing and intruder scorers and reads their answers
 * strictly. The instruction comes from the pack; the layout and the answer rules below are structure
 * (the parser depends on them), so they live here.
 */
final class ScorerPrompts {
  static final String MARK_OPEN = "<<";
  static final String MARK_CLOSE = ">>";

  // Our wording for the answer shapes the parser reads.
  static final String YES_NO_RULE = "Answer with one line per excerpt, in order: the excerpt's number, a colon, a space, "
      + "then 1 for yes or 0 for no (for example \"1: 0\"). Write nothing else.";
  static final String CHOICE_RULE = "Answer with the number of the odd one out and nothing else.";

  private ScorerPrompts() {}

  /** One request: the pack's instruction, then the explanation, the numbered excerpts and the answer rule. */
  static List<Message> batch(String instruction, String explanation, List<String> excerpts, String rule) {
    StringBuilder sb = new StringBuilder("Explanation: ").append(explanation.strip()).append("\n\nExcerpts:\n");
    for (int i = 0; i < excerpts.size(); i++) sb.append(i + 1).append(". ").append(excerpts.get(i)).append('\n');
    sb.append('\n').append(rule);
    return List.of(Message.system(instruction), Message.user(sb.toString()));
  }

  /** An excerpt on one line: newlines and tabs written as {@code \n} and {@code \t}. */
  static String text(ActivationRecord r) {
    return SimulatorPrompt.escape(r.text());
  }

  /** An excerpt on one line with the marked tokens wrapped in {@code <<…>>} (leading spaces stay outside). */
  static String marked(ActivationRecord r, boolean[] marks) {
    StringBuilder sb = new StringBuilder();
    for (int t = 0; t < r.size(); t++) {
      String tok = r.token(t);
      if (!marks[t]) {
        sb.append(tok);
        continue;
      }
      int start = 0;
      while (start < tok.length() && Character.isWhitespace(tok.charAt(start))) start++;
      if (start == tok.length()) start = 0; // a whitespace-only token is wrapped whole
      sb.append(tok, 0, start).append(MARK_OPEN).append(tok.substring(start)).append(MARK_CLOSE);
    }
    return SimulatorPrompt.escape(sb.toString());
  }

  /** A parsed answer, or why it could not be read. */
  sealed interface Answer<T> {
    record Read<T>(T value) implements Answer<T> {}

    record Unreadable<T>(String reason) implements Answer<T> {}
  }

  private static final Pattern YES_NO = Pattern.compile("(\\d+)\\s*:\\s*([01])");

  /** Exactly {@code n} lines {@code "i: 0|1"}, numbered 1..n in order; blank lines are ignored. */
  static Answer<boolean[]> yesNo(String answer, int n) {
    List<String> lines = new ArrayList<>();
    for (String line : answer.split("\n", -1)) if (!line.isBlank()) lines.add(line.strip());
    if (lines.size() != n) return new Answer.Unreadable<>("expected " + n + " answer lines, got " + lines.size() + ": " + clip(answer));
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      Matcher m = YES_NO.matcher(lines.get(i));
      if (!m.matches()) return new Answer.Unreadable<>("line " + (i + 1) + " reads \"" + clip(lines.get(i)) + "\", not \"" + (i + 1) + ": 0\" or \"" + (i + 1) + ": 1\"");
      if (Integer.parseInt(m.group(1)) != i + 1) {
        return new Answer.Unreadable<>("line " + (i + 1) + " answers excerpt " + m.group(1) + "; answers must come in order");
      }
      out[i] = m.group(2).equals("1");
    }
    return new Answer.Read<>(out);
  }

  private static final Pattern CHOICE = Pattern.compile("(\\d+)\\.?");

  /** One number from 1 to n, alone (a trailing period is allowed). */
  static Answer<Integer> choice(String answer, int n) {
    Matcher m = CHOICE.matcher(answer.strip());
    if (!m.matches()) return new Answer.Unreadable<>("expected one number from 1 to " + n + ", got \"" + clip(answer) + "\"");
    int k = Integer.parseInt(m.group(1));
    if (k < 1 || k > n) return new Answer.Unreadable<>("answered " + k + ", but there were " + n + " excerpts");
    return new Answer.Read<>(k);
  }

  static Optional<String> noExplanation(String explanation) {
    return explanation.isBlank() ? Optional.of("the explanation is empty") : Optional.empty();
  }

  private static String clip(String s) {
    String one = s.strip().replace("\n", "\\n");
    return one.length() <= 80 ? one : one.substring(0, 77) + "...";
  }
}
