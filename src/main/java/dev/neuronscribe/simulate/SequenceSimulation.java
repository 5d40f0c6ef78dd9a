package dev.neuronscribe.simulate;

import java.util.Arrays;
import java.util.List;

/**
 * A simulator's prediction for one excerpt (OpenAI's {@code SequenceSimulation}): per token the expected
 * activation on the 0–10 scale, and the distribution it came from (values and probabilities; empty
 * where the model gave no probabilities).
 */
public record SequenceSimulation(
    List<String> tokens, double[] expectedActivations, List<double[]> distributionValues, List<double[]> distributionProbabilities) {

  /** OpenAI's {@code ActivationScale} of simulator output. */
  public static final String SIMULATED_SCALE = "simulated_normalized_activations";

  public SequenceSimulation {
    tokens = List.copyOf(tokens);
    expectedActivations = expectedActivations.clone();
    distributionValues = distributionValues.stream().map(double[]::clone).toList();
    distributionProbabilities = distributionProbabilities.stream().map(double[]::clone).toList();
    int n = tokens.size();
    if (expectedActivations.length != n || distributionValues.size() != n || distributionProbabilities.size() != n) {
      throw new IllegalArgumentException("a simulation needs one prediction per token: " + n + " tokens, "
          + expectedActivations.length + " expected values, " + distributionValues.size() + " distributions");
    }
    for (int i = 0; i < n; i++) {
      if (distributionValues.get(i).length != distributionProbabilities.get(i).length) {
        throw new IllegalArgumentException("token " + i + ": distribution values and probabilities differ in length");
      }
    }
  }

  /** A prediction without distributions (a model that wrote numbers, or a baseline). */
  public static SequenceSimulation pointEstimates(List<String> tokens, double[] values) {
    List<double[]> empty = java.util.Collections.nCopies(tokens.size(), new double[0]);
    return new SequenceSimulation(tokens, values, empty, empty);
  }

  @Override
  public double[] expectedActivations() {
    return expectedActivations.clone();
  }

  public double expected(int i) {
    return expectedActivations[i];
  }

  public int size() {
    return tokens.size();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SequenceSimulation s) || !tokens.equals(s.tokens) || !Arrays.equals(expectedActivations, s.expectedActivations)) return false;
    for (int i = 0; i < tokens.size(); i++) {
      if (!Arrays.equals(distributionValues.get(i), s.distributionValues.get(i))
          || !Arrays.equals(distributionProbabilities.get(i), s.distributionProbabilities.get(i))) return false;
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * tokens.hashCode() + Arrays.hashCode(expectedActivations);
  }

  @Override
  public String toString() {
    return "SequenceSimulation" + Arrays.toString(expectedActivations);
  }
}
