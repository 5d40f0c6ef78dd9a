package dev.neuronscribe.subject;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix of {@code rows × cols} floats, row-major, read in place from the mapped checkpoint.
 * GPT-2 stores its projections as {@code [in, out]} (Conv1D), so a row is one input feature's weights for
 * every output. The matmul never reads this directly: it packs panels of it into a small buffer, converting
 * F16 and BF16 to float32 on the way, which is also where the weights' storage type stops mattering.
 */
final class Matrix {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  final int rows;
  final int cols;
  private final Safetensors.Tensor tensor;
  private final MemorySegment data;
  private final boolean f32;

  Matrix(Safetensors.Tensor tensor) {
    this.tensor = tensor;
    this.rows = (int) tensor.shape()[0];
    this.cols = (int) tensor.shape()[1];
    this.data = tensor.data();
    this.f32 = tensor.dtype() == DType.F32;
  }

  /**
   * Copies the block {@code [k0, k0 + kc) × [j0, j0 + width)} into {@code dst} as {@code kc} rows of
   * {@code width} floats; columns past the matrix's edge are zero.
   */
  void pack(int k0, int kc, int j0, int width, float[] dst) {
    int valid = Math.min(width, cols - j0);
    if (f32 && valid == width && width % S.length() == 0) {
      for (int k = 0; k < kc; k++) {
        long base = ((long) (k0 + k) * cols + j0) * 4;
        int d = k * width;
        for (int v = 0; v < width; v += S.length()) {
          FloatVector.fromMemorySegment(S, data, base + 4L * v, ByteOrder.LITTLE_ENDIAN).intoArray(dst, d + v);
        }
      }
      return;
    }
    for (int k = 0; k < kc; k++) {
      long base = (long) (k0 + k) * cols + j0;
      int d = k * width;
      tensor.copy(base, dst, d, valid);
      for (int j = valid; j < width; j++) dst[d + j] = 0f;
    }
  }

  /** Copies row {@code r} into {@code dst[off..off + cols)}. */
  void row(int r, float[] dst, int off) {
    tensor.copy((long) r * cols, dst, off, cols);
  }
}
