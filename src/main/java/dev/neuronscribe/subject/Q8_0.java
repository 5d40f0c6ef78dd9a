package dev.neuronscribe.subject;

import java.lang.foreign.MemorySegment;

/**
 * GGUF's Q8_0 weights, decoded to float32: blocks of 32 consecutive weights, each block a little-endian F16
 * scale then 32 signed bytes (34 bytes), weight = scale · byte. The one place that reads them, so that a faster
 * decode (or a matmul on the bytes themselves) has one thing to replace.
 */
final class Q8_0 {
  static final int BLOCK = 32;
  static final int BLOCK_BYTES = 34;

  private Q8_0() {}

  /** Bytes of {@code elements} weights (a whole number of blocks). */
  static long bytes(long elements) {
    return elements / BLOCK * BLOCK_BYTES;
  }

  static float get(MemorySegment data, long i) {
    long block = (i / BLOCK) * BLOCK_BYTES;
    float scale = Float.float16ToFloat(data.get(Safetensors.I16_LE, block));
    return scale * data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, block + 2 + i % BLOCK);
  }

  /** Weights {@code [from, from + n)} into {@code dst[off..]}. */
  static void copy(MemorySegment data, long from, float[] dst, int off, int n) {
    int i = 0;
    while (i < n) {
      long index = from + i;
      long block = (index / BLOCK) * BLOCK_BYTES;
      int first = (int) (index % BLOCK), count = Math.min(BLOCK - first, n - i);
      float scale = Float.float16ToFloat(data.get(Safetensors.I16_LE, block));
      for (int j = 0; j < count; j++) dst[off + i + j] = scale * data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, block + 2 + first + j);
      i += count;
    }
  }
}
