package dev.neuronscribe.evaluate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The tests behind every comparison in our reports, as pure functions over arrays. Student's t and
 * the normal distribution come from commons-math3 (well-tested numerics); the rest is small enough to
 * read here and is checked against SciPy in the tests.
 */
public final class Statistics {
  private Statistics() {}

  /** A two-sided test result. */
  public record Test(double statistic, double p, String method) {}

  /** Paired t test of the mean of {@code d} against 0; NaN when it is undefined (n &lt; 2 or sd = 0). */
  public static Test pairedT(double[] d) {
    Summary s = Summary.of(d);
    if (s.n() < 2 || allEqual(d)) return new Test(Double.NaN, Double.NaN, "t");
    double t = s.mean() / s.sem();
    double p = 2 * new TDistribution(null, s.n() - 1).cumulativeProbability(-Math.abs(t));
    return new Test(t, Math.min(1, p), "t");
  }

  // Rounding makes the sd of identical values tiny but not zero; equality is the real condition.
  private static boolean allEqual(double[] d) {
    double[] x = Arrays.stream(d).filter(Double::isFinite).toArray();
    return Arrays.stream(x).allMatch(v -> v == x[0]);
  }

  /**
   * Wilcoxon's signed-rank test on the differences {@code d}: zero differences are dropped
   * (Wilcoxon's own rule), tied magnitudes get average ranks. The statistic is min(W+, W−). The
   * p-value is exact (the null distribution enumerated) for up to 50 non-zero differences without
   * ties, and otherwise from the normal approximation with the tie-corrected variance and no
   * continuity correction (SciPy's defaults).
   */
  public static Test wilcoxon(double[] d) {
    double[] nz = Arrays.stream(d).filter(v -> Double.isFinite(v) && v != 0).toArray();
    int n = nz.length;
    if (n == 0) return new Test(Double.NaN, Double.NaN, "none");
    double[] abs = Arrays.stream(nz).map(Math::abs).toArray();
    double[] ranks = averageRanksAscending(abs);
    double wPlus = 0, wMinus = 0;
    for (int i = 0; i < n; i++) {
      if (nz[i] > 0) wPlus += ranks[i];
      else wMinus += ranks[i];
    }
    double w = Math.min(wPlus, wMinus);
    double tieTerm = tieSum(abs);
    if (n <= 50 && tieTerm == 0) {
      return new Test(w, Math.min(1, 2 * exactSignedRankCdf(n, (int) Math.round(w))), "exact");
    }
    double mean = n * (n + 1) / 4.0;
    double var = n * (n + 1) * (2.0 * n + 1) / 24.0 - tieTerm / 48.0;
    if (!(var > 0)) return new Test(w, Double.NaN, "normal");
    double z = (w - mean) / Math.sqrt(var);
    double p = 2 * new NormalDistribution(null, 0, 1).cumulativeProbability(-Math.abs(z));
    return new Test(w, Math.min(1, p), "normal");
  }

  /** P(W+ ≤ w) under the null for n untied, non-zero differences: counts of rank subsets by sum. */
  static double exactSignedRankCdf(int n, int w) {
    int max = n * (n + 1) / 2;
    double[] counts = new double[max + 1];
    counts[0] = 1;
    for (int r = 1; r <= n; r++) {
      for (int s = max; s >= r; s--) counts[s] += counts[s - r];
    }
    double below = 0;
    for (int s = 0; s <= Math.min(w, max); s++) below += counts[s];
    return below / Math.pow(2, n);
  }

  /** Σ (t³ − t) over groups of tied values. */
  private static double tieSum(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (int i = 0; i < sorted.length; ) {
      int j = i;
      while (j + 1 < sorted.length && sorted[j + 1] == sorted[i]) j++;
      double t = j - i + 1;
      sum += t * t * t - t;
      i = j + 1;
    }
    return sum;
  }

  /** Ranks 1..n of the values, smallest first, ties sharing their average rank. */
  static double[] averageRanksAscending(double[] values) {
    Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) j++;
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) ranks[order[k]] = avg;
      i = j + 1;
    }
    return ranks;
  }

  /**
   * Percentile interval of the mean of {@code d} from {@code resamples} bootstrap resamples (items
   * drawn with replacement; for paired data pass the differences, so each item keeps its pair).
   * Quantiles interpolate linearly between order statistics (numpy's default). The same seed gives
   * the same interval.
   */
  public static double[] bootstrapMeanInterval(double[] d, int resamples, double confidence, long seed) {
    double[] x = Arrays.stream(d).filter(Double::isFinite).toArray();
    if (x.length == 0) return new double[] {Double.NaN, Double.NaN};
    if (resamples < 1) throw new IllegalArgumentException("bootstrap needs at least one resample, got " + resamples);
    if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[resamples];
    int n = x.length;
    for (int b = 0; b < resamples; b++) {
      double sum = 0;
      for (int i = 0; i < n; i++) sum += x[random.nextInt(n)];
      means[b] = sum / n;
    }
    Arrays.sort(means);
    double alpha = (1 - confidence) / 2;
    return new double[] {quantile(means, alpha), quantile(means, 1 - alpha)};
  }

  /** Quantile q of sorted values by linear interpolation between closest ranks. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * Holm's step-down adjustment of a family of p-values (controls the family-wise error rate).
   * NaN entries are not tests: they stay NaN and do not count towards the family's size.
   */
  public static double[] holm(double[] p) {
    int[] tested = IntStream.range(0, p.length).filter(i -> Double.isFinite(p[i])).toArray();
    Integer[] order = Arrays.stream(tested).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] adjusted = new double[p.length];
    Arrays.fill(adjusted, Double.NaN);
    int m = order.length;
    double running = 0;
    for (int k = 0; k < m; k++) {
      double v = Math.min(1, (m - k) * p[order[k]]);
      running = Math.max(running, v);
      adjusted[order[k]] = running;
    }
    return adjusted;
  }

  /** Ranks of the scores, 1 for the highest, ties sharing their average rank; NaN scores rank NaN. */
  public static double[] ranksHighestFirst(double[] scores) {
    int[] finite = IntStream.range(0, scores.length).filter(i -> Double.isFinite(scores[i])).toArray();
    double[] negated = Arrays.stream(finite).mapToDouble(i -> -scores[i]).toArray();
    double[] r = averageRanksAscending(negated);
    double[] out = new double[scores.length];
    Arrays.fill(out, Double.NaN);
    for (int k = 0; k < finite.length; k++) out[finite[k]] = r[k];
    return out;
  }
}
