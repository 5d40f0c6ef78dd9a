package dev.neuronscribe.subject;

import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Records the units of a model over a corpus (its MLP neurons, or what a {@link LayerUnits} computes from
 * a hook point, such as a dictionary's latents): the corpus is cut into excerpts, run through the
 * model in batches, and each requested unit's top excerpts, random samples and moments are kept in a
 * summary whose size does not depend on the corpus ({@link LayerRecording}). Finished neurons go to a
 * {@link NeuronSink}.
 *
 * <p>Three passes over the excerpts, all resumable: tokenising into {@code WORK/excerpts.bin}; a
 * calibration pass over an even subsample of excerpts that fixes each neuron's quantile boundaries; the
 * main pass. When the calibration set is the whole corpus, the last two are one: the model runs once, the
 * recorded neurons' activations are kept in {@code WORK/activations.bin}, and the bins are sampled from
 * them afterwards (the same records; {@code RecorderTest} compares). The summary is checkpointed to {@code WORK/state.bin} (atomically) at an interval, on
 * {@link #requestStop()} and between passes, so an interrupted run loses at most the batch in flight. A
 * rerun with the same model, corpus, options and selection resumes; neurons the sink already holds are
 * not recorded again.
 */
public final class Recorder {
  private static final int STATE_MAGIC = 0x4e535354; // "NSST"
  private static final int STATE_VERSION = 2; // 2: mergeable summaries (bottom-k samples, moment tree)

  private final Model model;
  private final Tokenizer tokenizer;
  private final IntFunction<LayerUnits> units;
  private final RecordingOptions options;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private int stopAfterBatches = -1;
  private final Optional<Shards> shards;
  /** The hook point whose values are the units, when they are the model's own (what shards can rebuild). */
  private final Optional<HookPoint> point;

  /** Records the model's MLP neurons ({@link HookPoint#MLP_ACT}). */
  public Recorder(Model model, Tokenizer tokenizer, RecordingOptions options) {
    this(model, tokenizer, layer -> LayerUnits.neurons(model, HookPoint.MLP_ACT), options);
  }

  /** Records, in each selected layer, the units {@code units} gives for it (asked once per layer and run). */
  public Recorder(Model model, Tokenizer tokenizer, IntFunction<LayerUnits> units, RecordingOptions options) {
    this(model, tokenizer, units, options, Optional.empty(), Optional.empty());
  }

  /**
   * A recorder of the model's own units at {@code point} (its MLP neurons at {@link HookPoint#MLP_ACT}) whose
   * two passes run as shards elsewhere ({@link ShardWork}); tokenising, merging and writing stay here. The
   * records are the same as a recorder's on one machine, to the last bit. (A worker rebuilds the units from
   * the hook point; a dictionary's latents would need the dictionary shipped too, which is not done yet.)
   */
  public Recorder(Model model, Tokenizer tokenizer, HookPoint point, RecordingOptions options, Shards shards) {
    this(model, tokenizer, layer -> LayerUnits.neurons(model, point), options, Optional.of(point), Optional.of(shards));
  }

  private Recorder(Model model, Tokenizer tokenizer, IntFunction<LayerUnits> units, RecordingOptions options, Optional<HookPoint> point,
      Optional<Shards> shards) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.units = units;
    this.options = options;
    this.shards = shards;
    this.point = point;
  }

  /** Runs the shards of a pass somewhere else, e.g. on the executors of a Spark cluster; close to disconnect. */
  public interface Shards extends AutoCloseable {
    /** How many shards to cut a pass into (e.g. the number of cores of the cluster). */
    int parallelism();

    /**
     * Runs {@link ShardWork#run} for each of {@code count} shards of {@code plan} and hands every output to
     * {@code out}, one call at a time, in any order; each (shard, layer) must arrive exactly once.
     */
    void run(byte[] plan, int count, ShardOutput out);

    @Override
    default void close() {}
  }

  /**
   * Connects to a cluster that runs shards. Implementations are found with {@link java.util.ServiceLoader}
   * (the Spark module provides one), so that a cluster's libraries stay off the default classpath.
   */
  public interface Cluster {
    /**
     * Connects to {@code master} (empty: whatever the launcher, e.g. spark-submit, configured); fails with a
     * one-line message when the master cannot be reached, before anything is written.
     */
    Shards connect(String master);
  }

  /** Receives output {@code layer} (an index into the plan's layers) of shard {@code shard}. */
  public interface ShardOutput {
    void accept(int shard, int layer, byte[] bytes);
  }

  /** Which neurons: per layer, either every neuron (an empty Optional) or the listed indices. */
  public record Selection(Map<Integer, Optional<List<Integer>>> byLayer) {
    public Selection {
      TreeMap<Integer, Optional<List<Integer>>> copy = new TreeMap<>();
      byLayer.forEach((layer, neurons) -> copy.put(layer, neurons.map(n -> n.stream().distinct().sorted().toList())));
      if (copy.isEmpty()) throw new IllegalArgumentException("select at least one layer");
      copy.forEach((layer, neurons) -> {
        if (neurons.isPresent() && neurons.get().isEmpty()) throw new IllegalArgumentException("select at least one neuron of layer " + layer);
      });
      byLayer = Collections.unmodifiableSortedMap(copy);
    }

    /** The given layers, and in each of them either every neuron or the same listed indices. */
    public Selection(List<Integer> layers, Optional<List<Integer>> neurons) {
      this(layers.stream().collect(Collectors.toMap(l -> l, l -> neurons, (a, b) -> a)));
    }

    public static Selection allNeurons(List<Integer> layers) {
      return new Selection(layers, Optional.empty());
    }

    /** Individual neurons, as layer → neuron indices. */
    public static Selection neurons(Map<Integer, List<Integer>> byLayer) {
      Map<Integer, Optional<List<Integer>>> m = new TreeMap<>();
      byLayer.forEach((layer, neurons) -> m.put(layer, Optional.of(neurons)));
      return new Selection(m);
    }

    public List<Integer> layers() {
      return List.copyOf(byLayer.keySet());
    }
  }

  public enum Status {
    /** Every selected neuron is now in the sink. */
    COMPLETED,
    /** Stopped on request; the state is saved and a rerun resumes. */
    INTERRUPTED,
    /** The sink held every selected neuron already; the model did not run. */
    ALREADY_DONE
  }

  public record Result(Status status, int neuronsWritten, long excerpts, long tokens) {}

  /**
   * Asks a running {@link #record} to stop after the batch in flight and save its state, and waits up to
   * {@code timeoutSeconds} for that (for a shutdown hook: Ctrl-C loses at most one batch).
   */
  public void requestStopAndWait(long timeoutSeconds) {
    stopRequested.set(true);
    try {
      finished.await(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Test hook: run the model twice even when the corpus fits the calibration set (as when the disk is full). */
  void allowSinglePass(boolean allow) {
    singlePass = allow;
  }

  private boolean singlePass = true;

  /** Test hook: behave as if stopped by the user after this many batches of this run. */
  void stopAfterBatches(int batches) {
    stopAfterBatches = batches;
  }

  public Result record(Corpus corpus, Selection selection, Path workDir, NeuronSink sink, RecordingProgress progress) {
    try {
      return run(corpus, selection, workDir, sink, progress);
    } finally {
      finished.countDown();
    }
  }

  // Phases, in the order a run goes through them; the state file names the one to resume.
  private static final int CALIBRATE = 0, MAIN = 1, WRITE = 2, SINGLE = 3;

  private final class State {
    int phase = CALIBRATE;
    long next;
    final List<LayerRecording> layers = new ArrayList<>();
  }

  private Result run(Corpus corpus, Selection selection, Path workDir, NeuronSink sink, RecordingProgress progress) {
    Model.Shape c = model.shape();
    LayerUnits[] byLayer = unitsOf(selection, c);
    check(selection, c, byLayer);
    String corpusDigest = corpus.digest();
    String fingerprint = fingerprint(corpusDigest, selection, byLayer);
    Path statePath = workDir.resolve("state.bin");
    State state;
    if (Files.exists(statePath)) {
      state = readState(statePath, fingerprint, workDir, byLayer);
      progress.note("resuming the recording saved in " + workDir);
    } else {
      state = new State();
      for (int layer : selection.layers()) {
        List<Integer> todo = new ArrayList<>();
        for (int n : neuronsOf(selection, layer, byLayer[layer].count())) if (!sink.contains(layer, n)) todo.add(n);
        if (!todo.isEmpty()) state.layers.add(new LayerRecording(layer, todo.stream().mapToInt(i -> i).toArray(), byLayer[layer].count(), options));
      }
      if (state.layers.isEmpty()) {
        // Nothing to resume (no state) and nothing to do: an earlier run killed while tidying up may have
        // left its excerpt cache or temporary files.
        deleteWork(workDir);
        return new Result(Status.ALREADY_DONE, 0, 0, 0);
      }
      checkMemory(state);
    }

    ExcerptStore store = excerpts(corpus, corpusDigest, workDir, progress);
    try (store) {
      if (store.count() == 0) {
        throw new InvalidInputException(corpus.file().toString(), "holds no excerpt of at least " + options.minExcerptTokens()
            + " tokens; give a larger corpus or lower the shortest excerpt length");
      }
      if (store.count() > Integer.MAX_VALUE) {
        throw new InvalidInputException(corpus.file().toString(), "has " + store.count() + " excerpts; at most " + Integer.MAX_VALUE + " can be recorded at once");
      }
      int total = (int) store.count();
      int calibrationSize = Math.min(options.calibrationExcerpts(), total);
      long tokens = 0;
      for (int e = 0; e < total; e++) tokens += store.length(e);

      Path spillPath = workDir.resolve("activations.bin");
      if (state.phase == CALIBRATE && state.next == 0 && shards.isEmpty() && calibrationSize == total && singlePass) {
        // The calibration set is the whole corpus: one pass, keeping the activations for the bins, instead of two.
        long need = ActivationSpill.bytes(state.layers, total, options.excerptTokens());
        if (usableSpace(workDir) > need + (1L << 30)) {
          state.phase = SINGLE;
        } else {
          progress.note(String.format("the corpus fits the calibration set, but keeping its activations needs %.1f GB of disk in %s; the model runs twice instead",
              need / 1e9, workDir));
        }
      }
      if (state.phase == SINGLE) {
        if (state.next > 0 && !Files.exists(spillPath)) {
          throw new InvalidInputException(spillPath.toString(), "is missing, so the saved recording cannot go on; delete " + workDir + " to start over");
        }
        try (ActivationSpill spill = ActivationSpill.open(spillPath, state.layers, total, options.excerptTokens())) {
          if (!pass(store, state, byLayer, false, total, statePath, fingerprint, progress, spill)) return interrupted(store, tokens);
          for (LayerRecording r : state.layers) r.sampleBins(spill, total);
        }
        checkCoverage(state, total);
        state.phase = WRITE;
        saveState(statePath, fingerprint, state);
        ActivationSpill.delete(spillPath);
      }
      if (state.phase == CALIBRATE) {
        if (shards.isPresent()) sharded(store, corpusDigest, state, true, calibrationSize, workDir, progress);
        else if (!pass(store, state, byLayer, true, calibrationSize, statePath, fingerprint, progress, null)) return interrupted(store, tokens);
        for (LayerRecording r : state.layers) r.finishCalibration(calibrationSize);
        state.phase = MAIN;
        state.next = 0;
        saveState(statePath, fingerprint, state);
      }
      if (state.phase == MAIN) {
        if (shards.isPresent()) sharded(store, corpusDigest, state, false, total, workDir, progress);
        else if (!pass(store, state, byLayer, false, total, statePath, fingerprint, progress, null)) return interrupted(store, tokens);
        checkCoverage(state, total);
        state.phase = WRITE;
        saveState(statePath, fingerprint, state);
      }
      int written = write(store, state, sink, progress);
      if (written < 0) return new Result(Status.INTERRUPTED, -written - 1, total, tokens);
      deleteWork(workDir);
      return new Result(Status.COMPLETED, written, total, tokens);
    }
  }

  /** Every batch of the corpus summarised exactly once (overlaps are refused as they are merged). */
  private void checkCoverage(State state, int total) {
    long blocks = (total + options.batchSize() - 1) / options.batchSize();
    for (LayerRecording r : state.layers) {
      if (r.moments.blocks() != blocks) {
        throw new IllegalStateException("layer " + r.layer + " summarised " + r.moments.blocks() + " batches of " + blocks + ": a shard's output was lost");
      }
    }
  }

  private static long usableSpace(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  private Result interrupted(ExcerptStore store, long tokens) {
    return new Result(Status.INTERRUPTED, 0, store.count(), tokens);
  }

  /**
   * Runs excerpts through the model from {@code state.next}: the calibration pass over {@code size} excerpts
   * spread evenly over the corpus, or the main pass over all of them. False when stopped.
   */
  private boolean pass(ExcerptStore store, State state, LayerUnits[] units, boolean calibration, int size, Path statePath, String fingerprint,
      RecordingProgress progress, ActivationSpill spill) {
    long total = store.count();
    LayerRecording[] byLayer = new LayerRecording[model.shape().layers()];
    for (LayerRecording r : state.layers) byLayer[r.layer] = r;
    long passTokens = 0, doneTokens = 0;
    for (int i = 0; i < size; i++) {
      long len = store.length(excerptAt(i, size, total, calibration));
      passTokens += len;
      if (i < state.next) doneTokens += len;
    }
    progress.start(calibration ? "calibrating" : spill != null ? "recording (one pass)" : "recording", passTokens, doneTokens, "tok");
    long[] lastSave = {System.nanoTime()};
    int[] batches = {0};
    try {
      int stoppedAt = batches(model, tokenizer.bos(), units, store, byLayer, calibration, size, (int) state.next, size, options.batchSize(), spill,
          (next, batchTokens) -> {
        state.next = next;
        progress.advance(batchTokens);
        batches[0]++;
        boolean stop = stopRequested.get() || batches[0] == stopAfterBatches;
        if (next < size && (stop || System.nanoTime() - lastSave[0] >= options.checkpointEvery().toNanos())) {
          if (spill != null) spill.force(); // the state counts on the activations kept so far
          saveState(statePath, fingerprint, state);
          lastSave[0] = System.nanoTime();
        }
        return stop;
      });
      return stoppedAt >= size;
    } finally {
      progress.end();
    }
  }

  /** Called after each batch with the next excerpt of the pass and the batch's tokens; true stops the pass. */
  interface AfterBatch {
    boolean stop(int next, long batchTokens);
  }

  /**
   * Runs excerpts {@code [from, to)} of a pass of {@code size} through the model, batch by batch, into the
   * summaries of {@code byLayer} (indexed by layer; null for a layer not recorded), keeping the activations in
   * {@code spill} when one is given (a single pass); the excerpt the pass stopped before.
   */
  static int batches(Model model, OptionalInt bos, LayerUnits[] units, ExcerptStore store, LayerRecording[] byLayer, boolean calibration, int size,
      int from, int to, int batch, ActivationSpill spill, AfterBatch after) {
    int lastLayer = -1, t = 0;
    for (LayerRecording r : byLayer) {
      if (r != null) {
        lastLayer = r.layer;
        t = r.tokens;
      }
    }
    int tokens = t;
    // With a BOS token every excerpt is fed as BOS + its tokens; the BOS row is dropped before the units see it.
    int fed = t + (bos.isPresent() ? 1 : 0);
    long total = store.count();
    Model.Pass work = model.newPass(batch * fed);
    int[] ids = new int[batch * fed];
    int[] lengths = new int[batch];
    int[] excerpts = new int[2]; // this batch's excerpt count and its first excerpt's index, read by the hook
    float[][] kept = new float[1][];
    Model.Hook hook = new Model.Hook() {
      @Override
      public boolean wants(int layer, HookPoint point) {
        return byLayer[layer] != null && units[layer].point() == point;
      }

      @Override
      public void accept(int layer, HookPoint point, float[] values, int rows) {
        int n = excerpts[0], first = excerpts[1];
        float[] rowsOfExcerpts = values;
        if (bos.isPresent()) {
          int width = model.width(point);
          if (kept[0] == null || kept[0].length < n * tokens * width) kept[0] = new float[batch * tokens * width];
          for (int k = 0; k < n; k++) System.arraycopy(values, (k * fed + 1) * width, kept[0], k * tokens * width, tokens * width);
          rowsOfExcerpts = kept[0];
        }
        float[] acts = units[layer].compute(rowsOfExcerpts, n * tokens);
        LayerRecording r = byLayer[layer];
        if (calibration) r.calibrate(acts, n, lengths, first);
        else if (spill != null) r.observeKeeping(acts, n, lengths, first, spill);
        else r.observe(acts, n, lengths, first);
      }
    };
    int next = from;
    while (next < to) {
      int n = Math.min(batch, to - next);
      long batchTokens = 0;
      for (int k = 0; k < n; k++) {
        long e = excerptAt(next + k, size, total, calibration);
        if (bos.isPresent()) ids[k * fed] = bos.getAsInt();
        store.tokens(e, ids, k * fed + fed - t);
        lengths[k] = store.length(e);
        batchTokens += lengths[k];
      }
      excerpts[0] = n;
      excerpts[1] = next;
      work.forward(ids, n, fed, lastLayer, hook);
      next += n;
      if (after.stop(next, batchTokens)) break;
    }
    return next;
  }

  /**
   * A pass run as shards ({@link #shards}): the plan goes out, each shard's output is merged into the state as
   * it arrives. Not resumable part way (a failed shard is the scheduler's to retry); the state is saved after.
   */
  private void sharded(ExcerptStore store, String corpusDigest, State state, boolean calibration, int size, Path workDir, RecordingProgress progress) {
    Shards runner = shards.orElseThrow();
    int batch = options.batchSize();
    long batchesInPass = (size + batch - 1) / batch;
    int shardExcerpts = (int) Math.min(size, batch * ((batchesInPass + runner.parallelism() - 1) / Math.max(1, runner.parallelism())));
    List<Integer> layers = new ArrayList<>();
    List<int[]> neurons = new ArrayList<>();
    List<float[]> bounds = new ArrayList<>();
    for (LayerRecording r : state.layers) {
      layers.add(r.layer);
      neurons.add(r.neurons);
      bounds.add(r.bounds());
    }
    ShardWork.Plan plan = new ShardWork.Plan(calibration, model.directory().toAbsolutePath().toString(), model.fingerprint(), tokenizer.fingerprint(),
        point.orElseThrow(),
        workDir.resolve("excerpts.bin").toAbsolutePath().toString(), corpusDigest, options, size, store.count(), shardExcerpts, layers, neurons, bounds);
    int count = plan.shards();
    java.util.BitSet seen = new java.util.BitSet();
    progress.start(calibration ? "calibrating (shards)" : "recording (shards)", (long) count * layers.size(), 0, "parts");
    try {
      runner.run(ShardWork.write(plan), count, (shard, layer, bytes) -> {
        if (shard < 0 || shard >= count || layer < 0 || layer >= layers.size()) throw new IllegalStateException("no shard " + shard + " layer " + layer + " in the plan");
        int key = shard * layers.size() + layer;
        if (seen.get(key)) throw new IllegalStateException("shard " + shard + " delivered layer " + layers.get(layer) + " twice");
        seen.set(key);
        LayerRecording r = state.layers.get(layer);
        if (calibration) {
          int from = shard * shardExcerpts, slots = Math.min(size, from + shardExcerpts) - from;
          r.putMaxima(SummaryFormat.floats(bytes), from, slots);
        } else {
          LayerRecording part = new LayerRecording(r.layer, r.neurons, r.width, options);
          SummaryFormat.fromBytes(bytes, part);
          r.merge(part);
        }
        progress.advance(1);
      });
    } finally {
      progress.end();
    }
    if (seen.cardinality() != count * layers.size()) {
      throw new IllegalStateException((count * layers.size() - seen.cardinality()) + " shard outputs never arrived; the recording is incomplete");
    }
  }

  /** The i-th excerpt of a pass: every excerpt in the main pass, an even spread of them in calibration. */
  private static long excerptAt(int i, int size, long total, boolean calibration) {
    return calibration ? (long) ((double) i * total / size) : i;
  }

  /** Files are written (and forced to disk) by this many threads: writing is bound by the disk's latency. */
  private static final int WRITERS = 8;

  /** Hands every recorded neuron the sink lacks to it; the count, or -(count + 1) when stopped part way. */
  private int write(ExcerptStore store, State state, NeuronSink sink, RecordingProgress progress) {
    long neurons = state.layers.stream().mapToLong(r -> r.neurons.length).sum();
    progress.start("writing", neurons, 0, "neurons");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(WRITERS);
    java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
    sink.begin(store::tokens);
    boolean failed = true;
    try {
      java.util.concurrent.ExecutorCompletionService<Boolean> done = new java.util.concurrent.ExecutorCompletionService<>(pool);
      int tasks = 0;
      for (LayerRecording r : state.layers) {
        for (int j = 0; j < r.neurons.length; j++) {
          int index = j;
          done.submit(() -> {
            if (stopRequested.get() || sink.contains(r.layer, r.neurons[index])) return false;
            sink.accept(r.result(index, e -> text(store.tokens(e))));
            written.incrementAndGet();
            return true;
          });
          tasks++;
        }
      }
      for (int i = 0; i < tasks; i++) {
        try {
          if (done.take().get() || !stopRequested.get()) progress.advance(1);
        } catch (java.util.concurrent.ExecutionException e) {
          stopRequested.set(true);
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException("writing a neuron failed: " + e.getCause(), e.getCause());
        }
      }
      failed = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopRequested.set(true);
    } finally {
      pool.shutdown();
      progress.end();
    }
    // Every task has ended (a failure leaves tasks running: then what the sink buffers is dropped and rewritten on a rerun).
    if (!failed) sink.finish();
    return stopRequested.get() ? -written.get() - 1 : written.get();
  }

  private List<String> text(int[] ids) {
    List<String> out = new ArrayList<>(ids.length);
    for (int id : ids) out.add(tokenizer.token(id));
    return out;
  }

  private ExcerptStore excerpts(Corpus corpus, String digest, Path workDir, RecordingProgress progress) {
    Path file = workDir.resolve("excerpts.bin");
    int t = options.excerptTokens(), min = options.minExcerptTokens();
    Optional<ExcerptStore> existing = ExcerptStore.open(file, t, min);
    if (existing.isPresent() && existing.get().corpusDigest().equals(digest)) return existing.get();
    existing.ifPresent(ExcerptStore::close);
    long size;
    try {
      size = Files.size(corpus.file());
    } catch (IOException e) {
      throw new InvalidInputException(corpus.file().toString(), "cannot be read: " + e.getMessage(), e);
    }
    progress.start("tokenising", size, 0, "B");
    try {
      ExcerptStore.write(file, corpus, digest, tokenizer, t, min, progress::advance);
    } finally {
      progress.end();
    }
    return ExcerptStore.open(file, t, min).orElseThrow(() -> new IllegalStateException("could not reopen " + file));
  }

  private LayerUnits[] unitsOf(Selection s, Model.Shape c) {
    LayerUnits[] byLayer = new LayerUnits[c.layers()];
    for (int layer : s.layers()) {
      if (layer < 0 || layer >= c.layers()) {
        throw new IllegalArgumentException("layer " + layer + " does not exist; the model has layers 0-" + (c.layers() - 1));
      }
      byLayer[layer] = units.apply(layer);
    }
    return byLayer;
  }

  private void check(Selection s, Model.Shape c, LayerUnits[] byLayer) {
    s.byLayer().forEach((layer, neurons) -> {
      LayerUnits u = byLayer[layer];
      for (int n : neurons.orElse(List.of())) {
        if (n < 0 || n >= u.count()) {
          throw new IllegalArgumentException(u.kind() + " " + n + " does not exist; layer " + layer + " has " + u.kind() + "s 0-" + (u.count() - 1));
        }
      }
    });
    int fed = options.excerptTokens() + (tokenizer.bos().isPresent() ? 1 : 0);
    if (fed > c.contextLength()) {
      throw new IllegalArgumentException("excerpts of " + options.excerptTokens() + " tokens" + (fed > options.excerptTokens() ? " after a BOS token" : "")
          + " do not fit the model's context of " + c.contextLength());
    }
    if (c.vocabSize() < tokenizer.vocabularySize()) {
      throw new InvalidInputException(model.directory().toString(), "the model's vocabulary has " + c.vocabSize()
          + " tokens, fewer than its tokenizer's (" + tokenizer.vocabularySize() + "); the tokenizer does not belong to this model");
    }
  }

  private static List<Integer> neuronsOf(Selection s, int layer, int count) {
    Optional<List<Integer>> listed = s.byLayer().get(layer);
    if (listed.isPresent()) return listed.get();
    List<Integer> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) all.add(i);
    return all;
  }

  private void checkMemory(State state) {
    long neurons = state.layers.stream().mapToLong(r -> r.neurons.length).sum();
    long need = neurons * LayerRecording.bytesPerNeuron(options);
    long max = Runtime.getRuntime().maxMemory();
    // The summaries must fit beside the model's batch buffers and the JVM's own needs.
    if (need > max * 0.8) {
      throw new IllegalArgumentException(String.format(
          "recording %,d neurons keeps %.1f GB of excerpts in memory (%d per neuron), but Java may use %.1f GB: "
              + "record fewer layers or neurons per run (--layers, --neurons), keep fewer excerpts, or allow more memory "
              + "(SCRIBE_JAVA_OPTS=-Xmx%dg)",
          neurons, need / 1e9, options.keptPerNeuron(), max / 1e9, (long) Math.ceil(need / 0.7 / (1L << 30))));
    }
  }

  private String fingerprint(String corpusDigest, Selection selection, LayerUnits[] byLayer) {
    RecordingOptions o = options;
    StringBuilder unitText = new StringBuilder();
    for (int layer : selection.layers()) unitText.append(layer).append('=').append(byLayer[layer].fingerprint()).append(';');
    return String.join("|", "model " + model.fingerprint(), "tokenizer " + tokenizer.fingerprint(), "units " + unitText, "corpus " + corpusDigest,
        "excerpts " + o.excerptTokens() + "/" + o.minExcerptTokens(), "batch " + o.batchSize(),
        "kept " + o.topCount() + "/" + o.randomCount() + "/" + o.perQuantileCount(), "calibration " + o.calibrationExcerpts(),
        "seed " + o.seed(), "neurons " + selection.byLayer());
  }

  private void saveState(Path file, String fingerprint, State state) {
    AtomicFiles.write(file, raw -> {
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
      out.writeInt(STATE_MAGIC);
      out.writeInt(STATE_VERSION);
      out.writeUTF(fingerprint);
      out.writeInt(state.phase);
      out.writeLong(state.next);
      out.writeInt(state.layers.size());
      for (LayerRecording r : state.layers) {
        out.writeInt(r.layer);
        out.writeInt(r.neurons.length);
        for (int n : r.neurons) out.writeInt(n);
      }
      for (LayerRecording r : state.layers) SummaryFormat.write(r, out);
      out.flush();
    });
  }

  private State readState(Path file, String fingerprint, Path workDir, LayerUnits[] byLayer) {
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      if (in.readInt() != STATE_MAGIC || in.readInt() != STATE_VERSION) {
        throw new InvalidInputException(file.toString(), "is not a recording state of this version; delete " + workDir + " to start over");
      }
      String saved = in.readUTF();
      if (!saved.equals(fingerprint)) {
        throw new InvalidInputException(workDir.toString(), "holds an unfinished recording made with another model, corpus, options or selection of neurons"
            + "; rerun with the same ones to resume it, or start over (--restart, or delete " + workDir + ")");
      }
      State s = new State();
      s.phase = in.readInt();
      s.next = in.readLong();
      int layers = in.readInt();
      for (int i = 0; i < layers; i++) {
        int layer = in.readInt();
        int[] neurons = new int[in.readInt()];
        for (int k = 0; k < neurons.length; k++) neurons[k] = in.readInt();
        s.layers.add(new LayerRecording(layer, neurons, byLayer[layer].count(), options));
      }
      for (LayerRecording r : s.layers) SummaryFormat.read(in, r);
      return s;
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read (" + e.getMessage() + "); delete " + workDir + " to start over", e);
    }
  }

  /** Removes the work folder of a finished recording, with what an earlier run killed mid-write left in it. */
  private static void deleteWork(Path workDir) {
    if (!Files.isDirectory(workDir)) return;
    try {
      Files.deleteIfExists(workDir.resolve("state.bin"));
      Files.deleteIfExists(workDir.resolve("excerpts.bin"));
      Files.deleteIfExists(workDir.resolve("activations.bin"));
      AtomicFiles.removeLeftovers(workDir, 0);
      try (var left = Files.list(workDir)) {
        if (left.findAny().isEmpty()) Files.delete(workDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + workDir + ": " + e.getMessage(), e);
    }
  }
}
