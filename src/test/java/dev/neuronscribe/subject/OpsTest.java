package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class OpsTest {
  private static final int L = FloatVector.SPECIES_PREFERRED.length();

  @Test
  void tanhIsAccurateAndTheVectorAndScalarFormsAgreeBitForBit() {
    float[] xs = new float[200_000];
    for (int i = 0; i < xs.length; i++) xs[i] = -12f + 24f * i / xs.length;
    xs[0] = 0f;
    xs[1] = -0f;
    xs[2] = 1e-30f;
    float[] vector = new float[L];
    for (int i = 0; i + L <= xs.length; i += L) {
      Ops.tanh(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, xs, i)).intoArray(vector, 0);
      for (int k = 0; k < L; k++) {
        float x = xs[i + k], s = Ops.tanh(x);
        assertThat(Float.floatToIntBits(vector[k])).as("x = %s", x).isEqualTo(Float.floatToIntBits(s));
        assertThat((double) s).as("x = %s", x).isCloseTo(Math.tanh(x), within(2.5e-7));
      }
    }
  }

  @Test
  void expIsAccurateForTheSoftmaxRange() {
    float[] xs = new float[100_000];
    for (int i = 0; i < xs.length; i++) xs[i] = -100f * i / xs.length;
    float[] out = new float[L];
    for (int i = 0; i + L <= xs.length; i += L) {
      Ops.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, xs, i)).intoArray(out, 0);
      for (int k = 0; k < L; k++) {
        double expected = Math.exp(xs[i + k]);
        if (xs[i + k] < -87f) assertThat(out[k]).isZero();
        else assertThat((double) out[k]).as("x = %s", xs[i + k]).isCloseTo(expected, within(expected * 4e-7));
      }
    }
  }

  @Test
  void geluGivesTheSameBitsWhicheverPathAnElementTakes() {
    // Elements in a vector and in the scalar tail must come out identical.
    float[] a = new float[4 * L + 3];
    for (int i = 0; i < a.length; i++) a[i] = (i % 7 - 3) * 0.731f;
    float[] b = a.clone();
    Ops.gelu(a, a.length);
    for (int i = 0; i < b.length; i++) {
      float[] one = {b[i]};
      Ops.gelu(one, 1);
      assertThat(Float.floatToIntBits(a[i])).isEqualTo(Float.floatToIntBits(one[0]));
      double x = b[i];
      assertThat((double) a[i]).isCloseTo(0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))), within(1e-6));
    }
  }

  /**
   * Causal attention against a plain double-precision softmax, at GPT-2 small's head size (64) so that the
   * four-at-a-time sums over keys and value features both run, on a full and on a ragged sequence length.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {64, 37, 5})
  void attentionMatchesTheTextbookFormula(int length) {
    Gpt2Config c = Gpt2Config.gpt2(1, 128, 2);
    int e = c.width(), d = c.headSize(), sequences = 2, stride = 3 * e;
    java.util.Random r = new java.util.Random(length);
    float[] qkv = new float[sequences * length * stride];
    for (int i = 0; i < qkv.length; i++) qkv[i] = (float) r.nextGaussian();
    float[] out = new float[sequences * length * e];
    Ops.attention(qkv, sequences, length, c, 0, out);
    for (int b = 0; b < sequences; b++) {
      for (int h = 0; h < c.heads(); h++) {
        for (int t = 0; t < length; t++) {
          double[] w = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY, total = 0;
          for (int s = 0; s <= t; s++) {
            double dot = 0;
            for (int i = 0; i < d; i++) dot += qkv[(b * length + t) * stride + h * d + i] * (double) qkv[(b * length + s) * stride + e + h * d + i];
            w[s] = dot / Math.sqrt(d);
            max = Math.max(max, w[s]);
          }
          for (int s = 0; s <= t; s++) total += w[s] = Math.exp(w[s] - max);
          for (int i = 0; i < d; i++) {
            double y = 0;
            for (int s = 0; s <= t; s++) y += w[s] / total * qkv[(b * length + s) * stride + 2 * e + h * d + i];
            assertThat((double) out[(b * length + t) * e + h * d + i]).as("sequence %d head %d token %d feature %d", b, h, t, i)
                .isCloseTo(y, within(2e-5));
          }
        }
      }
    }
  }

  /**
   * Grouped-query attention of queries that follow keys already held (a KV cache), against a double-precision
   * softmax: head size 64 and up to 100 keys, so that the four-at-a-time score and value sums run with their
   * remainders; with a sliding window and Gemma 2's soft-cap too.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"100, 40, 0, 0", "70, 70, 0, 0", "100, 33, 50, 30"})
  void cachedGroupedAttentionMatchesTheTextbookFormula(int keys, int queries, int window, float softcap) {
    int heads = 4, kvHeads = 2, d = 64, qs = heads * d, ks = kvHeads * d;
    float scale = 0.125f;
    java.util.Random r = new java.util.Random(keys * 7L + queries);
    float[] q = new float[queries * qs], k = new float[keys * ks], v = new float[keys * ks], out = new float[queries * qs];
    for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
    for (int i = 0; i < k.length; i++) k[i] = (float) r.nextGaussian();
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    Ops.attention(q, k, v, 1, queries, keys, keys, heads, kvHeads, d, scale, softcap, window, out);
    for (int h = 0; h < heads; h++) {
      int kh = h / (heads / kvHeads);
      for (int t = 0; t < queries; t++) {
        int pos = keys - queries + t, first = window > 0 ? Math.max(0, pos - window + 1) : 0;
        double[] w = new double[pos + 1];
        double max = Double.NEGATIVE_INFINITY, total = 0;
        for (int s = first; s <= pos; s++) {
          double dot = 0;
          for (int i = 0; i < d; i++) dot += q[t * qs + h * d + i] * (double) k[s * ks + kh * d + i];
          w[s] = dot * scale;
          if (softcap > 0) w[s] = softcap * Math.tanh(w[s] / softcap);
          max = Math.max(max, w[s]);
        }
        for (int s = first; s <= pos; s++) total += w[s] = Math.exp(w[s] - max);
        for (int i = 0; i < d; i++) {
          double y = 0;
          for (int s = first; s <= pos; s++) y += w[s] / total * v[s * ks + kh * d + i];
          assertThat((double) out[t * qs + h * d + i]).as("head %d query %d feature %d", h, t, i).isCloseTo(y, within(2e-5));
        }
      }
    }
  }
}
