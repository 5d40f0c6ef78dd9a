package dev.neuronscribe.subject;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
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
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  /** As many 16-bit lanes as {@link #S} has floats (a 256-bit vector under AVX-512). */
  private static final VectorSpecies<Short> HALVES = VectorSpecies.of(short.class, VectorShape.forBitSize(S.length() * 16));
  /** As many byte lanes as {@link #S} has floats. */
  private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * 8));

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
    if (width % S.length() != 0) {
      packTransposedByElement(k0, kc, p0, p1, width, dst, dstOff, panelStride);
      return;
    }
    // A panel's columns are read whole into runs (converted a vector at a time), then each packed row of the panel
    // is gathered from them a vector at a time: the transpose costs a gather per vector instead of a store per float.
    float[] runs = new float[width * kc];
    int[] stride = new int[S.length()];
    for (int v = 0; v < stride.length; v++) stride[v] = v * kc;
    for (int p = p0; p < p1; p++) {
      int d = dstOff + (p - p0) * panelStride;
      for (int j = 0; j < width; j++) {
        int col = p * width + j;
        if (col < cols) {
          tensor.copy((long) col * rows + k0, runs, j * kc, kc);
        } else {
          java.util.Arrays.fill(runs, j * kc, (j + 1) * kc, 0f);
        }
      }
      for (int k = 0; k < kc; k++) {
        for (int v = 0; v < width; v += S.length()) FloatVector.fromArray(S, runs, v * kc + k, stride, 0).intoArray(dst, d + k * width + v);
      }
    }
  }

  /**
   * Widens rows {@code [o0, o1)} of a Linear weight's {@code [out, in]} storage, inputs {@code [k0, k0 + kc)} of
   * each, into {@code dst[dstOff + (o - o0)·kc ..]}: one straight run per output, no transpose.
   */
  void rowsOfLinear(int o0, int o1, int k0, int kc, float[] dst, int dstOff) {
    if (!transposed) throw new UnsupportedOperationException("only a Linear weight's rows are contiguous in its inputs");
    for (int o = o0; o < o1; o++) tensor.copy((long) o * rows + k0, dst, dstOff + (o - o0) * kc, kc);
  }

  /** {@link #packTransposed} one float at a time (panels narrower than a vector). */
  private void packTransposedByElement(int k0, int kc, int p0, int p1, int width, float[] dst, int dstOff, int panelStride) {
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

  /** Whether {@link #dot} can read a column in one run: a Linear weight's {@code [out, in]} storage. */
  boolean columnsContiguous() {
    return transposed;
  }

  /**
   * {@code Σ_k a[aOff + k] · W[k][col]} straight from the mapped weights (F32, BF16, F16 or Q8_0 as stored), for a
   * single row of A: a generated token's matmul reads every weight once, so it runs at the speed of memory and
   * packing would only add a pass. Only for {@link #columnsContiguous} matrices. The sum runs lane-wise, then
   * across the lanes: not the order of {@link Gemm}'s micro-kernels, so it agrees with them to float rounding.
   */
  float dot(int col, float[] a, int aOff) {
    long first = (long) col * rows;
    int L = S.length(), n = rows, k = 0;
    FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
    float tail = 0;
    switch (tensor.dtype()) {
      case F32 -> {
        long base = first * 4;
        for (; k + 2 * L <= n; k += 2 * L) {
          acc0 = FloatVector.fromMemorySegment(S, data, base + 4L * k, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, a, aOff + k), acc0);
          acc1 = FloatVector.fromMemorySegment(S, data, base + 4L * (k + L), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, a, aOff + k + L), acc1);
        }
      }
      case BF16 -> {
        long base = first * 2;
        for (; k + 2 * L <= n; k += 2 * L) {
          acc0 = bf16(base + 2L * k).fma(FloatVector.fromArray(S, a, aOff + k), acc0);
          acc1 = bf16(base + 2L * (k + L)).fma(FloatVector.fromArray(S, a, aOff + k + L), acc1);
        }
      }
      case Q8_0 -> {
        // Blocks of 32: the block's int8 weights times A in float lanes, then times the block's scale.
        if (Q8_0.BLOCK % L == 0) {
          // Two blocks per step into two sums: a block's few FMAs would otherwise wait on the previous block's.
          long block = Q8_0.bytes(first);
          for (; k + 2 * Q8_0.BLOCK <= n; k += 2 * Q8_0.BLOCK, block += 2 * Q8_0.BLOCK_BYTES) {
            acc0 = q8Block(block, a, aOff + k).fma(q8Scale(block), acc0);
            acc1 = q8Block(block + Q8_0.BLOCK_BYTES, a, aOff + k + Q8_0.BLOCK).fma(q8Scale(block + Q8_0.BLOCK_BYTES), acc1);
          }
          if (k + Q8_0.BLOCK <= n) {
            acc0 = q8Block(block, a, aOff + k).fma(q8Scale(block), acc0);
            k += Q8_0.BLOCK;
          }
        }
      }
      default -> { } // F16: element by element below
    }
    for (; k < n; k++) tail = Math.fma(a[aOff + k], tensor.get(first + k), tail);
    return sumLanes(acc0.add(acc1)) + tail;
  }

  private FloatVector q8Scale(long block) {
    return FloatVector.broadcast(S, Float.float16ToFloat(data.get(Safetensors.I16_LE, block)));
  }

  /** Shuffles pairing lane i with lane i ^ span, for the folds of {@link #sumLanes} (null past the vector's width). */
  private static final VectorShuffle<Float> FOLD8 = fold(8), FOLD4 = fold(4), FOLD2 = fold(2), FOLD1 = fold(1);

  private static VectorShuffle<Float> fold(int span) {
    return span < S.length() ? VectorShuffle.fromOp(S, i -> i ^ span) : null;
  }

  /**
   * The lanes' sum by halving folds in a fixed order. Not {@code reduceLanes(ADD)}: its order is unspecified and
   * differs between the JIT's intrinsic and the interpreter, so the same request gave logits that differed in the
   * last bits depending on how warm the JVM was.
   */
  static float sumLanes(FloatVector v) {
    if (S.length() > 16) return Ops.lanes(v);
    if (FOLD8 != null) v = v.add(v.rearrange(FOLD8));
    if (FOLD4 != null) v = v.add(v.rearrange(FOLD4));
    if (FOLD2 != null) v = v.add(v.rearrange(FOLD2));
    if (FOLD1 != null) v = v.add(v.rearrange(FOLD1));
    return v.lane(0);
  }

  /** One Q8_0 block's 32 int8 weights times {@code a[aOff..aOff + 32)}, lane-wise, before its scale. */
  private FloatVector q8Block(long block, float[] a, int aOff) {
    FloatVector sum = FloatVector.zero(S);
    for (int v = 0; v < Q8_0.BLOCK; v += S.length()) {
      FloatVector q = (FloatVector) ByteVector.fromMemorySegment(BYTES, data, block + 2 + v, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2F, S, 0);
      sum = q.fma(FloatVector.fromArray(S, a, aOff + v), sum);
    }
    return sum;
  }

  /** {@link S}'s worth of BF16 weights from byte {@code offset}, widened to float32 (a BF16 is a float's top half). */
  private FloatVector bf16(long offset) {
    ShortVector h = ShortVector.fromMemorySegment(HALVES, data, offset, ByteOrder.LITTLE_ENDIAN);
    return ((IntVector) h.convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  /** Copies row {@code r} into {@code dst[off..off + cols)}. */
  void row(int r, float[] dst, int off) {
    if (transposed) throw new UnsupportedOperationException("rows of a Linear weight are not contiguous");
    tensor.copy((long) r * cols, dst, off, cols);
  }
}
