package dev.neuronscribe.simulate;

import dev.neuronscribe.prompts.PromptFormat;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a JVM with a small heap by {@link FormatStoreTest}: writes {@code N} simulated units into a run
 * directory the way a run does (out of order, as parallel units finish), reopens it as a rerun would, saves
 * it and scores it. Exits non-zero (OutOfMemoryError) if any step holds every simulation at once.
 */
public final class FormatStoreHeapCheck {
  public static void main(String[] args) {
    Path run = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    FormatStore s = new FormatStore(run, PromptFormat.ORIGINAL);
    for (int i = 0; i < n; i++) {
      int u = (i * 7919) % n; // every unit once, not in order
      var t = FormatStoreTest.target(u);
      s.putExplanations(t, FormatStoreTest.explained(t, "explanation of unit " + u));
      s.putSimulation(t, FormatStoreTest.result(t, "explanation of unit " + u, 20, 64), List.of());
    }
    FormatStore again = new FormatStore(run, PromptFormat.ORIGINAL);
    again.save();
    var scores = RunScores.scoreRun(run, List.of(PromptFormat.ORIGINAL));
    System.out.println("scored " + scores.get(0).summary().scored() + " of " + n + "; heap max " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
  }
}
