package dev.neuronscribe.evaluate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.Usage;
import dev.neuronscribe.simulate.Verdicts;
import dev.neuronscribe.simulate.ExcerptScorer;
import dev.neuronscribe.simulate.ScorerMetrics;
import dev.neuronscribe.simulate.Scorers;
import dev.neuronscribe.simulate.ScoringSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * How far each scorer can be trusted, measured on units whose answer is known: planted neurons (their
 * manifest names the concept) and neuron puzzles (true and false explanations). Every unit's true
 * explanation is scored beside false ones (the puzzle's own, or the other planted neurons'), one made
 * too narrow (only the unit's most frequent activating token) and one made too broad (any text). Per
 * scorer: the AUROC of true against false explanations (per unit: the share of its false explanations
 * the truth outscores, ties half; then averaged over units, so that units on different scales do not
 * mix), how often the truth beats
 * every false explanation, the Spearman correlation of the score with the explanation's quality rank
 * (true 2, too narrow or too broad 1, false 0; per unit, then averaged), the standard deviation of the
 * true explanation's score over re-seeded example sets, the share of items that failed, and the cost
 * of scoring 1,000 units (tokens as the replies report them, dollars from the price table, seconds of
 * wall time on this machine).
 */
public final class ScorerValidity {
  /** The broad control: true of every excerpt, so it cannot tell activating text from the rest. */
  public static final String TOO_BROAD = "ordinary words and punctuation in English text";

  private ScorerValidity() {}

  /** How close an explanation is to the truth. */
  public enum Level {
    FALSE(0), PARTIAL(1), TRUE(2);

    final int rank;

    Level(int rank) {
      this.rank = rank;
    }
  }

  public record Candidate(String explanation, Level level, String kind) {}

  /** A unit with known truth; {@code candidates} starts with the true explanation. */
  public record Case(String unit, Explainee explainee, List<Candidate> candidates) {
    public Case {
      candidates = List.copyOf(candidates);
      if (candidates.isEmpty() || candidates.getFirst().level() != Level.TRUE) throw new IllegalArgumentException("a case starts with its true explanation");
    }

    public String truth() {
      return candidates.getFirst().explanation();
    }
  }

  /** A puzzle: its explanation, its false explanations, and the two controls. */
  public static Case puzzle(Puzzle p) {
    List<Candidate> c = new ArrayList<>();
    c.add(new Candidate(p.explanation(), Level.TRUE, "true"));
    controls(p.sentences(), Puzzle.CUTOFF).forEach(c::add);
    for (String f : p.falseExplanations()) c.add(new Candidate(f, Level.FALSE, "false"));
    return new Case("puzzle:" + p.name(), new Explainee.Puzzle(p), c);
  }

  /** A planted neuron: the manifest's explanation, the other planted neurons' as false ones, and the two controls. */
  public static Case planted(NeuronRecord record, String truth, List<String> otherTruths) {
    List<Candidate> c = new ArrayList<>();
    c.add(new Candidate(truth, Level.TRUE, "true"));
    List<ActivationRecord> top = record.mostPositiveActivationRecords();
    controls(top, ScoringSet.ACTIVATING_FRACTION * record.maxActivation()).forEach(c::add);
    for (String f : otherTruths) c.add(new Candidate(f, Level.FALSE, "false"));
    return new Case(record.id().toString(), new Explainee.Neuron(record), c);
  }

  /** Too narrow: only the most frequent activating token; too broad: {@link #TOO_BROAD}. */
  private static List<Candidate> controls(List<ActivationRecord> excerpts, double threshold) {
    Map<String, Integer> counts = new HashMap<>();
    for (ActivationRecord r : excerpts) {
      for (int t = 0; t < r.size(); t++) {
        String tok = r.token(t).strip();
        if (r.activation(t) >= threshold && !tok.isEmpty()) counts.merge(tok, 1, Integer::sum);
      }
    }
    List<Candidate> out = new ArrayList<>();
    counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
        .ifPresent(e -> out.add(new Candidate("the word \"" + e.getKey() + "\" and nothing else", Level.PARTIAL, "too narrow")));
    out.add(new Candidate(TOO_BROAD, Level.PARTIAL, "too broad"));
    return out;
  }

  /** One scorer's figures. */
  public record Row(
      String scorer, int units, int explanations, OptionalDouble aurocTrueVsFalse, OptionalDouble truthWins, OptionalDouble rankCorrelation,
      OptionalDouble reseedSd, double failureShare, long tokensPer1000, OptionalDouble dollarsPer1000, double secondsPer1000) {}

  /**
   * Scores every candidate of every case with every scorer (seed 0), and the true explanation again with
   * seeds 1 … {@code seeds}−1.
   *
   * @param price the price of the language model behind the scorers, when it has one
   */
  public static List<Row> run(List<Case> cases, List<ExcerptScorer> scorers, int quantiles, int seeds, Optional<PriceTable.Price> price, Consumer<String> progress) {
    if (seeds < 1) throw new IllegalArgumentException("seeds must be at least 1");
    List<Row> rows = new ArrayList<>();
    for (ExcerptScorer scorer : scorers) {
      List<Double> aurocs = new ArrayList<>();
      List<Double> correlations = new ArrayList<>();
      List<Double> sds = new ArrayList<>();
      int wins = 0, contests = 0, decided = 0, failed = 0, scored = 0;
      Usage usage = Usage.NONE;
      long nanos = 0;
      for (Case c : cases) {
        progress.accept(scorer.name() + " " + c.unit());
        ScoringSet set = ScoringSet.of(c.explainee(), quantiles, 0);
        double[] levels = new double[c.candidates().size()];
        double[] values = new double[c.candidates().size()];
        for (int i = 0; i < c.candidates().size(); i++) {
          Candidate cand = c.candidates().get(i);
          long t0 = System.nanoTime();
          Verdicts s = scorer.score(cand.explanation(), set);
          nanos += System.nanoTime() - t0;
          scored++;
          usage = usage.plus(s.usage());
          decided += s.judgements().size();
          failed += s.failures().size();
          levels[i] = cand.level().rank;
          values[i] = Scorers.headline(s).orElse(Double.NaN);
        }
        List<Double> falses = new ArrayList<>();
        for (int i = 1; i < values.length; i++) {
          if (c.candidates().get(i).level() == Level.FALSE && !Double.isNaN(values[i])) falses.add(values[i]);
        }
        if (!Double.isNaN(values[0])) {
          ScorerMetrics.auroc(new double[] {values[0]}, falses.stream().mapToDouble(Double::doubleValue).toArray()).ifPresent(aurocs::add);
        }
        boolean anyFalse = false;
        boolean beatsAll = !Double.isNaN(values[0]);
        for (int i = 1; i < values.length; i++) {
          if (c.candidates().get(i).level() != Level.FALSE) continue;
          anyFalse = true;
          beatsAll &= !Double.isNaN(values[i]) && values[0] > values[i];
        }
        if (anyFalse) {
          contests++;
          if (beatsAll) wins++;
        }
        spearman(levels, values).ifPresent(correlations::add);
        if (seeds > 1) {
          List<Double> again = new ArrayList<>();
          if (!Double.isNaN(values[0])) again.add(values[0]);
          for (int seed = 1; seed < seeds; seed++) {
            long t0 = System.nanoTime();
            Verdicts s = scorer.score(c.truth(), ScoringSet.of(c.explainee(), quantiles, seed));
            nanos += System.nanoTime() - t0;
            scored++;
            usage = usage.plus(s.usage());
            Scorers.headline(s).ifPresent(again::add);
          }
          if (again.size() > 1) sds.add(sd(again));
        }
      }
      double perUnit = scored == 0 ? 0 : 1.0 / scored;
      Usage spent = usage;
      long tokens = Math.round(usage.totalTokens() * perUnit * 1000);
      OptionalDouble dollars = usage.totalTokens() == 0 ? OptionalDouble.of(0)
          : price.map(p -> OptionalDouble.of(p.dollars(spent) * perUnit * 1000)).orElse(OptionalDouble.empty());
      rows.add(new Row(scorer.name(), cases.size(), scored,
          mean(aurocs),
          contests == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) wins / contests),
          mean(correlations), mean(sds), decided + failed == 0 ? 0 : (double) failed / (decided + failed), tokens, dollars,
          nanos / 1e9 * perUnit * 1000));
    }
    return rows;
  }

  /**
   * What the table recommends: scorers whose AUROC of true against false is at least 0.8 and whose rank
   * correlation is at least 0.5, best AUROC first, cheapest first among equals; one line each, with why.
   */
  public static List<String> recommend(List<Row> rows) {
    List<String> out = new ArrayList<>();
    boolean none = rows.stream().noneMatch(r -> r.aurocTrueVsFalse().orElse(0) >= 0.8 && r.rankCorrelation().orElse(0) >= 0.5);
    if (none) {
      rows.stream().filter(r -> r.aurocTrueVsFalse().isPresent()).max(Comparator.comparingDouble(r -> r.aurocTrueVsFalse().getAsDouble()))
          .ifPresent(best -> out.add(String.format(Locale.ROOT, "none passes; the best of those checked is %s (AUROC %.2f) — treat its scores as a rough guide",
              best.scorer(), best.aurocTrueVsFalse().getAsDouble())));
    }
    rows.stream()
        .filter(r -> r.aurocTrueVsFalse().orElse(0) >= 0.8 && r.rankCorrelation().orElse(0) >= 0.5)
        .sorted(Comparator.comparingDouble((Row r) -> -r.aurocTrueVsFalse().getAsDouble()).thenComparingLong(Row::tokensPer1000))
        .forEach(r -> out.add(String.format(Locale.ROOT, "%s: tells true from false with AUROC %.2f, rank correlation %.2f, %s per 1,000 units",
            r.scorer(), r.aurocTrueVsFalse().getAsDouble(), r.rankCorrelation().getAsDouble(),
            r.tokensPer1000() == 0 ? "no tokens" : String.format(Locale.ROOT, "%,d tokens", r.tokensPer1000()))));
    rows.stream().filter(r -> r.aurocTrueVsFalse().orElse(0) < 0.8 || r.rankCorrelation().orElse(0) < 0.5)
        .forEach(r -> out.add(r.scorer() + ": not recommended on this ground truth ("
            + (r.aurocTrueVsFalse().isEmpty() ? "no AUROC" : String.format(Locale.ROOT, "AUROC %.2f", r.aurocTrueVsFalse().getAsDouble()))
            + (r.rankCorrelation().isEmpty() ? ", no rank correlation" : String.format(Locale.ROOT, ", rank correlation %.2f", r.rankCorrelation().getAsDouble()))
            + ")"));
    return out;
  }

  /** Spearman's rank correlation over the pairs where both are defined; empty when either side is constant. */
  static OptionalDouble spearman(double[] a, double[] b) {
    List<double[]> pairs = new ArrayList<>();
    for (int i = 0; i < a.length; i++) if (Double.isFinite(a[i]) && Double.isFinite(b[i])) pairs.add(new double[] {a[i], b[i]});
    if (pairs.size() < 3) return OptionalDouble.empty();
    double[] ra = Statistics.ranksHighestFirst(pairs.stream().mapToDouble(p -> p[0]).toArray());
    double[] rb = Statistics.ranksHighestFirst(pairs.stream().mapToDouble(p -> p[1]).toArray());
    double ma = java.util.Arrays.stream(ra).average().orElse(0), mb = java.util.Arrays.stream(rb).average().orElse(0);
    double sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < ra.length; i++) {
      sab += (ra[i] - ma) * (rb[i] - mb);
      saa += (ra[i] - ma) * (ra[i] - ma);
      sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return saa == 0 || sbb == 0 ? OptionalDouble.empty() : OptionalDouble.of(sab / Math.sqrt(saa * sbb));
  }

  private static double sd(List<Double> v) {
    double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double ss = v.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
    return Math.sqrt(ss / (v.size() - 1));
  }

  private static OptionalDouble mean(List<Double> v) {
    return v.isEmpty() ? OptionalDouble.empty() : v.stream().mapToDouble(Double::doubleValue).average();
  }
}
