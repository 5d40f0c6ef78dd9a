package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/**
 * A compact store of recorded units (neurons or latents) in open Arrow IPC files: each excerpt's tokens
 * once ({@code excerpts/}), per unit only references to excerpts with its activations ({@code records/}),
 * and per unit its moments and quantile boundaries ({@code units/}). docs/scale.md describes the tables
 * and reads them with pandas and DuckDB.
 *
 * <p>Opening maps the store's {@link StoreIndex} (written when the writer finished): reading one unit then
 * decodes one record batch of its part's records file, its row's part units file and the excerpt batches it
 * refers to, and nothing else, so a fresh process reads a unit without touching the rest of the store. A
 * store without a current index (interrupted, or written before there was one) is indexed in memory from
 * all its units and excerpts files first, which takes seconds for tens of thousands of units.
 */
public final class ActivationStore implements NeuronRecords {
  private final Path root;
  private final StoreIndex index;
  private final List<Integer> parts;
  private Map<String, String> metadata;
  /** Decoded excerpt batches, by (part, batch): each distinct token string kept once. */
  private final Map<Long, Map<Long, String[]>> excerptBatches = new HashMap<>();
  private final Map<String, String> interned = new HashMap<>();
  private StoreFiles.Reader open, openUnits;
  private int openPart = -1, openBatch = -1, openUnitsPart = -1;
  private VectorSchemaRoot batch, unitsBatch;
  /** See {@link #half}: shared by every store of the process, as the bit patterns mean the same in all. */
  private static final double[] HALVES = new double[1 << 16];

  static {
    java.util.Arrays.fill(HALVES, Double.NaN);
  }

  private ActivationStore(Path root, StoreIndex index, List<Integer> parts) {
    this.root = root;
    this.index = index;
    this.parts = parts;
  }

  public static boolean isStore(Path dir) {
    return StoreFiles.isStore(dir);
  }

  public static ActivationStore open(Path dir) {
    if (!StoreFiles.isStore(dir)) {
      throw new InvalidInputException(dir.toString(), "is not an activation store (no units/ and records/ folders); record one with 'scribe record' or import one with 'scribe import'");
    }
    // Listing the units folder (names only) tells exactly whether the index covers every committed part; file
    // times would be cheaper but too coarse to see a part removed right after the index was written.
    List<Integer> parts = StoreFiles.parts(dir, StoreFiles.UNITS);
    StoreIndex index = StoreIndex.load(dir, parts).orElseGet(() -> scan(dir, parts));
    ActivationStore store = new ActivationStore(dir, index, parts);
    // One small file tells whether this reader knows the store's format (a newer one is refused here, not mid-run).
    store.metadata();
    return store;
  }

  /** Indexes a store from its units and excerpts files (no index file, or a stale one). */
  private static StoreIndex scan(Path dir, List<Integer> parts) {
    StoreIndex.Builder b = new StoreIndex.Builder();
    for (int p : parts) {
      try (StoreFiles.Reader r = new StoreFiles.Reader(StoreFiles.part(dir, StoreFiles.UNITS, p), StoreFiles.UNITS)) {
        int row = 0;
        for (int k = 0; k < r.batches(); k++) {
          VectorSchemaRoot v = r.batch(k);
          IntVector layer = (IntVector) v.getVector("layer"), index = (IntVector) v.getVector("index"), batch = (IntVector) v.getVector("batch");
          for (int i = 0; i < v.getRowCount(); i++) b.unit(new NeuronId(layer.get(i), index.get(i)), p, batch.get(i), row++);
        }
      }
      Path ex = StoreFiles.part(dir, StoreFiles.EXCERPTS, p);
      if (!Files.exists(ex)) continue;
      try (StoreFiles.Reader r = new StoreFiles.Reader(ex, StoreFiles.EXCERPTS)) {
        for (int k = 0; k < r.batches(); k++) {
          BigIntVector excerpt = (BigIntVector) r.batch(k).getVector("excerpt");
          for (int i = 0; i < excerpt.getValueCount(); i++) b.excerpt(excerpt.get(i), p, k);
        }
      }
    }
    return b.build(parts);
  }

  /** The recording's own metadata, without the table bookkeeping. */
  private static Map<String, String> describe(Map<String, String> fileMeta) {
    Map<String, String> m = new TreeMap<>(fileMeta);
    m.remove(StoreFiles.TABLE_KEY);
    return Map.copyOf(m);
  }

  private static OptionalDouble optional(VectorSchemaRoot v, String name, int row) {
    Float8Vector f = (Float8Vector) v.getVector(name);
    return f.isNull(row) ? OptionalDouble.empty() : OptionalDouble.of(f.get(row));
  }

  @Override
  public Path root() {
    return root;
  }

  /** The recording's description, from the first part's units file (every file carries the same). */
  @Override
  public synchronized Map<String, String> metadata() {
    if (metadata == null) {
      if (parts.isEmpty()) return Map.of();
      try (StoreFiles.Reader r = new StoreFiles.Reader(StoreFiles.part(root, StoreFiles.UNITS, parts.get(0)), StoreFiles.UNITS)) {
        metadata = describe(r.metadata);
      }
    }
    return metadata;
  }

  @Override
  public List<NeuronId> list() {
    NeuronId[] ids = new NeuronId[index.size()];
    for (int i = 0; i < ids.length; i++) ids[i] = index.unit(i);
    return List.of(ids);
  }

  public int size() {
    return index.size();
  }

  @Override
  public String where(NeuronId id) {
    return root + " (unit " + id + ")";
  }

  @Override
  public boolean contains(NeuronId id) {
    return index.find(id) >= 0;
  }

  @Override
  public synchronized NeuronRecord read(NeuronId id) {
    int slot = index.find(id);
    if (slot < 0) throw new InvalidInputException(root.toString(), "holds no unit " + id);
    StoreIndex.UnitAt u = index.at(slot);
    if (openPart != u.part()) {
      if (open != null) open.close();
      open = null;
      open = new StoreFiles.Reader(StoreFiles.part(root, StoreFiles.RECORDS, u.part()), StoreFiles.RECORDS);
      openPart = u.part();
      openBatch = -1;
    }
    // Units are read in order: the batch just decoded usually holds the next one too.
    if (openBatch != u.batch()) {
      batch = open.batch(u.batch());
      openBatch = u.batch();
    }
    Stats stats = stats(u);
    VectorSchemaRoot v = batch;
    IntVector layer = (IntVector) v.getVector("layer"), index = (IntVector) v.getVector("index"), rank = (IntVector) v.getVector("rank");
    VarCharVector list = (VarCharVector) v.getVector("list");
    BigIntVector excerpt = (BigIntVector) v.getVector("excerpt");
    ListVector acts = (ListVector) v.getVector("activations");
    Map<String, List<ActivationRecord>> lists = new HashMap<>();
    for (int i = 0; i < v.getRowCount(); i++) {
      if (layer.get(i) != id.layer() || index.get(i) != id.neuron()) continue;
      String name = new String(list.get(i), StandardCharsets.UTF_8);
      String[] tokens = tokens(excerpt.get(i));
      if (tokens == null) {
        throw new StoreFileException(open.file.toString(), "unit " + id + " refers to excerpt " + excerpt.get(i) + ", which the store's excerpts/ lack");
      }
      double[] a = activations(acts, i);
      if (a.length != tokens.length) {
        throw new StoreFileException(open.file.toString(), "unit " + id + " has " + a.length + " activations on excerpt " + excerpt.get(i)
            + " of " + tokens.length + " tokens");
      }
      List<ActivationRecord> l = lists.computeIfAbsent(name, k -> new ArrayList<>());
      int r = rank.get(i);
      while (l.size() <= r) l.add(null);
      l.set(r, new ActivationRecord(List.of(tokens), a));
    }
    for (var e : lists.entrySet()) {
      if (e.getValue().contains(null)) throw new StoreFileException(open.file.toString(), "unit " + id + "'s list '" + e.getKey() + "' has gaps in its ranks");
    }
    Optional<List<List<ActivationRecord>>> bins = Optional.empty();
    if (lists.keySet().stream().anyMatch(k -> k.startsWith("quantile_")) || stats.boundaries.isPresent()) {
      List<List<ActivationRecord>> b = new ArrayList<>();
      int bin = 0;
      int last = lists.keySet().stream().filter(k -> k.startsWith("quantile_")).mapToInt(k -> Integer.parseInt(k.substring(9))).max().orElse(-1);
      int count = Math.max(last + 1, stats.boundaries.map(q -> Math.max(0, q.size() - 1)).orElse(0));
      for (; bin < count; bin++) b.add(lists.getOrDefault("quantile_" + bin, List.of()));
      bins = Optional.of(b);
    }
    return new NeuronRecord(id, lists.getOrDefault("top", List.of()), lists.getOrDefault("random", List.of()), bins, stats.boundaries,
        stats.mean, stats.variance, stats.skewness, stats.kurtosis);
  }

  /**
   * A half float as the double of its shortest float decimal, remembered per bit pattern (NaN: not yet):
   * there are only 65,536, and the decimal round trip costs more than the rest of reading a record.
   */
  private static double half(short bits) {
    int i = bits & 0xffff;
    double d = HALVES[i];
    // A race only computes the same value twice (a NaN half is never stored: NaN activations are refused on writing).
    if (Double.isNaN(d)) HALVES[i] = d = Double.parseDouble(Float.toString(Float.float16ToFloat(bits)));
    return d;
  }

  /** The activations as the doubles that print as each stored float's shortest decimal (what JSON would hold). */
  private double[] activations(ListVector acts, int row) {
    int start = acts.getElementStartIndex(row), end = acts.getElementEndIndex(row);
    double[] a = new double[end - start];
    if (acts.getDataVector() instanceof Float2Vector h) {
      for (int k = start; k < end; k++) a[k - start] = half(h.get(k));
    } else {
      Float4Vector f = (Float4Vector) acts.getDataVector();
      for (int k = start; k < end; k++) a[k - start] = Double.parseDouble(Float.toString(f.get(k)));
    }
    return a;
  }

  private record Stats(OptionalDouble mean, OptionalDouble variance, OptionalDouble skewness, OptionalDouble kurtosis,
      Optional<QuantileBoundaries> boundaries) {}

  /** A unit's moments and boundaries, from its row of its part's units file. */
  private Stats stats(StoreIndex.UnitAt u) {
    if (openUnitsPart != u.part()) {
      if (openUnits != null) openUnits.close();
      openUnits = null;
      openUnits = new StoreFiles.Reader(StoreFiles.part(root, StoreFiles.UNITS, u.part()), StoreFiles.UNITS);
      openUnitsPart = u.part();
      unitsBatch = null;
    }
    // A units file is one record batch (a part's units are few); older writers wrote the same.
    int row = u.row();
    int b = 0;
    VectorSchemaRoot v = unitsBatch != null ? unitsBatch : openUnits.batch(0);
    while (row >= v.getRowCount() && b + 1 < openUnits.batches()) {
      row -= v.getRowCount();
      v = openUnits.batch(++b);
    }
    unitsBatch = b == 0 ? v : null;
    if (row >= v.getRowCount()) throw new StoreFileException(openUnits.file.toString(), "has no row " + u.row() + "; the store's index.bin is stale: delete it");
    ListVector bounds = (ListVector) v.getVector("quantile_boundaries");
    Optional<QuantileBoundaries> q = Optional.empty();
    if (!bounds.isNull(row)) {
      Float8Vector child = (Float8Vector) bounds.getDataVector();
      List<OptionalDouble> values = new ArrayList<>();
      for (int k = bounds.getElementStartIndex(row); k < bounds.getElementEndIndex(row); k++) {
        values.add(child.isNull(k) ? OptionalDouble.empty() : OptionalDouble.of(child.get(k)));
      }
      q = Optional.of(new QuantileBoundaries(values));
    }
    return new Stats(optional(v, "mean", row), optional(v, "variance", row), optional(v, "skewness", row), optional(v, "kurtosis", row), q);
  }

  /** An excerpt's tokens, decoding its batch of the excerpts table on first use; null when the store lacks it. */
  private String[] tokens(long excerpt) {
    Optional<StoreIndex.ExcerptAt> at = index.excerpt(excerpt);
    if (at.isEmpty()) return null;
    long key = ((long) at.get().part() << 32) | (at.get().batch() & 0xffffffffL);
    Map<Long, String[]> batch = excerptBatches.get(key);
    if (batch == null) {
      batch = new HashMap<>();
      try (StoreFiles.Reader r = new StoreFiles.Reader(StoreFiles.part(root, StoreFiles.EXCERPTS, at.get().part()), StoreFiles.EXCERPTS)) {
        VectorSchemaRoot v = r.batch(at.get().batch());
        BigIntVector index = (BigIntVector) v.getVector("excerpt");
        ListVector tokens = (ListVector) v.getVector("tokens");
        VarCharVector chars = (VarCharVector) tokens.getDataVector();
        // The batch's token bytes copied once; each token a String cut from them (not a byte[] per token).
        byte[] data = new byte[(int) chars.getDataBuffer().writerIndex()];
        chars.getDataBuffer().getBytes(0, data);
        for (int i = 0; i < v.getRowCount(); i++) {
          int from = tokens.getElementStartIndex(i), to = tokens.getElementEndIndex(i);
          String[] a = new String[to - from];
          for (int k = from; k < to; k++) {
            int start = chars.getStartOffset(k), end = chars.getEndOffset(k);
            // Tokens repeat across excerpts: keep one String per distinct token.
            a[k - from] = interned.computeIfAbsent(new String(data, start, end - start, StandardCharsets.UTF_8), t -> t);
          }
          batch.put(index.get(i), a);
        }
      }
      excerptBatches.put(key, batch);
    }
    return batch.get(excerpt);
  }

  static List<String> strings(ListVector list, int row) {
    VarCharVector child = (VarCharVector) list.getDataVector();
    List<String> out = new ArrayList<>();
    for (int k = list.getElementStartIndex(row); k < list.getElementEndIndex(row); k++) out.add(new String(child.get(k), StandardCharsets.UTF_8));
    return out;
  }
}
