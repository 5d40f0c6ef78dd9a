package dev.neuronscribe.explain;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.prompts.PromptFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An offline baseline, not a language model: names the tokens on which the neuron fires most strongly
 * and most consistently in the excerpts shown. Tokens are grouped by their text without surrounding
 * spaces, case ignored. For each, {@code strength} is the mean of {@code max(0, a) / M} over all its
 * occurrences (M the largest activation shown) and {@code consistency} the fraction of excerpts in which
 * it reaches at least half of M; tokens are ranked by strength × consistency and the best three (those
 * with a score of at least a fifth of the best) are named: {@code the tokens "red", "blue" and "green"}, or the
 * word class they belong to where a small lexicon has one that covers most of them ({@link Categories}).
 * The format does not matter to it (it sees the activations, not a prompt).
 */
public final class BaselineExplainer implements Explainer {
  public static final String NAME = "baseline-explainer";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Explanation> explain(PromptFormat format, Explainee e, int samples) {
    String text = describe(e.shown());
    List<Explanation> out = new ArrayList<>();
    // Deterministic: every sample is the same explanation.
    for (int s = 0; s < samples; s++) {
      out.add(text.isEmpty()
          ? Explanation.failed(e.target(), format, s, NAME, "the neuron does not activate above 0 on any excerpt shown", 0)
          : Explanation.of(e.target(), format, s, NAME, text, 0, 0));
    }
    return out;
  }

  private record Stats(String display, boolean literal, double sumNorm, int occurrences, int excerptsHot) {
    double score(int excerpts) {
      return sumNorm / occurrences * ((double) excerptsHot / excerpts);
    }
  }

  /** The explanation, or "" when nothing activates. */
  static String describe(List<ActivationRecord> records) {
    double max = 0;
    for (ActivationRecord r : records) max = Math.max(max, r.max());
    if (!(max > 0)) return "";
    Map<String, Stats> stats = new LinkedHashMap<>();
    for (ActivationRecord r : records) {
      Map<String, Boolean> hotHere = new LinkedHashMap<>();
      for (int i = 0; i < r.size(); i++) {
        String key = key(r.token(i));
        double norm = Math.max(0, r.activation(i)) / max;
        Stats old = stats.get(key);
        stats.put(key, old == null
            ? new Stats(display(r.token(i)), !r.token(i).isBlank(), norm, 1, 0)
            : new Stats(old.display, old.literal, old.sumNorm + norm, old.occurrences + 1, old.excerptsHot));
        if (norm >= 0.5) hotHere.put(key, true);
      }
      for (String key : hotHere.keySet()) {
        Stats old = stats.get(key);
        stats.put(key, new Stats(old.display, old.literal, old.sumNorm, old.occurrences, old.excerptsHot + 1));
      }
    }
    int n = records.size();
    List<Stats> ranked = stats.values().stream()
        .filter(s -> s.excerptsHot > 0)
        .sorted(Comparator.comparingDouble((Stats s) -> s.score(n)).reversed().thenComparing(Stats::display))
        .toList();
    double best = ranked.getFirst().score(n);
    List<Categories.Found> found = ranked.stream().filter(s -> s.score(n) >= best / 5)
        .map(s -> new Categories.Found(s.display, s.score(n), s.literal)).toList();
    String described = Categories.describe(found);
    // A class is named as it is; a bare list says that it lists tokens.
    if (!described.startsWith("\"")) return described;
    return (found.size() == 1 || !described.contains(" and ") ? "the token " : "the tokens ") + described;
  }

  private static String key(String token) {
    String s = token.strip().toLowerCase(Locale.ROOT);
    return s.isEmpty() ? token : s;
  }

  private static String display(String token) {
    String s = token.strip();
    if (!s.isEmpty()) return s;
    return token.contains("\n") ? "line break" : "space";
  }
}
