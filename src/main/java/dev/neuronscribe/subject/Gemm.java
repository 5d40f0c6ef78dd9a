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
 * and a panel's {@code KC × NR} floats stay in L1. The micro-kernel's tile depends on the registers: with
 * AVX-512 (32 registers of 16 floats) it holds 12 × 2 vectors of C (24 accumulators, 2 weight vectors and
 * one broadcast), 24 FMAs per 14 loads; with 16 registers (AVX2, NEON) 6 × 2 vectors, 12 FMAs per 8 loads
 * (a 4 × 3 tile needs all 16 registers and spills). On a 2-core Xeon with AVX-512 the 12-row tile and the
 * smaller KC (a 32 KB panel instead of 96 KB, which had to stream from L2 on every pass) measured 1.4 times
 * the 6-row tile's GFLOP/s per CPU-second. Packing A as well measured slower. Packed panels start on a
 * cache line ({@link HeapAlignment}); otherwise one weight load in two straddles two lines and the kernel
 * runs at about half speed.
 *
 * <p>Each element of C is one chain of FMAs over k in order, started from the bias (or C), whatever the tile,
 * the KC blocking or the thread that runs it: results depend neither on the number of threads, nor on how
 * many rows the batch has, nor on which kernel a row lands in.
 */
final class Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  static final int NR = 2 * L;
  /** Rows of the micro-kernel's tile: 12 where the vector registers are 32 (AVX-512), else 6. */
  static final int MR = L >= 16 ? 12 : 6;
  static final int KC = 256;
  static final int MC = 96;
  /** Column groups per core: enough for the cores to finish together, few enough to keep packs large. */
  private static final int GROUPS_PER_CORE = 4;
  /** Column ranges per core for a lone row: enough to even out the cores, few enough to keep each a long stream. */
  private static final int DOT_TASKS_PER_CORE = 4;
  /**
   * Output rows widened at a time on the Linear path: {@code 240 × KC} floats, 240 KB, stay in L2. A multiple of the
   * 12-row tile, so that no chunk ends in a 4-row tile, which runs at half the speed.
   */
  private static final int LINEAR_CHUNK_ROWS = 240;

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
    /**
     * Whether a lone row may take the dot-product path ({@link Matrix#dot}): a language model's generated tokens.
     * The recorder keeps it off, so that a row's values never depend on how many rows its batch had.
     */
    final boolean dotProducts;

    Scratch() {
      this(false);
    }

    Scratch(boolean dotProducts) {
      this.dotProducts = dotProducts;
    }

    private final float[][] packs = new float[GROUPS_PER_CORE * Runtime.getRuntime().availableProcessors()][];

    private final float[][] transposedOutputs = new float[packs.length][];
    private float[] rowPanels = new float[0];
    private float[] mlpPanels = new float[0];

    /** A gated MLP's gate and up outputs, left as panels of the batch ({@link #gatedMlpUp}), with room to align. */
    float[] mlpPanels(int size) {
      int padded = size + HeapAlignment.LINE_BYTES / Float.BYTES;
      if (mlpPanels.length < padded) mlpPanels = new float[padded];
      return mlpPanels;
    }

    /** The batch transposed into panels of {@link #NR} rows ({@link #multiplyLinear}), with room to align. */
    float[] rowPanels(int size) {
      int padded = size + HeapAlignment.LINE_BYTES / Float.BYTES;
      if (rowPanels.length < padded) rowPanels = new float[padded];
      return rowPanels;
    }

    /** Group {@code g}'s chunk of the output, transposed ({@link #multiplyLinear}). */
    float[] transposedOutput(int g, int size) {
      if (transposedOutputs[g] == null || transposedOutputs[g].length < size) transposedOutputs[g] = new float[size];
      return transposedOutputs[g];
    }

    /** Group {@code g}'s buffer; each group is packed by exactly one task of a call. */
    float[] pack(int g, int size) {
      // Room to start the panels on a cache line, wherever the array lands (see HeapAlignment).
      int padded = size + HeapAlignment.LINE_BYTES / Float.BYTES;
      if (packs[g] == null || packs[g].length < padded) packs[g] = new float[padded];
      return packs[g];
    }
  }

  /**
   * One weight of {@link #multiply(float[], int, Scratch, Product...)}: {@code c = a·w + bias}, written from
   * {@code c[cStart]} (row-major, or as panels of the batch inside {@link #gatedMlpUp}).
   */
  record Product(Matrix w, float[] bias, float[] c, int cStart) {
    Product(Matrix w, float[] bias, float[] c) {
      this(w, bias, c, 0);
    }
  }

  /**
   * Whether a batch of {@code m} rows through these weights, all of one input width, takes the Linear path: it
   * transposes the batch in and the output out (about m·(k + 2n) moves) instead of every weight (k·n), which pays
   * where the batch is short beside the weights, as in a prompt of a few hundred tokens; the recorder's batches of
   * a thousand rows amortise the weights' packing better on the panel path.
   */
  static boolean linearPath(int m, Matrix... ws) {
    int k = ws[0].rows;
    long n = 0;
    for (Matrix w : ws) {
      // No limit on the width: the transposed output is kept a chunk at a time, so a head of 150k outputs over
      // every prompt position (the all-at-once simulator's echo) takes this path too, 1.4× faster than packing it.
      if (!w.columnsContiguous() || w.rows != k) return false;
      n += w.cols;
    }
    return m >= NR && (long) m * (k + 2L * n) < (long) k * n;
  }

  /**
   * The first half of a gated MLP on the {@link #linearPath} (the caller checks): {@code act(h·Wg + bg) ⊙ (h·Wu + bu)},
   * left as panels of the batch in the scratch's buffer, where {@link #gatedMlpDown} reads them as its transposed
   * batch; the activation runs on the panels as they lie. That skips turning both wide outputs back to rows and the
   * product round again: the three largest transposes of a layer, of which one is left when {@code rows} is given
   * (a recorder's hook reads the neurons there, {@code m × mlp} row-major). Every value is the one the separate
   * steps give.
   *
   * @return where the panels start in the scratch's buffer, for {@link #gatedMlpDown}
   */
  static int gatedMlpUp(float[] h, int m, Product gate, Product up, DecoderConfig.Activation act, float[] rows, Scratch scratch) {
    int mlp = gate.w().cols, tiles = (m + NR - 1) / NR, mp = tiles * NR;
    float[] panels = scratch.mlpPanels(2 * mp * mlp);
    int start = HeapAlignment.floatsToLine(panels), upStart = start + mp * mlp;
    multiplyLinear(h, 0, false, m, new Product[] {new Product(gate.w(), gate.bias(), panels, start), new Product(up.w(), up.bias(), panels, upStart)},
        false, true, scratch);
    Ops.gated(panels, start, panels, upStart, mp * mlp, act);
    if (rows != null) {
      Parallel.forEach(tiles, t -> Transpose.copy(panels, start + t * mlp * NR, NR, rows, t * NR * mlp, mlp, mlp, Math.min(NR, m - t * NR)));
    }
    return start;
  }

  /** The second half of a gated MLP: {@code out = neurons·Wd + bd}, the neurons as {@link #gatedMlpUp} left them. */
  static void gatedMlpDown(int start, int m, Matrix down, float[] bias, float[] out, Scratch scratch) {
    multiplyLinear(scratch.mlpPanels, start, true, m, new Product[] {new Product(down, bias, out)}, false, false, scratch);
  }

  /**
   * Several weights over the same batch, as a layer's q, k and v, or its gate and up projections: on the Linear
   * path the batch is transposed once for all of them and their outputs share one round of tasks, which is what
   * a short prompt gains (the transpose and the fork-join round cost about as much as a narrow k or v projection).
   * The results are those of one {@link #multiply} per product, bit for bit.
   */
  static void multiply(float[] a, int m, Scratch scratch, Product... products) {
    Matrix[] ws = new Matrix[products.length];
    for (int p = 0; p < ws.length; p++) ws[p] = products[p].w();
    if (linearPath(m, ws)) {
      multiplyLinear(a, 0, false, m, products, false, false, scratch);
    } else {
      for (Product p : products) multiply(a, m, p.w(), p.bias(), p.c(), false, scratch);
    }
  }

  static void multiply(float[] a, int m, Matrix w, float[] bias, float[] c, boolean accumulate, Scratch scratch) {
    int k = w.rows, n = w.cols;
    if (m == 1 && scratch.dotProducts && w.columnsContiguous()) {
      dots(a, w, bias, c, accumulate);
      return;
    }
    if (linearPath(m, w)) {
      multiplyLinear(a, 0, false, m, new Product[] {new Product(w, bias, c)}, accumulate, false, scratch);
      return;
    }
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
              if (MR == 12) for (; i + 12 <= i1; i += 12) kernel12(a, i * k + k0, k, pack, b, kc, c, i * n + j0, n);
              for (; i + 6 <= i1; i += 6) kernel6(a, i * k + k0, k, pack, b, kc, c, i * n + j0, n);
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

  /**
   * {@link #multiply} for a Linear weight stored {@code [out, in]}, computing {@code Cᵀ = W·Aᵀ}: the weight's
   * rows are already contiguous in k, so they are only widened to float32 (a straight run per output), and it is
   * the batch A, small beside the weights, that is transposed into panels of {@link #NR} rows, once per call.
   * Packing {@code [out, in]} weights into column panels instead means transposing every weight on every call,
   * which cost about as much as half the multiply-adds at a 128-row prompt. The same kernels run with the roles
   * swapped (weights broadcast, rows of A as vector lanes), and {@code fma} is symmetric in its two factors, so
   * every element is the very same chain of FMAs, in the same order from the same start, as on the other path:
   * results are bit for bit equal whichever path a batch takes.
   */
  private static void multiplyLinear(float[] a, int aStart, boolean aIsPanels, int m, Product[] products, boolean accumulate, boolean outAsPanels, Scratch scratch) {
    int k = products[0].w().rows, tiles = (m + NR - 1) / NR, mp = tiles * NR;
    float[] ap = aIsPanels ? a : scratch.rowPanels(tiles * k * NR);
    int apStart = aIsPanels ? aStart : HeapAlignment.floatsToLine(ap);
    if (!aIsPanels) {
      Parallel.forEach(tiles, t -> {
        int base = apStart + t * k * NR, valid = Math.min(NR, m - t * NR);
        Transpose.copy(a, aStart + t * NR * k, k, ap, base, NR, valid, k);
        for (int q = 0; q < k && valid < NR; q++) java.util.Arrays.fill(ap, base + q * NR + valid, base + q * NR + NR, 0f);
      });
    }
    // The products' outputs, one after the other, are split over the tasks as one range.
    int[] first = new int[products.length + 1];
    for (int p = 0; p < products.length; p++) first[p + 1] = first[p] + products[p].w().cols;
    int total = first[products.length], tilesOfRows = (total + MR - 1) / MR;
    int groups = Math.min(tilesOfRows, GROUPS_PER_CORE * Runtime.getRuntime().availableProcessors());
    Parallel.forEach(groups, g -> {
      // Output rows split on tile boundaries, so that every group but the last runs whole 12-row tiles.
      int o0 = Math.min(total, (int) ((long) g * tilesOfRows / groups) * MR);
      int o1 = Math.min(total, (int) ((long) (g + 1) * tilesOfRows / groups) * MR);
      for (int p = 0; p < products.length; p++) {
        int from = Math.max(o0, first[p]) - first[p], to = Math.min(o1, first[p + 1]) - first[p];
        for (int oc = from; oc < to; oc += LINEAR_CHUNK_ROWS) {
          linearChunk(products[p], oc, Math.min(to, oc + LINEAR_CHUNK_ROWS), m, mp, ap, apStart, accumulate, outAsPanels,
              scratch.transposedOutput(g, LINEAR_CHUNK_ROWS * mp), scratch.pack(g, LINEAR_CHUNK_ROWS * KC));
        }
      }
    });
  }

  /**
   * Outputs {@code [oc, oc1)} of one product on the Linear path. The chunk's transposed output ({@code ct}: rows ×
   * mp floats, 128 KB at a 128-token prompt) is filled, swept and turned back while it is in L2; the whole
   * transposed output of a wide layer is megabytes, and went out to memory and back.
   */
  private static void linearChunk(Product product, int oc, int oc1, int m, int mp, float[] ap, int apStart, boolean accumulate, boolean outAsPanels,
      float[] ct, float[] wb) {
    Matrix w = product.w();
    float[] c = product.c(), bias = product.bias();
    int k = w.rows, n = w.cols, rows = oc1 - oc, tiles = mp / NR, c0 = product.cStart();
    if (accumulate) Transpose.copy(c, c0 + oc, n, ct, 0, mp, m, rows);
    for (int o = oc; o < oc1; o++) {
      float b = bias[o];
      int row = (o - oc) * mp;
      if (accumulate) {
        for (int i = 0; i < m; i++) ct[row + i] += b;
      } else {
        java.util.Arrays.fill(ct, row, row + m, b);
      }
      java.util.Arrays.fill(ct, row + m, row + mp, 0f);
    }
    int start = HeapAlignment.floatsToLine(wb);
    for (int k0 = 0; k0 < k; k0 += KC) {
      int kc = Math.min(KC, k - k0);
      w.rowsOfLinear(oc, oc1, k0, kc, wb, start);
      // One panel of the batch (KC × NR floats, 32 KB) stays in L1 while every 12-row tile of the widened weights
      // passes over it from L2: the same roles as on the panel path, where the packed weights stay put.
      for (int t = 0; t < tiles; t++) {
        int bOff = apStart + t * k * NR + k0 * NR, cCol = t * NR;
        int r = 0;
        if (MR == 12) for (; r + 12 <= rows; r += 12) kernel12(wb, start + r * kc, kc, ap, bOff, kc, ct, r * mp + cCol, mp);
        for (; r + 6 <= rows; r += 6) kernel6(wb, start + r * kc, kc, ap, bOff, kc, ct, r * mp + cCol, mp);
        for (; r + 4 <= rows; r += 4) kernel4(wb, start + r * kc, kc, ap, bOff, kc, ct, r * mp + cCol, mp);
        for (; r < rows; r++) kernel1(wb, start + r * kc, ap, bOff, kc, ct, r * mp + cCol);
      }
    }
    if (outAsPanels) { // output o of batch panel t at c0 + (t·n + o)·NR, the padding rows' zeros included
      for (int t = 0; t < tiles; t++) {
        for (int r = 0; r < rows; r++) System.arraycopy(ct, r * mp + t * NR, c, c0 + (t * n + oc + r) * NR, NR);
      }
    } else {
      Transpose.copy(ct, 0, mp, c, c0 + oc, n, rows, m);
    }
  }

  /** One row, column by column as dot products over the mapped weights; the columns split evenly over the cores. */
  private static void dots(float[] a, Matrix w, float[] bias, float[] c, boolean accumulate) {
    int n = w.cols, tasks = Math.min(n, DOT_TASKS_PER_CORE * Runtime.getRuntime().availableProcessors());
    Parallel.forEach(tasks, t -> {
      int j1 = (int) ((long) (t + 1) * n / tasks);
      for (int j = (int) ((long) t * n / tasks); j < j1; j++) {
        float s = bias[j] + w.dot(j, a, 0);
        c[j] = accumulate ? c[j] + s : s;
      }
    });
  }

  /** Twelve rows (AVX-512): 24 accumulators; the same chain per element as every other kernel. */
  private static void kernel12(float[] a, int aOff, int lda, float[] b, int bOff, int kc, float[] c, int cOff, int ldc) {
    int c0 = cOff + 0 * ldc, a0 = aOff + 0 * lda;
    int c1 = cOff + 1 * ldc, a1 = aOff + 1 * lda;
    int c2 = cOff + 2 * ldc, a2 = aOff + 2 * lda;
    int c3 = cOff + 3 * ldc, a3 = aOff + 3 * lda;
    int c4 = cOff + 4 * ldc, a4 = aOff + 4 * lda;
    int c5 = cOff + 5 * ldc, a5 = aOff + 5 * lda;
    int c6 = cOff + 6 * ldc, a6 = aOff + 6 * lda;
    int c7 = cOff + 7 * ldc, a7 = aOff + 7 * lda;
    int c8 = cOff + 8 * ldc, a8 = aOff + 8 * lda;
    int c9 = cOff + 9 * ldc, a9 = aOff + 9 * lda;
    int c10 = cOff + 10 * ldc, a10 = aOff + 10 * lda;
    int c11 = cOff + 11 * ldc, a11 = aOff + 11 * lda;
    FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L);
    FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
    FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
    FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
    FloatVector s40 = FloatVector.fromArray(S, c, c4), s41 = FloatVector.fromArray(S, c, c4 + L);
    FloatVector s50 = FloatVector.fromArray(S, c, c5), s51 = FloatVector.fromArray(S, c, c5 + L);
    FloatVector s60 = FloatVector.fromArray(S, c, c6), s61 = FloatVector.fromArray(S, c, c6 + L);
    FloatVector s70 = FloatVector.fromArray(S, c, c7), s71 = FloatVector.fromArray(S, c, c7 + L);
    FloatVector s80 = FloatVector.fromArray(S, c, c8), s81 = FloatVector.fromArray(S, c, c8 + L);
    FloatVector s90 = FloatVector.fromArray(S, c, c9), s91 = FloatVector.fromArray(S, c, c9 + L);
    FloatVector s100 = FloatVector.fromArray(S, c, c10), s101 = FloatVector.fromArray(S, c, c10 + L);
    FloatVector s110 = FloatVector.fromArray(S, c, c11), s111 = FloatVector.fromArray(S, c, c11 + L);
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
      x = FloatVector.broadcast(S, a[a6 + k]);
      s60 = x.fma(b0, s60);
      s61 = x.fma(b1, s61);
      x = FloatVector.broadcast(S, a[a7 + k]);
      s70 = x.fma(b0, s70);
      s71 = x.fma(b1, s71);
      x = FloatVector.broadcast(S, a[a8 + k]);
      s80 = x.fma(b0, s80);
      s81 = x.fma(b1, s81);
      x = FloatVector.broadcast(S, a[a9 + k]);
      s90 = x.fma(b0, s90);
      s91 = x.fma(b1, s91);
      x = FloatVector.broadcast(S, a[a10 + k]);
      s100 = x.fma(b0, s100);
      s101 = x.fma(b1, s101);
      x = FloatVector.broadcast(S, a[a11 + k]);
      s110 = x.fma(b0, s110);
      s111 = x.fma(b1, s111);
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
    s60.intoArray(c, c6);
    s61.intoArray(c, c6 + L);
    s70.intoArray(c, c7);
    s71.intoArray(c, c7 + L);
    s80.intoArray(c, c8);
    s81.intoArray(c, c8 + L);
    s90.intoArray(c, c9);
    s91.intoArray(c, c9 + L);
    s100.intoArray(c, c10);
    s101.intoArray(c, c10 + L);
    s110.intoArray(c, c11);
    s111.intoArray(c, c11 + L);
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
