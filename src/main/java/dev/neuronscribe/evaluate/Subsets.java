package dev.neuronscribe.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Chooses neurons from an index, reproducibly: the same index content, kind, n and seed give the same
 * subset whatever the order of the index's rows (entries are first put in (layer, neuron) order), and
 * a layer's random draw depends only on the seed and that layer, so adding layers to the index does
 * not change the others. {@link java.util.Random} is used because its algorithm is fixed by the Java
 * specification, so subsets stay the same across Java versions.
 */
public final class Subsets {
  /** The paper's threshold for an "interpretable" neuron: an explanation score above 0.35. */
  public static final double INTERPRETABLE = 0.35;

  private Subsets() {}

  public enum Kind {
    /** n neurons drawn uniformly at random from each layer. */
    RANDOM_PER_LAYER("random-per-layer"),
    /** n neurons per layer drawn at random among those whose score exceeds the threshold (the paper's "random interpretable"). */
    RANDOM_INTERPRETABLE("random-interpretable"),
    /** the n highest-scoring neurons of each layer. */
    TOP_PER_LAYER("top-per-layer"),
    /** the n highest-scoring neurons overall. */
    TOP_K("top-k");

    public final String label;

    Kind(String label) {
      this.label = label;
    }

    public static Kind parse(String s) {
      for (Kind k : values()) if (k.label.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s)) return k;
      throw new IllegalArgumentException("unknown subset kind '" + s + "'; choose random-per-layer, random-interpretable, top-per-layer or top-k");
    }
  }

  /** The chosen neurons and what the selection could not do (a layer with fewer candidates than n). */
  public record Selection(List<NeuronIndex.Entry> entries, List<String> shortfalls, int withoutScore) {
    public Selection {
      entries = List.copyOf(entries);
      shortfalls = List.copyOf(shortfalls);
    }
  }

  /**
   * Selects neurons. Score-based kinds skip entries without a score (counted in
   * {@link Selection#withoutScore()}). Ties in score are broken by (layer, neuron). A layer with
   * fewer candidates than n contributes all it has, and says so in {@link Selection#shortfalls()}.
   */
  public static Selection select(NeuronIndex index, Kind kind, int n, long seed, double threshold) {
    if (n < 1) throw new IllegalArgumentException("n must be at least 1, got " + n);
    List<NeuronIndex.Entry> all = new ArrayList<>(index.entries());
    all.sort(Comparator.comparing(NeuronIndex.Entry::id));
    boolean needsScore = kind != Kind.RANDOM_PER_LAYER;
    int withoutScore = needsScore ? (int) all.stream().filter(e -> e.score().isEmpty()).count() : 0;
    if (needsScore) all.removeIf(e -> e.score().isEmpty());
    if (needsScore && all.isEmpty()) {
      throw new IllegalArgumentException(index.source() + ": no entry has a score, which " + kind.label + " needs (add a score column)");
    }
    Comparator<NeuronIndex.Entry> byScore = Comparator.comparingDouble((NeuronIndex.Entry e) -> -e.score().getAsDouble())
        .thenComparing(NeuronIndex.Entry::id);
    List<NeuronIndex.Entry> out = new ArrayList<>();
    List<String> shortfalls = new ArrayList<>();
    if (kind == Kind.TOP_K) {
      all.sort(byScore);
      out.addAll(all.subList(0, Math.min(n, all.size())));
      if (all.size() < n) shortfalls.add("only " + all.size() + " neurons with a score, fewer than " + n);
    } else {
      Map<Integer, List<NeuronIndex.Entry>> byLayer = new TreeMap<>();
      for (NeuronIndex.Entry e : all) {
        if (kind == Kind.RANDOM_INTERPRETABLE && !(e.score().getAsDouble() > threshold)) continue;
        byLayer.computeIfAbsent(e.id().layer(), k -> new ArrayList<>()).add(e);
      }
      for (var layer : byLayer.entrySet()) {
        List<NeuronIndex.Entry> candidates = layer.getValue();
        if (candidates.size() < n) {
          shortfalls.add("layer " + layer.getKey() + " has only " + candidates.size() + " candidates, fewer than " + n);
        }
        List<NeuronIndex.Entry> chosen = kind == Kind.TOP_PER_LAYER
            ? candidates.stream().sorted(byScore).limit(n).toList()
            : draw(candidates, n, new Random(seed * 1_000_003L + layer.getKey()));
        out.addAll(chosen);
      }
    }
    if (kind != Kind.TOP_K) out.sort(Comparator.comparing(NeuronIndex.Entry::id));
    return new Selection(out, shortfalls, withoutScore);
  }

  /** The first n of a partial Fisher–Yates shuffle: a uniform sample without replacement. */
  static List<NeuronIndex.Entry> draw(List<NeuronIndex.Entry> candidates, int n, Random random) {
    List<NeuronIndex.Entry> pool = new ArrayList<>(candidates);
    int k = Math.min(n, pool.size());
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(pool.size() - i);
      NeuronIndex.Entry tmp = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, tmp);
    }
    return pool.subList(0, k);
  }
}
