package dev.neuronscribe.simulate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * The figures of one {@link Verdicts}: counts, and accuracy, precision, recall, F1 and AUROC where the
 * scorer's kind gives them meaning, overall and per quantile. A figure that cannot be computed (no
 * decisions, one class only, a kind that has no such figure) is empty, never 0.
 *
 * <p>Per quantile q: the decisions on the items of q (accuracy), and the AUROC of q's activating items
 * against all non-activating ones, so that a scorer which only finds the strongest examples shows it.
 */
public record ScorerMetrics(
    int decided, int failed, OptionalDouble accuracy, OptionalDouble precision, OptionalDouble recall, OptionalDouble f1,
    OptionalDouble auroc, List<Quantile> perQuantile) {

  public ScorerMetrics {
    perQuantile = List.copyOf(perQuantile);
  }

  /** Quantile 0 is the non-activating items. */
  public record Quantile(int quantile, int decided, OptionalDouble accuracy, OptionalDouble auroc) {}

  static ScorerMetrics of(Verdicts s) {
    List<Judgement> js = s.judgements();
    ExcerptScorer.Kind kind = s.kind();
    boolean classify = kind == ExcerptScorer.Kind.CLASSIFY;
    OptionalDouble accuracy = kind == ExcerptScorer.Kind.RANK ? OptionalDouble.empty() : accuracy(js);
    OptionalDouble auroc = kind == ExcerptScorer.Kind.CHOOSE ? OptionalDouble.empty() : auroc(js);
    long tp = js.stream().filter(j -> j.truth() && j.predicted()).count();
    long fp = js.stream().filter(j -> !j.truth() && j.predicted()).count();
    long fn = js.stream().filter(j -> j.truth() && !j.predicted()).count();
    OptionalDouble precision = classify && tp + fp > 0 ? OptionalDouble.of((double) tp / (tp + fp)) : OptionalDouble.empty();
    OptionalDouble recall = classify && tp + fn > 0 ? OptionalDouble.of((double) tp / (tp + fn)) : OptionalDouble.empty();
    OptionalDouble f1 = classify && 2 * tp + fp + fn > 0 ? OptionalDouble.of(2.0 * tp / (2 * tp + fp + fn)) : OptionalDouble.empty();
    List<Quantile> per = new ArrayList<>();
    for (int q = 0; q <= s.quantiles(); q++) {
      final int quantile = q;
      List<Judgement> inQ = js.stream().filter(j -> j.quantile() == quantile).toList();
      if (inQ.isEmpty()) continue;
      OptionalDouble acc = kind == ExcerptScorer.Kind.RANK ? OptionalDouble.empty() : accuracy(inQ);
      OptionalDouble qAuroc = OptionalDouble.empty();
      if (q > 0 && kind != ExcerptScorer.Kind.CHOOSE) {
        qAuroc = auroc(js.stream().filter(j -> j.quantile() == quantile || j.quantile() == 0).toList());
      }
      per.add(new Quantile(q, inQ.size(), acc, qAuroc));
    }
    return new ScorerMetrics(js.size(), s.failures().size(), accuracy, precision, recall, f1, auroc, per);
  }

  private static OptionalDouble accuracy(List<Judgement> js) {
    if (js.isEmpty()) return OptionalDouble.empty();
    return OptionalDouble.of((double) js.stream().filter(Judgement::correct).count() / js.size());
  }

  private static OptionalDouble auroc(List<Judgement> js) {
    if (js.stream().anyMatch(j -> Double.isNaN(j.score()))) return OptionalDouble.empty();
    return auroc(scores(js, Judgement::truth), scores(js, j -> !j.truth()));
  }

  private static double[] scores(List<Judgement> js, Predicate<Judgement> which) {
    return js.stream().filter(which).mapToDouble(Judgement::score).toArray();
  }

  /**
   * The probability that a random positive scores above a random negative, ties counting half (the
   * Mann–Whitney U statistic over the product of the class sizes); empty when either class is empty.
   */
  public static OptionalDouble auroc(double[] positives, double[] negatives) {
    if (positives.length == 0 || negatives.length == 0) return OptionalDouble.empty();
    int n = positives.length + negatives.length;
    double[][] all = new double[n][];
    for (int i = 0; i < positives.length; i++) all[i] = new double[] {positives[i], 1};
    for (int i = 0; i < negatives.length; i++) all[positives.length + i] = new double[] {negatives[i], 0};
    Arrays.sort(all, (a, b) -> Double.compare(a[0], b[0]));
    double rankSumPositives = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && all[j][0] == all[i][0]) j++;
      double midRank = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
      for (int k = i; k < j; k++) if (all[k][1] == 1) rankSumPositives += midRank;
      i = j;
    }
    double u = rankSumPositives - positives.length * (positives.length + 1) / 2.0;
    return OptionalDouble.of(u / ((double) positives.length * negatives.length));
  }
}
