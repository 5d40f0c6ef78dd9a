package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.CompletionReply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the all-at-once simulator's predictions from an echoed prompt. After the last {@code <start>},
 * every {@code unknown} token that follows a token ending in a TAB is the slot of the next subject
 * token; the simulator tokens since the previous slot, concatenated as bytes ({@code bytes:\xNN}
 * tokens are UTF-8 fragments), must spell {@code "\n" + subjectToken + "\t"} — so a subject token the
 * simulator's tokenizer splits or merges differently still matches, and anything else is a recorded
 * mismatch, never a guess.
 */
final class EchoParser {
  private static final byte[] START = "<start>".getBytes(StandardCharsets.UTF_8);

  private EchoParser() {}

  static SimulationOutcome parse(CompletionReply.Logprobs lp, List<String> subjectTokens) {
    List<String> tokens = lp.tokens();
    int n = tokens.size();
    byte[][] bytes = new byte[n][];
    int[] begin = new int[n];
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      bytes[i] = tokenBytes(tokens.get(i));
      begin[i] = all.size();
      all.writeBytes(bytes[i]);
    }
    byte[] text = all.toByteArray();
    int start = lastIndexOf(text, START);
    if (start < 0) return new SimulationOutcome.Failed("the echoed prompt has no <start>");
    int from = start + START.length;

    double[] ev = new double[subjectTokens.size()];
    List<double[]> values = new ArrayList<>();
    List<double[]> probs = new ArrayList<>();
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    int j = 0;
    for (int i = 0; i < n && j < subjectTokens.size(); i++) {
      int end = begin[i] + bytes[i].length;
      if (end <= from) continue;
      boolean slot = tokens.get(i).equals(SimulatorPrompt.UNKNOWN) && i > 0 && endsWithTab(bytes[i - 1]) && begin[i] >= from;
      if (!slot) {
        int skip = Math.max(0, from - begin[i]);
        pending.write(bytes[i], skip, bytes[i].length - skip);
        continue;
      }
      String echoed = pending.toString(StandardCharsets.UTF_8);
      String expected = "\n" + subjectTokens.get(j) + "\t";
      if (!echoed.equals(expected)) {
        return new SimulationOutcome.Failed("echoed tokens do not match subject token " + j + ": expected "
            + quote(expected) + ", the simulator's tokens spell " + quote(echoed));
      }
      Optional<String> bad = Distribution.problem(lp.topLogprobs().get(i));
      if (bad.isPresent()) return new SimulationOutcome.Failed("prediction for subject token " + j + " (" + quote(subjectTokens.get(j)) + "): " + bad.get());
      Distribution d = Distribution.fromTopLogprobs(lp.topLogprobs().get(i));
      ev[j] = d.expectedValue();
      values.add(d.values());
      probs.add(d.probabilities());
      pending.reset();
      j++;
    }
    if (j < subjectTokens.size()) {
      return new SimulationOutcome.Failed("the echoed prompt holds " + j + " predictions for " + subjectTokens.size() + " tokens");
    }
    return new SimulationOutcome.Simulated(new SequenceSimulation(subjectTokens, ev, values, probs));
  }

  /** A token's bytes: {@code bytes:\xNN\xNN} is raw UTF-8 fragments, anything else is text. */
  static byte[] tokenBytes(String token) {
    if (token.startsWith("bytes:")) {
      String rest = token.substring(6);
      if (rest.length() % 4 == 0 && rest.matches("(\\\\x[0-9a-fA-F]{2})+")) {
        byte[] out = new byte[rest.length() / 4];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(rest.substring(4 * i + 2, 4 * i + 4), 16);
        return out;
      }
    }
    return token.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean endsWithTab(byte[] b) {
    return b.length > 0 && b[b.length - 1] == '\t';
  }

  private static int lastIndexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      for (int k = 0; k < needle.length; k++) if (haystack[i + k] != needle[k]) continue outer;
      return i;
    }
    return -1;
  }

  private static String quote(String s) {
    String q = s.replace("\n", "\\n").replace("\t", "\\t");
    return "\"" + (q.length() > 80 ? q.substring(0, 80) + "…" : q) + "\"";
  }

  static String describe(byte[] b) {
    return Arrays.toString(b);
  }
}
