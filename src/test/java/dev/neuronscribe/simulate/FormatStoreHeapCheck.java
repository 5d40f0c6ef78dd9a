package dev.neuronscribe.simulate;

import java.nio.file.Path;

/** {@link RunDirectoryBenchmark} in a JVM of its own, so that {@link FormatStoreTest} can give it a small heap. */
public final class FormatStoreHeapCheck {
  public static void main(String[] args) {
    var r = RunDirectoryBenchmark.run(Path.of(args[0]), Integer.parseInt(args[1]), 20, 64);
    System.out.println("scored " + r.scored() + " of " + r.units() + "; heap max " + r.heapMax() / (1 << 20) + " MB");
  }
}
