package dev.neuronscribe.subject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.LongFunction;

/**
 * The running summary of one layer's neurons over the excerpts seen so far; its size depends on the number
 * of neurons and the sample sizes, never on the corpus. Per neuron:
 *
 * <ul>
 *   <li>the top excerpts by max activation, ties to the earlier excerpt;
 *   <li>a uniform sample of excerpts: the ones with the smallest keys, each excerpt's key a hash of (seed,
 *       layer, neuron, excerpt index) — a bottom-k sample;
 *   <li>the same kind of sample of each quantile bin of the per-excerpt max, once the bin boundaries are
 *       known from the calibration pass;
 *   <li>mean and central moments 2–4 of every token activation ({@link Moments}).
 * </ul>
 *
 * What a summary keeps depends only on the excerpts' indices and activations, never on the order they came
 * in: summaries of disjoint parts of a corpus {@link #merge merge} into exactly the summary of one pass over
 * the whole (a recording on many machines writes the files one machine writes), and a run resumed from a
 * checkpoint ({@link SummaryFormat}) ends as an uninterrupted one. An excerpt entering a sample has its
 * activations copied in; the corpus itself is never kept.
 */
final class LayerRecording {
  /**
   * Neurons per parallel task: 64 side by side are 256 bytes of each activation row, so a task reads the
   * batch in runs of whole cache lines instead of walking down one narrow column a token at a time.
   */
  private static final int TASK_NEURONS = 64;
  /** From this many copies of one excerpt in one task, transposing the excerpt's block first is cheaper. */
  private static final int TILE_COPIES = 8;
  private static final int QUANTILES = RecordingOptions.QUANTILES.size();
  private static final int BINS = RecordingOptions.BINS;
  /** Hash streams: the uniform sample, the bins (1 + bin), and the order each sample is listed in. */
  private static final int RANDOM = 0, LIST_RANDOM = 100, LIST_BIN = 101;

  final int layer;
  final int[] neurons;
  final int width, tokens, block, calibrationK;
  private final long seed;

  final Moments moments;
  final KeptExcerpts top, random, bins;
  final float[] bounds;

  /** Each neuron's per-excerpt maxima during the calibration pass; null before and after it. */
  float[] calibration;

  LayerRecording(int layer, int[] neurons, int width, RecordingOptions o) {
    this.layer = layer;
    this.neurons = neurons.clone();
    this.width = width;
    this.tokens = o.excerptTokens();
    this.block = o.batchSize();
    this.calibrationK = o.calibrationExcerpts();
    this.seed = o.seed();
    int n = neurons.length;
    moments = new Moments(n);
    top = new KeptExcerpts(n, o.topCount(), tokens);
    random = new KeptExcerpts(n, o.randomCount(), tokens);
    bins = new KeptExcerpts(n * BINS, o.perQuantileCount(), tokens);
    bounds = new float[n * QUANTILES];
  }

  /** Bytes of heap one neuron's summary takes (what a run's memory grows with). */
  static long bytesPerNeuron(RecordingOptions o) {
    // kept activations, key and index per kept excerpt, calibration maxima, and the moments' tree nodes
    return 4L * o.keptPerNeuron() * (o.excerptTokens() + 3) + 4L * o.calibrationExcerpts() + 32L * 64 + 80;
  }

  // ---------------------------------------------------------------- calibration pass

  /** Stores the per-excerpt max of each neuron for calibration slots {@code [firstSlot, firstSlot + excerpts)}. */
  void calibrate(float[] acts, int excerpts, int[] lengths, int firstSlot) {
    if (calibration == null) calibration = new float[Math.multiplyExact(neurons.length, calibrationK)];
    Parallel.forEach(tasks(), task -> {
      int j0 = task * TASK_NEURONS, j1 = Math.min(neurons.length, j0 + TASK_NEURONS), w = j1 - j0;
      float[] max = new float[excerpts * w];
      scan(acts, excerpts, lengths, j0, j1, max, null);
      for (int k = 0; k < excerpts; k++) {
        for (int j = j0; j < j1; j++) calibration[j * calibrationK + firstSlot + k] = max[k * w + j - j0];
      }
    });
  }

  /** Sets each neuron's bin boundaries to the quantiles of its {@code filled} calibration maxima, then frees them. */
  void finishCalibration(int filled) {
    finishCalibration(filled, true);
  }

  private void finishCalibration(int filled, boolean free) {
    if (calibration == null) calibration = new float[Math.multiplyExact(neurons.length, calibrationK)];
    float[] sorted = new float[filled];
    for (int j = 0; j < neurons.length; j++) {
      System.arraycopy(calibration, j * calibrationK, sorted, 0, filled);
      Arrays.sort(sorted);
      for (int q = 0; q < QUANTILES; q++) bounds[j * QUANTILES + q] = quantile(sorted, RecordingOptions.QUANTILES.get(q));
    }
    if (free) calibration = null;
  }

  /** Each neuron's maxima in calibration slots {@code [firstSlot, firstSlot + slots)}, neuron by neuron. */
  float[] maxima(int firstSlot, int slots) {
    float[] out = new float[Math.multiplyExact(neurons.length, slots)];
    for (int j = 0; j < neurons.length; j++) System.arraycopy(calibration, j * calibrationK + firstSlot, out, j * slots, slots);
    return out;
  }

  /** Puts maxima another summary took ({@link #maxima}) into calibration slots {@code [firstSlot, firstSlot + slots)}. */
  void putMaxima(float[] maxima, int firstSlot, int slots) {
    if (calibration == null) calibration = new float[Math.multiplyExact(neurons.length, calibrationK)];
    for (int j = 0; j < neurons.length; j++) System.arraycopy(maxima, j * slots, calibration, j * calibrationK + firstSlot, slots);
  }

  /** The bin boundaries, neuron by neuron (what the calibration pass decided; what every shard must share). */
  float[] bounds() {
    return bounds.clone();
  }

  void setBounds(float[] b) {
    if (b.length != bounds.length) throw new IllegalArgumentException("boundaries for " + b.length / QUANTILES + " neurons, expected " + neurons.length);
    System.arraycopy(b, 0, bounds, 0, b.length);
  }

  /** numpy's default quantile: linear interpolation between the two nearest order statistics. */
  static float quantile(float[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
    return (float) (sorted[lo] + (pos - lo) * ((double) sorted[hi] - sorted[lo]));
  }

  // ---------------------------------------------------------------- main pass

  /**
   * Adds a batch, block {@code first / batchSize} of the corpus: excerpt {@code k} of the batch is the
   * corpus's excerpt {@code first + k}.
   */
  void observe(float[] acts, int excerpts, int[] lengths, int first) {
    observe(acts, excerpts, lengths, first, null);
  }

  /**
   * {@link #observe} for a single-pass recording, before the bin boundaries are known: the batch's per-excerpt
   * maxima go to calibration slots {@code first..} (the calibration set is the corpus), its activations to
   * {@code spill}, and the bins are sampled afterwards ({@link #sampleBins}).
   */
  void observeKeeping(float[] acts, int excerpts, int[] lengths, int first, ActivationSpill spill) {
    if (calibration == null) calibration = new float[Math.multiplyExact(neurons.length, calibrationK)];
    observe(acts, excerpts, lengths, first, spill);
  }

  private void observe(float[] acts, int excerpts, int[] lengths, int first, ActivationSpill spill) {
    if (first % block != 0) throw new IllegalArgumentException("a batch must start at a multiple of " + block + ", got excerpt " + first);
    int n = neurons.length;
    double[] mean = new double[n], m2 = new double[n], m3 = new double[n], m4 = new double[n];
    long batchCount = 0;
    for (int k = 0; k < excerpts; k++) batchCount += lengths[k];
    long nb = batchCount;
    Parallel.forEach(tasks(), task -> {
      int j0 = task * TASK_NEURONS, j1 = Math.min(n, j0 + TASK_NEURONS), w = j1 - j0;
      float[] max = new float[excerpts * w];
      double[] sums = new double[5 * w]; // shift, then the shifted power sums 1-4, per neuron
      // The shift is the batch's first activation: near the batch's mean, and a function of the batch alone.
      for (int j = j0; j < j1; j++) sums[j - j0] = acts[neurons[j]];
      scan(acts, excerpts, lengths, j0, j1, max, sums);
      for (int j = j0; j < j1; j++) leaf(j, nb, sums, j - j0, w, mean, m2, m3, m4);
      if (spill != null) keep(acts, excerpts, first, j0, j1, max, spill);
      Copies copies = new Copies(j0, j1);
      for (int k = 0; k < excerpts; k++) {
        int excerpt = first + k;
        for (int j = j0; j < j1; j++) {
          float v = max[k * w + j - j0];
          keep(copies, j, top, top.offer(j, KeptExcerpts.descending(v), excerpt));
          keep(copies, j, random, random.offer(j, hash(seed, layer, neurons[j], RANDOM, excerpt), excerpt));
          if (bins.capacity > 0 && spill == null) {
            int bin = bin(j, v);
            keep(copies, j, bins, bins.offer(j * BINS + bin, hash(seed, layer, neurons[j], 1 + bin, excerpt), excerpt));
          }
        }
        copies.copy(acts, k);
      }
    });
    moments.add(new Moments.Node(0, first / block, nb, mean, m2, m3, m4));
  }

  /** The single pass's extra work for one task: maxima into the calibration slots, activations to the spill. */
  private void keep(float[] acts, int excerpts, int first, int j0, int j1, float[] max, ActivationSpill spill) {
    int w = j1 - j0;
    for (int k = 0; k < excerpts; k++) {
      for (int j = j0; j < j1; j++) calibration[j * calibrationK + first + k] = max[k * w + j - j0];
    }
    float[] tile = new float[excerpts * tokens * w];
    for (int k = 0; k < excerpts; k++) {
      for (int t = 0; t < tokens; t++) {
        int row = (k * tokens + t) * width, to = (k * tokens + t) * w;
        for (int i = 0; i < w; i++) tile[to + i] = acts[row + neurons[j0 + i]];
      }
    }
    spill.write(layer, j0, w, first, tile, excerpts);
  }

  /**
   * After a single pass: samples every bin from the spilled activations of all {@code excerpts} excerpts, by
   * the boundaries the pass's maxima set. Offers the excerpts in corpus order with the same keys as the main
   * pass of a two-pass recording, so the samples are the same.
   */
  void sampleBins(ActivationSpill spill, int excerpts) {
    finishCalibration(excerpts, false);
    if (bins.capacity > 0) {
      int chunk = 64;
      Parallel.forEach(tasks(), task -> {
        int j0 = task * TASK_NEURONS, j1 = Math.min(neurons.length, j0 + TASK_NEURONS), w = j1 - j0;
        float[] tile = new float[chunk * tokens * w];
        for (int from = 0; from < excerpts; from += chunk) {
          int n = Math.min(chunk, excerpts - from);
          spill.read(layer, j0, w, from, tile, n);
          for (int k = 0; k < n; k++) {
            int e = from + k;
            for (int j = j0; j < j1; j++) {
              int bin = bin(j, calibration[j * calibrationK + e]);
              int slot = bins.offer(j * BINS + bin, hash(seed, layer, neurons[j], 1 + bin, e), e);
              if (slot < 0) continue;
              for (int t = 0; t < tokens; t++) bins.acts[slot * tokens + t] = tile[(k * tokens + t) * w + j - j0];
            }
          }
        }
      });
    }
    calibration = null;
  }

  private static void keep(Copies copies, int j, KeptExcerpts into, int slot) {
    if (slot >= 0) copies.add(j, into.acts, slot);
  }

  private int bin(int j, float v) {
    int bin = 0;
    while (bin < QUANTILES && v >= bounds[j * QUANTILES + bin]) bin++;
    return bin;
  }

  /** Adds another summary of the same neurons and options over other excerpts (same boundaries). */
  void merge(LayerRecording other) {
    if (other.layer != layer || !Arrays.equals(other.neurons, neurons) || !Arrays.equals(other.bounds, bounds)) {
      throw new IllegalArgumentException("only summaries of the same neurons with the same bin boundaries merge");
    }
    moments.merge(other.moments);
    top.merge(other.top);
    random.merge(other.random);
    bins.merge(other.bins);
  }

  private int tasks() {
    return (neurons.length + TASK_NEURONS - 1) / TASK_NEURONS;
  }

  /**
   * One pass over the batch for neurons {@code [j0, j1)}: each excerpt's max into {@code max[k * w + j]},
   * and, when {@code sums} is given, the power sums of {@code x - shift} (shift in {@code sums[0..w)}).
   * Summing about a shift near the mean (the batch's first activation) keeps the sums free of cancellation. Eight
   * neurons that sit side by side in the activations go through the Vector API; others one by one.
   * Both paths add each neuron's terms in token order with the same (fused) operations, so they give the
   * same sums to the last bit.
   */
  private void scan(float[] acts, int excerpts, int[] lengths, int j0, int j1, float[] max, double[] sums) {
    int w = j1 - j0;
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    if (w % F.length() == 0 && sideBySide(j0, j1)) {
      scanRows(acts, excerpts, lengths, neurons[j0], w, max, sums);
      return;
    }
    for (int k = 0; k < excerpts; k++) {
      for (int t = 0; t < lengths[k]; t++) {
        int row = (k * tokens + t) * width;
        for (int j = j0; j < j1; j++) {
          int i = j - j0;
          float x = acts[row + neurons[j]];
          max[k * w + i] = Math.max(max[k * w + i], x);
          if (sums != null) {
            double d = x - sums[i], d2 = d * d;
            sums[w + i] += d;
            sums[2 * w + i] += d2;
            // fused, as the vector path's fma: a neuron's record must not depend on which others are recorded
            sums[3 * w + i] = Math.fma(d2, d, sums[3 * w + i]);
            sums[4 * w + i] = Math.fma(d2, d2, sums[4 * w + i]);
          }
        }
      }
    }
  }

  /** Whether neurons {@code [j0, j1)} are adjacent columns of the activations (they are sorted and distinct). */
  private boolean sideBySide(int j0, int j1) {
    return neurons[j1 - 1] - neurons[j0] == j1 - j0 - 1;
  }

  private static final jdk.incubator.vector.VectorSpecies<Float> F = jdk.incubator.vector.FloatVector.SPECIES_256;
  private static final jdk.incubator.vector.VectorSpecies<Double> D = jdk.incubator.vector.DoubleVector.SPECIES_256;

  /**
   * {@link #scan} for {@code w} neurons that sit side by side from {@code column}, a multiple of eight: row
   * by row, eight neurons per vector, the running maxima and power sums kept in {@code max} and {@code sums}
   * (which stay in L1) rather than in registers, so that each row's span is read once and in order.
   */
  private void scanRows(float[] acts, int excerpts, int[] lengths, int column, int w, float[] max, double[] sums) {
    int lanes = F.length(), half = D.length();
    for (int k = 0; k < excerpts; k++) {
      int m = k * w;
      for (int t = 0; t < lengths[k]; t++) {
        int row = (k * tokens + t) * width + column;
        for (int i = 0; i < w; i += lanes) {
          var x = jdk.incubator.vector.FloatVector.fromArray(F, acts, row + i);
          jdk.incubator.vector.FloatVector.fromArray(F, max, m + i).max(x).intoArray(max, m + i);
          if (sums == null) continue;
          for (int part = 0; part < 2; part++) {
            int n = i + part * half;
            var d = ((jdk.incubator.vector.DoubleVector) x.convertShape(jdk.incubator.vector.VectorOperators.F2D, D, part))
                .sub(jdk.incubator.vector.DoubleVector.fromArray(D, sums, n));
            var d2 = d.mul(d);
            jdk.incubator.vector.DoubleVector.fromArray(D, sums, w + n).add(d).intoArray(sums, w + n);
            jdk.incubator.vector.DoubleVector.fromArray(D, sums, 2 * w + n).add(d2).intoArray(sums, 2 * w + n);
            d2.fma(d, jdk.incubator.vector.DoubleVector.fromArray(D, sums, 3 * w + n)).intoArray(sums, 3 * w + n);
            d2.fma(d2, jdk.incubator.vector.DoubleVector.fromArray(D, sums, 4 * w + n)).intoArray(sums, 4 * w + n);
          }
        }
      }
    }
  }

  /**
   * A batch's moments for neuron {@code j}, its central sums derived from its shifted power sums
   * ({@code sums[i + w·p]}, p = 1..4, about the shift {@code sums[i]}).
   */
  private void leaf(int j, long count, double[] sums, int i, int w, double[] mean, double[] m2, double[] m3, double[] m4) {
    double nb = count;
    double d = sums[w + i] / nb; // batch mean minus shift
    double s2 = sums[2 * w + i], s3 = sums[3 * w + i], s4 = sums[4 * w + i];
    mean[j] = sums[i] + d;
    m2[j] = Math.max(0, s2 - nb * d * d);
    m3[j] = s3 - 3 * d * s2 + 2 * nb * d * d * d;
    m4[j] = s4 - 4 * d * s3 + 6 * d * d * s2 - 3 * nb * d * d * d * d;
    if (!Double.isFinite(mean[j]) || !Double.isFinite(m4[j])) {
      throw new IllegalStateException("layer " + layer + " neuron " + neurons[j]
          + " produced a non-finite activation (NaN or infinity): the checkpoint's weights are broken");
    }
  }

  /**
   * The excerpt activations one task has to keep from the batch's current excerpt, copied once the task has
   * decided for all its neurons. One neuron's copy reads a column of the row-major batch, a cache line per
   * token; when many of the task's neurons keep the same excerpt (early in a stream nearly all of them keep
   * every excerpt), the excerpt's block is transposed once, reading each row's span in order, and the copies
   * come from that tile.
   */
  private final class Copies {
    private final int j0, j1;
    private final boolean sideBySide;
    private final int[] neuron = new int[3 * TASK_NEURONS];
    private final float[][] target = new float[3 * TASK_NEURONS][];
    private final int[] slot = new int[3 * TASK_NEURONS];
    private int size;
    private float[] tile;

    Copies(int j0, int j1) {
      this.j0 = j0;
      this.j1 = j1;
      this.sideBySide = sideBySide(j0, j1);
    }

    /** Keeps neuron {@code j}'s activations on the current excerpt in {@code dst}'s slot {@code s}. */
    void add(int j, float[] dst, int s) {
      neuron[size] = j;
      target[size] = dst;
      slot[size] = s;
      size++;
    }

    /** Makes the copies asked for excerpt {@code k} of the batch. */
    void copy(float[] acts, int k) {
      if (size >= TILE_COPIES) {
        int w = j1 - j0;
        if (tile == null) tile = new float[TASK_NEURONS * tokens];
        for (int t = 0; t < tokens; t++) {
          int row = (k * tokens + t) * width;
          if (sideBySide) {
            int from = row + neurons[j0];
            for (int i = 0; i < w; i++) tile[i * tokens + t] = acts[from + i];
          } else {
            for (int i = 0; i < w; i++) tile[i * tokens + t] = acts[row + neurons[j0 + i]];
          }
        }
        for (int c = 0; c < size; c++) System.arraycopy(tile, (neuron[c] - j0) * tokens, target[c], slot[c] * tokens, tokens);
      } else {
        for (int c = 0; c < size; c++) {
          int column = neurons[neuron[c]], d = slot[c] * tokens;
          float[] dst = target[c];
          for (int t = 0; t < tokens; t++) dst[d + t] = acts[(k * tokens + t) * width + column];
        }
      }
      size = 0;
    }
  }

  /** A 64-bit key fixed by (seed, layer, neuron, stream, excerpt): a hash, so no generator state to keep. */
  static long hash(long seed, long a, long b, long c, long d) {
    long h = mix(seed + 0x9E3779B97F4A7C15L);
    h = mix(h + a * 0x9E3779B97F4A7C15L);
    h = mix(h + b * 0x9E3779B97F4A7C15L);
    h = mix(h + c * 0x9E3779B97F4A7C15L);
    return mix(h + d * 0x9E3779B97F4A7C15L);
  }

  /** SplitMix64's finaliser: a bijection that scatters every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ---------------------------------------------------------------- results

  /** The recorded neuron at index {@code j}. */
  RecordedNeuron result(int j, LongFunction<List<String>> text) {
    int neuron = neurons[j];
    List<RecordedExcerpt> topList = new ArrayList<>();
    for (int s : slots(top, j, Comparator.comparingLong((Integer s) -> top.key[s]).thenComparingInt(s -> top.excerpt[s]))) {
      topList.add(excerpt(top, s, text));
    }
    List<RecordedExcerpt> randomList = sample(random, j, j, LIST_RANDOM, text);
    List<List<RecordedExcerpt>> binLists = new ArrayList<>();
    for (int b = 0; b < BINS; b++) binLists.add(sample(bins, j * BINS + b, j, LIST_BIN + b, text));
    List<Double> boundaries = new ArrayList<>();
    for (int q = 0; q < QUANTILES; q++) boundaries.add((double) bounds[j * QUANTILES + q]);

    Moments.Node m = totals();
    long count = m.count();
    double m2 = m.m2()[j], m3 = m.m3()[j], m4 = m.m4()[j];
    double variance = count == 0 ? 0 : m2 / count;
    OptionalDouble skew = OptionalDouble.empty(), kurt = OptionalDouble.empty();
    if (m2 > 0) {
      skew = OptionalDouble.of(Math.sqrt(count) * m3 / Math.pow(m2, 1.5));
      kurt = OptionalDouble.of(count * m4 / (m2 * m2) - 3);
    }
    return new RecordedNeuron(layer, neuron, topList, randomList, binLists, boundaries, count, m.mean()[j], variance, skew, kurt);
  }

  private Moments.Node totals;

  /** The moments over everything seen, folded once (the writers ask for every neuron, from several threads). */
  private synchronized Moments.Node totals() {
    if (totals == null || totals.count() != countSeen()) totals = moments.total();
    return totals;
  }

  private long countSeen() {
    long c = 0;
    for (Moments.Node n : moments.held()) c += n.count();
    return c;
  }

  /** Group {@code g}'s filled slots, sorted. */
  private static Integer[] slots(KeptExcerpts kept, int g, Comparator<Integer> order) {
    Integer[] slots = new Integer[kept.size[g]];
    for (int i = 0; i < slots.length; i++) slots[i] = g * kept.capacity + i;
    Arrays.sort(slots, order);
    return slots;
  }

  /**
   * A sample's excerpts in an order drawn from the seed with a hash of its own (not the key that chose them,
   * so the order says nothing about the choice); OpenAI's splits take every third of these.
   */
  private List<RecordedExcerpt> sample(KeptExcerpts kept, int g, int j, int stream, LongFunction<List<String>> text) {
    List<RecordedExcerpt> out = new ArrayList<>();
    for (int s : slots(kept, g, Comparator.comparingLong((Integer s) -> hash(seed, layer, neurons[j], stream, kept.excerpt[s]))
        .thenComparingInt(s -> kept.excerpt[s]))) {
      out.add(excerpt(kept, s, text));
    }
    return out;
  }

  private RecordedExcerpt excerpt(KeptExcerpts kept, int slot, LongFunction<List<String>> text) {
    List<String> tokenText = text.apply(kept.excerpt[slot]);
    return new RecordedExcerpt(kept.excerpt[slot], tokenText, Arrays.copyOfRange(kept.acts, slot * tokens, slot * tokens + tokenText.size()));
  }
}
