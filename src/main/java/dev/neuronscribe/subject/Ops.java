package dev.neuronscribe.subject;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
        var = lanes(acc);
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
    float s = lanes(acc);
    for (; i < n; i++) s += x[o + i];
    return s;
  }

  /**
   * Causal multi-head self-attention: {@code qkv} holds each row's query, key and value side by side
   * ({@code 3 × width}); the heads' outputs land side by side in {@code out}. One task per sequence and head.
   * The keys are transposed so that a query's scores against eight keys at a time are one vector of FMAs
   * (no horizontal sums), and the softmax's exponentials are vectorised too.
   */
  static void attention(float[] qkv, int sequences, int length, Gpt2Config c, int layer, float[] out) {
    int e = c.width(), d = c.headSize(), heads = c.heads(), stride = 3 * e;
    float scale = (float) (1.0 / Math.sqrt(d));
    if (c.scaleByInverseLayer()) scale /= (layer + 1);
    float sc = scale;
    int padded = (length + L - 1) / L * L;
    Parallel.forEach(sequences * heads, task -> {
      int b = task / heads, h = task % heads;
      float[] keys = new float[d * padded]; // keys[i * padded + s]: feature i of key s
      float[] p = new float[padded];
      for (int s = 0; s < length; s++) {
        int k = (b * length + s) * stride + e + h * d;
        for (int i = 0; i < d; i++) keys[i * padded + s] = qkv[k + i];
      }
      for (int t = 0; t < length; t++) {
        int q = (b * length + t) * stride + h * d;
        int n = t + 1, vectors = (n + L - 1) / L;
        int kv = 0;
        for (; kv + 4 <= vectors; kv += 4) { // four independent sums hide the FMA's latency
          FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
          for (int i = 0; i < d; i++) {
            FloatVector x = FloatVector.broadcast(S, qkv[q + i]);
            int r = i * padded + kv * L;
            a0 = FloatVector.fromArray(S, keys, r).fma(x, a0);
            a1 = FloatVector.fromArray(S, keys, r + L).fma(x, a1);
            a2 = FloatVector.fromArray(S, keys, r + 2 * L).fma(x, a2);
            a3 = FloatVector.fromArray(S, keys, r + 3 * L).fma(x, a3);
          }
          a0.mul(sc).intoArray(p, kv * L);
          a1.mul(sc).intoArray(p, (kv + 1) * L);
          a2.mul(sc).intoArray(p, (kv + 2) * L);
          a3.mul(sc).intoArray(p, (kv + 3) * L);
        }
        for (; kv < vectors; kv++) {
          FloatVector acc = FloatVector.zero(S);
          for (int i = 0; i < d; i++) acc = FloatVector.fromArray(S, keys, i * padded + kv * L).fma(FloatVector.broadcast(S, qkv[q + i]), acc);
          acc.mul(sc).intoArray(p, kv * L);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < n; s++) max = Math.max(max, p[s]);
        for (int s = n; s < vectors * L; s++) p[s] = Float.NEGATIVE_INFINITY; // the future: masked out
        FloatVector total = FloatVector.zero(S);
        for (int v = 0; v < vectors; v++) {
          FloatVector x = exp(FloatVector.fromArray(S, p, v * L).sub(max));
          x.intoArray(p, v * L);
          total = total.add(x);
        }
        float inverse = 1f / lanes(total);
        for (int s = 0; s < n; s++) p[s] *= inverse;
        // out[t] = sum over s of p[s] * value[s], a vector of the output at a time so that it stays in a register.
        int o = (b * length + t) * e + h * d, v0 = b * length * stride + 2 * e + h * d;
        int i = 0;
        for (; i + 4 * L <= d; i += 4 * L) {
          FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
          for (int s = 0; s < n; s++) {
            FloatVector x = FloatVector.broadcast(S, p[s]);
            int r = v0 + s * stride + i;
            a0 = FloatVector.fromArray(S, qkv, r).fma(x, a0);
            a1 = FloatVector.fromArray(S, qkv, r + L).fma(x, a1);
            a2 = FloatVector.fromArray(S, qkv, r + 2 * L).fma(x, a2);
            a3 = FloatVector.fromArray(S, qkv, r + 3 * L).fma(x, a3);
          }
          a0.intoArray(out, o + i);
          a1.intoArray(out, o + i + L);
          a2.intoArray(out, o + i + 2 * L);
          a3.intoArray(out, o + i + 3 * L);
        }
        for (; i + L <= d; i += L) {
          FloatVector acc = FloatVector.zero(S);
          for (int s = 0; s < n; s++) acc = FloatVector.fromArray(S, qkv, v0 + s * stride + i).fma(FloatVector.broadcast(S, p[s]), acc);
          acc.intoArray(out, o + i);
        }
        for (; i < d; i++) {
          float acc = 0;
          for (int s = 0; s < n; s++) acc = Math.fma(qkv[v0 + s * stride + i], p[s], acc);
          out[o + i] = acc;
        }
      }
    });
  }

  /** {@code x[row] = table[token] · scale} (Gemma 2 scales its embeddings by √width; the others by 1). */
  static void embed(Safetensors.Tensor table, int[] tokens, int rows, float scale, float[] x) {
    int e = (int) table.shape()[1];
    long vocab = table.shape()[0];
    for (int row = 0; row < rows; row++) {
      int token = tokens[row];
      if (token < 0 || token >= vocab) throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocab);
      table.copy((long) token * e, x, row * e, e);
      if (scale != 1f) for (int i = 0; i < e; i++) x[row * e + i] *= scale;
    }
  }

  /** RMS norm of each row of {@code x} into {@code out}: {@code x / sqrt(mean(x²) + eps) · gain} (Gemma's {@code 1 + w} is passed as the gain). */
  static void rmsNorm(float[] x, float[] gain, float eps, int rows, float[] out) {
    int e = gain.length;
    Parallel.forEach((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK, task -> {
      int end = Math.min(rows, (task + 1) * ROWS_PER_TASK);
      for (int r = task * ROWS_PER_TASK; r < end; r++) {
        int o = r * e, i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i + L <= e; i += L) {
          FloatVector v = FloatVector.fromArray(S, x, o + i);
          acc = v.fma(v, acc);
        }
        float ss = lanes(acc);
        for (; i < e; i++) ss += x[o + i] * x[o + i];
        float rstd = (float) (1.0 / Math.sqrt(ss / e + eps));
        for (i = 0; i + L <= e; i += L) {
          FloatVector.fromArray(S, x, o + i).mul(rstd).mul(FloatVector.fromArray(S, gain, i)).intoArray(out, o + i);
        }
        for (; i < e; i++) out[o + i] = x[o + i] * rstd * gain[i];
      }
    });
  }

  /**
   * Rotary position embedding, in place, on the first {@code rotaryDim} dimensions of each of a row's
   * {@code heads} heads (transformers' rotate-half layout: dimension i pairs with i + rotaryDim/2). Row r is
   * position {@code r % length}. {@code cos}/{@code sin} are {@code [position][rotaryDim/2]}.
   */
  static void rope(float[] x, int rows, int length, int heads, int headDim, int rotaryDim, float[] cos, float[] sin) {
    rope(x, rows, length, 0, heads, headDim, rotaryDim, cos, sin, false);
  }

  /**
   * {@link #rope(float[], int, int, int, int, int, float[], float[])} for rows that continue a sequence: row r
   * is position {@code offset + r % length} (a KV cache already holds the first {@code offset}). With
   * {@code interleaved}, dimension 2i pairs with 2i + 1 instead: the order llama.cpp's converter gives Llama's
   * query and key rows, so that GGUF weights need no un-permuting (a query·key product does not care in which
   * order both list their dimensions).
   */
  static void rope(float[] x, int rows, int length, int offset, int heads, int headDim, int rotaryDim, float[] cos, float[] sin, boolean interleaved) {
    int half = rotaryDim / 2, stride = heads * headDim, step = interleaved ? 2 : 1, partner = interleaved ? 1 : half;
    Parallel.forEach((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK, task -> {
      int end = Math.min(rows, (task + 1) * ROWS_PER_TASK);
      for (int r = task * ROWS_PER_TASK; r < end; r++) {
        int pos = (offset + r % length) * half;
        for (int h = 0; h < heads; h++) {
          int o = r * stride + h * headDim;
          for (int i = 0; i < half; i++) {
            int a = o + i * step, b = a + partner;
            float x1 = x[a], x2 = x[b], c = cos[pos + i], sn = sin[pos + i];
            x[a] = x1 * c - x2 * sn;
            x[b] = x2 * c + x1 * sn;
          }
        }
      }
    });
  }

  /** RoPE's tables for positions {@code [0, length)}: {@code angle = position · invFreq[i]} in float, as transformers computes it. */
  static float[][] ropeTables(float[] invFreq, int length) {
    int half = invFreq.length;
    float[] cos = new float[length * half], sin = new float[length * half];
    for (int t = 0; t < length; t++) {
      for (int i = 0; i < half; i++) {
        float angle = t * invFreq[i];
        cos[t * half + i] = (float) Math.cos(angle);
        sin[t * half + i] = (float) Math.sin(angle);
      }
    }
    return new float[][] {cos, sin};
  }

  /**
   * Causal grouped-query attention over separate query, key and value rows ({@code q}: heads × d per row,
   * {@code k}, {@code v}: kvHeads × d per row; query head h reads key/value head h / (heads / kvHeads)).
   * Scores are {@code q·k · scale}, soft-capped as {@code cap · tanh(score / cap)} when {@code softcap > 0};
   * with {@code window > 0} a query sees only the last {@code window} positions (itself included). One task
   * per sequence and head, vectorised as {@link #attention(float[], int, int, Gpt2Config, int, float[])}.
   */
  static void attention(float[] q, float[] k, float[] v, int sequences, int length, int heads, int kvHeads, int d,
      float scale, float softcap, int window, float[] out) {
    attention(q, k, v, sequences, length, length, length, heads, kvHeads, d, scale, softcap, window, out);
  }

  /**
   * The same attention for queries that come after keys already held (a KV cache): sequence b's
   * {@code queries} query rows start at row {@code b · queries} of {@code q} and {@code out}; its {@code keys}
   * key and value rows (the queries' own last) start at row {@code b · keyStride} of {@code k} and {@code v}.
   * Query t sits at position {@code keys - queries + t} and sees the keys up to it. A query's sums run in the
   * same order whatever the batch, except that a lone query sums each score along the key's row: appending tokens
   * one at a time gives what one pass over all gives, to float rounding.
   */
  static void attention(float[] q, float[] k, float[] v, int sequences, int queries, int keys, int keyStride, int heads, int kvHeads, int d,
      float scale, float softcap, int window, float[] out) {
    int qs = heads * d, ks = kvHeads * d, group = heads / kvHeads;
    int padded = (keys + L - 1) / L * L;
    // One query (a generated token): its scores are dot products along the cached rows as they lie; transposing
    // every cached key for one query would cost as much as the scores and churn the heap at long contexts.
    boolean single = queries == 1;
    Parallel.forEach(sequences * heads, task -> {
      int b = task / heads, h = task % heads, kh = h / group;
      float[] keyT = single ? null : new float[d * padded];
      float[] p = new float[padded];
      if (!single) {
        for (int s = 0; s < keys; s++) {
          int ko = (b * keyStride + s) * ks + kh * d;
          for (int i = 0; i < d; i++) keyT[i * padded + s] = k[ko + i];
        }
      }
      for (int t = 0; t < queries; t++) {
        int pos = keys - queries + t;
        int qo = (b * queries + t) * qs + h * d;
        int n = pos + 1, vectors = (n + L - 1) / L;
        if (single) {
          for (int s = 0; s < n; s++) p[s] = dot(q, qo, k, (b * keyStride + s) * ks + kh * d, d);
        }
        int kv = 0;
        if (!single) { // four blocks of scores at a time: four independent FMA chains instead of one waiting on itself
          for (; kv + 4 <= vectors; kv += 4) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < d; i++) {
              FloatVector x = FloatVector.broadcast(S, q[qo + i]);
              int r = i * padded + kv * L;
              a0 = FloatVector.fromArray(S, keyT, r).fma(x, a0);
              a1 = FloatVector.fromArray(S, keyT, r + L).fma(x, a1);
              a2 = FloatVector.fromArray(S, keyT, r + 2 * L).fma(x, a2);
              a3 = FloatVector.fromArray(S, keyT, r + 3 * L).fma(x, a3);
            }
            a0.intoArray(p, kv * L);
            a1.intoArray(p, (kv + 1) * L);
            a2.intoArray(p, (kv + 2) * L);
            a3.intoArray(p, (kv + 3) * L);
          }
        }
        for (int kv4 = 0; kv4 < vectors; kv4++) {
          FloatVector acc;
          if (single || kv4 < kv) {
            acc = FloatVector.fromArray(S, p, kv4 * L);
          } else {
            acc = FloatVector.zero(S);
            for (int i = 0; i < d; i++) acc = FloatVector.fromArray(S, keyT, i * padded + kv4 * L).fma(FloatVector.broadcast(S, q[qo + i]), acc);
          }
          acc = acc.mul(scale);
          if (softcap > 0) acc = tanh(acc.div(softcap)).mul(softcap);
          acc.intoArray(p, kv4 * L);
        }
        int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
        for (int s = 0; s < first; s++) p[s] = Float.NEGATIVE_INFINITY;
        for (int s = n; s < vectors * L; s++) p[s] = Float.NEGATIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int s = first; s < n; s++) max = Math.max(max, p[s]);
        FloatVector total = FloatVector.zero(S);
        for (int x = 0; x < vectors; x++) {
          FloatVector e = exp(FloatVector.fromArray(S, p, x * L).sub(max));
          e.intoArray(p, x * L);
          total = total.add(e);
        }
        float inverse = 1f / lanes(total);
        for (int s = 0; s < n; s++) p[s] *= inverse;
        int o = qo, v0 = b * keyStride * ks + kh * d;
        int i = 0;
        for (; i + 4 * L <= d; i += 4 * L) { // four blocks of the output at a time, for the same reason
          FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
          for (int s = first; s < n; s++) {
            FloatVector x = FloatVector.broadcast(S, p[s]);
            int r = v0 + s * ks + i;
            a0 = FloatVector.fromArray(S, v, r).fma(x, a0);
            a1 = FloatVector.fromArray(S, v, r + L).fma(x, a1);
            a2 = FloatVector.fromArray(S, v, r + 2 * L).fma(x, a2);
            a3 = FloatVector.fromArray(S, v, r + 3 * L).fma(x, a3);
          }
          a0.intoArray(out, o + i);
          a1.intoArray(out, o + i + L);
          a2.intoArray(out, o + i + 2 * L);
          a3.intoArray(out, o + i + 3 * L);
        }
        for (; i + L <= d; i += L) {
          FloatVector acc = FloatVector.zero(S);
          for (int s = first; s < n; s++) acc = FloatVector.fromArray(S, v, v0 + s * ks + i).fma(FloatVector.broadcast(S, p[s]), acc);
          acc.intoArray(out, o + i);
        }
        for (; i < d; i++) {
          float acc = 0;
          for (int s = first; s < n; s++) acc = Math.fma(v[v0 + s * ks + i], p[s], acc);
          out[o + i] = acc;
        }
      }
    });
  }

  /** {@code a[ao..ao+n) · b[bo..bo+n)}. */
  private static float dot(float[] a, int ao, float[] b, int bo, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (; i + L <= n; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
    float sum = lanes(acc);
    for (; i < n; i++) sum = Math.fma(a[ao + i], b[bo + i], sum);
    return sum;
  }

  /**
   * A gated MLP from its input {@code h} to {@code out} ({@code (act(h·Wg + bg) ⊙ (h·Wu + bu))·Wd + bd}), handing
   * the neurons (row-major in {@code gate.c()}) to the hook when it wants them. A short batch keeps the neurons in
   * Gemm's panels ({@link Gemm#gatedMlpUp}); the values are the same either way.
   *
   * @return true when the hook has had the last point the pass had to reach (the caller returns)
   */
  static boolean gatedMlp(Taps taps, int layer, float[] h, int rows, Gemm.Product gate, Gemm.Product up, DecoderConfig.Activation act,
      Matrix down, float[] downBias, float[] out, Gemm.Scratch scratch) {
    float[] neurons = gate.c();
    if (Gemm.linearPath(rows, gate.w(), up.w())) {
      int panels = Gemm.gatedMlpUp(h, rows, gate, up, act, taps.wants(layer, HookPoint.MLP_ACT) ? neurons : null, scratch);
      if (taps.at(layer, HookPoint.MLP_ACT, neurons, rows)) return true;
      Gemm.gatedMlpDown(panels, rows, down, downBias, out, scratch);
    } else {
      Gemm.multiply(h, rows, scratch, gate, up);
      gated(neurons, up.c(), rows * gate.w().cols, act);
      if (taps.at(layer, HookPoint.MLP_ACT, neurons, rows)) return true;
      Gemm.multiply(neurons, rows, down, downBias, out, false, scratch);
    }
    return false;
  }

  /** A gated MLP's neurons, in place: {@code gate[i] = act(gate[i]) · up[i]} over {@code [0, n)}. */
  static void gated(float[] gate, float[] up, int n, DecoderConfig.Activation act) {
    gated(gate, 0, up, 0, n, act);
  }

  /** {@link #gated} over {@code gate[gateStart..]} and {@code up[upStart..]} (a gated MLP's outputs as {@link Gemm} panels). */
  static void gated(float[] gate, int gateStart, float[] up, int upStart, int n, DecoderConfig.Activation act) {
    Parallel.forEach((n + ACT_CHUNK - 1) / ACT_CHUNK, task -> {
      int from = gateStart + task * ACT_CHUNK, to = gateStart + Math.min(n, (task + 1) * ACT_CHUNK), shift = upStart - gateStart;
      activate(gate, from, to, act);
      int i = from;
      for (; i + L <= to; i += L) FloatVector.fromArray(S, gate, i).mul(FloatVector.fromArray(S, up, i + shift)).intoArray(gate, i);
      for (; i < to; i++) gate[i] *= up[i + shift];
    });
  }

  /** {@code act(x)} in place over {@code [0, n)}. */
  static void activation(float[] x, int n, DecoderConfig.Activation act) {
    Parallel.forEach((n + ACT_CHUNK - 1) / ACT_CHUNK, task -> activate(x, task * ACT_CHUNK, Math.min(n, (task + 1) * ACT_CHUNK), act));
  }

  private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
  // Numerical Recipes' erfc: t · exp(-z² + polynomial(t)), t = 1 / (1 + z/2), fractional error below 1.2e-7.
  private static final float[] ERFC = {0.17087277f, -0.82215223f, 1.48851587f, -1.13520398f, 0.27886807f, -0.18628806f,
      0.09678418f, 0.37409196f, 1.00002368f, -1.26551223f};

  private static void activate(float[] x, int from, int to, DecoderConfig.Activation act) {
    if (act == DecoderConfig.Activation.GELU_TANH) {
      geluTanh(x, from, to);
      return;
    }
    int i = from;
    for (; i + L <= to; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      if (act == DecoderConfig.Activation.SILU) {
        // x · sigmoid(x), with exp only of -|x| so that it never overflows
        FloatVector e = exp(v.abs().neg());
        FloatVector sig = FloatVector.broadcast(S, 1f).div(e.add(1f)).blend(e.div(e.add(1f)), v.lt(0f));
        v.mul(sig).intoArray(x, i);
      } else {
        // 0.5 x (1 + erf(x/√2)) = 0.5 x erfc(-x/√2)
        FloatVector u = v.mul(-INV_SQRT2), z = u.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(0.5f).add(1f));
        FloatVector poly = FloatVector.broadcast(S, ERFC[0]);
        for (int c = 1; c < ERFC.length; c++) poly = poly.fma(t, FloatVector.broadcast(S, ERFC[c]));
        FloatVector erfc = t.mul(exp(z.mul(z).neg().add(poly)));
        erfc = erfc.blend(FloatVector.broadcast(S, 2f).sub(erfc), u.lt(0f));
        v.mul(0.5f).mul(erfc).intoArray(x, i);
      }
    }
    for (; i < to; i++) {
      float v = x[i];
      if (act == DecoderConfig.Activation.SILU) {
        float e = expScalar(-Math.abs(v));
        x[i] = v * (v < 0 ? e / (e + 1f) : 1f / (e + 1f));
      } else {
        float u = -v * INV_SQRT2, z = Math.abs(u);
        float t = 1f / (z * 0.5f + 1f);
        float poly = ERFC[0];
        for (int c = 1; c < ERFC.length; c++) poly = Math.fma(poly, t, ERFC[c]);
        float erfc = t * expScalar(-(z * z) + poly);
        if (u < 0) erfc = 2f - erfc;
        x[i] = v * 0.5f * erfc;
      }
    }
  }

  /** {@link #exp(FloatVector)} for one value: the vector code on a one-lane broadcast, so that both give the same bits. */
  private static float expScalar(float x) {
    return exp(FloatVector.broadcast(S, x)).lane(0);
  }

  /**
   * The sum of a vector's lanes, first to last. Not {@code reduceLanes(ADD)}: its order is unspecified and
   * differs between the JIT's intrinsic and the interpreter, which would make results depend on timing.
   */
  static float lanes(FloatVector v) {
    float[] a = v.toArray();
    float s = 0;
    for (float x : a) s += x;
    return s;
  }

  /** {@code dst[i] += src[i]} over {@code [0, n)}: a block's output joining the residual stream. */
  static void add(float[] src, float[] dst, int n) {
    Parallel.forEach((n + ACT_CHUNK - 1) / ACT_CHUNK, task -> {
      int i = task * ACT_CHUNK, to = Math.min(n, (task + 1) * ACT_CHUNK);
      for (; i + L <= to; i += L) FloatVector.fromArray(S, dst, i).add(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
      for (; i < to; i++) dst[i] += src[i];
    });
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
      v.mul(0.5f).mul(tanh(inner).add(1f)).intoArray(x, i);
    }
    for (; i < to; i++) {
      float v = x[i];
      float inner = Math.fma(v * v * v, 0.044715f, v) * SQRT_2_OVER_PI;
      x[i] = v * 0.5f * (tanh(inner) + 1f);
    }
  }

  // tanh from elementary IEEE operations only, the same sequence in vector and scalar form. The Vector API's
  // own TANH is computed by an intrinsic once the JIT compiles the loop but by Math.tanh before that, and
  // the two differ in the last bit: a recording would then depend on when the JIT kicked in.
  // tanh(y) = (e - 1) / (e + 1), e = exp(2y) = 2^n · exp(r), |r| <= ln2 / 2, exp(r) by its Taylor series to r^7
  // (truncation error below 1e-8); |y| is capped at 9, where tanh is 1 to float precision.
  private static final float TWO_OVER_LN2 = (float) (2 / Math.log(2));
  private static final float LN2_HI = 0.693145751953125f; // ln 2 split so that n · LN2_HI is exact
  private static final float LN2_LO = 1.42860682030941723212e-6f;
  private static final float[] EXP_TAYLOR = {1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 1f / 2, 1f, 1f};

  static FloatVector tanh(FloatVector u) {
    FloatVector y = u.abs().min(9f);
    IntVector n = (IntVector) y.mul(TWO_OVER_LN2).add(0.5f).convert(VectorOperators.F2I, 0); // y >= 0: truncation rounds
    FloatVector e = expReduced(y.add(y), n);
    FloatVector t = e.sub(1f).div(e.add(1f));
    return t.blend(t.neg(), u.lt(0f));
  }

  private static final float LOG2E = (float) (1 / Math.log(2));

  /** e^x for x <= 0, from the same IEEE-only pieces as {@link #tanh(FloatVector)}; below -87 it is 0. */
  static FloatVector exp(FloatVector x) {
    FloatVector y = x.max(-87f);
    // floor(y·log2 e + 0.5), taken on a positive number so that truncation floors.
    IntVector n = ((IntVector) y.mul(LOG2E).add(128.5f).convert(VectorOperators.F2I, 0)).sub(128);
    return expReduced(y, n).blend(0f, x.lt(-87f));
  }

  /** 2^n · e^(x - n ln 2), the reduced argument's exponential by its Taylor series. */
  private static FloatVector expReduced(FloatVector x, IntVector n) {
    FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
    FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), x);
    r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(S, EXP_TAYLOR[0]);
    for (int k = 1; k < EXP_TAYLOR.length; k++) p = p.fma(r, FloatVector.broadcast(S, EXP_TAYLOR[k]));
    FloatVector scale = (FloatVector) n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scale);
  }

  static float tanh(float u) {
    float y = Math.min(Math.abs(u), 9f);
    int n = (int) (y * TWO_OVER_LN2 + 0.5f);
    float nf = n;
    float r = Math.fma(nf, -LN2_HI, y + y);
    r = Math.fma(nf, -LN2_LO, r);
    float p = EXP_TAYLOR[0];
    for (int k = 1; k < EXP_TAYLOR.length; k++) p = Math.fma(p, r, EXP_TAYLOR[k]);
    float e = p * Float.intBitsToFloat((n + 127) << 23);
    float t = (e - 1f) / (e + 1f);
    return u < 0f ? -t : t;
  }
}
