package dev.neuronscribe.simulate;

import java.util.Arrays;

/** One excerpt's simulation with its true (raw) activations and its own three scores (NaN = undefined). */
public record ScoredSequenceSimulation(
    SequenceSimulation simulation, double[] trueActivations, double evCorrelationScore, double rsquaredScore,
    double absoluteDevExplainedScore) {

  public ScoredSequenceSimulation {
    trueActivations = trueActivations.clone();
    if (trueActivations.length != simulation.size()) {
      throw new IllegalArgumentException(simulation.size() + " simulated tokens but " + trueActivations.length + " true activations");
    }
  }

  @Override
  public double[] trueActivations() {
    return trueActivations.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredSequenceSimulation s && simulation.equals(s.simulation) && Arrays.equals(trueActivations, s.trueActivations)
        && Double.compare(evCorrelationScore, s.evCorrelationScore) == 0 && Double.compare(rsquaredScore, s.rsquaredScore) == 0
        && Double.compare(absoluteDevExplainedScore, s.absoluteDevExplainedScore) == 0;
  }

  @Override
  public int hashCode() {
    return simulation.hashCode();
  }
}
