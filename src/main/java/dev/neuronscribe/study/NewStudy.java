package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an organiser puts into a study: its name, the explainer model whose explanations are rated (the
 * results are reported per explainer model), the instructions raters read, and the items.
 */
public record NewStudy(String name, String explainerModel, String instructions, List<Item> items) {

  /**
   * One neuron to rate: the excerpts raters see (as a NeuronRecord, usually the top of the real one) and
   * one explanation per prompt format, keyed by format name (never shown to raters).
   */
  public record Item(NeuronId neuron, NeuronRecord excerpts, Map<String, String> explanationsByFormat) {
    public Item {
      explanationsByFormat = Collections.unmodifiableMap(new LinkedHashMap<>(explanationsByFormat));
      if (explanationsByFormat.size() < 2) {
        throw new IllegalArgumentException("neuron " + neuron + ": a study item needs at least two explanations to compare, got " + explanationsByFormat.size());
      }
      explanationsByFormat.forEach((format, text) -> {
        if (format.isBlank()) throw new IllegalArgumentException("neuron " + neuron + ": a format name is empty");
        if (text.isBlank()) throw new IllegalArgumentException("neuron " + neuron + ": the " + format + " explanation is empty");
      });
      if (excerpts.mostPositiveActivationRecords().isEmpty() && excerpts.randomSample().isEmpty()) {
        throw new IllegalArgumentException("neuron " + neuron + ": no excerpts to show raters");
      }
    }
  }

  public NewStudy {
    items = List.copyOf(items);
    if (name.isBlank()) throw new IllegalArgumentException("a study needs a name");
    if (explainerModel.isBlank()) throw new IllegalArgumentException("a study needs the name of the explainer model (Table 5 is reported per explainer model)");
    if (items.isEmpty()) throw new IllegalArgumentException("a study needs at least one neuron");
    Set<NeuronId> seen = new HashSet<>();
    for (Item item : items) {
      if (!seen.add(item.neuron())) throw new IllegalArgumentException("neuron " + item.neuron() + " appears twice in the study");
    }
  }
}
