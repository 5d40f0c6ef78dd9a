package dev.neuronscribe.simulate;

/** An explanation and how well a simulator, reading it, predicted the neuron. */
public record ScoredExplanation(String explanation, ScoredSimulation scoredSimulation) {}
