package dev.neuronscribe.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How the offline baselines name what they found as a reader would: a small built-in lexicon of common
 * word classes (colour words, numbers, months, weekdays, brackets, punctuation, …) checked against the
 * tokens a baseline ranked. A class is named only when the data support it: its members must include the
 * strongest token and carry most of the candidates' weight; otherwise the baseline lists the tokens, as
 * before. The lexicon holds no world knowledge beyond these closed classes (no animals, cities or
 * feelings): where a concept needs it, the baseline says only which tokens it saw.
 */
final class Categories {
  private Categories() {}

  /**
   * A ranked token as the baseline found it: {@code text} as shown to a reader, {@code weight} its score;
   * {@code literal} false when the text describes the token instead (line breaks, spaces).
   */
  record Found(String text, double weight, boolean literal) {
    Found(String text, double weight) {
      this(text, weight, true);
    }
  }

  /** The share of the candidates' weight a class must cover to be named. */
  static final double MIN_SHARE = 0.6;
  /** How many ranked tokens are weighed (a class is judged on more than the three named). */
  static final int CANDIDATES = 8;
  private static final int EXAMPLES = 3;

  private record Category(String name, Predicate<String> member) {}

  private static Predicate<String> words(String... w) {
    Set<String> set = Set.of(w);
    return t -> set.contains(t.toLowerCase(Locale.ROOT));
  }

  private static Predicate<String> pattern(String regex) {
    Pattern p = Pattern.compile(regex);
    return t -> p.matcher(t).matches();
  }

  // Specific classes first: on equal cover the earlier one is named (closing brackets before punctuation).
  private static final List<Category> LEXICON = List.of(
      new Category("colour words", words("red", "orange", "yellow", "green", "blue", "purple", "violet", "pink", "brown", "black", "white",
          "grey", "gray", "cyan", "magenta", "indigo", "turquoise", "crimson", "scarlet", "beige", "teal", "maroon", "navy", "golden", "silver")),
      new Category("numbers written with digits", pattern("[0-9][0-9.,]*|[.,][0-9]+")),
      new Category("number words", words("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
          "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "dozen")),
      new Category("month names", words("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")),
      new Category("weekday names", words("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")),
      new Category("closing brackets", pattern("[.,;:]*[)\\]}>]+[.,;:]*")),
      new Category("opening brackets", pattern("[(\\[{<]+")),
      new Category("question words", words("who", "what", "where", "when", "why", "how", "which", "whose", "whom")),
      new Category("negations", words("not", "no", "never", "none", "nothing", "nobody", "nowhere", "neither", "nor", "n't", "cannot")),
      new Category("personal pronouns", words("i", "me", "my", "mine", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it",
          "its", "we", "us", "our", "ours", "they", "them", "their", "theirs")),
      new Category("currency symbols", pattern("[$€£¥₹]+")),
      new Category("units of measurement", words("km", "m", "cm", "mm", "kg", "g", "mg", "l", "ml", "lb", "lbs", "oz", "mph", "kmh", "ft",
          "metres", "meters", "kilometres", "kilometers", "kilograms", "grams", "litres", "liters", "miles", "inches", "feet",
          "pounds", "ounces", "gallons")),
      new Category("punctuation", pattern("\\p{Punct}+")));

  /**
   * The explanation for ranked tokens (best first, weights > 0): a class and its members found
   * ({@code colour words: yellow, red, orange}), or, when no class covers most of them, the tokens
   * listed ({@code "file", "late" and "the"}).
   */
  static String describe(List<Found> ranked) {
    if (ranked.isEmpty()) throw new IllegalArgumentException("nothing found to describe");
    List<Found> candidates = ranked.subList(0, Math.min(CANDIDATES, ranked.size()));
    return best(candidates).map(c -> named(c, candidates)).orElseGet(() -> listed(candidates.subList(0, Math.min(EXAMPLES, candidates.size()))));
  }

  /** The class that covers the strongest token and the largest share (at least {@link #MIN_SHARE}) of the weight. */
  private static Optional<Category> best(List<Found> candidates) {
    double total = candidates.stream().mapToDouble(Found::weight).sum();
    if (!(total > 0)) return Optional.empty();
    Category best = null;
    double bestShare = 0;
    for (Category c : LEXICON) {
      if (!member(c, candidates.getFirst())) continue;
      double share = candidates.stream().filter(f -> member(c, f)).mapToDouble(Found::weight).sum() / total;
      if (share >= MIN_SHARE && share > bestShare + 1e-12) {
        best = c;
        bestShare = share;
      }
    }
    return Optional.ofNullable(best);
  }

  private static String named(Category c, List<Found> candidates) {
    List<String> members = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Found f : candidates) {
      if (member(c, f)) {
        if (members.size() < EXAMPLES) members.add(f.text());
      } else if (others.isEmpty() && candidates.indexOf(f) < EXAMPLES) {
        others.add(quoted(f));
      }
    }
    return c.name() + ": " + String.join(", ", members) + (others.isEmpty() ? "" : "; also " + others.getFirst());
  }

  private static String listed(List<Found> named) {
    List<String> q = named.stream().map(Categories::quoted).toList();
    if (q.size() == 1) return q.getFirst();
    return String.join(", ", q.subList(0, q.size() - 1)) + " and " + q.getLast();
  }

  private static boolean member(Category c, Found f) {
    return f.literal() && c.member().test(f.text());
  }

  /** Tokens are quoted; a description of a token (line breaks, spaces) is not. */
  private static String quoted(Found f) {
    return f.literal() ? "\"" + f.text().replace("\"", "'") + "\"" : f.text();
  }
}
