package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulate-and-score metrics. The neuron's scores are computed over the flattened excerpts (all
 * tokens of all scoring excerpts in one list), not averaged over excerpts; per-excerpt values are kept
 * as well. An undefined score — a constant list for the correlation, all-zero truth for the others — is
 * NaN, reported as undefined and never as 0.
 */
public final class Scoring {
  private Scoring() {}

  public static ScoredSimulation score(List<ActivationRecord> truth, List<SequenceSimulation> simulations) {
    if (truth.size() != simulations.size()) {
      throw new IllegalArgumentException(truth.size() + " excerpts but " + simulations.size() + " simulations");
    }
    List<ScoredSequenceSimulation> perExcerpt = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < truth.size(); i++) {
      ActivationRecord t = truth.get(i);
      SequenceSimulation s = simulations.get(i);
      if (!t.tokens().equals(s.tokens())) throw new IllegalArgumentException("excerpt " + i + ": the simulation's tokens differ from the excerpt's");
      double[] real = t.activations();
      double[] pred = s.expectedActivations();
      perExcerpt.add(new ScoredSequenceSimulation(s, real, correlation(real, pred), rSquared(real, pred), absoluteDevExplained(real, pred)));
      total += real.length;
    }
    double[] real = new double[total];
    double[] pred = new double[total];
    int k = 0;
    for (int i = 0; i < truth.size(); i++) {
      for (int j = 0; j < truth.get(i).size(); j++) {
        real[k] = truth.get(i).activation(j);
        pred[k++] = simulations.get(i).expected(j);
      }
    }
    return new ScoredSimulation(perExcerpt, correlation(real, pred), rSquared(real, pred), absoluteDevExplained(real, pred));
  }

  /** Re-scores stored simulations from their own true and expected activations. */
  public static ScoredSimulation rescore(ScoredSimulation s) {
    List<ActivationRecord> truth = s.scoredSequenceSimulations().stream()
        .map(x -> new ActivationRecord(x.simulation().tokens(), x.trueActivations())).toList();
    return score(truth, s.scoredSequenceSimulations().stream().map(ScoredSequenceSimulation::simulation).toList());
  }

  /** Pearson correlation; NaN when either list is constant or shorter than 2. */
  public static double correlation(double[] x, double[] y) {
    int n = x.length;
    if (n != y.length) throw new IllegalArgumentException("lists differ in length");
    if (n < 2) return Double.NaN;
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - mx, dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) return Double.NaN;
    return sxy / Math.sqrt(sxx * syy);
  }

  /** 1 − mean((true − pred)²) / mean(true²); NaN when the truth is all zero. */
  public static double rSquared(double[] real, double[] pred) {
    double se = 0, ss = 0;
    for (int i = 0; i < real.length; i++) {
      se += (real[i] - pred[i]) * (real[i] - pred[i]);
      ss += real[i] * real[i];
    }
    return ss == 0 ? Double.NaN : 1 - se / ss;
  }

  /** 1 − mean(|true − pred|) / mean(|true|); NaN when the truth is all zero. */
  public static double absoluteDevExplained(double[] real, double[] pred) {
    double ae = 0, aa = 0;
    for (int i = 0; i < real.length; i++) {
      ae += Math.abs(real[i] - pred[i]);
      aa += Math.abs(real[i]);
    }
    return aa == 0 ? Double.NaN : 1 - ae / aa;
  }
}
