package dev.neuronscribe.subject;

/**
 * In each of {@code groups} groups, the {@code capacity} excerpts with the smallest (key, excerpt index), each
 * with its activations. Every sample of a recording is one of these, with its own key: the top excerpts
 * (the key orders by max activation, highest first), the uniform sample and the per-bin samples (the key is
 * a hash of the seed, the unit and the excerpt index, a bottom-k sample). Since what is kept depends only on
 * the keys and never on the order the excerpts arrive in, two halves of a corpus summarised apart and
 * {@link #merge merged} keep exactly what one pass over the whole corpus keeps.
 *
 * <p>Per group, a max-heap of slots: the worst kept excerpt sits on top, so a newcomer costs one comparison
 * unless it enters.
 */
final class KeptExcerpts {
  final int groups, capacity, tokens;
  final int[] size;
  /** Per group, {@code capacity} slot numbers in heap order. */
  final int[] heap;
  final long[] key;
  final int[] excerpt;
  final float[] acts;

  KeptExcerpts(int groups, int capacity, int tokens) {
    this.groups = groups;
    this.capacity = capacity;
    this.tokens = tokens;
    size = new int[groups];
    heap = new int[Math.multiplyExact(groups, capacity)];
    key = new long[heap.length];
    excerpt = new int[heap.length];
    acts = new float[Math.multiplyExact(heap.length, tokens)];
  }

  /**
   * Offers excerpt {@code e} with key {@code k} to group {@code g}: the slot whose activations the caller must
   * now fill, or -1 when the excerpt does not enter.
   */
  int offer(int g, long k, int e) {
    if (capacity == 0) return -1;
    int base = g * capacity, n = size[g];
    if (n < capacity) {
      int slot = base + n;
      heap[slot] = slot;
      size[g] = n + 1;
      key[slot] = k;
      excerpt[slot] = e;
      siftUp(base, n);
      return slot;
    }
    int slot = heap[base];
    if (!less(k, e, key[slot], excerpt[slot])) return -1;
    key[slot] = k;
    excerpt[slot] = e;
    siftDown(base, capacity);
    return slot;
  }

  /** Adds what {@code other} (the same groups and sizes, other excerpts) keeps. */
  void merge(KeptExcerpts other) {
    for (int g = 0; g < groups; g++) {
      for (int i = 0; i < other.size[g]; i++) {
        int from = g * capacity + i;
        int slot = offer(g, other.key[from], other.excerpt[from]);
        if (slot >= 0) System.arraycopy(other.acts, from * tokens, acts, slot * tokens, tokens);
      }
    }
  }

  private static boolean less(long k1, int e1, long k2, int e2) {
    return k1 < k2 || (k1 == k2 && e1 < e2);
  }

  /** Whether slot a sits above slot b: the larger (key, excerpt) is evicted first. */
  private boolean above(int a, int b) {
    return less(key[b], excerpt[b], key[a], excerpt[a]);
  }

  private void siftUp(int base, int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!above(heap[base + i], heap[base + parent])) return;
      swap(base + i, base + parent);
      i = parent;
    }
  }

  private void siftDown(int base, int n) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1, r = l + 1, best = i;
      if (l < n && above(heap[base + l], heap[base + best])) best = l;
      if (r < n && above(heap[base + r], heap[base + best])) best = r;
      if (best == i) return;
      swap(base + i, base + best);
      i = best;
    }
  }

  private void swap(int a, int b) {
    int t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
  }

  /** A key that sorts a higher float first (every float, -0 below +0, so the order is total). */
  static long descending(float v) {
    int bits = Float.floatToRawIntBits(v);
    return -(long) (bits ^ ((bits >> 31) & 0x7fffffff));
  }

  /** The float {@link #descending} made the key of. */
  static float value(long descendingKey) {
    int s = (int) -descendingKey;
    return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7fffffff));
  }
}
