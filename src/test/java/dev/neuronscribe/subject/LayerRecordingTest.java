package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The streaming summaries against brute force over synthetic activations. */
class LayerRecordingTest {
  private static final int WIDTH = 40, T = 8, N = 300, BATCH = 7;
  private static final int[] NEURONS = {1, 5, 39};

  /** Synthetic activations: excerpt e, position t, neuron n; heavy-tailed so that the top is well defined. */
  private final float[][][] acts = new float[N][T][WIDTH];
  private final int[] lengths = new int[N];

  LayerRecordingTest() {
    Random r = new Random(11);
    for (int e = 0; e < N; e++) {
      lengths[e] = 4 + r.nextInt(T - 3);
      for (int t = 0; t < T; t++) {
        for (int n = 0; n < WIDTH; n++) {
          double g = r.nextGaussian();
          acts[e][t][n] = t < lengths[e] ? (float) (r.nextInt(50) == 0 ? 5 + 3 * g : g * 0.5 + 0.1 * n) : 999f; // padding must never count
        }
      }
    }
  }

  private RecordingOptions options(long seed, int calibration) {
    return new RecordingOptions(T, 1, BATCH, 5, 4, 3, calibration, seed, Duration.ZERO);
  }

  /** Feeds excerpts [from, to) of the main pass (calibration already done). */
  private void observe(LayerRecording r, int from, int to) {
    for (int b = from; b < to; b += BATCH) {
      int n = Math.min(BATCH, to - b);
      r.observe(batch(b, n), n, Arrays.copyOfRange(lengths, b, b + n), b);
    }
  }

  private void calibrate(LayerRecording r, int[] excerpts) {
    for (int b = 0; b < excerpts.length; b += BATCH) {
      int n = Math.min(BATCH, excerpts.length - b);
      float[] a = new float[n * T * WIDTH];
      int[] len = new int[n];
      for (int k = 0; k < n; k++) {
        int e = excerpts[b + k];
        len[k] = lengths[e];
        for (int t = 0; t < T; t++) System.arraycopy(acts[e][t], 0, a, (k * T + t) * WIDTH, WIDTH);
      }
      r.calibrate(a, n, len, b);
    }
    r.finishCalibration(excerpts.length);
  }

  private float[] batch(int first, int n) {
    float[] a = new float[n * T * WIDTH];
    for (int k = 0; k < n; k++) for (int t = 0; t < T; t++) System.arraycopy(acts[first + k][t], 0, a, (k * T + t) * WIDTH, WIDTH);
    return a;
  }

  private List<String> text(long e) {
    List<String> tokens = new ArrayList<>();
    for (int t = 0; t < lengths[(int) e]; t++) tokens.add(e + ":" + t);
    return tokens;
  }

  private static int excerptOf(RecordedExcerpt x) {
    return Integer.parseInt(x.tokens().get(0).split(":")[0]);
  }

  private float max(int e, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < lengths[e]; t++) m = Math.max(m, acts[e][t][n]);
    return m;
  }

  private LayerRecording full(long seed) {
    LayerRecording r = new LayerRecording(3, NEURONS, WIDTH, options(seed, N));
    calibrate(r, IntStream.range(0, N).toArray());
    observe(r, 0, N);
    return r;
  }

  @Test
  void topExcerptsAreTheHighestByMaxActivation() {
    LayerRecording r = full(0);
    for (int j = 0; j < NEURONS.length; j++) {
      int n = NEURONS[j];
      RecordedNeuron rec = r.result(j, this::text);
      assertThat(rec.layer()).isEqualTo(3);
      assertThat(rec.neuron()).isEqualTo(n);
      List<Integer> expected = IntStream.range(0, N).boxed()
          .sorted(Comparator.comparingDouble((Integer e) -> -max(e, n)).thenComparingInt(e -> e)).limit(5).toList();
      assertThat(rec.top().stream().map(LayerRecordingTest::excerptOf).toList()).isEqualTo(expected);
      for (RecordedExcerpt x : rec.top()) assertActivationsOf(x, n);
    }
  }

  @Test
  void momentsEqualTheTwoPassFormulasOverEveryToken() {
    checkMoments(full(0), NEURONS);
  }

  @Test
  void neuronsSideBySideTakeTheVectorPathToTheSameResults() {
    // All 40 neurons: one task of adjacent columns, summarised row by row with the Vector API and copied
    // out through the transposed tile (every neuron keeps the first excerpts).
    int[] all = IntStream.range(0, WIDTH).toArray();
    LayerRecording r = new LayerRecording(3, all, WIDTH, options(0, N));
    calibrate(r, IntStream.range(0, N).toArray());
    observe(r, 0, N);
    checkMoments(r, all);
    LayerRecording scalar = full(0);
    for (int j = 0; j < NEURONS.length; j++) {
      RecordedNeuron v = r.result(NEURONS[j], this::text), s = scalar.result(j, this::text);
      // Everything, moments to the last bit: a neuron's record must not depend on which others are recorded.
      assertThat(v).isEqualTo(s);
    }
  }

  private void checkMoments(LayerRecording r, int[] neurons) {
    for (int j = 0; j < neurons.length; j++) {
      int n = neurons[j];
      double sum = 0;
      long count = 0;
      for (int e = 0; e < N; e++) for (int t = 0; t < lengths[e]; t++, count++) sum += acts[e][t][n];
      double mean = sum / count, m2 = 0, m3 = 0, m4 = 0;
      for (int e = 0; e < N; e++) {
        for (int t = 0; t < lengths[e]; t++) {
          double d = acts[e][t][n] - mean;
          m2 += d * d;
          m3 += d * d * d;
          m4 += d * d * d * d;
        }
      }
      RecordedNeuron rec = r.result(j, this::text);
      assertThat(rec.count()).isEqualTo(count);
      assertThat(rec.mean()).isCloseTo(mean, within(1e-12));
      assertThat(rec.variance()).isCloseTo(m2 / count, within(1e-12));
      assertThat(rec.skewness().getAsDouble()).isCloseTo(Math.sqrt(count) * m3 / Math.pow(m2, 1.5), within(1e-10));
      assertThat(rec.kurtosis().getAsDouble()).isCloseTo(count * m4 / (m2 * m2) - 3, within(1e-9));
    }
  }

  @Test
  void quantileBinsHoldOnlyExcerptsInsideTheirBoundaries() {
    LayerRecording r = full(0);
    for (int j = 0; j < NEURONS.length; j++) {
      int n = NEURONS[j];
      RecordedNeuron rec = r.result(j, this::text);
      float[] maxima = new float[N];
      for (int e = 0; e < N; e++) maxima[e] = max(e, n);
      float[] sorted = maxima.clone();
      Arrays.sort(sorted);
      List<Double> b = rec.quantileBoundaries();
      assertThat(b).hasSize(4);
      // numpy.quantile's default (linear) on the exact maxima, since calibration saw every excerpt.
      for (int q = 0; q < 4; q++) {
        double pos = RecordingOptions.QUANTILES.get(q) * (N - 1);
        int lo = (int) pos;
        double expected = sorted[lo] + (pos - lo) * (sorted[Math.min(lo + 1, N - 1)] - sorted[lo]);
        assertThat(b.get(q)).isCloseTo(expected, within(1e-5));
      }
      assertThat(rec.byQuantile()).hasSize(5);
      for (int bin = 0; bin < 5; bin++) {
        double lo = bin == 0 ? Double.NEGATIVE_INFINITY : b.get(bin - 1), hi = bin == 4 ? Double.POSITIVE_INFINITY : b.get(bin);
        long inBin = IntStream.range(0, N).filter(e -> maxima[e] >= lo && maxima[e] < hi).count();
        assertThat(rec.byQuantile().get(bin)).hasSize((int) Math.min(3, inBin));
        for (RecordedExcerpt x : rec.byQuantile().get(bin)) {
          float m = maxima[excerptOf(x)];
          assertThat((double) m).isGreaterThanOrEqualTo(lo).isLessThan(hi);
          assertActivationsOf(x, n);
        }
      }
      assertThat(rec.random()).hasSize(4);
      assertThat(rec.random().stream().map(LayerRecordingTest::excerptOf).distinct().count()).isEqualTo(4);
      for (RecordedExcerpt x : rec.random()) assertActivationsOf(x, n);
    }
  }

  @Test
  void theRandomSampleIsUniformOverExcerpts() {
    // Excerpt e of 20 should land in a reservoir of 4 with probability 1/5, whatever its position.
    int excerpts = 20, trials = 4000;
    int[] chosen = new int[excerpts];
    float[] a = new float[excerpts * WIDTH];
    int[] len = new int[excerpts];
    Arrays.fill(len, 1);
    for (int seed = 0; seed < trials; seed++) {
      LayerRecording r = new LayerRecording(0, new int[] {0}, WIDTH, new RecordingOptions(1, 1, 1, 1, 4, 0, 1, seed, Duration.ZERO));
      r.finishCalibration(1);
      for (int e = 0; e < excerpts; e++) r.observe(Arrays.copyOfRange(a, e * WIDTH, (e + 1) * WIDTH), 1, new int[] {1}, e);
      for (RecordedExcerpt x : r.result(0, e -> List.of("e" + e)).random()) chosen[Integer.parseInt(x.tokens().get(0).substring(1))]++;
    }
    double expected = trials * 4.0 / excerpts;
    for (int e = 0; e < excerpts; e++) assertThat((double) chosen[e]).as("excerpt " + e).isCloseTo(expected, within(expected * 0.12));
  }

  @Test
  void aSummarySavedAndRestoredMidwayEndsExactlyAsAnUninterruptedOne() throws Exception {
    LayerRecording uninterrupted = full(7);

    LayerRecording first = new LayerRecording(3, NEURONS, WIDTH, options(7, N));
    calibrate(first, IntStream.range(0, N).toArray());
    observe(first, 0, 140);
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(saved)) {
      SummaryFormat.write(first, out);
    }
    LayerRecording resumed = new LayerRecording(3, NEURONS, WIDTH, options(7, N));
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved.toByteArray()))) {
      SummaryFormat.read(in, resumed);
    }
    observe(resumed, 140, N);
    for (int j = 0; j < NEURONS.length; j++) assertThat(resumed.result(j, this::text)).isEqualTo(uninterrupted.result(j, this::text));
  }

  @Test
  void summariesOfShardsMergedInAnyOrderEqualOnePassToTheLastBit() {
    LayerRecording whole = full(5);
    float[] bounds = whole.bounds();
    // Cuts at batch boundaries, shards of uneven sizes, merged in a scrambled order and in a tree.
    int[][] cuts = {{0, 140}, {140, 147}, {147, 210}, {210, N}};
    List<LayerRecording> shards = new ArrayList<>();
    for (int[] c : cuts) {
      LayerRecording shard = new LayerRecording(3, NEURONS, WIDTH, options(5, N));
      shard.setBounds(bounds);
      observe(shard, c[0], c[1]);
      // Through bytes, as a shard's summary travels from a worker.
      LayerRecording received = new LayerRecording(3, NEURONS, WIDTH, options(5, N));
      SummaryFormat.fromBytes(SummaryFormat.toBytes(shard), received);
      shards.add(received);
    }
    LayerRecording left = shards.get(2);
    left.merge(shards.get(0));
    LayerRecording right = shards.get(3);
    right.merge(shards.get(1));
    right.merge(left);
    for (int j = 0; j < NEURONS.length; j++) assertThat(right.result(j, this::text)).isEqualTo(whole.result(j, this::text));
  }

  @Test
  void whatIsKeptDoesNotDependOnTheOrderExcerptsArriveIn() {
    // Equal maxima everywhere: the top excerpts must be the earliest ones even when the later ones come first.
    int n = 12;
    float[] a = new float[n * WIDTH];
    Arrays.fill(a, 1f);
    int[] len = new int[n];
    Arrays.fill(len, 1);
    RecordingOptions o = new RecordingOptions(1, 1, 1, 3, 4, 0, 1, 9, Duration.ZERO);
    LayerRecording forward = new LayerRecording(0, new int[] {0}, WIDTH, o), backward = new LayerRecording(0, new int[] {0}, WIDTH, o);
    for (int e = 0; e < n; e++) forward.observe(Arrays.copyOfRange(a, 0, WIDTH), 1, new int[] {1}, e);
    for (int e = n - 1; e >= 0; e--) backward.observe(Arrays.copyOfRange(a, 0, WIDTH), 1, new int[] {1}, e);
    RecordedNeuron f = forward.result(0, e -> List.of("e" + e)), b = backward.result(0, e -> List.of("e" + e));
    assertThat(f.top().stream().map(x -> x.tokens().get(0)).toList()).containsExactly("e0", "e1", "e2");
    assertThat(b).isEqualTo(f);
  }

  @Test
  void theSeedDecidesTheSamplesAndNothingElse() {
    RecordedNeuron a = full(1).result(0, this::text), b = full(1).result(0, this::text), c = full(2).result(0, this::text);
    assertThat(a).isEqualTo(b);
    assertThat(c.top()).isEqualTo(a.top());
    assertThat(c.mean()).isEqualTo(a.mean());
    Set<Integer> ra = new HashSet<>(a.random().stream().map(LayerRecordingTest::excerptOf).toList());
    Set<Integer> rc = new HashSet<>(c.random().stream().map(LayerRecordingTest::excerptOf).toList());
    assertThat(ra).isNotEqualTo(rc);
  }

  @Test
  void calibrationOnASubsampleStillBinsConsistently() {
    // 60 of the 300 excerpts set the boundaries: the bins then hold what those boundaries say, nothing else.
    LayerRecording r = new LayerRecording(3, NEURONS, WIDTH, options(0, 60));
    calibrate(r, IntStream.range(0, 60).map(i -> i * 5).toArray());
    observe(r, 0, N);
    RecordedNeuron rec = r.result(1, this::text);
    List<Double> b = rec.quantileBoundaries();
    for (int bin = 0; bin < 5; bin++) {
      for (RecordedExcerpt x : rec.byQuantile().get(bin)) {
        float m = max(excerptOf(x), NEURONS[1]);
        if (bin > 0) assertThat((double) m).isGreaterThanOrEqualTo(b.get(bin - 1));
        if (bin < 4) assertThat((double) m).isLessThan(b.get(bin));
      }
    }
  }

  private void assertActivationsOf(RecordedExcerpt x, int n) {
    int e = excerptOf(x);
    assertThat(x.size()).isEqualTo(lengths[e]);
    for (int t = 0; t < lengths[e]; t++) assertThat(x.activation(t)).isEqualTo(acts[e][t][n]);
  }
}
