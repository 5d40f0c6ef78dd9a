package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Times the recorder on a randomly initialised model it writes itself (GPT-2 by default; Llama, Qwen2,
 * GPT-NeoX or Gemma 2 shapes with {@link Settings#architecture}), or on a checkpoint it is given. For GPT-2 it
 * measures the way {@code bench/peers/gpt2_numpy.py bench L E T B N} times numpy: B excerpts of T random tokens per
 * round, N rounds timed after an untimed warm-up over the same N; FLOPs counted as that script counts them, 2·tokens·L·12·E²
 * (the block matmuls; attention scores excluded).
 */
public final class RecorderBenchmark {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /**
   * @param architecture gpt2, llama, qwen2, gpt_neox or gemma2
   * @param kvHeads key/value heads (grouped-query attention; Llama, Qwen2, Gemma 2)
   * @param mlpWidth neurons per layer; 0 = the architecture's usual (4 × width; 8/3 × width rounded to 256 for gated MLPs)
   * @param vocabSize 0 = the architecture's usual (GPT-2's 50257, NeoX's 50304, else 32000)
   * @param bf16 store the weights as BF16 (else F32)
   */
  public record Settings(String architecture, int layers, int width, int heads, int kvHeads, int mlpWidth, int vocabSize, boolean bf16,
      int excerptTokens, int batch, int rounds, int repeats) {

    /** GPT-2 of this shape, as before the other architectures came. */
    public Settings(int layers, int width, int heads, int excerptTokens, int batch, int rounds, int repeats) {
      this("gpt2", layers, width, heads, heads, 0, 0, false, excerptTokens, batch, rounds, repeats);
    }

    RandomCheckpoints.Spec spec() {
      boolean gated = !architecture.equals("gpt_neox");
      int m = mlpWidth > 0 ? mlpWidth : gated ? Math.max(256, (8 * width / 3 + 255) / 256 * 256) : 4 * width;
      int v = vocabSize > 0 ? vocabSize : architecture.equals("gpt_neox") ? 50304 : 32000;
      return new RandomCheckpoints.Spec(architecture, layers, width, heads, kvHeads, m, v, bf16 ? DType.BF16 : DType.F32);
    }
  }

  /** One timed run of {@code rounds} rounds. */
  public record Measurement(double tokensPerSecond, double gflops) {}

  public record Report(
      Settings settings, int neuronsRecorded, List<Measurement> forward, List<Measurement> recording,
      Optional<Double> nominalPeakGflops, String nominalPeakBasis, double measuredPeakGflops, int cores, int lanes, double flopsPerToken,
      List<Double> pairedPeakFractions) {

    /**
     * The forward pass's GFLOP/s over the FMA peak measured right after it, run by run, median: on a shared
     * machine the load moves between a run and a peak taken minutes later, so only the paired ratio means much.
     */
    public double medianPairedPeakFraction() {
      double[] v = pairedPeakFractions.stream().mapToDouble(d -> d).sorted().toArray();
      return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    public static double median(List<Measurement> m) {
      double[] v = m.stream().mapToDouble(Measurement::tokensPerSecond).sorted().toArray();
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    public static double best(List<Measurement> m) {
      return m.stream().mapToDouble(Measurement::tokensPerSecond).max().orElse(Double.NaN);
    }
  }

  private RecorderBenchmark() {}

  public static Report run(Settings s, Consumer<String> log) {
    return run(s, Optional.empty(), log);
  }

  /**
   * As {@link #run(Settings, Consumer)}; with {@code keep}, the random checkpoint is written there and kept
   * (for timing {@code scribe record} end to end on the same model), instead of in a temporary directory.
   */
  public static Report run(Settings s, Optional<Path> keep, Consumer<String> log) {
    Path dir;
    try {
      if (keep.isPresent()) {
        dir = keep.get();
        if (Files.exists(dir.resolve("config.json")) || Files.exists(dir.resolve("model.safetensors"))) {
          throw new InvalidInputException(dir.toString(), "already holds a checkpoint; give --keep-model a new or empty directory");
        }
        Files.createDirectories(dir);
      } else {
        dir = Files.createTempDirectory("scribe-bench-");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory for the benchmark's checkpoint: " + e.getMessage(), e);
    }
    try {
      long t0 = System.nanoTime();
      double flops;
      if (s.architecture().equals("gpt2")) {
        Gpt2Config config = Gpt2Config.gpt2(s.layers(), s.width(), s.heads());
        Checkpoints.writeRandom(dir, config, 0);
        flops = 2.0 * s.layers() * 12.0 * s.width() * s.width();
      } else {
        RandomCheckpoints.write(dir, s.spec(), 0);
        flops = s.spec().flopsPerToken();
      }
      log.accept(String.format("wrote a random %s (%s) to %s in %.1f s", s.architecture(), s.architecture().equals("gpt2")
          ? String.format("%d layers, width %d, %d heads", s.layers(), s.width(), s.heads()) : s.spec().toString(), dir, (System.nanoTime() - t0) / 1e9));
      try (Model model = Models.load(dir)) {
        return measure(model, s, flops, log);
      }
    } finally {
      if (keep.isEmpty()) deleteTree(dir);
    }
  }

  /** Times an existing checkpoint (any supported architecture); FLOPs counted from its shape as for a random one. */
  public static Report runOn(Path dir, Settings s, Consumer<String> log) {
    try (Model model = Models.load(dir)) {
      Model.Shape c = model.shape();
      log.accept("timing " + dir + ": " + c);
      double flops = c.architecture().equals("gpt2") ? 2.0 * c.layers() * 12.0 * c.width() * c.width() : weightFlops(model);
      return measure(model, s, flops, log);
    }
  }

  /** 2 FLOPs per weight of the blocks' matmuls, read off the shape (each architecture's layout). */
  private static double weightFlops(Model model) {
    return switch (model) {
      case Llama m -> m.flopsPerToken();
      case NeoX m -> m.flopsPerToken();
      case Gemma2 m -> m.flopsPerToken();
      default -> throw new IllegalStateException("no FLOP count for " + model.shape().architecture());
    };
  }

  private static Report measure(Model model, Settings s, double flopsPerToken, Consumer<String> log) {
    Model.Shape c = model.shape();
    int t = s.excerptTokens(), b = s.batch();
    SplittableRandom random = new SplittableRandom(0);
    int[][] rounds = new int[s.rounds()][];
    for (int r = 0; r < rounds.length; r++) rounds[r] = random.ints(b * t, 0, c.vocabSize()).toArray();
    int[] lengths = new int[b];
    Arrays.fill(lengths, t);
    Model.Pass state = model.newPass(b * t);
    int last = c.layers() - 1;

    log.accept("forward pass only (MLP activations of every layer computed, nothing kept):");
    List<Measurement> forward = new ArrayList<>();
    List<Double> paired = new ArrayList<>();
    // Warm-up: one untimed run of every batch, so that the JIT has compiled the hot loops before the clock
    // starts (numpy's script warms up with one batch; it has no compiler to wait for).
    for (int[] ids : rounds) state.forward(ids, b, t, last, Model.Hook.at(HookPoint.MLP_ACT, (l, a, n) -> {}));
    for (int rep = 0; rep < s.repeats(); rep++) {
      long t0 = System.nanoTime();
      for (int[] ids : rounds) state.forward(ids, b, t, last, Model.Hook.at(HookPoint.MLP_ACT, (l, a, n) -> {}));
      Measurement m = measurement((long) b * t * s.rounds(), System.nanoTime() - t0, flopsPerToken, log);
      forward.add(m);
      double peak = fmaPeak();
      paired.add(m.gflops() / peak);
      log.accept(String.format("    FMA peak measured right after: %.1f GFLOP/s, so this run reached %.0f%% of it", peak, 100 * m.gflops() / peak));
    }

    RecordingOptions o = RecordingOptions.defaults().withExcerptTokens(t, Math.min(t, 16)).withBatchSize(b);
    long need = (long) c.layers() * c.mlpWidth() * LayerRecording.bytesPerNeuron(o);
    if (need > Runtime.getRuntime().maxMemory() * 0.8) {
      log.accept(String.format("recording skipped: the summaries of %,d neurons need %.1f GB and Java may use %.1f GB (SCRIBE_JAVA_OPTS=-Xmx%dg)",
          c.layers() * c.mlpWidth(), need / 1e9, Runtime.getRuntime().maxMemory() / 1e9, (long) Math.ceil(need / 0.7 / (1L << 30))));
      return finish(s, c, forward, List.of(), flopsPerToken, paired);
    }
    int[] all = IntStream.range(0, c.mlpWidth()).toArray();
    LayerRecording[] layers = new LayerRecording[c.layers()];
    for (int l = 0; l < layers.length; l++) {
      layers[l] = new LayerRecording(l, all, c.mlpWidth(), o);
      layers[l].finishCalibration(1);
    }
    log.accept(String.format("recording (forward pass + top %d, random %d, %d quantile bins of %d, moments, for all %,d neurons):",
        o.topCount(), o.randomCount(), RecordingOptions.BINS, o.perQuantileCount(), c.layers() * c.mlpWidth()));
    int[] next = {0};
    long[] summaryNanos = {0};
    Model.Hook hook = Model.Hook.at(HookPoint.MLP_ACT, (l, acts, rows) -> {
      long t0 = System.nanoTime();
      layers[l].observe(acts, b, lengths, next[0]);
      summaryNanos[0] += System.nanoTime() - t0;
    });
    state.forward(rounds[0], b, t, last, hook);
    next[0] += b;
    List<Measurement> recording = new ArrayList<>();
    for (int rep = 0; rep < s.repeats(); rep++) {
      summaryNanos[0] = 0;
      long t0 = System.nanoTime();
      for (int[] ids : rounds) {
        state.forward(ids, b, t, last, hook);
        next[0] += b;
      }
      long nanos = System.nanoTime() - t0;
      recording.add(measurement((long) b * t * s.rounds(), nanos, flopsPerToken, log));
      log.accept(String.format("    of which updating the summaries: %.2f s (%.0f%%; excerpts %,d-%,d of the stream, where new top excerpts are still frequent)",
          summaryNanos[0] / 1e9, 100.0 * summaryNanos[0] / nanos, next[0] - b * s.rounds(), next[0]));
    }
    return finish(s, c, forward, recording, flopsPerToken, paired);
  }

  private static Report finish(Settings s, Model.Shape c, List<Measurement> forward, List<Measurement> recording, double flopsPerToken,
      List<Double> paired) {
    int cores = Runtime.getRuntime().availableProcessors();
    Optional<Double> ghz = cpuGhz();
    // Two 256-bit FMA pipes per core (Zen 2/3/4, Haswell and later); each FMA is 2 FLOPs per lane.
    Optional<Double> nominal = ghz.map(g -> cores * 2.0 * S.length() * 2.0 * g);
    String basis = ghz.map(g -> String.format("%d cores × 2 FMA units × %d float lanes × 2 FLOP × %.3f GHz (cpu MHz in /proc/cpuinfo)",
        cores, S.length(), g)).orElse("clock unknown");
    double measuredPeak = fmaPeak();
    return new Report(s, c.layers() * c.mlpWidth(), forward, recording, nominal, basis, measuredPeak, cores, S.length(), flopsPerToken, paired);
  }

  private static Measurement measurement(long tokens, long nanos, double flopsPerToken, Consumer<String> log) {
    double seconds = nanos / 1e9;
    Measurement m = new Measurement(tokens / seconds, tokens * flopsPerToken / seconds / 1e9);
    log.accept(String.format("  %,d tokens in %.2f s: %.1f tokens/s, %.1f GFLOP/s", tokens, seconds, m.tokensPerSecond(), m.gflops()));
    return m;
  }

  static Optional<Double> cpuGhz() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("cpu MHz")) return Optional.of(Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) / 1000);
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * The FMA rate this JVM reaches on all cores with no memory traffic at all (12 independent accumulators
   * per thread, enough to hide the FMA latency): the ceiling any matmul here can approach.
   */
  /** {@link #fmaPeak}, for {@code scribe bench fma}. */
  public static double fmaPeakGflops() {
    return fmaPeak();
  }

  static double fmaPeak() {
    int cores = Runtime.getRuntime().availableProcessors();
    long iterations = 20_000_000;
    fmaLoop(iterations / 10);
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
      long t0 = System.nanoTime();
      double sink = IntStream.range(0, cores).parallel().mapToDouble(i -> fmaLoop(iterations)).sum();
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (sink == 42) System.out.print("");
      best = Math.max(best, cores * iterations * 12.0 * S.length() * 2 / seconds / 1e9);
    }
    return best;
  }

  private static double fmaLoop(long n) {
    FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 0.001f);
    FloatVector c0 = FloatVector.broadcast(S, 1), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (long i = 0; i < n; i++) {
      c0 = c0.fma(a, b);
      c1 = c1.fma(a, b);
      c2 = c2.fma(a, b);
      c3 = c3.fma(a, b);
      c4 = c4.fma(a, b);
      c5 = c5.fma(a, b);
      c6 = c6.fma(a, b);
      c7 = c7.fma(a, b);
      c8 = c8.fma(a, b);
      c9 = c9.fma(a, b);
      c10 = c10.fma(a, b);
      c11 = c11.fma(a, b);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + dir + ": " + e.getMessage(), e);
    }
  }
}
