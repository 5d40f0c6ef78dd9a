package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronscribe.subject.TensorArrays;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a latent cache written by EleutherAI's delphi ({@code LatentCache.save_splits}): a folder per hook
 * point holding {@code <start>_<end>.safetensors} files, each with {@code locations} (n, 3) = (row of
 * {@code tokens}, position, latent - start), {@code activations} (n) of the non-zero activations, and
 * {@code tokens} (rows, context) the cache was recorded on. Every row is cut into excerpts, and each latent
 * becomes a NeuronRecord as {@code scribe record} would make it: top excerpts, a random sample, samples per
 * quantile bin of the per-excerpt maximum, and moments over every token (the cache's zeros included).
 */
public final class DelphiCache {
  private static final Pattern SPLIT = Pattern.compile("(\\d+)_(\\d+)\\.safetensors");
  private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  /** What to keep per latent, as {@code scribe record}'s options of the same names. */
  public record Options(int excerptTokens, int top, int random, int perQuantile, long seed) {}

  private DelphiCache() {}

  /** The hook point folder's split files, by latent start. */
  public static List<Path> splits(Path module) {
    if (!Files.isDirectory(module)) throw new InvalidInputException(module.toString(), "is not a folder of delphi cache splits (<start>_<end>.safetensors)");
    try (Stream<Path> files = Files.list(module)) {
      List<Path> out = new ArrayList<>(files.filter(f -> SPLIT.matcher(f.getFileName().toString()).matches()).toList());
      out.sort((a, b) -> Long.compare(start(a), start(b)));
      if (out.isEmpty()) throw new InvalidInputException(module.toString(), "holds no delphi cache split (<start>_<end>.safetensors); give the hook point's folder, e.g. latents/layers.6.mlp");
      return out;
    } catch (IOException e) {
      throw new InvalidInputException(module.toString(), "cannot be listed: " + e.getMessage(), e);
    }
  }

  private static long start(Path split) {
    Matcher m = SPLIT.matcher(split.getFileName().toString());
    if (!m.matches()) throw new IllegalArgumentException(split.toString());
    return Long.parseLong(m.group(1));
  }

  /** The layer a hook point's name gives (the first number in it: layers.6.mlp → 6), if any. */
  public static Optional<Integer> layerOf(Path module) {
    Matcher m = Pattern.compile("(\\d+)").matcher(module.getFileName().toString());
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /** The model name in the folder's {@code config.json}, when delphi wrote one. */
  public static Optional<String> modelName(Path module) {
    Path config = module.resolve("config.json");
    if (!Files.isRegularFile(config)) return Optional.empty();
    JsonNode root = JsonFields.readTree(config);
    return root.hasNonNull("model_name") ? Optional.of(root.get("model_name").asText()) : Optional.empty();
  }

  /**
   * Imports every latent of the folder into {@code out} as units of {@code layer}; {@code decode} turns a
   * token id into its text. Returns the number of latents written (ones the store holds are skipped).
   */
  public static int importInto(Path module, int layer, Options o, IntFunction<String> decode, ActivationStoreWriter out, Progress progress) {
    List<Path> splits = splits(module);
    int written = 0;
    long[] tokens = null;
    int rows = 0, context = 0;
    for (Path split : splits) {
      try (TensorArrays t = TensorArrays.open(split)) {
        if (tokens == null) {
          if (!t.has("tokens")) {
            throw new InvalidInputException(split.toString(), "has no 'tokens' tensor; save the cache with save_tokens=True so the excerpts' text is known");
          }
          long[] shape = t.shape("tokens");
          if (shape.length != 2) throw new InvalidInputException(split.toString(), "field 'tokens' has shape " + Arrays.toString(shape) + "; (rows, context) was expected");
          rows = (int) shape[0];
          context = (int) shape[1];
          tokens = t.longs("tokens");
        }
        long[] loc = t.longs("locations");
        long[] locShape = t.shape("locations");
        float[] acts = t.floats("activations");
        if (locShape.length != 2 || locShape[1] != 3 || locShape[0] != acts.length) {
          throw new InvalidInputException(split.toString(), "field 'locations' has shape " + Arrays.toString(locShape) + " for " + acts.length
              + " activations; (n, 3) = (row, position, latent) was expected");
        }
        written += importSplit(split, start(split), loc, acts, tokens, rows, context, layer, o, decode, out);
        progress.advance(1);
      }
    }
    return written;
  }

  /** Counts a split file as imported. */
  @FunctionalInterface
  public interface Progress {
    void advance(long n);
  }

  private static int importSplit(Path split, long start, long[] loc, float[] acts, long[] tokens, int rows, int context, int layer,
      Options o, IntFunction<String> decode, ActivationStoreWriter out) {
    int e = Math.min(o.excerptTokens(), context);
    int perRow = (context + e - 1) / e;
    long excerpts = (long) rows * perRow;
    long tokenCount = (long) rows * context;
    // Group the non-zeros by latent.
    Map<Long, List<Integer>> byLatent = new HashMap<>();
    for (int i = 0; i < acts.length; i++) {
      long row = loc[3 * i], pos = loc[3 * i + 1];
      if (row < 0 || row >= rows || pos < 0 || pos >= context) {
        throw new InvalidInputException(split.toString(), "location " + i + " is (" + row + ", " + pos + "), outside the tokens' " + rows + " x " + context);
      }
      byLatent.computeIfAbsent(start + loc[3 * i + 2], k -> new ArrayList<>()).add(i);
    }
    int written = 0;
    for (long latent : byLatent.keySet().stream().sorted().toList()) {
      if (latent > Integer.MAX_VALUE) throw new InvalidInputException(split.toString(), "latent " + latent + " is beyond the largest index a unit can have");
      if (out.contains(layer, (int) latent)) continue;
      List<Integer> nz = byLatent.get(latent);
      // Per excerpt: the latent's non-zero entries, and the excerpt's max.
      Map<Long, List<Integer>> byExcerpt = new HashMap<>();
      double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
      for (int i : nz) {
        long ex = loc[3 * i] * perRow + loc[3 * i + 1] / e;
        byExcerpt.computeIfAbsent(ex, k -> new ArrayList<>()).add(i);
        double a = acts[i];
        s1 += a;
        s2 += a * a;
        s3 += a * a * a;
        s4 += a * a * a * a;
      }
      long[] active = byExcerpt.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
      Map<Long, Float> max = new HashMap<>();
      for (long ex : active) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i : byExcerpt.get(ex)) m = Math.max(m, acts[i]);
        // An excerpt with zeros too has max >= 0.
        if (m < 0 && byExcerpt.get(ex).size() < length(ex, perRow, e, context)) m = 0;
        max.put(ex, m);
      }
      // Top: highest max first, ties by excerpt.
      List<Long> top = Arrays.stream(active).boxed().sorted((a, b) -> {
        int c = Float.compare(max.get(b), max.get(a));
        return c != 0 ? c : Long.compare(a, b);
      }).limit(o.top()).toList();
      // Boundaries over every excerpt's max (the zero ones included).
      float[] sortedMax = new float[active.length];
      for (int i = 0; i < active.length; i++) sortedMax[i] = max.get(active[i]);
      Arrays.sort(sortedMax);
      double[] bounds = new double[QUANTILES.length];
      for (int q = 0; q < QUANTILES.length; q++) bounds[q] = quantile(sortedMax, excerpts, QUANTILES[q]);
      SplittableRandom rnd = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + layer * 1_000_003L + latent);
      List<Long> random = sample(rnd, excerpts, o.random(), p -> p);
      List<List<Long>> bins = new ArrayList<>();
      for (int b = 0; b <= QUANTILES.length; b++) {
        double lo = b == 0 ? Double.NEGATIVE_INFINITY : bounds[b - 1], hi = b == QUANTILES.length ? Double.POSITIVE_INFINITY : bounds[b];
        List<Long> explicit = new ArrayList<>();
        for (long ex : active) if (max.get(ex) != 0 && max.get(ex) >= lo && max.get(ex) < hi) explicit.add(ex);
        long zeros = 0 >= lo && 0 < hi ? excerpts - countNonZero(active, max) : 0;
        long[] nonZeroSorted = Arrays.stream(active).filter(x -> max.get(x) != 0).toArray();
        bins.add(sample(rnd, explicit.size() + zeros, o.perQuantile(),
            p -> p < explicit.size() ? explicit.get((int) p) : nthAbsent(nonZeroSorted, p - explicit.size())));
      }
      List<ActivationStoreWriter.Ref> refs = new ArrayList<>();
      Set<Long> used = new HashSet<>();
      addRefs(refs, used, "top", top, byExcerpt, loc, acts, perRow, e, context);
      addRefs(refs, used, "random", random, byExcerpt, loc, acts, perRow, e, context);
      for (int b = 0; b < bins.size(); b++) addRefs(refs, used, "quantile_" + b, bins.get(b), byExcerpt, loc, acts, perRow, e, context);
      for (long ex : used) {
        int row = (int) (ex / perRow), from = (int) (ex % perRow) * e, len = length(ex, perRow, e, context);
        int[] ids = new int[len];
        List<String> text = new ArrayList<>(len);
        for (int k = 0; k < len; k++) {
          long id = tokens[row * context + from + k];
          ids[k] = (int) id;
          text.add(decode.apply((int) id));
        }
        out.excerpt(ex, Optional.of(ids), text);
      }
      double n = tokenCount, mean = s1 / n, m2 = s2 / n - mean * mean;
      double m3 = s3 / n - 3 * mean * s2 / n + 2 * mean * mean * mean;
      double m4 = s4 / n - 4 * mean * s3 / n + 6 * mean * mean * s2 / n - 3 * mean * mean * mean * mean;
      OptionalDouble skew = m2 > 0 ? OptionalDouble.of(m3 / Math.pow(m2, 1.5)) : OptionalDouble.empty();
      OptionalDouble kurt = m2 > 0 ? OptionalDouble.of(m4 / (m2 * m2) - 3) : OptionalDouble.empty();
      out.add(new ActivationStoreWriter.Unit(new NeuronId(layer, (int) latent), refs, OptionalDouble.of(mean), OptionalDouble.of(Math.max(0, m2)),
          skew, kurt, Optional.of(QuantileBoundaries.openAi(bounds[0], bounds[1], bounds[2], bounds[3]))));
      written++;
    }
    return written;
  }

  private static int length(long ex, int perRow, int e, int context) {
    int from = (int) (ex % perRow) * e;
    return Math.min(e, context - from);
  }

  private static long countNonZero(long[] active, Map<Long, Float> max) {
    long c = 0;
    for (long ex : active) if (max.get(ex) != 0) c++;
    return c;
  }

  /** The q-quantile (nearest rank) of {@code total} values: the given ones, sorted, and zeros for the rest. */
  private static double quantile(float[] sortedNonZero, long total, double q) {
    long rank = Math.max(0, (long) Math.ceil(q * total) - 1);
    // Ascending order: the negatives, then the zeros not listed, then the positives.
    int negatives = 0;
    while (negatives < sortedNonZero.length && sortedNonZero[negatives] < 0) negatives++;
    long zeros = total - sortedNonZero.length;
    int zerosListed = 0;
    while (negatives + zerosListed < sortedNonZero.length && sortedNonZero[negatives + zerosListed] == 0) zerosListed++;
    zeros += zerosListed;
    if (rank < negatives) return sortedNonZero[(int) rank];
    if (rank < negatives + zeros) return 0;
    return sortedNonZero[(int) (rank - zeros + zerosListed)];
  }

  /** The n-th (from 0) excerpt index that is not in {@code present} (sorted). */
  private static long nthAbsent(long[] present, long n) {
    long idx = n;
    for (long p : present) {
      if (p <= idx) idx++;
      else break;
    }
    return idx;
  }

  /** Up to {@code k} distinct positions of {@code [0, size)} drawn uniformly (Floyd's algorithm), mapped, in draw order. */
  private static List<Long> sample(SplittableRandom rnd, long size, int k, java.util.function.LongUnaryOperator map) {
    List<Long> out = new ArrayList<>();
    if (size <= 0 || k <= 0) return out;
    Set<Long> chosen = new HashSet<>();
    long kk = Math.min(k, size);
    for (long j = size - kk; j < size; j++) {
      long t = rnd.nextLong(j + 1);
      long pick = chosen.contains(t) ? j : t;
      chosen.add(pick);
      out.add(map.applyAsLong(pick));
    }
    return out;
  }

  private static void addRefs(List<ActivationStoreWriter.Ref> refs, Set<Long> used, String list, List<Long> excerpts,
      Map<Long, List<Integer>> byExcerpt, long[] loc, float[] acts, int perRow, int e, int context) {
    for (int r = 0; r < excerpts.size(); r++) {
      long ex = excerpts.get(r);
      float[] a = new float[length(ex, perRow, e, context)];
      int from = (int) (ex % perRow) * e;
      for (int i : byExcerpt.getOrDefault(ex, List.of())) a[(int) loc[3 * i + 1] - from] = acts[i];
      refs.add(new ActivationStoreWriter.Ref(list, r, ex, a));
      used.add(ex);
    }
  }
}
