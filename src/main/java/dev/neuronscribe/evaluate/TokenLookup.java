package dev.neuronscribe.evaluate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.simulate.Scoring;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a neuron is a function of the current token alone: each token's mean activation is learnt on
 * half of the neuron's random excerpts (every other one) and predicts the other half, and the other way
 * round; the result is the Pearson correlation of those predictions with the truth over all held-out
 * tokens (a token never seen in the learning half is predicted at that half's mean). Random excerpts,
 * not top-activating ones, so that the figure describes the neuron on ordinary text. An explanation that
 * only names a neuron's strongest tokens can reach part of this correlation without any concept, which is
 * why it is reported beside simulation scores.
 */
public final class TokenLookup {
  private TokenLookup() {}

  /** The held-out correlation; NaN when the record has fewer than two random excerpts or constant activations. */
  public static double heldOutCorrelation(NeuronRecord record) {
    List<ActivationRecord> random = record.randomSample();
    if (random.size() < 2) return Double.NaN;
    List<ActivationRecord> even = new ArrayList<>(), odd = new ArrayList<>();
    for (int i = 0; i < random.size(); i++) (i % 2 == 0 ? even : odd).add(random.get(i));
    List<Double> truth = new ArrayList<>(), predicted = new ArrayList<>();
    predict(even, odd, truth, predicted);
    predict(odd, even, truth, predicted);
    return Scoring.correlation(truth.stream().mapToDouble(Double::doubleValue).toArray(), predicted.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static void predict(List<ActivationRecord> learn, List<ActivationRecord> test, List<Double> truth, List<Double> predicted) {
    Map<String, double[]> sums = new HashMap<>(); // token -> {sum, count}
    double all = 0;
    int n = 0;
    for (ActivationRecord r : learn) {
      for (int i = 0; i < r.size(); i++) {
        double[] s = sums.computeIfAbsent(r.token(i), k -> new double[2]);
        s[0] += r.activation(i);
        s[1]++;
        all += r.activation(i);
        n++;
      }
    }
    double mean = n == 0 ? 0 : all / n;
    for (ActivationRecord r : test) {
      for (int i = 0; i < r.size(); i++) {
        double[] s = sums.get(r.token(i));
        truth.add(r.activation(i));
        predicted.add(s == null ? mean : s[0] / s[1]);
      }
    }
  }
}
