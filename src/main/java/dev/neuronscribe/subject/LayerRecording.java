package dev.neuronscribe.subject;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 *   <li>the top excerpts by max activation: a min-heap, so each new excerpt costs one comparison unless it
 *       enters;
 *   <li>a uniform sample of excerpts (reservoir sampling, Algorithm R);
 *   <li>a uniform sample of each quantile bin of the per-excerpt max (one reservoir per bin), once the bin
 *       boundaries are known from the calibration pass;
 *   <li>mean and central moments 2–4 of every token activation, in double, merged batch by batch with
 *       Pébay's pairwise formulas (numerically stable; no sums of raw powers).
 * </ul>
 *
 * An excerpt entering a heap or reservoir has its activations copied in; the corpus itself is never kept.
 * Random draws are a hash of (seed, layer, neuron, reservoir, position), not a stateful generator, so a
 * run resumed from a checkpoint draws exactly what an uninterrupted run draws.
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

  final int layer;
  final int[] neurons;
  private final int width, tokens, topK, randomK, binK, calibrationK;
  private final long seed;

  private long count;
  private final double[] mean, m2, m3, m4;

  private final int[] topSize, topHeap, topExcerpt;
  private final float[] topValue, topActs;

  private final int[] randomExcerpt;
  private final float[] randomActs;

  private final float[] bounds;
  private final long[] binSeen;
  private final int[] binExcerpt;
  private final float[] binActs;

  /** Each neuron's per-excerpt maxima during the calibration pass; null before and after it. */
  private float[] calibration;

  LayerRecording(int layer, int[] neurons, int width, RecordingOptions o) {
    this.layer = layer;
    this.neurons = neurons.clone();
    this.width = width;
    this.tokens = o.excerptTokens();
    this.topK = o.topCount();
    this.randomK = o.randomCount();
    this.binK = o.perQuantileCount();
    this.calibrationK = o.calibrationExcerpts();
    this.seed = o.seed();
    int n = neurons.length;
    mean = new double[n];
    m2 = new double[n];
    m3 = new double[n];
    m4 = new double[n];
    topSize = new int[n];
    topHeap = new int[n * topK];
    topExcerpt = new int[n * topK];
    topValue = new float[n * topK];
    topActs = new float[Math.multiplyExact(n * topK, tokens)];
    randomExcerpt = new int[n * randomK];
    randomActs = new float[Math.multiplyExact(n * randomK, tokens)];
    bounds = new float[n * QUANTILES];
    binSeen = new long[n * BINS];
    binExcerpt = new int[n * BINS * binK];
    binActs = new float[Math.multiplyExact(n * BINS * binK, tokens)];
  }

  /** Bytes of heap one neuron's summary takes (what a run's memory grows with). */
  static long bytesPerNeuron(RecordingOptions o) {
    return 4L * o.keptPerNeuron() * (o.excerptTokens() + 2) + 4L * o.calibrationExcerpts() + 80;
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
    if (calibration == null) calibration = new float[Math.multiplyExact(neurons.length, calibrationK)];
    float[] sorted = new float[filled];
    for (int j = 0; j < neurons.length; j++) {
      System.arraycopy(calibration, j * calibrationK, sorted, 0, filled);
      Arrays.sort(sorted);
      for (int q = 0; q < QUANTILES; q++) bounds[j * QUANTILES + q] = quantile(sorted, RecordingOptions.QUANTILES.get(q));
    }
    calibration = null;
  }

  /** numpy's default quantile: linear interpolation between the two nearest order statistics. */
  static float quantile(float[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
    return (float) (sorted[lo] + (pos - lo) * ((double) sorted[hi] - sorted[lo]));
  }

  // ---------------------------------------------------------------- main pass

  /** Adds a batch: excerpt {@code k} of the batch is the corpus's excerpt {@code first + k}. */
  void observe(float[] acts, int excerpts, int[] lengths, int first) {
    long batchCount = 0;
    for (int k = 0; k < excerpts; k++) batchCount += lengths[k];
    long nb = batchCount, na = count;
    Parallel.forEach(tasks(), task -> {
      int j0 = task * TASK_NEURONS, j1 = Math.min(neurons.length, j0 + TASK_NEURONS), w = j1 - j0;
      float[] max = new float[excerpts * w];
      double[] sums = new double[5 * w]; // shift, then the shifted power sums 1-4, per neuron
      for (int j = j0; j < j1; j++) sums[j - j0] = na > 0 ? mean[j] : acts[neurons[j]];
      scan(acts, excerpts, lengths, j0, j1, max, sums);
      for (int j = j0; j < j1; j++) merge(j, na, nb, sums, j - j0, w);
      Copies copies = new Copies(j0, j1);
      for (int k = 0; k < excerpts; k++) {
        int excerpt = first + k;
        for (int j = j0; j < j1; j++) {
          float v = max[k * w + j - j0];
          offerTop(j, v, excerpt, copies);
          offerRandom(j, excerpt, copies);
          offerBin(j, v, excerpt, copies);
        }
        copies.copy(acts, k);
      }
    });
    count += nb;
  }

  private int tasks() {
    return (neurons.length + TASK_NEURONS - 1) / TASK_NEURONS;
  }

  /**
   * One pass over the batch for neurons {@code [j0, j1)}: each excerpt's max into {@code max[k * w + j]},
   * and, when {@code sums} is given, the power sums of {@code x - shift} (shift in {@code sums[0..w)}).
   * Summing about a shift near the mean (the running mean) keeps the sums free of cancellation. Eight
   * neurons that sit side by side in the activations go through the Vector API; others one by one.
   * Both paths add each neuron's terms in token order, so they give the same sums to the last bit.
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
            sums[3 * w + i] += d2 * d;
            sums[4 * w + i] += d2 * d2;
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
   * Pébay (2008): combines the running moments with a batch's, the batch's central sums being derived from
   * its shifted power sums ({@code sums[i + w·p]}, p = 1..4, about the shift {@code sums[i]}).
   */
  private void merge(int j, long countA, long countB, double[] sums, int i, int w) {
    double nb = countB;
    double d = sums[w + i] / nb; // batch mean minus shift
    double s2 = sums[2 * w + i], s3 = sums[3 * w + i], s4 = sums[4 * w + i];
    double meanB = sums[i] + d;
    double m2b = Math.max(0, s2 - nb * d * d);
    double m3b = s3 - 3 * d * s2 + 2 * nb * d * d * d;
    double m4b = s4 - 4 * d * s3 + 6 * d * d * s2 - 3 * nb * d * d * d * d;
    if (!Double.isFinite(meanB) || !Double.isFinite(m4b)) {
      throw new IllegalStateException("layer " + layer + " neuron " + neurons[j]
          + " produced a non-finite activation (NaN or infinity): the checkpoint's weights are broken");
    }
    if (countA == 0) {
      mean[j] = meanB;
      m2[j] = m2b;
      m3[j] = m3b;
      m4[j] = m4b;
      return;
    }
    double na = countA, n = na + nb;
    double delta = meanB - mean[j], d2 = delta * delta;
    double m2a = m2[j], m3a = m3[j], m4a = m4[j];
    m4[j] = m4a + m4b + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
        + 6 * d2 * (na * na * m2b + nb * nb * m2a) / (n * n) + 4 * delta * (na * m3b - nb * m3a) / n;
    m3[j] = m3a + m3b + d2 * delta * na * nb * (na - nb) / (n * n) + 3 * delta * (na * m2b - nb * m2a) / n;
    m2[j] = m2a + m2b + d2 * na * nb / n;
    mean[j] = mean[j] + delta * nb / n;
  }

  private void offerTop(int j, float v, int excerpt, Copies copies) {
    int base = j * topK, size = topSize[j];
    int slot;
    if (size < topK) {
      slot = base + size;
      topHeap[base + size] = slot;
      topSize[j] = size + 1;
      store(slot, v, excerpt, copies, j);
      siftUp(base, size);
    } else {
      // Ties keep the earlier excerpt: a new excerpt enters only if strictly higher than the lowest kept.
      slot = topHeap[base];
      if (!(v > topValue[slot])) return;
      store(slot, v, excerpt, copies, j);
      siftDown(base, topK);
    }
  }

  private void store(int slot, float v, int excerpt, Copies copies, int j) {
    topValue[slot] = v;
    topExcerpt[slot] = excerpt;
    copies.add(j, topActs, slot);
  }

  /** Whether heap slot a should sit above b: lower max first; on a tie, the later excerpt (evicted first). */
  private boolean before(int a, int b) {
    return topValue[a] < topValue[b] || (topValue[a] == topValue[b] && topExcerpt[a] > topExcerpt[b]);
  }

  private void siftUp(int base, int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!before(topHeap[base + i], topHeap[base + parent])) return;
      swap(base + i, base + parent);
      i = parent;
    }
  }

  private void siftDown(int base, int size) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1, r = l + 1, best = i;
      if (l < size && before(topHeap[base + l], topHeap[base + best])) best = l;
      if (r < size && before(topHeap[base + r], topHeap[base + best])) best = r;
      if (best == i) return;
      swap(base + i, base + best);
      i = best;
    }
  }

  private void swap(int a, int b) {
    int t = topHeap[a];
    topHeap[a] = topHeap[b];
    topHeap[b] = t;
  }

  private void offerRandom(int j, int excerpt, Copies copies) {
    if (randomK == 0) return;
    long slot = excerpt < randomK ? excerpt : draw(j, 0, excerpt, excerpt + 1L);
    if (slot >= randomK) return;
    int s = j * randomK + (int) slot;
    randomExcerpt[s] = excerpt;
    copies.add(j, randomActs, s);
  }

  private void offerBin(int j, float v, int excerpt, Copies copies) {
    if (binK == 0) return;
    int bin = 0;
    while (bin < QUANTILES && v >= bounds[j * QUANTILES + bin]) bin++;
    long seen = binSeen[j * BINS + bin]++;
    long slot = seen < binK ? seen : draw(j, 1 + bin, seen, seen + 1);
    if (slot >= binK) return;
    int s = (j * BINS + bin) * binK + (int) slot;
    binExcerpt[s] = excerpt;
    copies.add(j, binActs, s);
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

  /** A uniform draw from {@code [0, bound)}, fixed by (seed, layer, neuron, stream, index). */
  private long draw(int j, int stream, long index, long bound) {
    return Math.unsignedMultiplyHigh(hash(seed, layer, neurons[j], stream, index), bound);
  }

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

  /** The recorded neuron at index {@code j}; {@code excerpts} is the number of excerpts in the corpus. */
  RecordedNeuron result(int j, long excerpts, LongFunction<List<String>> text) {
    int neuron = neurons[j];
    Integer[] top = new Integer[topSize[j]];
    for (int i = 0; i < top.length; i++) top[i] = j * topK + i;
    Arrays.sort(top, Comparator.comparingDouble((Integer s) -> -topValue[s]).thenComparingInt(s -> topExcerpt[s]));
    List<RecordedExcerpt> topList = new ArrayList<>();
    for (int s : top) topList.add(excerpt(topExcerpt[s], topActs, s, text));

    List<RecordedExcerpt> random = sample(j, 100, randomExcerpt, randomActs, j * randomK, (int) Math.min(randomK, excerpts), text);
    List<List<RecordedExcerpt>> bins = new ArrayList<>();
    for (int b = 0; b < BINS; b++) {
      int filled = (int) Math.min(binK, binSeen[j * BINS + b]);
      bins.add(sample(j, 101 + b, binExcerpt, binActs, (j * BINS + b) * binK, filled, text));
    }
    List<Double> boundaries = new ArrayList<>();
    for (int q = 0; q < QUANTILES; q++) boundaries.add((double) bounds[j * QUANTILES + q]);

    double variance = count == 0 ? 0 : m2[j] / count;
    OptionalDouble skew = OptionalDouble.empty(), kurt = OptionalDouble.empty();
    if (m2[j] > 0) {
      skew = OptionalDouble.of(Math.sqrt(count) * m3[j] / Math.pow(m2[j], 1.5));
      kurt = OptionalDouble.of(count * m4[j] / (m2[j] * m2[j]) - 3);
    }
    return new RecordedNeuron(layer, neuron, topList, random, bins, boundaries, count, mean[j], variance, skew, kurt);
  }

  /**
   * A reservoir's excerpts in an order drawn from the seed: a reservoir's slot order reflects its replacement
   * history (on a small corpus, corpus order), and OpenAI's splits take every third of these.
   */
  private List<RecordedExcerpt> sample(int j, int stream, int[] ids, float[] acts, int base, int filled, LongFunction<List<String>> text) {
    Integer[] slots = new Integer[filled];
    for (int i = 0; i < filled; i++) slots[i] = base + i;
    Arrays.sort(slots, Comparator.comparingLong((Integer s) -> hash(seed, layer, neurons[j], stream, ids[s])).thenComparingInt(s -> ids[s]));
    List<RecordedExcerpt> out = new ArrayList<>();
    for (int s : slots) out.add(excerpt(ids[s], acts, s, text));
    return out;
  }

  private RecordedExcerpt excerpt(int id, float[] acts, int slot, LongFunction<List<String>> text) {
    List<String> tokenText = text.apply(id);
    return new RecordedExcerpt(id, tokenText, Arrays.copyOfRange(acts, slot * tokens, slot * tokens + tokenText.size()));
  }

  // ---------------------------------------------------------------- checkpoints

  void write(DataOutputStream out) throws IOException {
    out.writeInt(layer);
    writeInts(out, neurons);
    out.writeLong(count);
    for (double[] a : List.of(mean, m2, m3, m4)) writeDoubles(out, a);
    writeInts(out, topSize);
    writeInts(out, topHeap);
    writeInts(out, topExcerpt);
    writeFloats(out, topValue);
    writeFloats(out, topActs);
    writeInts(out, randomExcerpt);
    writeFloats(out, randomActs);
    writeFloats(out, bounds);
    for (long v : binSeen) out.writeLong(v);
    writeInts(out, binExcerpt);
    writeFloats(out, binActs);
    out.writeBoolean(calibration != null);
    if (calibration != null) writeFloats(out, calibration);
  }

  void read(DataInputStream in) throws IOException {
    if (in.readInt() != layer || !Arrays.equals(readInts(in, neurons.length), neurons)) {
      throw new IOException("the checkpoint holds other neurons than this recording");
    }
    count = in.readLong();
    for (double[] a : List.of(mean, m2, m3, m4)) readDoubles(in, a);
    readInts(in, topSize);
    readInts(in, topHeap);
    readInts(in, topExcerpt);
    readFloats(in, topValue);
    readFloats(in, topActs);
    readInts(in, randomExcerpt);
    readFloats(in, randomActs);
    readFloats(in, bounds);
    for (int i = 0; i < binSeen.length; i++) binSeen[i] = in.readLong();
    readInts(in, binExcerpt);
    readFloats(in, binActs);
    if (in.readBoolean()) {
      calibration = new float[Math.multiplyExact(neurons.length, calibrationK)];
      readFloats(in, calibration);
    } else {
      calibration = null;
    }
  }

  private static final int IO_CHUNK = 1 << 14;

  private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer b = ByteBuffer.allocate(IO_CHUNK * 4);
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      b.clear();
      b.asFloatBuffer().put(a, i, n);
      out.write(b.array(), 0, n * 4);
    }
  }

  private static void readFloats(DataInputStream in, float[] a) throws IOException {
    if (in.readInt() != a.length) throw new IOException("the checkpoint's arrays have other sizes than this recording's");
    byte[] raw = new byte[IO_CHUNK * 4];
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      in.readFully(raw, 0, n * 4);
      ByteBuffer.wrap(raw, 0, n * 4).asFloatBuffer().get(a, i, n);
    }
  }

  private static void writeInts(DataOutputStream out, int[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer b = ByteBuffer.allocate(IO_CHUNK * 4);
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      b.clear();
      b.asIntBuffer().put(a, i, n);
      out.write(b.array(), 0, n * 4);
    }
  }

  private static int[] readInts(DataInputStream in, int expected) throws IOException {
    int[] a = new int[expected];
    readInts(in, a);
    return a;
  }

  private static void readInts(DataInputStream in, int[] a) throws IOException {
    if (in.readInt() != a.length) throw new IOException("the checkpoint's arrays have other sizes than this recording's");
    byte[] raw = new byte[IO_CHUNK * 4];
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      in.readFully(raw, 0, n * 4);
      ByteBuffer.wrap(raw, 0, n * 4).asIntBuffer().get(a, i, n);
    }
  }

  private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double v : a) out.writeDouble(v);
  }

  private static void readDoubles(DataInputStream in, double[] a) throws IOException {
    if (in.readInt() != a.length) throw new IOException("the checkpoint's arrays have other sizes than this recording's");
    for (int i = 0; i < a.length; i++) a[i] = in.readDouble();
  }
}
