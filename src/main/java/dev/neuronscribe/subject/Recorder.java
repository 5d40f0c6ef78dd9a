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
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Records the MLP neurons of a GPT-2 model over a corpus: the corpus is cut into excerpts, run through the
 * model in batches, and each requested neuron's top excerpts, random samples and moments are kept in a
 * summary whose size does not depend on the corpus ({@link LayerRecording}). Finished neurons go to a
 * {@link NeuronSink}.
 *
 * <p>Three passes over the excerpts, all resumable: tokenising into {@code WORK/excerpts.bin}; a
 * calibration pass over an even subsample of excerpts that fixes each neuron's quantile boundaries; the
 * main pass. The summary is checkpointed to {@code WORK/state.bin} (atomically) at an interval, on
 * {@link #requestStop()} and between passes, so an interrupted run loses at most the batch in flight. A
 * rerun with the same model, corpus, options and selection resumes; neurons the sink already holds are
 * not recorded again.
 */
public final class Recorder {
  private static final int STATE_MAGIC = 0x4e535354; // "NSST"
  private static final int STATE_VERSION = 1;

  private final Gpt2 model;
  private final Gpt2Tokenizer tokenizer;
  private final RecordingOptions options;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private int stopAfterBatches = -1;

  public Recorder(Gpt2 model, Gpt2Tokenizer tokenizer, RecordingOptions options) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.options = options;
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
  private static final int CALIBRATE = 0, MAIN = 1, WRITE = 2;

  private final class State {
    int phase = CALIBRATE;
    long next;
    final List<LayerRecording> layers = new ArrayList<>();
  }

  private Result run(Corpus corpus, Selection selection, Path workDir, NeuronSink sink, RecordingProgress progress) {
    Gpt2Config c = model.config();
    check(selection, c);
    String corpusDigest = corpus.digest();
    String fingerprint = fingerprint(corpusDigest, selection);
    Path statePath = workDir.resolve("state.bin");
    State state;
    if (Files.exists(statePath)) {
      state = readState(statePath, fingerprint, workDir);
      progress.note("resuming the recording saved in " + workDir);
    } else {
      state = new State();
      for (int layer : selection.layers()) {
        List<Integer> todo = new ArrayList<>();
        for (int n : neuronsOf(selection, layer, c)) if (!sink.contains(layer, n)) todo.add(n);
        if (!todo.isEmpty()) state.layers.add(new LayerRecording(layer, todo.stream().mapToInt(i -> i).toArray(), c.mlpWidth(), options));
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

      if (state.phase == CALIBRATE) {
        if (!pass(store, state, true, calibrationSize, statePath, fingerprint, progress)) return interrupted(store, tokens);
        for (LayerRecording r : state.layers) r.finishCalibration(calibrationSize);
        state.phase = MAIN;
        state.next = 0;
        saveState(statePath, fingerprint, state);
      }
      if (state.phase == MAIN) {
        if (!pass(store, state, false, total, statePath, fingerprint, progress)) return interrupted(store, tokens);
        state.phase = WRITE;
        saveState(statePath, fingerprint, state);
      }
      int written = write(store, state, sink, progress);
      if (written < 0) return new Result(Status.INTERRUPTED, -written - 1, total, tokens);
      deleteWork(workDir);
      return new Result(Status.COMPLETED, written, total, tokens);
    }
  }

  private Result interrupted(ExcerptStore store, long tokens) {
    return new Result(Status.INTERRUPTED, 0, store.count(), tokens);
  }

  /**
   * Runs excerpts through the model from {@code state.next}: the calibration pass over {@code size} excerpts
   * spread evenly over the corpus, or the main pass over all of them. False when stopped.
   */
  private boolean pass(ExcerptStore store, State state, boolean calibration, int size, Path statePath, String fingerprint, RecordingProgress progress) {
    int t = options.excerptTokens(), batch = options.batchSize();
    long total = store.count();
    int lastLayer = state.layers.stream().mapToInt(r -> r.layer).max().orElseThrow();
    LayerRecording[] byLayer = new LayerRecording[model.config().layers()];
    for (LayerRecording r : state.layers) byLayer[r.layer] = r;
    Gpt2.State work = model.newState(batch * t);
    int[] ids = new int[batch * t];
    int[] lengths = new int[batch];
    long passTokens = 0, doneTokens = 0;
    for (int i = 0; i < size; i++) {
      long len = store.length(excerptAt(i, size, total, calibration));
      passTokens += len;
      if (i < state.next) doneTokens += len;
    }
    progress.start(calibration ? "calibrating" : "recording", passTokens, doneTokens, "tok");
    long lastSave = System.nanoTime();
    int batches = 0;
    try {
      for (int from = (int) state.next; from < size; from += batch) {
        int n = Math.min(batch, size - from);
        long batchTokens = 0;
        for (int k = 0; k < n; k++) {
          long e = excerptAt(from + k, size, total, calibration);
          store.tokens(e, ids, k * t);
          lengths[k] = store.length(e);
          batchTokens += lengths[k];
        }
        int first = from;
        model.forward(ids, n, t, lastLayer, work, (layer, acts, rows) -> {
          LayerRecording r = byLayer[layer];
          if (r == null) return;
          if (calibration) r.calibrate(acts, n, lengths, first);
          else r.observe(acts, n, lengths, first);
        });
        state.next = from + n;
        progress.advance(batchTokens);
        batches++;
        boolean stop = stopRequested.get() || batches == stopAfterBatches;
        if (state.next < size && (stop || System.nanoTime() - lastSave >= options.checkpointEvery().toNanos())) {
          saveState(statePath, fingerprint, state);
          lastSave = System.nanoTime();
        }
        if (stop && state.next < size) return false;
      }
      return true;
    } finally {
      progress.end();
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
    try {
      java.util.concurrent.ExecutorCompletionService<Boolean> done = new java.util.concurrent.ExecutorCompletionService<>(pool);
      int tasks = 0;
      for (LayerRecording r : state.layers) {
        for (int j = 0; j < r.neurons.length; j++) {
          int index = j;
          done.submit(() -> {
            if (stopRequested.get() || sink.contains(r.layer, r.neurons[index])) return false;
            sink.accept(r.result(index, store.count(), e -> text(store.tokens(e))));
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopRequested.set(true);
    } finally {
      pool.shutdown();
      progress.end();
    }
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

  private void check(Selection s, Gpt2Config c) {
    for (int layer : s.layers()) {
      if (layer < 0 || layer >= c.layers()) {
        throw new IllegalArgumentException("layer " + layer + " does not exist; the model has layers 0-" + (c.layers() - 1));
      }
    }
    for (Optional<List<Integer>> neurons : s.byLayer().values()) {
      for (int n : neurons.orElse(List.of())) {
        if (n < 0 || n >= c.mlpWidth()) {
          throw new IllegalArgumentException("neuron " + n + " does not exist; each layer has neurons 0-" + (c.mlpWidth() - 1));
        }
      }
    }
    if (options.excerptTokens() > c.contextLength()) {
      throw new IllegalArgumentException("excerpts of " + options.excerptTokens() + " tokens do not fit the model's context of " + c.contextLength());
    }
    if (c.vocabSize() < Gpt2Tokenizer.VOCABULARY_SIZE) {
      throw new InvalidInputException(model.directory().toString(), "the model's vocabulary has " + c.vocabSize()
          + " tokens, fewer than GPT-2's tokenizer (" + Gpt2Tokenizer.VOCABULARY_SIZE + "); the recorder tokenises with GPT-2's BPE");
    }
  }

  private static List<Integer> neuronsOf(Selection s, int layer, Gpt2Config c) {
    Optional<List<Integer>> listed = s.byLayer().get(layer);
    if (listed.isPresent()) return listed.get();
    List<Integer> all = new ArrayList<>(c.mlpWidth());
    for (int i = 0; i < c.mlpWidth(); i++) all.add(i);
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

  private String fingerprint(String corpusDigest, Selection selection) {
    RecordingOptions o = options;
    return String.join("|", "model " + model.fingerprint(), "corpus " + corpusDigest,
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
      for (LayerRecording r : state.layers) r.write(out);
      out.flush();
    });
  }

  private State readState(Path file, String fingerprint, Path workDir) {
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
        s.layers.add(new LayerRecording(layer, neurons, model.config().mlpWidth(), options));
      }
      for (LayerRecording r : s.layers) r.read(in);
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
      AtomicFiles.removeLeftovers(workDir, 0);
      try (var left = Files.list(workDir)) {
        if (left.findAny().isEmpty()) Files.delete(workDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + workDir + ": " + e.getMessage(), e);
    }
  }
}
