package dev.neuronscribe.subject;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix of {@code rows × cols} floats (rows = inputs, cols = outputs), read in place from the
 * mapped checkpoint. GPT-2 stores its projections as {@code [in, out]} (Conv1D), so a row is one input
 * feature's weights for every output; {@code torch.nn.Linear} stores {@code [out, in]}, the transpose
 * ({@link #linear}), and is packed column by column instead: neither is ever copied whole. The matmul never reads this directly: it packs panels of it into a small buffer, converting
 * F16 and BF16 to float32 on the way, which is also where the weights' storage type stops mattering.
 */
final class Matrix {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  final int rows;
  final int cols;
  private final Safetensors.Tensor tensor;
  private final MemorySegment data;
  private final boolean f32;
  /** Stored {@code [cols, rows]}: a Linear layer's {@code [out, in]}. */
  private final boolean transposed;

  Matrix(Safetensors.Tensor tensor) {
    this(tensor, false);
  }

  private Matrix(Safetensors.Tensor tensor, boolean transposed) {
    this.tensor = tensor;
    this.transposed = transposed;
    this.rows = (int) tensor.shape()[transposed ? 1 : 0];
    this.cols = (int) tensor.shape()[transposed ? 0 : 1];
    this.data = tensor.data();
    this.f32 = tensor.dtype() == DType.F32;
  }

  /** A {@code torch.nn.Linear} weight stored {@code [out, in]}, used as the {@code in × out} matrix it multiplies by. */
  static Matrix linear(Safetensors.Tensor tensor) {
    return new Matrix(tensor, true);
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
    if (transposed) {
      packTransposed(k0, kc, p0, p1, width, dst, dstOff, panelStride);
      return;
    }
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

  /**
   * {@link #pack} for {@code [out, in]} storage: each output column's {@code kc} inputs are contiguous, so a
   * column is read in one run (converted to float32 on the way) and spread down its panel.
   */
  private void packTransposed(int k0, int kc, int p0, int p1, int width, float[] dst, int dstOff, int panelStride) {
    float[] run = new float[kc];
    for (int p = p0; p < p1; p++) {
      int d = dstOff + (p - p0) * panelStride;
      for (int j = 0; j < width; j++) {
        int col = p * width + j;
        if (col < cols) {
          tensor.copy((long) col * rows + k0, run, 0, kc);
          for (int k = 0; k < kc; k++) dst[d + k * width + j] = run[k];
        } else {
          for (int k = 0; k < kc; k++) dst[d + k * width + j] = 0f;
        }
      }
    }
  }

  /** Copies row {@code r} into {@code dst[off..off + cols)}. */
  void row(int r, float[] dst, int off) {
    if (transposed) throw new UnsupportedOperationException("rows of a Linear weight are not contiguous");
    tensor.copy((long) r * cols, dst, off, cols);
  }
}
