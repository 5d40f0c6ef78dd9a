package dev.neuronscribe.prompts;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-neuron block of each format, character for character as the paper's code built it
 * ({@code docs/prompt-formats.md}). Works on the records it is given and returns text; nothing is
 * normalised in place.
 */
final class Blocks {
  private static final String START = "<start>";
  private static final String END = "<end>";
  private static final String HOT_HEADER = "Highly activating tokens:\n";

  private Blocks() {}

  /** {@code "\n\nNeuron k\nActivations:" + body + stem(k)}. */
  static String neuron(PromptFormat format, PromptPack pack, List<ActivationRecord> records, int k, double cutoff) {
    return "\n\nNeuron " + k + "\nActivations:" + body(format, pack, records, cutoff) + pack.stem(k);
  }

  static String body(PromptFormat format, PromptPack pack, List<ActivationRecord> records, double cutoff) {
    return switch (format) {
      case ORIGINAL -> original(records, pack.zerosFilteredHeader());
      case SUMMARY -> excerpts(records, (r, norms) -> r.text(), (r, norms) -> hotTokens(r, cutoff));
      case HIGHLIGHT -> excerpts(records, (r, norms) -> highlighted(r, i -> r.activation(i) > cutoff), null);
      case HIGHLIGHT_SUMMARY -> excerpts(records, (r, norms) -> highlighted(r, i -> r.activation(i) > cutoff), (r, norms) -> hotTokens(r, cutoff));
      case AVHS -> excerpts(records, (r, norms) -> highlighted(r, i -> norms[i] > 0), Blocks::tokensWithNorms);
    };
  }

  // --- Original ---

  private static String original(List<ActivationRecord> records, String zerosFilteredHeader) {
    int[][] norms = normalize(records);
    StringBuilder sb = new StringBuilder();
    appendTokenLines(sb, records, norms, false);
    int total = 0;
    int nonZero = 0;
    for (int[] n : norms) {
      total += n.length;
      for (int v : n) if (v != 0) nonZero++;
    }
    // "fewer than 20% non-zero", in integers so that exactly 20% is never repeated.
    if (5 * nonZero < total) {
      sb.append(zerosFilteredHeader);
      appendTokenLines(sb, records, norms, true);
    }
    return sb.toString();
  }

  private static void appendTokenLines(StringBuilder sb, List<ActivationRecord> records, int[][] norms, boolean nonZeroOnly) {
    sb.append('\n').append(START).append('\n');
    for (int r = 0; r < records.size(); r++) {
      if (r > 0) sb.append('\n').append(END).append('\n').append(START).append('\n');
      ActivationRecord record = records.get(r);
      boolean first = true;
      for (int i = 0; i < record.size(); i++) {
        if (nonZeroOnly && norms[r][i] == 0) continue;
        if (!first) sb.append('\n');
        sb.append(record.token(i)).append('\t').append(norms[r][i]);
        first = false;
      }
    }
    sb.append('\n').append(END).append('\n');
  }

  // --- the excerpt formats ---

  private interface Part {
    String render(ActivationRecord record, int[] norms);
  }

  private interface Hot {
    boolean test(int tokenIndex);
  }

  /** {@code "\n"}, then per excerpt its lettered text and, when {@code list} is given, its hot-token list. */
  private static String excerpts(List<ActivationRecord> records, Part text, Part list) {
    checkLetters(records.size());
    int[][] norms = normalize(records);
    StringBuilder sb = new StringBuilder("\n");
    for (int r = 0; r < records.size(); r++) {
      ActivationRecord record = records.get(r);
      sb.append("\n Text excerpt - ").append((char) ('A' + r)).append(":\n").append(START)
          .append(text.render(record, norms[r])).append(END).append(" \n");
      if (list != null) sb.append('\n').append(HOT_HEADER).append(list.render(record, norms[r])).append('\n');
    }
    return sb.toString();
  }

  private static String highlighted(ActivationRecord record, Hot hot) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < record.size(); i++) {
      if (hot.test(i)) sb.append('[').append(record.token(i)).append(']');
      else sb.append(record.token(i));
    }
    return sb.toString();
  }

  /** Hot tokens in text order, duplicates kept, joined by a bare comma (tokens keep their spaces). */
  private static String hotTokens(ActivationRecord record, double cutoff) {
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < record.size(); i++) if (record.activation(i) > cutoff) hot.add(record.token(i));
    return String.join(",", hot);
  }

  private static String tokensWithNorms(ActivationRecord record, int[] norms) {
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < record.size(); i++) if (norms[i] > 0) hot.add(record.token(i) + "\t" + norms[i]);
    return String.join(",", hot);
  }

  // --- shared ---

  /**
   * Activations on the 0–10 scale of this block: {@code min(10, floor(10 * max(0, x) / M))} with M the
   * block's largest positive activation; all 0 when nothing is positive.
   */
  static int[][] normalize(List<ActivationRecord> records) {
    double max = 0;
    for (ActivationRecord r : records) {
      for (int i = 0; i < r.size(); i++) max = Math.max(max, Math.max(0, r.activation(i)));
    }
    int[][] out = new int[records.size()][];
    for (int r = 0; r < records.size(); r++) {
      ActivationRecord record = records.get(r);
      out[r] = new int[record.size()];
      if (max <= 0) continue;
      for (int i = 0; i < record.size(); i++) {
        out[r][i] = (int) Math.min(10, Math.floor(10 * Math.max(0, record.activation(i)) / max));
      }
    }
    return out;
  }

  static void checkLetters(int excerpts) {
    if (excerpts > PackRules.MAX_EXCERPTS) {
      throw new IllegalArgumentException("a prompt can show at most " + PackRules.MAX_EXCERPTS
          + " excerpts (they are lettered A–Z), got " + excerpts);
    }
  }
}
