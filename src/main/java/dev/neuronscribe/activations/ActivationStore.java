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
 * <p>Opening reads the small units table (an index of where each unit is); a unit's record is read on
 * demand from its one record batch, so memory holds the index and the excerpts' tokens, not the records.
 */
public final class ActivationStore implements NeuronRecords {
  private final Path root;
  private final Map<NeuronId, Unit> units;
  private final Map<String, String> metadata;
  private Map<Long, String[]> excerpts;
  private StoreFiles.Reader open;
  private int openPart = -1, openBatch = -1;
  private VectorSchemaRoot batch;
  private double[] halves;

  private record Unit(int part, int batch, OptionalDouble mean, OptionalDouble variance, OptionalDouble skewness,
      OptionalDouble kurtosis, Optional<QuantileBoundaries> boundaries) {}

  private ActivationStore(Path root, Map<NeuronId, Unit> units, Map<String, String> metadata) {
    this.root = root;
    this.units = units;
    this.metadata = metadata;
  }

  public static boolean isStore(Path dir) {
    return StoreFiles.isStore(dir);
  }

  public static ActivationStore open(Path dir) {
    if (!StoreFiles.isStore(dir)) {
      throw new InvalidInputException(dir.toString(), "is not an activation store (no units/ and records/ folders); record one with 'scribe record' or import one with 'scribe import'");
    }
    Map<NeuronId, Unit> units = new TreeMap<>();
    Map<String, String> meta = Map.of();
    for (int p : StoreFiles.parts(dir, StoreFiles.UNITS)) {
      try (StoreFiles.Reader r = new StoreFiles.Reader(StoreFiles.part(dir, StoreFiles.UNITS, p), StoreFiles.UNITS)) {
        meta = describe(r.metadata);
        for (int b = 0; b < r.batches(); b++) {
          VectorSchemaRoot v = r.batch(b);
          IntVector layer = (IntVector) v.getVector("layer"), index = (IntVector) v.getVector("index"), batch = (IntVector) v.getVector("batch");
          ListVector bounds = (ListVector) v.getVector("quantile_boundaries");
          for (int i = 0; i < v.getRowCount(); i++) {
            Optional<QuantileBoundaries> q = Optional.empty();
            if (!bounds.isNull(i)) {
              Float8Vector child = (Float8Vector) bounds.getDataVector();
              List<OptionalDouble> values = new ArrayList<>();
              for (int k = bounds.getElementStartIndex(i); k < bounds.getElementEndIndex(i); k++) {
                values.add(child.isNull(k) ? OptionalDouble.empty() : OptionalDouble.of(child.get(k)));
              }
              q = Optional.of(new QuantileBoundaries(values));
            }
            units.put(new NeuronId(layer.get(i), index.get(i)), new Unit(p, batch.get(i), optional(v, "mean", i), optional(v, "variance", i),
                optional(v, "skewness", i), optional(v, "kurtosis", i), q));
          }
        }
      }
    }
    return new ActivationStore(dir, units, meta);
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

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public List<NeuronId> list() {
    return List.copyOf(units.keySet());
  }

  public int size() {
    return units.size();
  }

  @Override
  public String where(NeuronId id) {
    return root + " (unit " + id + ")";
  }

  @Override
  public boolean contains(NeuronId id) {
    return units.containsKey(id);
  }

  @Override
  public synchronized NeuronRecord read(NeuronId id) {
    Unit u = units.get(id);
    if (u == null) throw new InvalidInputException(root.toString(), "holds no unit " + id);
    if (excerpts == null) excerpts = readExcerpts();
    if (openPart != u.part) {
      if (open != null) open.close();
      open = null;
      open = new StoreFiles.Reader(StoreFiles.part(root, StoreFiles.RECORDS, u.part), StoreFiles.RECORDS);
      openPart = u.part;
      openBatch = -1;
    }
    // Units are read in order: the batch just decoded usually holds the next one too.
    if (openBatch != u.batch) {
      batch = open.batch(u.batch);
      openBatch = u.batch;
    }
    VectorSchemaRoot v = batch;
    IntVector layer = (IntVector) v.getVector("layer"), index = (IntVector) v.getVector("index"), rank = (IntVector) v.getVector("rank");
    VarCharVector list = (VarCharVector) v.getVector("list");
    BigIntVector excerpt = (BigIntVector) v.getVector("excerpt");
    ListVector acts = (ListVector) v.getVector("activations");
    Map<String, List<ActivationRecord>> lists = new HashMap<>();
    for (int i = 0; i < v.getRowCount(); i++) {
      if (layer.get(i) != id.layer() || index.get(i) != id.neuron()) continue;
      String name = new String(list.get(i), StandardCharsets.UTF_8);
      String[] tokens = excerpts.get(excerpt.get(i));
      if (tokens == null) {
        throw new InvalidInputException(open.file.toString(), "unit " + id + " refers to excerpt " + excerpt.get(i) + ", which the store's excerpts/ lack");
      }
      double[] a = activations(acts, i);
      if (a.length != tokens.length) {
        throw new InvalidInputException(open.file.toString(), "unit " + id + " has " + a.length + " activations on excerpt " + excerpt.get(i)
            + " of " + tokens.length + " tokens");
      }
      List<ActivationRecord> l = lists.computeIfAbsent(name, k -> new ArrayList<>());
      int r = rank.get(i);
      while (l.size() <= r) l.add(null);
      l.set(r, new ActivationRecord(List.of(tokens), a));
    }
    for (var e : lists.entrySet()) {
      if (e.getValue().contains(null)) throw new InvalidInputException(open.file.toString(), "unit " + id + "'s list '" + e.getKey() + "' has gaps in its ranks");
    }
    Optional<List<List<ActivationRecord>>> bins = Optional.empty();
    if (lists.keySet().stream().anyMatch(k -> k.startsWith("quantile_")) || u.boundaries.isPresent()) {
      List<List<ActivationRecord>> b = new ArrayList<>();
      int bin = 0;
      int last = lists.keySet().stream().filter(k -> k.startsWith("quantile_")).mapToInt(k -> Integer.parseInt(k.substring(9))).max().orElse(-1);
      int count = Math.max(last + 1, u.boundaries.map(q -> Math.max(0, q.size() - 1)).orElse(0));
      for (; bin < count; bin++) b.add(lists.getOrDefault("quantile_" + bin, List.of()));
      bins = Optional.of(b);
    }
    return new NeuronRecord(id, lists.getOrDefault("top", List.of()), lists.getOrDefault("random", List.of()), bins, u.boundaries,
        u.mean, u.variance, u.skewness, u.kurtosis);
  }

  /**
   * A half float as the double of its shortest float decimal, remembered per bit pattern (NaN: not yet):
   * there are only 65,536, and the decimal round trip costs more than the rest of reading a record.
   */
  private double half(short bits) {
    if (halves == null) {
      halves = new double[1 << 16];
      java.util.Arrays.fill(halves, Double.NaN);
    }
    int i = bits & 0xffff;
    if (Double.isNaN(halves[i])) halves[i] = Double.parseDouble(Float.toString(Float.float16ToFloat(bits)));
    return halves[i];
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

  private Map<Long, String[]> readExcerpts() {
    Map<Long, String[]> out = new HashMap<>();
    // Tokens repeat across excerpts: keep one String per distinct token.
    Map<String, String> interned = new HashMap<>();
    for (int p : StoreFiles.parts(root, StoreFiles.EXCERPTS)) {
      if (!Files.exists(StoreFiles.part(root, StoreFiles.UNITS, p))) continue;
      try (StoreFiles.Reader r = new StoreFiles.Reader(StoreFiles.part(root, StoreFiles.EXCERPTS, p), StoreFiles.EXCERPTS)) {
        for (int b = 0; b < r.batches(); b++) {
          VectorSchemaRoot v = r.batch(b);
          BigIntVector index = (BigIntVector) v.getVector("excerpt");
          ListVector tokens = (ListVector) v.getVector("tokens");
          for (int i = 0; i < v.getRowCount(); i++) {
            List<String> t = strings(tokens, i);
            String[] a = new String[t.size()];
            for (int k = 0; k < a.length; k++) a[k] = interned.computeIfAbsent(t.get(k), s -> s);
            out.put(index.get(i), a);
          }
        }
      }
    }
    return out;
  }

  static List<String> strings(ListVector list, int row) {
    VarCharVector child = (VarCharVector) list.getDataVector();
    List<String> out = new ArrayList<>();
    for (int k = list.getElementStartIndex(row); k < list.getElementEndIndex(row); k++) out.add(new String(child.get(k), StandardCharsets.UTF_8));
    return out;
  }
}
