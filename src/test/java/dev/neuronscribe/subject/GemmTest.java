package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blocked matmul against a plain triple loop, on shapes that hit every edge of the blocking. */
class GemmTest {

  @ParameterizedTest
  @CsvSource({
    "1, 1, 1, F32", "13, 37, 600, F32", "96, 32, 512, F32", "97, 48, 1100, F32", "100, 48, 300, F32", "200, 17, 33, F16", "25, 70, 530, BF16"
  })
  void matchesTheDefinition(int m, int n, int k, String dtype) {
    Random r = new Random(m * 31L + n);
    float[] a = new float[m * k], w = new float[k * n], bias = new float[n];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
    for (int i = 0; i < bias.length; i++) bias[i] = (float) r.nextGaussian();
    DType type = DType.valueOf(dtype);
    Safetensors.Tensor t = randomTensor(type, k, n, r);
    for (int i = 0; i < w.length; i++) w[i] = t.get(i);

    float[] c = new float[m * n], accumulated = new float[m * n];
    for (int i = 0; i < accumulated.length; i++) accumulated[i] = (float) r.nextGaussian();
    float[] start = accumulated.clone();
    Gemm.multiply(a, m, new Matrix(t), bias, c, false);
    Gemm.multiply(a, m, new Matrix(t), bias, accumulated, true);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = bias[j];
        for (int q = 0; q < k; q++) s += (double) a[i * k + q] * w[q * n + j];
        double tolerance = 1e-5 * Math.sqrt(k) * 4;
        assertThat((double) c[i * n + j]).as("c[%d][%d]", i, j).isCloseTo(s, org.assertj.core.api.Assertions.within(tolerance));
        assertThat((double) accumulated[i * n + j]).isCloseTo(start[i * n + j] + s, org.assertj.core.api.Assertions.within(tolerance));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"7", "30", "64", "101"})
  void aRowsResultDoesNotDependOnTheBatchAroundIt(int m) {
    // Rows go through the 6-, 4- and 1-row kernels depending on the batch size: same sums, same order.
    Random r = new Random(5);
    int k = 700, n = 48;
    float[] a = new float[m * k];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
    Matrix w = new Matrix(randomTensor(DType.F32, k, n, r));
    float[] all = new float[m * n];
    Gemm.multiply(a, m, w, new float[n], all, false);
    for (int i = 0; i < m; i++) {
      float[] one = new float[n];
      Gemm.multiply(java.util.Arrays.copyOfRange(a, i * k, (i + 1) * k), 1, w, new float[n], one, false);
      assertThat(java.util.Arrays.copyOfRange(all, i * n, (i + 1) * n)).containsExactly(one);
    }
  }

  @ParameterizedTest
  @CsvSource({"F32, 70, 37", "BF16, 96, 53", "F16, 40, 9", "Q8_0, 96, 41", "Q8_0, 64, 1"})
  void aLoneRowAsDotProductsOverLinearWeightsMatchesTheDefinition(String dtype, int k, int n) {
    // A language model's generated token: one row, read straight from [out, in] weights as stored, Q8_0 included.
    Random r = new Random(k * 7L + n);
    DType type = DType.valueOf(dtype);
    float[] a = new float[k], bias = new float[n], w = new float[n * k];
    for (int i = 0; i < k; i++) a[i] = (float) r.nextGaussian();
    for (int j = 0; j < n; j++) bias[j] = (float) r.nextGaussian();
    Safetensors.Tensor t = randomTensor(type, n, k, r);
    for (int i = 0; i < w.length; i++) w[i] = t.get(i);
    Matrix m = Matrix.linear(t);
    assertThat(m.columnsContiguous()).isTrue();
    float[] c = new float[n], batched = new float[2 * n];
    Gemm.multiply(a, 1, m, bias, c, false, new Gemm.Scratch(true));
    float[] two = java.util.Arrays.copyOf(a, 2 * k); // two rows take the packed kernels
    Gemm.multiply(two, 2, m, bias, batched, false, new Gemm.Scratch(true));
    for (int j = 0; j < n; j++) {
      double s = bias[j];
      for (int q = 0; q < k; q++) s += (double) a[q] * w[j * k + q];
      double tolerance = 1e-5 * Math.sqrt(k) * 4 * Math.max(1, Math.abs(s));
      assertThat((double) c[j]).as("c[%d]", j).isCloseTo(s, org.assertj.core.api.Assertions.within(tolerance));
      assertThat((double) batched[j]).as("packed c[%d]", j).isCloseTo(s, org.assertj.core.api.Assertions.within(tolerance));
    }
  }

  @ParameterizedTest
  @CsvSource({"F32, 300, 137, 45", "BF16, 530, 170, 100", "Q8_0, 256, 129, 64", "F16, 960, 112, 33"})
  void linearWeightsGiveTheSameBitsOnBothPaths(String dtype, int k, int n, int m) {
    // A short batch (32 rows or more, few beside the weights) takes the transposed-batch path for [out, in] weights; a lone row
    // (no dot products) takes the panel path. Every element must be the same FMA chain, so the results are equal bit for bit.
    Random r = new Random(k * 13L + n);
    DType type = DType.valueOf(dtype);
    Matrix w = Matrix.linear(randomTensor(type, n, k, r));
    float[] a = new float[m * k], bias = new float[n], all = new float[m * n], accumulated = new float[m * n];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
    for (int i = 0; i < n; i++) bias[i] = (float) r.nextGaussian();
    for (int i = 0; i < accumulated.length; i++) accumulated[i] = (float) r.nextGaussian();
    float[] start = accumulated.clone();
    Gemm.multiply(a, m, w, bias, all, false);
    Gemm.multiply(a, m, w, bias, accumulated, true);
    for (int i = 0; i < m; i++) {
      float[] one = new float[n], oneAccumulated = java.util.Arrays.copyOfRange(start, i * n, (i + 1) * n);
      float[] row = java.util.Arrays.copyOfRange(a, i * k, (i + 1) * k);
      Gemm.multiply(row, 1, w, bias, one, false);
      Gemm.multiply(row, 1, w, bias, oneAccumulated, true);
      assertThat(java.util.Arrays.copyOfRange(all, i * n, (i + 1) * n)).as("row %d", i).containsExactly(one);
      assertThat(java.util.Arrays.copyOfRange(accumulated, i * n, (i + 1) * n)).as("row %d, accumulated", i).containsExactly(oneAccumulated);
    }
  }

  @ParameterizedTest
  @CsvSource({"F32, 320, 70", "Q8_0, 256, 45", "BF16, 512, 128"})
  void productsOverOneBatchEqualOneMultiplyEach(String dtype, int k, int m) {
    // A layer's q, k and v (one wide, two narrow) share one transposed batch and one round of tasks on the Linear path;
    // each output must still be the very chain a lone row gets on the panel path.
    Random r = new Random(k * 17L + m);
    DType type = DType.valueOf(dtype);
    int[] widths = {300, 40, 37};
    Gemm.Product[] products = new Gemm.Product[widths.length];
    for (int p = 0; p < widths.length; p++) {
      float[] bias = new float[widths[p]];
      for (int i = 0; i < bias.length; i++) bias[i] = (float) r.nextGaussian();
      products[p] = new Gemm.Product(Matrix.linear(randomTensor(type, widths[p], k, r)), bias, new float[m * widths[p]]);
    }
    float[] a = new float[m * k];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
    Gemm.multiply(a, m, new Gemm.Scratch(), products);
    for (Gemm.Product p : products) {
      int n = p.w().cols;
      for (int i = 0; i < m; i++) {
        float[] one = new float[n];
        Gemm.multiply(java.util.Arrays.copyOfRange(a, i * k, (i + 1) * k), 1, p.w(), p.bias(), one, false);
        assertThat(java.util.Arrays.copyOfRange(p.c(), i * n, (i + 1) * n)).as("width %d, row %d", n, i).containsExactly(one);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"F32, 200, 400, 45, SILU", "Q8_0, 256, 512, 70, SILU", "BF16, 160, 300, 33, GELU_TANH", "F32, 200, 250, 64, GELU_ERF"})
  void aGatedMlpOnPanelsEqualsItsSteps(String dtype, int e, int mlp, int m, String activation) {
    // The fused MLP keeps gate and up as panels of the batch and feeds them to the down projection as they lie; every
    // value must be the one of the three steps a recorder runs (two products, the activation, the down projection).
    Random r = new Random(e * 3L + mlp);
    DType type = DType.valueOf(dtype);
    DecoderConfig.Activation act = DecoderConfig.Activation.valueOf(activation);
    Matrix gateW = Matrix.linear(randomTensor(type, mlp, e, r)), upW = Matrix.linear(randomTensor(type, mlp, e, r));
    Matrix downW = Matrix.linear(randomTensor(type, e, mlp, r));
    float[] h = new float[m * e], gateBias = new float[mlp], upBias = new float[mlp], downBias = new float[e];
    for (int i = 0; i < h.length; i++) h[i] = (float) r.nextGaussian() * 0.1f;
    for (int i = 0; i < mlp; i++) gateBias[i] = (float) r.nextGaussian();
    for (int i = 0; i < e; i++) downBias[i] = (float) r.nextGaussian();
    assertThat(Gemm.linearPath(m, gateW, upW)).as("the shape takes the Linear path").isTrue();

    float[] gate = new float[m * mlp], up = new float[m * mlp], expected = new float[m * e];
    Gemm.Scratch scratch = new Gemm.Scratch();
    Gemm.multiply(h, m, scratch, new Gemm.Product(gateW, gateBias, gate), new Gemm.Product(upW, upBias, up));
    Ops.gated(gate, up, m * mlp, act);
    Gemm.multiply(gate, m, downW, downBias, expected, false, scratch);

    float[] fused = new float[m * e], neurons = new float[m * mlp];
    Gemm.Scratch fusedScratch = new Gemm.Scratch();
    int panels = Gemm.gatedMlpUp(h, m, new Gemm.Product(gateW, gateBias, new float[0]), new Gemm.Product(upW, upBias, new float[0]), act, neurons, fusedScratch);
    assertThat(neurons).as("the neurons copied out for a hook").containsExactly(gate);
    Gemm.gatedMlpDown(panels, m, downW, downBias, fused, fusedScratch);
    assertThat(fused).containsExactly(expected);
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "16, 16", "33, 47", "64, 20", "5, 100"})
  void transposeMovesEveryValueToItsMirroredPlace(int rows, int cols) {
    // Whole 16 × 16 tiles go through the permutes, the edges element by element; offsets and strides as Gemm uses them.
    Random r = new Random(rows * 101L + cols);
    int sStride = cols + 3, dStride = rows + 5, sOff = 7, dOff = 2;
    float[] src = new float[sOff + rows * sStride], dst = new float[dOff + cols * dStride];
    for (int i = 0; i < src.length; i++) src[i] = r.nextFloat();
    java.util.Arrays.fill(dst, -1f);
    Transpose.copy(src, sOff, sStride, dst, dOff, dStride, rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) assertThat(dst[dOff + j * dStride + i]).as("[%d][%d]", i, j).isEqualTo(src[sOff + i * sStride + j]);
    }
    for (int j = 0; j < cols; j++) {
      for (int i = rows; i < dStride; i++) if (dOff + j * dStride + i < dst.length) assertThat(dst[dOff + j * dStride + i]).as("padding untouched").isEqualTo(-1f);
    }
  }

  /** A {@code rows × cols} tensor of Gaussian weights stored as {@code type}; Q8_0 as 32-weight blocks (an F16 scale, 32 int8). */
  private static Safetensors.Tensor randomTensor(DType type, int rows, int cols, Random r) {
    int count = rows * cols;
    ByteBuffer bytes = ByteBuffer.allocate(type == DType.Q8_0 ? (int) Q8_0.bytes(count) : count * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      if (type == DType.Q8_0 && i % Q8_0.BLOCK == 0) bytes.putShort(Float.floatToFloat16(0.01f + r.nextFloat() * 0.1f));
      float v = (float) r.nextGaussian();
      switch (type) {
        case F32 -> bytes.putFloat(v);
        case F16 -> bytes.putShort(Float.floatToFloat16(v));
        case BF16 -> bytes.putShort((short) (Float.floatToIntBits(v) >>> 16));
        case Q8_0 -> bytes.put((byte) (r.nextInt(256) - 128));
        default -> throw new IllegalArgumentException(type.name());
      }
    }
    return new Safetensors.Tensor("w", type, new long[] {rows, cols}, MemorySegment.ofArray(bytes.array()));
  }
}
