package dev.neuronscribe.subject;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs the iterations of a loop on all cores (the common fork-join pool); each index runs exactly once. */
final class Parallel {
  private Parallel() {}

  static void forEach(int n, IntConsumer body) {
    if (n == 1) {
      body.accept(0);
    } else if (n > 1) {
      IntStream.range(0, n).parallel().forEach(body);
    }
  }
}
