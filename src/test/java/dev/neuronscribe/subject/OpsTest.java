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
}
