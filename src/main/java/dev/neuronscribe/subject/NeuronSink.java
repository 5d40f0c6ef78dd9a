package dev.neuronscribe.subject;

/** Where recorded neurons go (e.g. a directory of NeuronRecord files); must be safe to call from several threads. */
public interface NeuronSink {
  /** Whether this neuron is stored already: a rerun skips it. */
  boolean contains(int layer, int neuron);

  /** Stores one neuron; called once per neuron, possibly from several threads at once. */
  void accept(RecordedNeuron neuron);
}
