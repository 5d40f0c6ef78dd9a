package dev.neuronscribe.activations;

import java.util.List;

/**
 * A neuron puzzle: sentences with hand-made activations (integers 0–10) for a "neuron" whose true
 * explanation is known, plus plausible but false explanations to compare against.
 */
public record Puzzle(String name, String explanation, List<ActivationRecord> sentences, List<String> falseExplanations) {
  /** Puzzle activations are on the 0–10 scale; a token is "hot" above this (spec: cutoff 1). */
  public static final double CUTOFF = 1.0;

  public Puzzle {
    if (name.isBlank()) throw new IllegalArgumentException("a puzzle needs a name");
    sentences = List.copyOf(sentences);
    falseExplanations = List.copyOf(falseExplanations);
  }
}
