package dev.neuronscribe.explain;

import dev.neuronscribe.prompts.Message;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.TokenCounter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An offline baseline, not a language model, that explains a neuron from exactly what the chosen prompt
 * format shows: it renders the real prompt (pack wording, the neuron's explain split or a puzzle's
 * sentences), reads the target block back as text ({@link PromptReading}) and names what that text marks
 * as activating. It never sees the activations themselves, so the format is the bottleneck:
 * <ul>
 *   <li>Original and AVHS show 0–10 values: a token weighs its value / 10;
 *   <li>Summary, Highlight and Highlight-summary show only which tokens pass the cutoff: weight 1;
 *   <li>formats that show where a hot token stands (all but Summary) let it name the whole word a token
 *       belongs to ({@code cro[iss]ants} → "croissants"); Summary's list names the token ("iss").
 * </ul>
 * For each word or token (case ignored): {@code strength} = its summed weight over the times it appears
 * in the shown text, {@code consistency} = the fraction of excerpts where it is marked with weight ≥ 0.5;
 * ranked by strength × consistency; those scoring at least a fifth of the best are weighed against a small
 * lexicon of common word classes ({@link Categories}): a class that covers most of them is named with its
 * members found ({@code colour words: yellow, red, orange}), otherwise the best three are listed
 * ({@code "coffee", "tea" and "bakery"}). Deterministic: every sample is the same.
 */
public final class PromptReaderBaseline implements Explainer {
  public static final String NAME = "baseline-prompt-reader";

  private final PromptPack pack;
  private final TokenCounter counter = TokenCounter.cl100k();

  public PromptReaderBaseline(PromptPack pack) {
    this.pack = pack;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Explanation> explain(PromptFormat format, Explainee e, int samples) {
    List<Message> prompt = e.prompt(format, pack);
    long promptTokens = counter.countChat(prompt);
    String text;
    String error;
    try {
      List<PromptReading.Shown> shown = PromptReading.read(format, pack, prompt.getLast().content(), pack.fewShot().size() + 1);
      text = describe(shown).orElse("");
      error = text.isEmpty() ? "the prompt marks no token as activating" : "";
    } catch (PromptReading.Unreadable ex) {
      text = "";
      error = "could not read the rendered " + format.id() + " prompt back: " + ex.getMessage();
    }
    List<Explanation> out = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      out.add(text.isEmpty()
          ? Explanation.failed(e.target(), format, s, NAME, error, promptTokens)
          : Explanation.of(e.target(), format, s, NAME, text, promptTokens, counter.count(text)));
    }
    return out;
  }

  /** A word or token as named: {@code key} groups (lower case), {@code needle} is what to count in the text. */
  private record Named(String key, String display, boolean literal, String needle, int start, int end) {}

  private static final class Tally {
    final String key;
    final String display;
    final boolean literal;
    double weight;
    int occurrences;
    int excerptsMarked;

    Tally(String key, String display, boolean literal) {
      this.key = key;
      this.display = display;
      this.literal = literal;
    }

    double score(int excerpts) {
      return weight / occurrences * excerptsMarked / excerpts;
    }
  }

  /** The explanation, or empty when the prompt marks nothing. */
  static Optional<String> describe(List<PromptReading.Shown> excerpts) {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    for (PromptReading.Shown e : excerpts) {
      // Per excerpt: one mark per place (several tokens of one word are one mark, at its strongest).
      Map<String, Named> places = new LinkedHashMap<>();
      Map<String, Double> weightAt = new LinkedHashMap<>();
      for (PromptReading.Hot h : e.hot()) {
        Named n = h.start() >= 0 ? word(e.text(), h) : token(h.token());
        String place = n.start() >= 0 ? n.start() + ":" + n.end() : "#" + places.size();
        places.putIfAbsent(place, n);
        weightAt.merge(place, h.weight(), Math::max);
      }
      Map<String, double[]> here = new LinkedHashMap<>(); // key -> {summed weight, marks, strongest}
      Map<String, Named> first = new LinkedHashMap<>();
      places.forEach((place, n) -> {
        double w = weightAt.get(place);
        double[] t = here.computeIfAbsent(n.key(), k -> new double[3]);
        t[0] += w;
        t[1] += 1;
        t[2] = Math.max(t[2], w);
        first.putIfAbsent(n.key(), n);
      });
      here.forEach((key, t) -> {
        Named n = first.get(key);
        Tally tally = tallies.computeIfAbsent(key, k -> new Tally(k, n.display(), n.literal()));
        tally.weight += t[0];
        // Appearances without a mark count against it; a subword token Summary lists may not appear as a word.
        tally.occurrences += Math.max((int) t[1], count(e.text(), n.needle()));
        if (t[2] >= 0.5) tally.excerptsMarked++;
      });
    }
    int n = excerpts.size();
    List<Tally> ranked = tallies.values().stream().filter(t -> t.excerptsMarked > 0)
        .sorted(Comparator.comparingDouble((Tally t) -> t.score(n)).reversed().thenComparing(t -> t.key)).toList();
    if (ranked.isEmpty()) return Optional.empty();
    double best = ranked.getFirst().score(n);
    return Optional.of(Categories.describe(ranked.stream().filter(t -> t.score(n) >= best / 5)
        .map(t -> new Categories.Found(t.display, t.score(n), t.literal)).toList()));
  }

  /** A hot token whose place is known, widened to the word it is part of (a token of letters inside a word). */
  private static Named word(String text, PromptReading.Hot h) {
    int a = h.start();
    int b = h.start() + h.token().length();
    while (a < b && Character.isWhitespace(text.charAt(a))) a++;
    while (b > a && Character.isWhitespace(text.charAt(b - 1))) b--;
    if (a == b) return whitespace(h.token(), h.start(), h.start() + h.token().length());
    if (Character.isLetterOrDigit(text.charAt(a))) while (a > 0 && Character.isLetterOrDigit(text.charAt(a - 1))) a--;
    if (Character.isLetterOrDigit(text.charAt(b - 1))) while (b < text.length() && Character.isLetterOrDigit(text.charAt(b))) b++;
    String w = text.substring(a, b);
    return new Named(w.toLowerCase(Locale.ROOT), w, true, w, a, b);
  }

  /** A hot token whose place is not known (Summary's list). */
  private static Named token(String token) {
    String core = token.strip();
    if (core.isEmpty()) return whitespace(token, -1, -1);
    return new Named(core.toLowerCase(Locale.ROOT), core, true, core, -1, -1);
  }

  private static Named whitespace(String token, int start, int end) {
    String name = token.contains("\n") ? "line breaks" : token.contains("\t") ? "tabs" : "spaces";
    return new Named(name, name, false, token, start, end);
  }

  /** Appearances of {@code needle} in the text, case ignored; a word only where it stands as a whole word. */
  static int count(String text, String needle) {
    if (needle.isEmpty()) return 0;
    boolean word = needle.chars().allMatch(Character::isLetterOrDigit);
    String t = word ? text.toLowerCase(Locale.ROOT) : text;
    String w = word ? needle.toLowerCase(Locale.ROOT) : needle;
    int n = 0;
    for (int i = t.indexOf(w); i >= 0; i = t.indexOf(w, i + w.length())) {
      boolean inside = word && ((i > 0 && Character.isLetterOrDigit(t.charAt(i - 1)))
          || (i + w.length() < t.length() && Character.isLetterOrDigit(t.charAt(i + w.length()))));
      if (!inside) n++;
    }
    return n;
  }
}
