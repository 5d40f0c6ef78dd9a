package dev.neuronscribe.subject;

import java.util.function.LongFunction;

/** Where recorded neurons go (e.g. a directory of NeuronRecord files); must be safe to call from several threads. */
public interface NeuronSink {
  /** Whether this neuron is stored already: a rerun skips it. */
  boolean contains(int layer, int neuron);

  /**
   * Called before the first {@link #accept} of a run with the token ids of the corpus's excerpts, by
   * {@link RecordedExcerpt#excerpt()}; valid until {@link #finish()}. A sink that keeps each excerpt once reads them here.
   */
  default void begin(LongFunction<int[]> tokenIds) {}

  /** Stores one neuron; called once per neuron, possibly from several threads at once. */
  void accept(RecordedNeuron neuron);

  /** Called after the last {@link #accept} of a run, also one stopped part way: a sink that buffers writes what it holds. */
  default void finish() {}
}
