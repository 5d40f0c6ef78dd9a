package dev.neuronscribe.prompts;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A second, deliberately plain reading of docs/prompt-formats.md (the team spec), sentence by sentence,
 * written without looking at {@link Blocks}. Tests compare the two on real data.
 */
final class SpecPrompts {
  private SpecPrompts() {}

  /** Messages: system, then (user, assistant) per few-shot example i = 1..n, then the target user with k = n + 1. */
  static List<List<String>> messages(PromptFormat format, PromptPack pack, List<ActivationRecord> target, double cutoff) {
    List<List<String>> out = new ArrayList<>();
    out.add(List.of("system", pack.system(format)));
    int n = pack.fewShot().size();
    for (int i = 1; i <= n; i++) {
      FewShotExample ex = pack.fewShot().get(i - 1);
      out.add(List.of("user", perNeuronBlock(format, pack, ex.records(), i, pack.fewShotCutoff())));
      out.add(List.of("assistant", " " + ex.explanation() + "."));
    }
    out.add(List.of("user", perNeuronBlock(format, pack, target, n + 1, cutoff)));
    return out;
  }

  static String perNeuronBlock(PromptFormat format, PromptPack pack, List<ActivationRecord> records, int k, double cutoff) {
    String body = switch (format) {
      case ORIGINAL -> original(records, pack.zerosFilteredHeader());
      case SUMMARY -> summary(records, cutoff);
      case HIGHLIGHT -> highlight(records, cutoff);
      case HIGHLIGHT_SUMMARY -> highlightSummary(records, cutoff);
      case AVHS -> avhs(records);
    };
    return "\n\nNeuron " + k + "\nActivations:" + body + pack.explanationStem().replace("{k}", String.valueOf(k));
  }

  /** M = max over all tokens of all records of max(0, x); norm = min(10, floor(10 * max(0, x) / M)); M <= 0: 0. */
  static int norm(double x, double m) {
    if (m <= 0) return 0;
    return (int) Math.min(10.0, Math.floor(10 * Math.max(0.0, x) / m));
  }

  static double blockMax(List<ActivationRecord> records) {
    return records.stream().flatMapToDouble(r -> IntStream.range(0, r.size()).mapToDouble(r::activation))
        .map(x -> Math.max(0.0, x)).max().orElse(0.0);
  }

  static String original(List<ActivationRecord> records, String header) {
    double m = blockMax(records);
    List<String> all = new ArrayList<>();
    List<String> nonZero = new ArrayList<>();
    long total = 0;
    long nonZeroCount = 0;
    for (ActivationRecord r : records) {
      List<String> lines = new ArrayList<>();
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        String line = r.token(i) + "\t" + norm(r.activation(i), m);
        lines.add(line);
        total++;
        if (norm(r.activation(i), m) != 0) {
          kept.add(line);
          nonZeroCount++;
        }
      }
      all.add(String.join("\n", lines));
      nonZero.add(String.join("\n", kept));
    }
    String body = "\n<start>\n" + String.join("\n<end>\n<start>\n", all) + "\n<end>\n";
    if ((double) nonZeroCount / total < 0.2) {
      body += header + "\n<start>\n" + String.join("\n<end>\n<start>\n", nonZero) + "\n<end>\n";
    }
    return body;
  }

  static String letter(int i) {
    if (i >= 26) throw new IllegalArgumentException("more than 26 excerpts");
    return String.valueOf("ABCDEFGHIJKLMNOPQRSTUVWXYZ".charAt(i));
  }

  static List<String> hot(ActivationRecord r, double cutoff) {
    return IntStream.range(0, r.size()).filter(i -> r.activation(i) > cutoff).mapToObj(r::token).toList();
  }

  static String bracketed(ActivationRecord r, double cutoff) {
    return IntStream.range(0, r.size())
        .mapToObj(i -> r.activation(i) > cutoff ? "[" + r.token(i) + "]" : r.token(i))
        .collect(Collectors.joining());
  }

  static String summary(List<ActivationRecord> records, double cutoff) {
    String body = "\n";
    for (int i = 0; i < records.size(); i++) {
      ActivationRecord r = records.get(i);
      body += "\n Text excerpt - " + letter(i) + ":\n<start>" + String.join("", r.tokens()) + "<end> \n\n"
          + "Highly activating tokens:\n" + String.join(",", hot(r, cutoff)) + "\n";
    }
    return body;
  }

  static String highlight(List<ActivationRecord> records, double cutoff) {
    String body = "\n";
    for (int i = 0; i < records.size(); i++) {
      body += "\n Text excerpt - " + letter(i) + ":\n<start>" + bracketed(records.get(i), cutoff) + "<end> \n";
    }
    return body;
  }

  static String highlightSummary(List<ActivationRecord> records, double cutoff) {
    String body = "\n";
    for (int i = 0; i < records.size(); i++) {
      ActivationRecord r = records.get(i);
      body += "\n Text excerpt - " + letter(i) + ":\n<start>" + bracketed(r, cutoff) + "<end> \n\n"
          + "Highly activating tokens:\n" + String.join(",", hot(r, cutoff)) + "\n";
    }
    return body;
  }

  static String avhs(List<ActivationRecord> records) {
    double m = blockMax(records);
    String body = "\n";
    for (int i = 0; i < records.size(); i++) {
      ActivationRecord r = records.get(i);
      StringBuilder text = new StringBuilder();
      List<String> listed = new ArrayList<>();
      for (int t = 0; t < r.size(); t++) {
        int n = norm(r.activation(t), m);
        text.append(n > 0 ? "[" + r.token(t) + "]" : r.token(t));
        if (n > 0) listed.add(r.token(t) + "\t" + n);
      }
      body += "\n Text excerpt - " + letter(i) + ":\n<start>" + text + "<end> \n\n"
          + "Highly activating tokens:\n" + String.join(",", listed) + "\n";
    }
    return body;
  }
}
