package dev.neuronscribe.subject;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The forward pass's steps other than the matmuls, each over a batch of rows, vectorised and on all cores. */
final class Ops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Rows per parallel task for the row-wise steps: big enough to amortise the task, small enough to balance. */
  private static final int ROWS_PER_TASK = 32;

  private Ops() {}

  /** {@code x[row] = wte[token] + wpe[position]}. */
  static void embed(Weights w, int[] tokens, int sequences, int length, float[] x) {
    int e = (int) w.tokenEmbedding().shape()[1];
    long vocab = w.tokenEmbedding().shape()[0];
    float[] pos = new float[e];
    for (int t = 0; t < length; t++) {
      w.positionEmbedding().copy((long) t * e, pos, 0, e);
      for (int b = 0; b < sequences; b++) {
        int row = b * length + t, token = tokens[row];
        if (token < 0 || token >= vocab) throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocab);
        w.tokenEmbedding().copy((long) token * e, x, row * e, e);
        for (int i = 0; i < e; i++) x[row * e + i] += pos[i];
      }
    }
  }

  /** Layer norm of each row of {@code x} into {@code out} (biased variance, as torch computes it). */
  static void layerNorm(float[] x, float[] gain, float[] bias, float eps, int rows, float[] out) {
    int e = gain.length;
    Parallel.forEach((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK, task -> {
      int end = Math.min(rows, (task + 1) * ROWS_PER_TASK);
      for (int r = task * ROWS_PER_TASK; r < end; r++) {
        int o = r * e;
        float mean = sum(x, o, e) / e;
        float var = 0;
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i + L <= e; i += L) {
          FloatVector d = FloatVector.fromArray(S, x, o + i).sub(mean);
          acc = d.fma(d, acc);
        }
        var = acc.reduceLanes(VectorOperators.ADD);
        for (; i < e; i++) var += (x[o + i] - mean) * (x[o + i] - mean);
        float rstd = (float) (1.0 / Math.sqrt(var / e + eps));
        for (i = 0; i + L <= e; i += L) {
          FloatVector.fromArray(S, x, o + i).sub(mean).mul(rstd)
              .fma(FloatVector.fromArray(S, gain, i), FloatVector.fromArray(S, bias, i)).intoArray(out, o + i);
        }
        for (; i < e; i++) out[o + i] = (x[o + i] - mean) * rstd * gain[i] + bias[i];
      }
    });
  }

  private static float sum(float[] x, int o, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (; i + L <= n; i += L) acc = acc.add(FloatVector.fromArray(S, x, o + i));
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) s += x[o + i];
    return s;
  }

  /**
   * Causal multi-head self-attention: {@code qkv} holds each row's query, key and value side by side
   * ({@code 3 × width}); the heads' outputs land side by side in {@code out}. One task per sequence and head.
   */
  static void attention(float[] qkv, int sequences, int length, Gpt2Config c, int layer, float[] out) {
    int e = c.width(), d = c.headSize(), heads = c.heads(), stride = 3 * e;
    float scale = (float) (1.0 / Math.sqrt(d));
    if (c.scaleByInverseLayer()) scale /= (layer + 1);
    float sc = scale;
    Parallel.forEach(sequences * heads, task -> {
      int b = task / heads, h = task % heads;
      float[] p = new float[length];
      for (int t = 0; t < length; t++) {
        int q = (b * length + t) * stride + h * d;
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s <= t; s++) {
          int k = (b * length + s) * stride + e + h * d;
          p[s] = dot(qkv, q, qkv, k, d) * sc;
          max = Math.max(max, p[s]);
        }
        float total = 0;
        for (int s = 0; s <= t; s++) {
          p[s] = (float) Math.exp(p[s] - max);
          total += p[s];
        }
        int o = (b * length + t) * e + h * d;
        java.util.Arrays.fill(out, o, o + d, 0f);
        for (int s = 0; s <= t; s++) {
          int v = (b * length + s) * stride + 2 * e + h * d;
          axpy(p[s] / total, qkv, v, out, o, d);
        }
      }
    });
  }

  private static float dot(float[] a, int ao, float[] b, int bo, int n) {
    int i = 0;
    float s = 0;
    if (n >= L) {
      FloatVector acc = FloatVector.zero(S);
      for (; i + L <= n; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
      s = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < n; i++) s += a[ao + i] * b[bo + i];
    return s;
  }

  private static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector.fromArray(S, x, xo + i).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
    }
    for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
  }

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
  private static final int ACT_CHUNK = 1 << 14;

  /** GPT-2's MLP non-linearity, {@code gelu_new}, in place over {@code x[0, n)}. */
  static void gelu(float[] x, int n) {
    Parallel.forEach((n + ACT_CHUNK - 1) / ACT_CHUNK, task -> geluTanh(x, task * ACT_CHUNK, Math.min(n, (task + 1) * ACT_CHUNK)));
  }

  /** {@code gelu_new}: 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))). */
  private static void geluTanh(float[] x, int from, int to) {
    int i = from;
    for (; i + L <= to; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      FloatVector inner = v.mul(v).mul(v).fma(FloatVector.broadcast(S, 0.044715f), v).mul(SQRT_2_OVER_PI);
      v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoArray(x, i);
    }
    for (; i < to; i++) {
      float v = x[i];
      x[i] = 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)));
    }
  }
}
