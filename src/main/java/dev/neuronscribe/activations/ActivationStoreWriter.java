package dev.neuronscribe.activations;

import dev.neuronscribe.subject.NeuronSink;
import dev.neuronscribe.subject.RecordedExcerpt;
import dev.neuronscribe.subject.RecordedNeuron;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Writes units into an {@link ActivationStore}: as the recorder's sink ({@link NeuronSink}), or from
 * NeuronRecords ({@code scribe import}). Units are buffered and written a part at a time, each part's
 * files atomically and its units file last, so a killed run leaves whole parts only; reopening the
 * store resumes after them, and a unit is never stored twice.
 *
 * <p>Each excerpt's tokens are stored once, in the part of the first unit that refers to it. Recorded
 * excerpts are known by their position in the corpus; imported ones, which have none, by their tokens.
 */
public final class ActivationStoreWriter implements NeuronSink, AutoCloseable {
  /** Units per part: a killed run loses at most this many units' writing (their recording is kept by the recorder). */
  static final int UNITS_PER_PART = 512;
  private final int unitsPerPart;
  /** Units per record batch: reading one unit decodes its batch, so small batches keep single reads fast. */
  static final int UNITS_PER_BATCH = 16;

  private final Path dir;
  private final StorePrecision precision;
  private final Map<String, String> metadata;
  private final Set<NeuronId> stored = new HashSet<>();
  private final Set<Long> storedExcerpts = new HashSet<>();
  private final Map<List<String>, Long> excerptByTokens = new HashMap<>();
  private final List<Unit> pending = new ArrayList<>();
  private final Map<Long, Excerpt> pendingExcerpts = new LinkedHashMap<>();
  private final StoreIndex.Builder index = new StoreIndex.Builder();
  private final List<Integer> committed = new ArrayList<>();
  private int nextPart;
  private long nextExcerpt;
  private LongFunction<int[]> tokenIds = e -> new int[0];
  private boolean haveTokenIds;

  /** One reference of a unit to an excerpt: which list it is in and where, and the unit's activations on it. */
  record Ref(String list, int rank, long excerpt, float[] activations) {}

  record Unit(NeuronId id, List<Ref> refs, OptionalDouble mean, OptionalDouble variance, OptionalDouble skewness,
      OptionalDouble kurtosis, Optional<QuantileBoundaries> boundaries) {}

  private record Excerpt(long index, Optional<int[]> ids, List<String> tokens) {}

  private ActivationStoreWriter(Path dir, StorePrecision precision, Map<String, String> metadata, int unitsPerPart) {
    this.unitsPerPart = unitsPerPart;
    this.dir = dir;
    this.precision = precision;
    this.metadata = Map.copyOf(metadata);
  }

  /** Test hook: writes files that claim another format version, as a future (or past) writer would. */
  static ActivationStoreWriter claimingVersion(Path dir, int version) {
    ActivationStoreWriter w = new ActivationStoreWriter(dir, StorePrecision.F16, Map.of(StoreFiles.FORMAT_KEY, Integer.toString(version)), UNITS_PER_PART);
    w.resume();
    return w;
  }

  /**
   * Opens a store for writing, creating it or resuming it. {@code metadata} describes the recording (unit
   * kind, model, corpus, ...); it goes into every file's schema, where pandas and DuckDB users find it too.
   */
  public static ActivationStoreWriter open(Path dir, StorePrecision precision, Map<String, String> metadata) {
    return open(dir, precision, metadata, UNITS_PER_PART);
  }

  static ActivationStoreWriter open(Path dir, StorePrecision precision, Map<String, String> metadata, int unitsPerPart) {
    // The store's own keys are the writer's to set, whatever a caller passes (an import copies a source's metadata).
    Map<String, String> m = new HashMap<>(metadata);
    m.keySet().removeAll(List.of(StoreFiles.FORMAT_KEY, StoreFiles.TABLE_KEY, StoreFiles.PRECISION_KEY));
    ActivationStoreWriter w = new ActivationStoreWriter(dir, precision, m, unitsPerPart);
    w.resume();
    return w;
  }

  private void resume() {
    try {
      Files.createDirectories(dir);
      for (String t : List.of(StoreFiles.EXCERPTS, StoreFiles.RECORDS, StoreFiles.UNITS)) Files.createDirectories(dir.resolve(t));
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the store " + dir + ": " + e.getMessage(), e);
    }
    if (Files.exists(dir.resolve("0")) || Files.isRegularFile(dir.resolve("0.json"))) {
      throw new IllegalArgumentException(dir + " holds NeuronRecord JSON files; write the store to another directory");
    }
    // The index is rewritten when this writer finishes; until then readers index the parts themselves.
    delete(dir.resolve(StoreIndex.FILE));
    Set<Integer> committed = new HashSet<>(StoreFiles.parts(dir, StoreFiles.UNITS));
    // Remove what an interrupted part left: files of parts never committed and temporary files.
    for (String t : List.of(StoreFiles.EXCERPTS, StoreFiles.RECORDS)) {
      for (int p : StoreFiles.parts(dir, t)) if (!committed.contains(p)) delete(StoreFiles.part(dir, t, p));
    }
    for (String t : List.of(StoreFiles.EXCERPTS, StoreFiles.RECORDS, StoreFiles.UNITS)) {
      try (Stream<Path> files = Files.list(dir.resolve(t))) {
        for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) delete(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (int p : committed.stream().sorted().toList()) {
      nextPart = Math.max(nextPart, p + 1);
      this.committed.add(p);
      try (StoreFiles.Reader r = new StoreFiles.Reader(StoreFiles.part(dir, StoreFiles.UNITS, p), StoreFiles.UNITS)) {
        checkCompatible(r);
        int row = 0;
        for (int b = 0; b < r.batches(); b++) {
          VectorSchemaRoot root = r.batch(b);
          IntVector layer = (IntVector) root.getVector("layer"), index = (IntVector) root.getVector("index"), batch = (IntVector) root.getVector("batch");
          for (int i = 0; i < root.getRowCount(); i++) {
            NeuronId id = new NeuronId(layer.get(i), index.get(i));
            stored.add(id);
            this.index.unit(id, p, batch.get(i), row++);
          }
        }
      }
      Path ex = StoreFiles.part(dir, StoreFiles.EXCERPTS, p);
      if (!Files.exists(ex)) continue;
      try (StoreFiles.Reader r = new StoreFiles.Reader(ex, StoreFiles.EXCERPTS)) {
        for (int b = 0; b < r.batches(); b++) {
          VectorSchemaRoot root = r.batch(b);
          BigIntVector excerpt = (BigIntVector) root.getVector("excerpt");
          ListVector tokens = (ListVector) root.getVector("tokens");
          for (int i = 0; i < root.getRowCount(); i++) {
            long e = excerpt.get(i);
            storedExcerpts.add(e);
            index.excerpt(e, p, b);
            nextExcerpt = Math.max(nextExcerpt, e + 1);
            excerptByTokens.put(ActivationStore.strings(tokens, i), e);
          }
        }
      }
    }
  }

  private void checkCompatible(StoreFiles.Reader r) {
    String p = r.metadata.get(StoreFiles.PRECISION_KEY);
    if (p != null && !p.equals(precision.label())) {
      throw new IllegalArgumentException(dir + " holds a store of " + p + " activations; resume it with --precision " + p + " or write to another directory");
    }
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + f + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  @Override
  public synchronized boolean contains(int layer, int neuron) {
    NeuronId id = new NeuronId(layer, neuron);
    return stored.contains(id) || pending.stream().anyMatch(u -> u.id.equals(id));
  }

  @Override
  public synchronized void begin(LongFunction<int[]> tokenIds) {
    this.tokenIds = tokenIds;
    this.haveTokenIds = true;
  }

  /** Stores a recorded neuron, its excerpts known by their position in the corpus. */
  @Override
  public void accept(RecordedNeuron n) {
    List<Ref> refs = new ArrayList<>();
    Map<Long, Excerpt> excerpts = new HashMap<>();
    addRecorded(refs, excerpts, "top", n.top());
    addRecorded(refs, excerpts, "random", n.random());
    for (int b = 0; b < n.byQuantile().size(); b++) addRecorded(refs, excerpts, "quantile_" + b, n.byQuantile().get(b));
    List<Double> q = n.quantileBoundaries();
    Optional<QuantileBoundaries> boundaries = q.size() == 4
        ? Optional.of(QuantileBoundaries.openAi(shortest(q.get(0)), shortest(q.get(1)), shortest(q.get(2)), shortest(q.get(3))))
        : Optional.empty();
    Unit u = new Unit(new NeuronId(n.layer(), n.neuron()), refs, OptionalDouble.of(n.mean()), OptionalDouble.of(n.variance()),
        n.skewness(), n.kurtosis(), boundaries);
    add(u, excerpts);
  }

  private void addRecorded(List<Ref> refs, Map<Long, Excerpt> excerpts, String list, List<RecordedExcerpt> xs) {
    for (int i = 0; i < xs.size(); i++) {
      RecordedExcerpt x = xs.get(i);
      for (int k = 0; k < x.size(); k++) {
        if (!Float.isFinite(x.activation(k))) {
          throw new IllegalArgumentException("activation " + k + " (token " + x.tokens().get(k) + ") is " + x.activation(k)
              + "; the model produced a non-finite activation: check the checkpoint's weights");
        }
      }
      refs.add(new Ref(list, i, x.excerpt(), x.activations()));
      excerpts.putIfAbsent(x.excerpt(), new Excerpt(x.excerpt(), Optional.empty(), x.tokens()));
    }
  }

  /** A float32 boundary as the double that prints as its shortest decimal (what a JSON recording holds). */
  private static double shortest(double v) {
    return Double.parseDouble(Float.toString((float) v));
  }

  /** Stores a NeuronRecord (an import): excerpts are matched by their tokens, activations kept at the store's precision. */
  public void add(NeuronRecord r) {
    List<Ref> refs = new ArrayList<>();
    Map<Long, Excerpt> excerpts = new HashMap<>();
    synchronized (this) {
      addRecords(refs, excerpts, "top", r.mostPositiveActivationRecords());
      addRecords(refs, excerpts, "random", r.randomSample());
      if (r.randomSampleByQuantile().isPresent()) {
        List<List<ActivationRecord>> bins = r.randomSampleByQuantile().get();
        for (int b = 0; b < bins.size(); b++) addRecords(refs, excerpts, "quantile_" + b, bins.get(b));
      }
    }
    add(new Unit(r.id(), refs, r.mean(), r.variance(), r.skewness(), r.kurtosis(), r.quantileBoundaries()), excerpts);
  }

  private void addRecords(List<Ref> refs, Map<Long, Excerpt> excerpts, String list, List<ActivationRecord> xs) {
    for (int i = 0; i < xs.size(); i++) {
      ActivationRecord x = xs.get(i);
      Long e = excerptByTokens.get(x.tokens());
      if (e == null) {
        e = nextExcerpt++;
        excerptByTokens.put(x.tokens(), e);
      }
      float[] a = new float[x.size()];
      for (int k = 0; k < a.length; k++) a[k] = (float) x.activation(k);
      refs.add(new Ref(list, i, e, a));
      excerpts.putIfAbsent(e, new Excerpt(e, Optional.empty(), x.tokens()));
    }
  }

  /** Stores a unit whose excerpts the caller has registered with {@link #excerpt} (the delphi import). */
  void add(Unit u) {
    add(u, Map.of());
  }

  /** Registers an excerpt by index, with its token ids when known. */
  synchronized void excerpt(long index, Optional<int[]> ids, List<String> tokens) {
    if (!storedExcerpts.contains(index)) pendingExcerpts.putIfAbsent(index, new Excerpt(index, ids, tokens));
  }

  private synchronized void add(Unit u, Map<Long, Excerpt> excerpts) {
    if (stored.contains(u.id)) return;
    if (pending.stream().anyMatch(p -> p.id.equals(u.id))) return;
    for (Excerpt e : excerpts.values()) {
      if (storedExcerpts.contains(e.index) || pendingExcerpts.containsKey(e.index)) continue;
      Optional<int[]> ids = haveTokenIds ? Optional.of(tokenIds.apply(e.index)) : e.ids;
      pendingExcerpts.put(e.index, new Excerpt(e.index, ids, e.tokens));
    }
    pending.add(u);
    if (pending.size() >= unitsPerPart) flush();
  }

  /** Writes what is pending and the store's index (what lets a reader find one unit without reading the rest). */
  @Override
  public synchronized void finish() {
    flush();
    index.write(dir, committed);
  }

  @Override
  public synchronized void close() {
    finish();
  }

  /** Writes the pending units as one part: excerpts, then records, then the units file that commits it. */
  private void flush() {
    if (pending.isEmpty()) return;
    int part = nextPart++;
    Map<String, String> meta = new TreeMap<>(metadata);
    meta.put(StoreFiles.PRECISION_KEY, precision.label());
    // Only excerpts the part's units refer to: registered excerpts (delphi) may include ones no unit here uses.
    Set<Long> used = new HashSet<>();
    for (Unit u : pending) for (Ref r : u.refs) used.add(r.excerpt);
    List<Excerpt> excerpts = pendingExcerpts.values().stream().filter(e -> used.contains(e.index))
        .sorted(Comparator.comparingLong(Excerpt::index)).toList();
    if (!excerpts.isEmpty()) writeExcerpts(StoreFiles.part(dir, StoreFiles.EXCERPTS, part), meta, excerpts);
    pending.sort(Comparator.comparing(Unit::id));
    writeRecords(StoreFiles.part(dir, StoreFiles.RECORDS, part), meta, pending);
    writeUnits(StoreFiles.part(dir, StoreFiles.UNITS, part), meta, pending);
    committed.add(part);
    for (int i = 0; i < excerpts.size(); i++) {
      Excerpt e = excerpts.get(i);
      storedExcerpts.add(e.index);
      pendingExcerpts.remove(e.index);
      index.excerpt(e.index, part, i / EXCERPTS_PER_BATCH);
    }
    for (int i = 0; i < pending.size(); i++) {
      Unit u = pending.get(i);
      stored.add(u.id);
      index.unit(u.id, part, i / UNITS_PER_BATCH, i);
    }
    pending.clear();
  }

  /** Excerpts per record batch: a reader decodes the batches of the excerpts a unit refers to, so they stay small. */
  static final int EXCERPTS_PER_BATCH = 256;

  private static void writeExcerpts(Path file, Map<String, String> meta, List<Excerpt> excerpts) {
    StoreFiles.write(file, StoreFiles.excerptsSchema(meta), out -> {
      VectorSchemaRoot root = out.root();
      root.allocateNew();
      int row = 0;
      for (Excerpt e : excerpts) {
        BigIntVector index = (BigIntVector) root.getVector("excerpt");
        ListVector ids = (ListVector) root.getVector("token_ids"), tokens = (ListVector) root.getVector("tokens");
        index.setSafe(row, e.index);
        if (e.ids.isPresent()) {
          int start = ids.startNewValue(row);
          IntVector child = (IntVector) ids.getDataVector();
          int[] v = e.ids.get();
          for (int k = 0; k < v.length; k++) child.setSafe(start + k, v[k]);
          ids.endValue(row, v.length);
        } else {
          ids.setNull(row);
        }
        int start = tokens.startNewValue(row);
        VarCharVector child = (VarCharVector) tokens.getDataVector();
        for (int k = 0; k < e.tokens.size(); k++) child.setSafe(start + k, e.tokens.get(k).getBytes(StandardCharsets.UTF_8));
        tokens.endValue(row, e.tokens.size());
        if (++row == EXCERPTS_PER_BATCH) {
          finishLists(root, row);
          out.emit(row);
          row = 0;
        }
      }
      if (row > 0) {
        finishLists(root, row);
        out.emit(row);
      }
    });
  }

  private void writeRecords(Path file, Map<String, String> meta, List<Unit> units) {
    StoreFiles.write(file, StoreFiles.recordsSchema(meta, precision), out -> {
      VectorSchemaRoot root = out.root();
      root.allocateNew();
      IntVector layer = (IntVector) root.getVector("layer"), index = (IntVector) root.getVector("index"), rank = (IntVector) root.getVector("rank");
      VarCharVector list = (VarCharVector) root.getVector("list");
      BigIntVector excerpt = (BigIntVector) root.getVector("excerpt");
      ListVector acts = (ListVector) root.getVector("activations");
      int row = 0, inBatch = 0;
      for (Unit u : units) {
        for (Ref r : u.refs) {
          layer.setSafe(row, u.id.layer());
          index.setSafe(row, u.id.neuron());
          list.setSafe(row, r.list.getBytes(StandardCharsets.UTF_8));
          rank.setSafe(row, r.rank);
          excerpt.setSafe(row, r.excerpt);
          int start = acts.startNewValue(row);
          if (precision == StorePrecision.F16) {
            Float2Vector child = (Float2Vector) acts.getDataVector();
            for (int k = 0; k < r.activations.length; k++) child.setSafe(start + k, Float.floatToFloat16(r.activations[k]));
          } else {
            Float4Vector child = (Float4Vector) acts.getDataVector();
            for (int k = 0; k < r.activations.length; k++) child.setSafe(start + k, r.activations[k]);
          }
          acts.endValue(row, r.activations.length);
          row++;
        }
        if (++inBatch == UNITS_PER_BATCH) {
          finishLists(root, row);
          out.emit(row);
          row = 0;
          inBatch = 0;
        }
      }
      if (inBatch > 0) {
        finishLists(root, row);
        out.emit(row);
      }
    });
  }

  private static void writeUnits(Path file, Map<String, String> meta, List<Unit> units) {
    StoreFiles.write(file, StoreFiles.unitsSchema(meta), out -> {
      VectorSchemaRoot root = out.root();
      root.allocateNew();
      IntVector layer = (IntVector) root.getVector("layer"), index = (IntVector) root.getVector("index"), batch = (IntVector) root.getVector("batch");
      ListVector bounds = (ListVector) root.getVector("quantile_boundaries");
      int row = 0;
      for (Unit u : units) {
        layer.setSafe(row, u.id.layer());
        index.setSafe(row, u.id.neuron());
        batch.setSafe(row, row / UNITS_PER_BATCH);
        setOptional((Float8Vector) root.getVector("mean"), row, u.mean);
        setOptional((Float8Vector) root.getVector("variance"), row, u.variance);
        setOptional((Float8Vector) root.getVector("skewness"), row, u.skewness);
        setOptional((Float8Vector) root.getVector("kurtosis"), row, u.kurtosis);
        if (u.boundaries.isPresent()) {
          List<OptionalDouble> values = u.boundaries.get().values();
          int start = bounds.startNewValue(row);
          Float8Vector child = (Float8Vector) bounds.getDataVector();
          for (int k = 0; k < values.size(); k++) {
            if (values.get(k).isPresent()) child.setSafe(start + k, values.get(k).getAsDouble());
            else child.setNull(start + k);
          }
          bounds.endValue(row, values.size());
        } else {
          bounds.setNull(row);
        }
        row++;
      }
      finishLists(root, row);
      out.emit(row);
    });
  }

  private static void setOptional(Float8Vector v, int row, OptionalDouble d) {
    if (d.isPresent()) v.setSafe(row, d.getAsDouble());
    else v.setNull(row);
  }

  /** Sets every vector's value count, children of lists included (Arrow leaves them to the writer). */
  private static void finishLists(VectorSchemaRoot root, int rows) {
    for (var v : root.getFieldVectors()) {
      if (v instanceof ListVector l) {
        int end = rows == 0 ? 0 : l.getElementEndIndex(rows - 1);
        l.getDataVector().setValueCount(end);
      }
      v.setValueCount(rows);
    }
  }
}
