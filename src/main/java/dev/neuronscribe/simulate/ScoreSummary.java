package dev.neuronscribe.simulate;

import java.util.List;

/**
 * The paper's summary of a neuron set: the mean of per-neuron correlation scores with its standard error.
 * A neuron's score is its explanation's {@code ev_correlation_score} (the mean over its explanations when it
 * has several samples, undefined ones left out). Neurons whose score is undefined are counted, not averaged
 * in as 0.
 */
public record ScoreSummary(int neurons, int scored, int undefined, int failed, double mean, double standardError,
    double meanRSquared, double meanAbsoluteDevExplained) {

  /**
   * What a negative r² or abs.dev means, for tables that show them: both compare the simulator's
   * predictions, which are on its own 0–10 scale, with the activations in the model's units, without
   * fitting either to the other, so they fall below 0 whenever the two scales differ, however well the
   * pattern matches.
   */
  public static final String NEGATIVE_R_SQUARED = "r² and abs.dev below 0 are expected, not an error: r² = 1 − Σ(true − predicted)² / Σ true² "
      + "and abs.dev = 1 − Σ|true − predicted| / Σ|true| compare the simulator's 0–10 predictions with activations in the model's own units "
      + "without rescaling, so a mismatch of scale drives them below 0 even when the pattern is right; mean corr (ev_correlation_score, the "
      + "paper's measure) ignores scale.";

  /** Whether a table showing this summary needs {@link #NEGATIVE_R_SQUARED}. */
  public boolean negativeScaleScores() {
    return meanRSquared < 0 || meanAbsoluteDevExplained < 0;
  }

  public static ScoreSummary of(List<NeuronSimulationResults> results, int failed) {
    double[] ev = new double[results.size()];
    double[] rsq = new double[results.size()];
    double[] abs = new double[results.size()];
    int k = 0;
    int undefined = 0;
    for (NeuronSimulationResults r : results) {
      double e = mean(r.scoredExplanations().stream().mapToDouble(x -> x.scoredSimulation().evCorrelationScore()).toArray());
      if (Double.isNaN(e)) {
        undefined++;
        continue;
      }
      ev[k] = e;
      rsq[k] = mean(r.scoredExplanations().stream().mapToDouble(x -> x.scoredSimulation().rsquaredScore()).toArray());
      abs[k] = mean(r.scoredExplanations().stream().mapToDouble(x -> x.scoredSimulation().absoluteDevExplainedScore()).toArray());
      k++;
    }
    double[] defined = java.util.Arrays.copyOf(ev, k);
    double m = k == 0 ? Double.NaN : mean(defined);
    double se = Double.NaN;
    if (k >= 2) {
      double ss = 0;
      for (double v : defined) ss += (v - m) * (v - m);
      se = Math.sqrt(ss / (k - 1)) / Math.sqrt(k);
    }
    return new ScoreSummary(results.size() + failed, k, undefined, failed, m, se,
        mean(java.util.Arrays.copyOf(rsq, k)), mean(java.util.Arrays.copyOf(abs, k)));
  }

  /** Mean of the defined values; NaN when there are none. */
  private static double mean(double[] values) {
    double s = 0;
    int n = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        s += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
