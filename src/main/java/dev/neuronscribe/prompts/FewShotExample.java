package dev.neuronscribe.prompts;

import dev.neuronscribe.activations.ActivationRecord;
import java.util.List;

/**
 * A worked example shown to the explainer before the real neuron: some excerpts with raw activations
 * (as the subject model produced them) and the explanation the explainer should have written, without
 * a trailing period.
 */
public record FewShotExample(String explanation, List<ActivationRecord> records) {
  public FewShotExample {
    records = List.copyOf(records);
    PackRules.require(PackRules.explanation(explanation), "explanation");
    PackRules.require(PackRules.records(records), "records");
    for (int i = 0; i < records.size(); i++) PackRules.require(PackRules.record(records.get(i)), "records[" + i + "]");
  }
}
