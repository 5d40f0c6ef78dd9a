package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A forward pass's values must not depend on how many sequences share its batch. A short batch of a wide model
 * takes Gemm's Linear path (shared transposes, the gated MLP kept as panels, the neurons copied out for the hook),
 * a long one the panel path: every MLP neuron and residual value of a sequence must be equal bit for bit.
 */
class BatchPathsTest {
  @TempDir Path work;

  @ParameterizedTest
  @CsvSource({"llama, F32", "gemma2, BF16", "qwen2, F32"})
  void aSequencesValuesAreTheSameAloneAndInALongBatch(String architecture, String dtype) {
    var spec = new RandomCheckpoints.Spec(architecture, 2, 256, 4, 2, 512, 300, DType.valueOf(dtype));
    RandomCheckpoints.write(work, spec, 11);
    int length = 48, sequences = 24;
    try (Model model = Models.load(work)) {
      // A gate projection's shape ([mlp, width] as stored), to ask which path each batch takes.
      Matrix gate = Matrix.linear(new Safetensors.Tensor("gate", DType.F32, new long[] {512, 256}, java.lang.foreign.MemorySegment.ofArray(new byte[512 * 256 * 4])));
      assertThat(Gemm.linearPath(length, gate, gate)).as("one sequence takes the Linear path").isTrue();
      assertThat(Gemm.linearPath(sequences * length, gate, gate)).as("the whole batch takes the panel path").isFalse();
      int[] tokens = new int[sequences * length];
      Random r = new Random(3);
      for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(300);
      float[][] batched = values(model, tokens, sequences, length);
      for (int s : new int[] {0, 7, sequences - 1}) {
        float[][] alone = values(model, Arrays.copyOfRange(tokens, s * length, (s + 1) * length), 1, length);
        for (int p = 0; p < alone.length; p++) {
          int width = alone[p].length / length;
          assertThat(Arrays.copyOfRange(batched[p], s * length * width, (s + 1) * length * width)).as("sequence %d, value set %d", s, p).containsExactly(alone[p]);
        }
      }
    }
  }

  /** Each layer's MLP neurons and residual stream after the block, for every row. */
  private static float[][] values(Model model, int[] tokens, int sequences, int length) {
    int layers = model.shape().layers();
    float[][] out = new float[2 * layers][];
    Model.Pass pass = model.newPass(sequences * length);
    pass.forward(tokens, sequences, length, layers - 1, new Model.Hook() {
      @Override
      public boolean wants(int layer, HookPoint point) {
        return point == HookPoint.MLP_ACT || point == HookPoint.RESID_POST;
      }

      @Override
      public void accept(int layer, HookPoint point, float[] values, int rows) {
        int width = point == HookPoint.MLP_ACT ? model.shape().mlpWidth() : model.shape().width();
        out[2 * layer + (point == HookPoint.MLP_ACT ? 0 : 1)] = Arrays.copyOf(values, rows * width);
      }
    });
    return out;
  }
}
