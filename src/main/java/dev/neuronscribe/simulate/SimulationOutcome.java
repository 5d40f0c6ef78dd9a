package dev.neuronscribe.simulate;

/** A simulator's answer for one excerpt: a simulation, or the reason there is none. Never a row of zeros. */
public sealed interface SimulationOutcome {
  record Simulated(SequenceSimulation simulation) implements SimulationOutcome {}

  record Failed(String reason) implements SimulationOutcome {}
}
