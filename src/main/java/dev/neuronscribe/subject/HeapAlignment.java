package dev.neuronscribe.subject;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where a float array's data sits relative to a cache line, so that hot vector loads can start on one.
 *
 * <p>Java only promises 8-byte alignment for arrays, and a 32-byte load that straddles two 64-byte cache
 * lines costs about twice as much: in the matmul's micro-kernel, half of the weight loads straddle unless
 * the packed panel starts on a 32-byte boundary, and the kernel then runs at roughly half its speed
 * (measured on Zen 3: 35–50 GFLOP/s misaligned against 74 aligned, one core). No Java API tells an
 * array's address, but a critical downcall receives a heap array's address directly: {@code memcpy(p, p, 0)}
 * copies nothing and returns {@code p}. The garbage collector may move the array afterwards; callers ask
 * again on each use, and a stale answer only costs speed, never correctness.
 */
final class HeapAlignment {
  static final int LINE_BYTES = 64;
  private static final MethodHandle IDENTITY = identity();

  private HeapAlignment() {}

  private static MethodHandle identity() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker.defaultLookup().find("memcpy")
          .map(memcpy -> linker.downcallHandle(memcpy,
              FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
              Linker.Option.critical(true)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      return null; // a platform without memcpy in the default lookup: everything still works, only slower
    }
  }

  /**
   * The first index {@code i} in {@code [0, 16)} at which {@code array[i]} starts a 64-byte cache line, or
   * 0 when the address cannot be known (or the array is not 4-byte aligned, which the JVM never does).
   */
  static int floatsToLine(float[] array) {
    if (IDENTITY == null) return 0;
    long address;
    try {
      MemorySegment data = MemorySegment.ofArray(array);
      address = ((MemorySegment) IDENTITY.invokeExact(data, data, 0L)).address();
    } catch (Throwable e) {
      return 0;
    }
    int misalignment = (int) Math.floorMod(address, (long) LINE_BYTES);
    if (misalignment % Float.BYTES != 0) return 0;
    return ((LINE_BYTES - misalignment) % LINE_BYTES) / Float.BYTES;
  }
}
