package dev.neuronscribe.prompts;

import java.util.List;

/**
 * The wording of the simulator prompt (see {@code simulate-and-score}): the instruction, the stem that
 * introduces an explanation ({@code "\nExplanation of neuron {k} behavior: <opening>"}) and the worked
 * examples. The simulate package renders it; this package only carries it in the pack.
 */
public record SimulatorWording(String system, String explanationStem, List<SimulatorExample> fewShot) {
  public SimulatorWording {
    fewShot = List.copyOf(fewShot);
    PackRules.require(PackRules.stem(explanationStem), "simulator.explanation_stem");
  }

  /** The stem with the neuron's number filled in. */
  public String stem(int k) {
    return explanationStem.replace(PackRules.K, Integer.toString(k));
  }
}
