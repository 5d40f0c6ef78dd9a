package dev.neuronscribe.report;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * What one model call (or a group of calls for one item) cost, as a cost ledger records it: the
 * input of the paper's appendix Table 7. {@code step} is the pipeline step ("explain",
 * "simulate and score", "similarity"), {@code item} the neuron or puzzle it was for, {@code dollars}
 * empty when the model has no known price (a local model), {@code wall} the elapsed time.
 */
public record StepCost(String step, String model, String item, long promptTokens, long completionTokens, OptionalDouble dollars, Duration wall) {
  public StepCost {
    if (promptTokens < 0 || completionTokens < 0) throw new IllegalArgumentException("token counts cannot be negative");
  }
}
