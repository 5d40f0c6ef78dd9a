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
   * Packs panels {@code [p0, p1)} of {@code width} columns each (panel {@code p} covers columns
   * {@code [p·width, (p + 1)·width)}) for weight rows {@code [k0, k0 + kc)}: panel {@code p} lands at
   * {@code dst[dstOff + (p - p0)·panelStride]} as {@code kc} rows of {@code width} floats; columns past the
   * matrix's edge are zero.
   *
   * <p>It walks the weights row by row, reading each row's span of the panels in one pass: going down one
   * panel at a time instead reads 64 bytes per row with a row stride of kilobytes, which touches a new page
   * on almost every load and measured several times slower on GPT-2 small's shapes.
   */
  void pack(int k0, int kc, int p0, int p1, int width, float[] dst, int dstOff, int panelStride) {
    int full = Math.min(p1, cols / width); // panels that lie wholly inside the matrix
    boolean vectors = f32 && width % S.length() == 0;
    for (int k = 0; k < kc; k++) {
      long row = (long) (k0 + k) * cols;
      int d = dstOff + k * width;
      for (int p = p0; p < p1; p++, d += panelStride) {
        int j0 = p * width;
        if (p < full && vectors) {
          long base = (row + j0) * 4;
          for (int v = 0; v < width; v += S.length()) {
            FloatVector.fromMemorySegment(S, data, base + 4L * v, ByteOrder.LITTLE_ENDIAN).intoArray(dst, d + v);
          }
        } else {
          int valid = Math.max(0, Math.min(width, cols - j0));
          tensor.copy(row + j0, dst, d, valid);
          for (int j = valid; j < width; j++) dst[d + j] = 0f;
        }
      }
    }
  }

  /** Copies row {@code r} into {@code dst[off..off + cols)}. */
  void row(int r, float[] dst, int off) {
    tensor.copy((long) r * cols, dst, off, cols);
  }
}
