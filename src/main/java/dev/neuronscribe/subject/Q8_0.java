package dev.neuronscribe.subject;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGUF's Q8_0 weights, decoded to float32: blocks of 32 consecutive weights, each block a little-endian F16
 * scale then 32 signed bytes (34 bytes), weight = scale · byte. The one place that reads them, so that a faster
 * decode (or a matmul on the bytes themselves) has one thing to replace.
 */
final class Q8_0 {
  static final int BLOCK = 32;
  static final int BLOCK_BYTES = 34;

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** As many byte lanes as {@link #S} has floats. */
  private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * 8));

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
      int j = 0;
      if (count == BLOCK && BLOCK % S.length() == 0) { // a whole block (packing reads whole columns): bytes widened a vector at a time
        FloatVector sv = FloatVector.broadcast(S, scale);
        for (; j < BLOCK; j += S.length()) {
          ((FloatVector) ByteVector.fromMemorySegment(BYTES, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2F, S, 0))
              .mul(sv).intoArray(dst, off + i + j);
        }
      }
      for (; j < count; j++) dst[off + i + j] = scale * data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, block + 2 + first + j);
      i += count;
    }
  }
}
