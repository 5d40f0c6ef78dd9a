package dev.neuronscribe.simulate;

import java.util.List;

/** Predicts, from an explanation, a neuron's activation (0–10) on every token of an excerpt. */
public interface Simulator {

  /** Names the method and model, e.g. {@code "all-at-once:vllm:Llama-3.1-8B"} or {@code "baseline-minilm-simulator"}. */
  String name();

  /** Thread-safe; failures of the model or of its reply come back as {@link SimulationOutcome.Failed}. */
  SimulationOutcome simulate(String explanation, List<String> tokens);
}
