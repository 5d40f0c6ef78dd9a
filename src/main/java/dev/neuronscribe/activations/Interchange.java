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
    // Each file is forced to disk before its rename: writing several at once hides the disk's latency.
    // Records are read in order (a store decodes a batch once for its units); at most WRITERS are in memory.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(WRITERS);
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(WRITERS);
    java.util.List<java.util.concurrent.Future<?>> tasks = new java.util.ArrayList<>();
    int written = 0;
    try {
      for (NeuronId id : ids) {
        if (to.contains(id)) {
          progress.accept(1);
          continue;
        }
        NeuronRecord r = from.read(id);
        inFlight.acquireUninterruptibly();
        tasks.add(pool.submit(() -> {
          try {
            to.write(decimals.isPresent() ? RecordingWriter.rounded(r, decimals) : r);
            progress.accept(1);
          } finally {
            inFlight.release();
          }
        }));
        written++;
      }
      for (var t : tasks) t.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("export interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return written;
  }

  private static final int WRITERS = 8;

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
