package dev.neuronscribe.activations;

import java.util.List;
import java.util.OptionalInt;
import java.util.function.LongConsumer;

/**
 * Moves records between a store and OpenAI's JSON layout. Both directions skip what the target holds
 * already, so an interrupted export or import resumes where it stopped.
 */
public final class Interchange {
  private Interchange() {}

  /**
   * Writes each unit of {@code from} as {@code DIR/<layer>/<index>.json}, the numbers as a direct JSON
   * recording writes them (activations at the store's precision), or rounded to {@code decimals}.
   */
  public static int exportJson(NeuronRecords from, List<NeuronId> ids, NeuronRecordDirectory to, OptionalInt decimals, LongConsumer progress) {
    int written = 0;
    for (NeuronId id : ids) {
      if (!to.contains(id)) {
        NeuronRecord r = from.read(id);
        to.write(decimals.isPresent() ? RecordingWriter.rounded(r, decimals) : r);
        written++;
      }
      progress.accept(1);
    }
    return written;
  }

  /** Stores every record of {@code from} (a JSON folder, or another store) that {@code to} lacks. */
  public static int importRecords(NeuronRecords from, List<NeuronId> ids, ActivationStoreWriter to, LongConsumer progress) {
    int written = 0;
    for (NeuronId id : ids) {
      if (!to.contains(id.layer(), id.neuron())) {
        to.add(from.read(id));
        written++;
      }
      progress.accept(1);
    }
    to.finish();
    return written;
  }
}
