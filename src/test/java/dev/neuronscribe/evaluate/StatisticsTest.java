package dev.neuronscribe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reference values computed with SciPy 1.17 (scipy.stats.ttest_rel, wilcoxon, sem); see each test. */
class StatisticsTest {
  static final double[] A = {0.62, 0.71, 0.55, 0.80, 0.66, 0.59, 0.73, 0.68, 0.52, 0.77};
  static final double[] B = {0.58, 0.69, 0.57, 0.71, 0.60, 0.61, 0.65, 0.62, 0.50, 0.70};

  static double[] diff(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
    return d;
  }

  @Test
  void summaryUsesTheSampleStandardDeviation() {
    Summary s = Summary.of(diff(A, B));
    // scipy.stats.sem(d) = 0.012382783747337808, d.std(ddof=1) = 0.03915780041490244
    assertThat(s.n()).isEqualTo(10);
    assertThat(s.mean()).isCloseTo(0.04, within(1e-12));
    assertThat(s.sd()).isCloseTo(0.03915780041490244, within(1e-12));
    assertThat(s.sem()).isCloseTo(0.012382783747337808, within(1e-12));
  }

  @Test
  void summaryIgnoresUndefinedValuesAndSaysSo() {
    Summary s = Summary.of(new double[] {1, Double.NaN, 3});
    assertThat(s.n()).isEqualTo(2);
    assertThat(s.mean()).isEqualTo(2);
    assertThat(Summary.of(new double[] {5}).sem()).isNaN();
    assertThat(Summary.of(new double[] {}).mean()).isNaN();
  }

  @Test
  void pairedTMatchesScipy() {
    // scipy.stats.ttest_rel(A, B): statistic 3.230291412348995, pvalue 0.010317831862561648
    Statistics.Test t = Statistics.pairedT(diff(A, B));
    assertThat(t.statistic()).isCloseTo(3.230291412348995, within(1e-9));
    assertThat(t.p()).isCloseTo(0.010317831862561648, within(1e-9));
  }

  @Test
  void pairedTIsUndefinedWithoutSpread() {
    assertThat(Statistics.pairedT(new double[] {0.1, 0.1, 0.1}).p()).isNaN();
    assertThat(Statistics.pairedT(new double[] {0.1}).p()).isNaN();
  }

  @Test
  void wilcoxonExactMatchesScipy() {
    // scipy.stats.wilcoxon([1,-2,3,4,-5,6,7,8,9,10,11,-12], method='exact'): 19.0, 0.12939453125
    Statistics.Test w = Statistics.wilcoxon(new double[] {1, -2, 3, 4, -5, 6, 7, 8, 9, 10, 11, -12});
    assertThat(w.method()).isEqualTo("exact");
    assertThat(w.statistic()).isEqualTo(19.0);
    assertThat(w.p()).isCloseTo(0.12939453125, within(1e-12));
  }

  @Test
  void wilcoxonNormalApproximationWithTiesAndZerosMatchesScipy() {
    double[] x = {0.4, 0.9, 0.4, -1.2, 1.0, 0.5, -0.4, 0.7, 0.5, 0.4, 0.1, 0.6, -0.6, -0.1, -0.4, 0.7, 0.1, -0.2, -0.7, -0.2,
        0.1, -0.2, 1.4, 1.1, -2.6, -1.8, -0.1, -0.3, 0.3, 0.3, 2.2, -1.0, -0.3, 2.1, 0.7, 0.8, -0.4, -1.5, 0.3, 0.2, -1.1, -0.6,
        0.0, -0.8, 0.0, 0.2, 0.1, -0.4, 0.7, 1.0, 0.4, -0.7, 0.8, -0.4, 1.0, -1.0, 1.0, 0.1, -1.1, -0.2, 0.2, 0.4, -0.9, -1.0,
        0.3, -0.4, 0.3, 0.9, -1.5, 0.4, 1.3, -0.2, -0.7, 0.9, 0.4, 1.0, -0.2, -1.4, -0.0, -0.3};
    // scipy.stats.wilcoxon(x, method='asymptotic', zero_method='wilcox', correction=False): 1401.0, 0.609396290770267
    Statistics.Test w = Statistics.wilcoxon(x);
    assertThat(w.method()).isEqualTo("normal");
    assertThat(w.statistic()).isEqualTo(1401.0);
    assertThat(w.p()).isCloseTo(0.609396290770267, within(1e-9));
    // scipy.stats.ttest_1samp(x, 0).pvalue = 0.7603569433871176
    assertThat(Statistics.pairedT(x).p()).isCloseTo(0.7603569433871176, within(1e-9));
  }

  @Test
  void holmAdjustsStepDownAndKeepsOrder() {
    // By hand: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → raised to 0.06.
    double[] adj = Statistics.holm(new double[] {0.01, 0.04, 0.03, 0.005, Double.NaN});
    assertThat(adj[0]).isCloseTo(0.03, within(1e-12));
    assertThat(adj[1]).isCloseTo(0.06, within(1e-12));
    assertThat(adj[2]).isCloseTo(0.06, within(1e-12));
    assertThat(adj[3]).isCloseTo(0.02, within(1e-12));
    assertThat(adj[4]).isNaN();
  }

  @Test
  void ranksPutTheHighestFirstAndShareTies() {
    assertThat(Statistics.ranksHighestFirst(new double[] {0.5, 0.7, 0.5, Double.NaN, 0.1}))
        .containsExactly(2.5, 1.0, 2.5, Double.NaN, 4.0);
  }

  @Test
  void bootstrapIntervalIsReproducibleAndAgreesWithTheNormalIntervalForLargeSamples() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    double[] d = new double[2000];
    for (int i = 0; i < d.length; i++) d[i] = 0.05 + (r.nextDouble() - 0.5);
    double[] ci = Statistics.bootstrapMeanInterval(d, 4000, 0.95, 42);
    assertThat(Statistics.bootstrapMeanInterval(d, 4000, 0.95, 42)).containsExactly(ci);
    Summary s = Summary.of(d);
    assertThat(ci[0]).isCloseTo(s.mean() - 1.96 * s.sem(), within(0.15 * s.sem()));
    assertThat(ci[1]).isCloseTo(s.mean() + 1.96 * s.sem(), within(0.15 * s.sem()));
    assertThat(Statistics.bootstrapMeanInterval(d, 4000, 0.95, 43)).isNotEqualTo(ci);
  }

  @Test
  void exactSignedRankDistributionSumsToOne() {
    assertThat(Statistics.exactSignedRankCdf(7, 28)).isCloseTo(1.0, within(1e-15));
    // n = 3: sums 0..6 have counts 1,1,1,2,1,1,1 → P(W ≤ 1) = 2/8
    assertThat(Statistics.exactSignedRankCdf(3, 1)).isCloseTo(0.25, within(1e-15));
  }

  @Test
  void formatComparisonRanksAndComparesEveryPair() {
    java.util.List<ScoreTable.Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < A.length; i++) {
      rows.add(new ScoreTable.Row("n" + i, java.util.OptionalInt.of(i % 2), new double[] {A[i], B[i], A[i] - 0.2}));
    }
    rows.add(new ScoreTable.Row("gap", java.util.OptionalInt.empty(), new double[] {Double.NaN, 0.9, 0.1}));
    ScoreTable t = new ScoreTable("m", "neuron", java.util.List.of("A", "B", "C"), rows);
    FormatComparison c = FormatComparison.of(t, ComparisonSettings.DEFAULT);
    assertThat(c.summary("A").rank()).isEqualTo(1.0);
    assertThat(c.summary("A").missing()).isEqualTo(1);
    assertThat(c.summary("B").summary().n()).isEqualTo(11);
    assertThat(c.pairs()).hasSize(3);
    PairedComparison ab = c.pairs().getFirst();
    assertThat(ab.a()).isEqualTo("A");
    assertThat(ab.n()).isEqualTo(10);
    assertThat(ab.pT()).isCloseTo(0.010317831862561648, within(1e-9));
    assertThat(ab.pTHolm()).isGreaterThanOrEqualTo(ab.pT());
    assertThat(ab.ciLow()).isLessThan(0.04).isGreaterThan(0);
    assertThat(ab.ciHigh()).isGreaterThan(0.04);
  }
}
