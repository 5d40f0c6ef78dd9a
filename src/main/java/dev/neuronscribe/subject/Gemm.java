package dev.neuronscribe.subject;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = A·W + bias} (or {@code C += A·W + bias}) for a batch of rows A against a weight matrix W: the
 * loop that takes almost all of the recorder's time.
 *
 * <p>Blocked the way BLAS libraries block it. The columns of W are split into a few groups per core; a
 * group's panels of {@link #NR} columns are packed (converted to float32) {@link #KC} rows at a time, then
 * swept by blocks of {@link #MC} rows of A, so that a block of A stays in L2 while every panel passes it
 * and a panel's rows stream from cache. The micro-kernel holds a 6 × 2-vector tile of C in registers (12
 * accumulators, 2 weight vectors and one broadcast: 15 of AVX2's 16 registers) and does 12 FMAs per 8
 * loads. (A 4 × 3 tile needs all 16 registers and spills; packing A as well, or unrolling the k loop,
 * measured slower: the JIT then spills accumulators. With AVX-512 the vectors are 16 floats and there are
 * 32 registers, but taller tiles, 8 to 14 rows, measured at best a few percent faster than this one.)
 * Packed panels start on a cache line ({@link HeapAlignment}); otherwise one weight load in two straddles
 * two lines and the kernel runs at about half speed. Each element of C is summed by one thread in a fixed
 * order, so results depend neither on the number of threads nor on how many rows the batch has.
 */
final class Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  static final int NR = 2 * L;
  static final int MR = 6;
  static final int KC = 768;
  static final int MC = 96;
  /** Column groups per core: enough for the cores to finish together, few enough to keep packs large. */
  private static final int GROUPS_PER_CORE = 4;

  private Gemm() {}

  /**
   * @param a {@code m × w.rows}, row-major
   * @param c {@code m × w.cols}, row-major; overwritten, or added to when {@code accumulate}
   */
  static void multiply(float[] a, int m, Matrix w, float[] bias, float[] c, boolean accumulate) {
    multiply(a, m, w, bias, c, accumulate, new Scratch());
  }

  /** Packing buffers kept from one call to the next (a batch runs dozens of matmuls): one per column group. */
  static final class Scratch {
    private final float[][] packs = new float[GROUPS_PER_CORE * Runtime.getRuntime().availableProcessors()][];

    /** Group {@code g}'s buffer; each group is packed by exactly one task of a call. */
    float[] pack(int g, int size) {
      // Room to start the panels on a cache line, wherever the array lands (see HeapAlignment).
      int padded = size + HeapAlignment.LINE_BYTES / Float.BYTES;
      if (packs[g] == null || packs[g].length < padded) packs[g] = new float[padded];
      return packs[g];
    }
  }

  static void multiply(float[] a, int m, Matrix w, float[] bias, float[] c, boolean accumulate, Scratch scratch) {
    int k = w.rows, n = w.cols;
    for (int i = 0; i < m; i++) {
      int row = i * n;
      if (accumulate) {
        for (int j = 0; j < n; j++) c[row + j] += bias[j];
      } else {
        System.arraycopy(bias, 0, c, row, n);
      }
    }
    int panels = (n + NR - 1) / NR;
    int groups = Math.min(panels, GROUPS_PER_CORE * Runtime.getRuntime().availableProcessors());
    Parallel.forEach(groups, g -> {
      int p0 = (int) ((long) g * panels / groups), p1 = (int) ((long) (g + 1) * panels / groups);
      float[] pack = scratch.pack(g, (p1 - p0) * KC * NR);
      int start = HeapAlignment.floatsToLine(pack);
      for (int k0 = 0; k0 < k; k0 += KC) {
        int kc = Math.min(KC, k - k0);
        w.pack(k0, kc, p0, p1, NR, pack, start, KC * NR);
        for (int i0 = 0; i0 < m; i0 += MC) {
          int i1 = Math.min(m, i0 + MC);
          for (int p = p0; p < p1; p++) {
            int j0 = p * NR, b = start + (p - p0) * KC * NR;
            if (j0 + NR <= n) {
              int i = i0;
              for (; i + MR <= i1; i += MR) kernel6(a, i * k + k0, k, pack, b, kc, c, i * n + j0, n);
              // Rows left over: one row alone is a chain of dependent FMAs, eight times slower per FLOP.
              for (; i + 4 <= i1; i += 4) kernel4(a, i * k + k0, k, pack, b, kc, c, i * n + j0, n);
              for (; i < i1; i++) kernel1(a, i * k + k0, pack, b, kc, c, i * n + j0);
            } else {
              edge(a, i0, i1, k, k0, pack, b, kc, c, n, j0, n - j0);
            }
          }
        }
      }
    });
  }

  private static void kernel6(float[] a, int aOff, int lda, float[] b, int bOff, int kc, float[] c, int cOff, int ldc) {
    int c0 = cOff, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
    FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L);
    FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
    FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
    FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
    FloatVector s40 = FloatVector.fromArray(S, c, c4), s41 = FloatVector.fromArray(S, c, c4 + L);
    FloatVector s50 = FloatVector.fromArray(S, c, c5), s51 = FloatVector.fromArray(S, c, c5 + L);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
    for (int k = 0; k < kc; k++) {
      int bo = bOff + k * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      x = FloatVector.broadcast(S, a[a1 + k]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      x = FloatVector.broadcast(S, a[a2 + k]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      x = FloatVector.broadcast(S, a[a3 + k]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
      x = FloatVector.broadcast(S, a[a4 + k]);
      s40 = x.fma(b0, s40);
      s41 = x.fma(b1, s41);
      x = FloatVector.broadcast(S, a[a5 + k]);
      s50 = x.fma(b0, s50);
      s51 = x.fma(b1, s51);
    }
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
    s40.intoArray(c, c4);
    s41.intoArray(c, c4 + L);
    s50.intoArray(c, c5);
    s51.intoArray(c, c5 + L);
  }

  /** Four rows: the tail of a block; the same sums in the same order as {@link #kernel6}. */
  private static void kernel4(float[] a, int aOff, int lda, float[] b, int bOff, int kc, float[] c, int cOff, int ldc) {
    int c0 = cOff, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L);
    FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
    FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
    FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
    int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    for (int k = 0; k < kc; k++) {
      int bo = bOff + k * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      x = FloatVector.broadcast(S, a[a1 + k]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      x = FloatVector.broadcast(S, a[a2 + k]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      x = FloatVector.broadcast(S, a[a3 + k]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
    }
    s00.intoArray(c, c0);
    s01.intoArray(c, c0 + L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
  }

  /** One row: the same sums in the same order as {@link #kernel6}, so a row's result never depends on the batch. */
  private static void kernel1(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff) {
    FloatVector s0 = FloatVector.fromArray(S, c, cOff), s1 = FloatVector.fromArray(S, c, cOff + L);
    for (int k = 0; k < kc; k++) {
      FloatVector x = FloatVector.broadcast(S, a[aOff + k]);
      s0 = x.fma(FloatVector.fromArray(S, b, bOff + k * NR), s0);
      s1 = x.fma(FloatVector.fromArray(S, b, bOff + k * NR + L), s1);
    }
    s0.intoArray(c, cOff);
    s1.intoArray(c, cOff + L);
  }

  /** The last, narrower panel (only when the width is not a multiple of {@link #NR}). */
  private static void edge(float[] a, int i0, int i1, int lda, int k0, float[] b, int bOff, int kc, float[] c, int ldc, int j0, int valid) {
    for (int i = i0; i < i1; i++) {
      int aOff = i * lda + k0, cOff = i * ldc + j0;
      for (int j = 0; j < valid; j++) {
        float s = c[cOff + j];
        for (int k = 0; k < kc; k++) s = Math.fma(a[aOff + k], b[bOff + k * NR + j], s);
        c[cOff + j] = s;
      }
    }
  }
}
