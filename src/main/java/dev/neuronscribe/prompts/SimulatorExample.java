package dev.neuronscribe.prompts;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.Collections;
import java.util.List;

/**
 * A worked simulator example: an explanation, excerpts with activations on the 0–10 scale, and per
 * excerpt the index of the first token whose activation is shown (earlier ones read "unknown", which
 * teaches the model that "unknown" is followed by real numbers).
 */
public record SimulatorExample(String explanation, List<ActivationRecord> records, List<Integer> firstRevealedIndex) {
  public SimulatorExample {
    records = List.copyOf(records);
    firstRevealedIndex = List.copyOf(firstRevealedIndex);
    PackRules.require(PackRules.explanation(explanation), "explanation");
    PackRules.require(PackRules.records(records), "records");
    if (firstRevealedIndex.size() != records.size()) {
      throw new IllegalArgumentException("first_revealed_index has " + firstRevealedIndex.size() + " entries for " + records.size() + " records; give one per record");
    }
    for (int i = 0; i < records.size(); i++) {
      ActivationRecord r = records.get(i);
      PackRules.require(PackRules.record(r), "records[" + i + "]");
      PackRules.require(PackRules.firstRevealed(firstRevealedIndex.get(i), r), "first_revealed_index[" + i + "]");
      for (int t = 0; t < r.size(); t++) PackRules.require(PackRules.simulatorActivation(r.activation(t)), "records[" + i + "].activations[" + t + "]");
    }
  }

  /** An example whose activations are all revealed from the first token on. */
  public SimulatorExample(String explanation, List<ActivationRecord> records) {
    this(explanation, records, Collections.nCopies(records.size(), 0));
  }
}
