package dev.neuronscribe.explain;

import dev.neuronscribe.activations.NeuronId;

/** What is being explained: a real neuron, or a neuron puzzle (known answer, hand-made activations). */
public sealed interface Target extends Comparable<Target> {

  /** {@code "1:1"} or {@code "puzzle:NAME"}: unique in a run, used as the key in output files. */
  String key();

  record Neuron(NeuronId id) implements Target {
    @Override
    public String key() {
      return id.toString();
    }
  }

  record Puzzle(String name) implements Target {
    @Override
    public String key() {
      return "puzzle:" + name;
    }
  }

  @Override
  default int compareTo(Target o) {
    if (this instanceof Neuron a && o instanceof Neuron b) return a.id().compareTo(b.id());
    if (this instanceof Neuron) return -1;
    if (o instanceof Neuron) return 1;
    return key().compareTo(o.key());
  }
}
