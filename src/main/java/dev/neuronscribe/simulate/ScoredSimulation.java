package dev.neuronscribe.simulate;

import java.util.List;

/** All scoring excerpts of one explanation, and the three scores over their flattened tokens (NaN = undefined). */
public record ScoredSimulation(
    List<ScoredSequenceSimulation> scoredSequenceSimulations, double evCorrelationScore, double rsquaredScore,
    double absoluteDevExplainedScore) {

  public ScoredSimulation {
    scoredSequenceSimulations = List.copyOf(scoredSequenceSimulations);
  }
}
