package dev.neuronscribe.local;

import java.util.Arrays;
import java.util.SplittableRandom;

/** The next token: greedy at temperature 0, otherwise drawn from the tempered distribution cut to its top-p nucleus. */
final class Sampler {
  private Sampler() {}

  static int pick(double[] logSoftmax, Engine.Sampling s, SplittableRandom random) {
    int n = logSoftmax.length;
    if (s.temperature() == 0) {
      int best = 0;
      for (int i = 1; i < n; i++) if (logSoftmax[i] > logSoftmax[best]) best = i;
      return best;
    }
    // p_i ∝ exp(log p_i / T): the tempered distribution, normalised below.
    double max = Double.NEGATIVE_INFINITY;
    for (double x : logSoftmax) max = Math.max(max, x);
    double[] p = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp((logSoftmax[i] - max) / s.temperature());
      sum += p[i];
    }
    if (s.topP() >= 1) return draw(p, sum, random);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    // The smallest set of most likely tokens whose mass reaches top_p; the rest are never drawn.
    double kept = 0;
    int count = 0;
    while (count < n && kept < s.topP() * sum) kept += p[order[count++]];
    double u = random.nextDouble() * kept;
    for (int j = 0; j < count; j++) {
      u -= p[order[j]];
      if (u < 0) return order[j];
    }
    return order[count - 1];
  }

  private static int draw(double[] p, double sum, SplittableRandom random) {
    double u = random.nextDouble() * sum;
    for (int i = 0; i < p.length; i++) {
      u -= p[i];
      if (u < 0) return i;
    }
    for (int i = p.length - 1; i >= 0; i--) if (p[i] > 0) return i;
    return p.length - 1;
  }
}
