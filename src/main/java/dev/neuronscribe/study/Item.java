package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import java.util.List;

/** One neuron of a study as stored: the excerpts shown and its explanations (in storage order). */
record Item(long id, long studyId, int position, NeuronId neuron, NeuronRecord excerpts, List<Explanation> explanations) {
  Item {
    explanations = List.copyOf(explanations);
  }

  /** One explanation of the item; {@code format} is the hidden method and never reaches a rater's page. */
  record Explanation(long id, String format, String text) {}
}
