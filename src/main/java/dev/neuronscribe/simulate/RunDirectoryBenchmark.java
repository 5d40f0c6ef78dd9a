package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.prompts.PromptFormat;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run directory costs in memory at scale, without a simulator: {@code units} units explained and
 * simulated into {@code DIR/original/} as a run stores them (out of order, as parallel units finish; a
 * simulation of {@code excerpts} excerpts of {@code tokens} tokens each, about 50 bytes of JSON per token),
 * then reopened as a rerun does, compacted and scored. The simulator's own memory is per unit in flight and
 * not measured here; {@code scribe bench run-dir} runs it, {@code FormatStoreTest} in a 20 MB heap.
 */
public final class RunDirectoryBenchmark {
  private RunDirectoryBenchmark() {}

  public record Result(int units, int scored, long simulationsBytes, double seconds, long heapUsedAfterGcMax, long heapMax) {}

  public static Result run(Path dir, int units, int excerpts, int tokens) {
    long start = System.nanoTime();
    FormatStore s = new FormatStore(dir, PromptFormat.ORIGINAL);
    long step = units > 1 ? largestCoprime(units) : 1;
    for (int i = 0; i < units; i++) {
      Target t = target((int) ((i * step) % units));
      String text = "words about unit " + t.key();
      s.putExplanations(t, List.of(Explanation.of(t, PromptFormat.ORIGINAL, 0, "benchmark", text, 0, 0)));
      s.putSimulation(t, simulation(t, text, excerpts, tokens), List.of());
    }
    FormatStore again = new FormatStore(dir, PromptFormat.ORIGINAL);
    again.save();
    List<RunScores.FormatScore> scores = RunScores.scoreRun(dir, List.of(PromptFormat.ORIGINAL));
    long bytes;
    try {
      bytes = java.nio.file.Files.size(again.simulationsFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    long afterGc = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) afterGc += p.getCollectionUsage().getUsed();
    }
    return new Result(units, scores.get(0).summary().scored(), bytes, (System.nanoTime() - start) / 1e9, afterGc, Runtime.getRuntime().maxMemory());
  }

  /** A step that visits every unit once in a scrambled order. */
  private static long largestCoprime(int n) {
    for (long s = n / 2 + 1; s > 1; s--) if (gcd(s, n) == 1) return s;
    return 1;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  static Target target(int n) {
    return new Target.Neuron(new NeuronId(n / 3072, n % 3072));
  }

  /** A simulation with activations and predictions that vary by unit, excerpt and token. */
  static NeuronSimulationResults simulation(Target t, String text, int excerpts, int tokens) {
    List<ActivationRecord> truth = new ArrayList<>();
    List<SequenceSimulation> sims = new ArrayList<>();
    for (int e = 0; e < excerpts; e++) {
      List<String> toks = new ArrayList<>();
      double[] a = new double[tokens], p = new double[tokens];
      for (int k = 0; k < tokens; k++) {
        toks.add(" tok" + (k * 7 + e) % 50);
        a[k] = Math.sin(k + e + t.hashCode()) * 3.25;
        p[k] = Math.max(0, Math.cos(k * 0.5 + e)) * 10;
      }
      truth.add(new ActivationRecord(toks, a));
      sims.add(SequenceSimulation.pointEstimates(toks, p));
    }
    return new NeuronSimulationResults(t, List.of(new ScoredExplanation(text, Scoring.score(truth, sims))));
  }
}
