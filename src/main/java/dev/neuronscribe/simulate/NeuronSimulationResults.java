package dev.neuronscribe.simulate;

import dev.neuronscribe.explain.Target;
import java.util.List;

/** OpenAI's {@code NeuronSimulationResults}: every scored explanation of one neuron (or puzzle). */
public record NeuronSimulationResults(Target target, List<ScoredExplanation> scoredExplanations) {
  public NeuronSimulationResults {
    scoredExplanations = List.copyOf(scoredExplanations);
  }
}
