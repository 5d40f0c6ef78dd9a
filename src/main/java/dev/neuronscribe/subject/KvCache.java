package dev.neuronscribe.subject;

import java.util.Arrays;

/**
 * The keys and values one sequence has produced so far, per layer ({@code kvHeads × headDim} floats per token),
 * on the heap. It grows as tokens arrive (doubling, up to its capacity), so that a session opened for a long
 * context costs only what it holds.
 */
final class KvCache {
  private final int width;
  private final int capacity;
  private final float[][] keys;
  private final float[][] values;
  private int rows;

  KvCache(int layers, int width, int capacity) {
    this.width = width;
    this.capacity = capacity;
    this.keys = new float[layers][0];
    this.values = new float[layers][0];
  }

  private KvCache(KvCache other, int held) {
    this.width = other.width;
    this.capacity = other.capacity;
    this.rows = Math.max(held, 1);
    this.keys = new float[other.keys.length][];
    this.values = new float[other.values.length][];
    for (int l = 0; l < keys.length; l++) {
      keys[l] = Arrays.copyOf(other.keys[l], rows * width);
      values[l] = Arrays.copyOf(other.values[l], rows * width);
    }
  }

  /** A copy of the first {@code held} tokens' keys and values. */
  KvCache copy(int held) {
    return new KvCache(this, held);
  }

  int capacity() {
    return capacity;
  }

  /** Room for {@code tokens} tokens in every layer. */
  void reserve(int tokens) {
    if (tokens <= rows) return;
    int grown = Math.min(capacity, Math.max(tokens, rows * 2));
    for (int l = 0; l < keys.length; l++) {
      keys[l] = Arrays.copyOf(keys[l], grown * width);
      values[l] = Arrays.copyOf(values[l], grown * width);
    }
    rows = grown;
  }

  /**
   * Stores the new rows' keys and values at positions {@code [offset, offset + n)} of {@code layer}, then runs
   * their queries' attention over everything held up to them.
   */
  void attend(int layer, float[] q, float[] k, float[] v, int n, int offset, DecoderConfig c, float[] out) {
    attend(layer, q, k, v, n, n, offset, c, out);
  }

  /** {@link #attend} for the queries of only the last {@code queries} of the {@code n} new rows ({@code q} holds just those). */
  void attend(int layer, float[] q, float[] k, float[] v, int n, int queries, int offset, DecoderConfig c, float[] out) {
    System.arraycopy(k, 0, keys[layer], offset * width, n * width);
    System.arraycopy(v, 0, values[layer], offset * width, n * width);
    Ops.attention(q, keys[layer], values[layer], 1, queries, offset + n, rows, c.heads(), c.kvHeads(), c.headDim(), c.attentionScale(),
        c.attentionSoftcap(), c.slidingWindow()[layer], out);
  }

  /**
   * A block's attention up to its output projection, from the normed input {@code h} into {@code att}: q, k and v,
   * rotary positions, then attention over the cache (or the batch). With {@code lastOnly} (a prompt that wants only
   * its last position's output, in its last block) every token's key and value still go to the cache, but the
   * query and everything after it run for the last token alone: its row of {@code x} is moved to the first.
   *
   * @return the rows that go on through the block: {@code rows}, or 1 with {@code lastOnly}
   */
  static int selfAttention(KvCache cache, int layer, boolean lastOnly, float[] h, float[] x, int rows, int sequences, int length, int offset,
      Gemm.Product q, Gemm.Product k, Gemm.Product v, DecoderConfig c, float[][] rope, boolean interleaved, float[] att, Gemm.Scratch scratch) {
    if (lastOnly && cache != null && rows > 1) {
      Gemm.multiply(h, rows, scratch, k, v);
      Ops.rope(k.c(), rows, length, offset, c.kvHeads(), c.headDim(), c.rotaryDim(), rope[0], rope[1], interleaved);
      System.arraycopy(h, (rows - 1) * c.width(), h, 0, c.width());
      Gemm.multiply(h, 1, q.w(), q.bias(), q.c(), false, scratch);
      Ops.rope(q.c(), 1, 1, offset + rows - 1, c.heads(), c.headDim(), c.rotaryDim(), rope[0], rope[1], interleaved);
      cache.attend(layer, q.c(), k.c(), v.c(), rows, 1, offset, c, att);
      System.arraycopy(x, (rows - 1) * c.width(), x, 0, c.width());
      return 1;
    }
    Gemm.multiply(h, rows, scratch, q, k, v);
    Ops.rope(q.c(), rows, length, offset, c.heads(), c.headDim(), c.rotaryDim(), rope[0], rope[1], interleaved);
    Ops.rope(k.c(), rows, length, offset, c.kvHeads(), c.headDim(), c.rotaryDim(), rope[0], rope[1], interleaved);
    attend(cache, layer, q.c(), k.c(), v.c(), sequences, length, offset, c, att);
    return rows;
  }

  /**
   * Attention for a pass: over the cache when there is one, else (the recorder's case) over the batch's own
   * {@code sequences} sequences of {@code length} rows, which start at position 0.
   */
  static void attend(KvCache cache, int layer, float[] q, float[] k, float[] v, int sequences, int length, int offset, DecoderConfig c, float[] out) {
    if (cache != null) {
      cache.attend(layer, q, k, v, length, offset, c, out);
    } else {
      Ops.attention(q, k, v, sequences, length, c.heads(), c.kvHeads(), c.headDim(), c.attentionScale(), c.attentionSoftcap(),
          c.slidingWindow()[layer], out);
    }
  }
}
