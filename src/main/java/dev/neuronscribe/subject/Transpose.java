package dev.neuronscribe.subject;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Out-of-place transposes of float blocks, for {@link Gemm}'s Linear path, which turns the batch around on the
 * way in and the output on the way out. Element by element, a transpose writes each destination row a float at a
 * time with a stride of kilobytes: at a 128-token prompt that cost a fifth to a third of the whole matmul. Here
 * square tiles of {@code L × L} floats (one vector per row) are turned in registers with two-table permutes
 * ({@code log2 L} rounds of pairwise interleaves), so reads and writes are whole vectors.
 */
final class Transpose {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /**
   * Round {@code r} (of {@code log2 L}) pairs rows {@code span = L >> (r + 1)} apart; its two index vectors pick, from
   * the concatenation (lower row, upper row), the lanes the lower row keeps ({@code LOW}) and the upper row's
   * ({@code HIGH}). Fields rather than an array, so that the compiler treats them as constants.
   */
  private static final FloatVector LOW0 = indexes(0, false), HIGH0 = indexes(0, true);
  private static final FloatVector LOW1 = indexes(1, false), HIGH1 = indexes(1, true);
  private static final FloatVector LOW2 = indexes(2, false), HIGH2 = indexes(2, true);
  private static final FloatVector LOW3 = indexes(3, false), HIGH3 = indexes(3, true);

  private static FloatVector indexes(int round, boolean upper) {
    int span = Math.max(1, L >> (round + 1));
    float[] lanes = new float[L];
    for (int l = 0; l < L; l++) {
      boolean first = (l & span) == 0;
      lanes[l] = upper ? (first ? l + span : L + l) : (first ? l : L + l - span);
    }
    return FloatVector.fromArray(S, lanes, 0);
  }

  private Transpose() {}

  /**
   * {@code dst[dOff + j·dStride + i] = src[sOff + i·sStride + j]} for {@code i < rows}, {@code j < cols}: the values
   * are moved, never changed.
   */
  static void copy(float[] src, int sOff, int sStride, float[] dst, int dOff, int dStride, int rows, int cols) {
    int i = 0;
    if (L == 16) { // written out for AVX-512's 16 lanes (locals, not an array, so that the vectors stay in registers)
      for (; i + L <= rows; i += L) {
        int j = 0;
        for (; j + L <= cols; j += L) tile16(src, sOff + i * sStride + j, sStride, dst, dOff + j * dStride + i, dStride);
        scalar(src, sOff + i * sStride + j, sStride, dst, dOff + j * dStride + i, dStride, L, cols - j);
      }
    }
    scalar(src, sOff + i * sStride, sStride, dst, dOff + i, dStride, rows - i, cols);
  }

  /** One 16 × 16 tile: sixteen rows in registers, four rounds of sixteen permutes, sixteen rows out. */
  private static void tile16(float[] src, int s, int sStride, float[] dst, int d, int dStride) {
    FloatVector v0 = FloatVector.fromArray(S, src, s + 0 * sStride);
    FloatVector v1 = FloatVector.fromArray(S, src, s + 1 * sStride);
    FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * sStride);
    FloatVector v3 = FloatVector.fromArray(S, src, s + 3 * sStride);
    FloatVector v4 = FloatVector.fromArray(S, src, s + 4 * sStride);
    FloatVector v5 = FloatVector.fromArray(S, src, s + 5 * sStride);
    FloatVector v6 = FloatVector.fromArray(S, src, s + 6 * sStride);
    FloatVector v7 = FloatVector.fromArray(S, src, s + 7 * sStride);
    FloatVector v8 = FloatVector.fromArray(S, src, s + 8 * sStride);
    FloatVector v9 = FloatVector.fromArray(S, src, s + 9 * sStride);
    FloatVector v10 = FloatVector.fromArray(S, src, s + 10 * sStride);
    FloatVector v11 = FloatVector.fromArray(S, src, s + 11 * sStride);
    FloatVector v12 = FloatVector.fromArray(S, src, s + 12 * sStride);
    FloatVector v13 = FloatVector.fromArray(S, src, s + 13 * sStride);
    FloatVector v14 = FloatVector.fromArray(S, src, s + 14 * sStride);
    FloatVector v15 = FloatVector.fromArray(S, src, s + 15 * sStride);
    FloatVector lo, hi;
    lo = LOW0.selectFrom(v0, v8);
    hi = HIGH0.selectFrom(v0, v8);
    v0 = lo;
    v8 = hi;
    lo = LOW0.selectFrom(v1, v9);
    hi = HIGH0.selectFrom(v1, v9);
    v1 = lo;
    v9 = hi;
    lo = LOW0.selectFrom(v2, v10);
    hi = HIGH0.selectFrom(v2, v10);
    v2 = lo;
    v10 = hi;
    lo = LOW0.selectFrom(v3, v11);
    hi = HIGH0.selectFrom(v3, v11);
    v3 = lo;
    v11 = hi;
    lo = LOW0.selectFrom(v4, v12);
    hi = HIGH0.selectFrom(v4, v12);
    v4 = lo;
    v12 = hi;
    lo = LOW0.selectFrom(v5, v13);
    hi = HIGH0.selectFrom(v5, v13);
    v5 = lo;
    v13 = hi;
    lo = LOW0.selectFrom(v6, v14);
    hi = HIGH0.selectFrom(v6, v14);
    v6 = lo;
    v14 = hi;
    lo = LOW0.selectFrom(v7, v15);
    hi = HIGH0.selectFrom(v7, v15);
    v7 = lo;
    v15 = hi;
    lo = LOW1.selectFrom(v0, v4);
    hi = HIGH1.selectFrom(v0, v4);
    v0 = lo;
    v4 = hi;
    lo = LOW1.selectFrom(v1, v5);
    hi = HIGH1.selectFrom(v1, v5);
    v1 = lo;
    v5 = hi;
    lo = LOW1.selectFrom(v2, v6);
    hi = HIGH1.selectFrom(v2, v6);
    v2 = lo;
    v6 = hi;
    lo = LOW1.selectFrom(v3, v7);
    hi = HIGH1.selectFrom(v3, v7);
    v3 = lo;
    v7 = hi;
    lo = LOW1.selectFrom(v8, v12);
    hi = HIGH1.selectFrom(v8, v12);
    v8 = lo;
    v12 = hi;
    lo = LOW1.selectFrom(v9, v13);
    hi = HIGH1.selectFrom(v9, v13);
    v9 = lo;
    v13 = hi;
    lo = LOW1.selectFrom(v10, v14);
    hi = HIGH1.selectFrom(v10, v14);
    v10 = lo;
    v14 = hi;
    lo = LOW1.selectFrom(v11, v15);
    hi = HIGH1.selectFrom(v11, v15);
    v11 = lo;
    v15 = hi;
    lo = LOW2.selectFrom(v0, v2);
    hi = HIGH2.selectFrom(v0, v2);
    v0 = lo;
    v2 = hi;
    lo = LOW2.selectFrom(v1, v3);
    hi = HIGH2.selectFrom(v1, v3);
    v1 = lo;
    v3 = hi;
    lo = LOW2.selectFrom(v4, v6);
    hi = HIGH2.selectFrom(v4, v6);
    v4 = lo;
    v6 = hi;
    lo = LOW2.selectFrom(v5, v7);
    hi = HIGH2.selectFrom(v5, v7);
    v5 = lo;
    v7 = hi;
    lo = LOW2.selectFrom(v8, v10);
    hi = HIGH2.selectFrom(v8, v10);
    v8 = lo;
    v10 = hi;
    lo = LOW2.selectFrom(v9, v11);
    hi = HIGH2.selectFrom(v9, v11);
    v9 = lo;
    v11 = hi;
    lo = LOW2.selectFrom(v12, v14);
    hi = HIGH2.selectFrom(v12, v14);
    v12 = lo;
    v14 = hi;
    lo = LOW2.selectFrom(v13, v15);
    hi = HIGH2.selectFrom(v13, v15);
    v13 = lo;
    v15 = hi;
    lo = LOW3.selectFrom(v0, v1);
    hi = HIGH3.selectFrom(v0, v1);
    v0 = lo;
    v1 = hi;
    lo = LOW3.selectFrom(v2, v3);
    hi = HIGH3.selectFrom(v2, v3);
    v2 = lo;
    v3 = hi;
    lo = LOW3.selectFrom(v4, v5);
    hi = HIGH3.selectFrom(v4, v5);
    v4 = lo;
    v5 = hi;
    lo = LOW3.selectFrom(v6, v7);
    hi = HIGH3.selectFrom(v6, v7);
    v6 = lo;
    v7 = hi;
    lo = LOW3.selectFrom(v8, v9);
    hi = HIGH3.selectFrom(v8, v9);
    v8 = lo;
    v9 = hi;
    lo = LOW3.selectFrom(v10, v11);
    hi = HIGH3.selectFrom(v10, v11);
    v10 = lo;
    v11 = hi;
    lo = LOW3.selectFrom(v12, v13);
    hi = HIGH3.selectFrom(v12, v13);
    v12 = lo;
    v13 = hi;
    lo = LOW3.selectFrom(v14, v15);
    hi = HIGH3.selectFrom(v14, v15);
    v14 = lo;
    v15 = hi;
    v0.intoArray(dst, d + 0 * dStride);
    v1.intoArray(dst, d + 1 * dStride);
    v2.intoArray(dst, d + 2 * dStride);
    v3.intoArray(dst, d + 3 * dStride);
    v4.intoArray(dst, d + 4 * dStride);
    v5.intoArray(dst, d + 5 * dStride);
    v6.intoArray(dst, d + 6 * dStride);
    v7.intoArray(dst, d + 7 * dStride);
    v8.intoArray(dst, d + 8 * dStride);
    v9.intoArray(dst, d + 9 * dStride);
    v10.intoArray(dst, d + 10 * dStride);
    v11.intoArray(dst, d + 11 * dStride);
    v12.intoArray(dst, d + 12 * dStride);
    v13.intoArray(dst, d + 13 * dStride);
    v14.intoArray(dst, d + 14 * dStride);
    v15.intoArray(dst, d + 15 * dStride);
  }

  private static void scalar(float[] src, int s, int sStride, float[] dst, int d, int dStride, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) dst[d + j * dStride + i] = src[s + i * sStride + j];
    }
  }
}
