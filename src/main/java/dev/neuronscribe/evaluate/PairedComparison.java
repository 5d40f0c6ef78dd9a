package dev.neuronscribe.evaluate;

/**
 * Condition {@code a} against condition {@code b} on the same items (neurons or puzzles): the
 * differences a − b over the {@code n} items where both have a score.
 *
 * @param meanDifference mean of a − b
 * @param semDifference standard error of that mean
 * @param t paired t statistic, {@code df} = n − 1, {@code pT} two-sided
 * @param pTHolm {@code pT} adjusted by Holm's step-down method over all pairs of one comparison
 * @param wilcoxonW Wilcoxon signed-rank statistic min(W+, W−), zero differences dropped
 * @param pWilcoxon its two-sided p-value, computed by {@code wilcoxonMethod} ("exact" or "normal")
 * @param ciLow lower end of the paired-bootstrap percentile interval of the mean difference
 * @param ciHigh upper end of that interval
 */
public record PairedComparison(
    String a,
    String b,
    int n,
    double meanDifference,
    double semDifference,
    double t,
    int df,
    double pT,
    double pTHolm,
    double wilcoxonW,
    double pWilcoxon,
    String wilcoxonMethod,
    double ciLow,
    double ciHigh) {

  PairedComparison withHolm(double adjusted) {
    return new PairedComparison(a, b, n, meanDifference, semDifference, t, df, pT, adjusted,
        wilcoxonW, pWilcoxon, wilcoxonMethod, ciLow, ciHigh);
  }
}
