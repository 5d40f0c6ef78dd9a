package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.LlmClient;
import java.util.List;
import java.util.Optional;

/** Predicts, from an explanation, a neuron's activation (0–10) on every token of an excerpt. */
public interface Simulator {

  /** Names the method and model, e.g. {@code "all-at-once:vllm:Llama-3.1-8B"} or {@code "baseline-minilm-simulator"}. */
  String name();

  /** Thread-safe; failures of the model or of its reply come back as {@link SimulationOutcome.Failed}. */
  SimulationOutcome simulate(String explanation, List<String> tokens);

  /**
   * What simulating this excerpt would ask of a model server, without sending it (dry runs); empty for a
   * simulator that sends nothing (the offline ones).
   */
  default Optional<LlmClient.Planned> estimate(String explanation, List<String> tokens) {
    return Optional.empty();
  }
}
