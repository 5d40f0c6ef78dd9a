package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whole tensors of a safetensors file as Java arrays, for data files rather than weights (a latent
 * cache's locations, activations and tokens): integers of any width as longs, floats as floats.
 */
public final class TensorArrays implements AutoCloseable {
  private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final Arena arena = Arena.ofConfined();
  private final Safetensors file;

  private TensorArrays(Path path) {
    try {
      file = Safetensors.open(path, arena);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  public static TensorArrays open(Path path) {
    return new TensorArrays(path);
  }

  public Map<String, String> metadata() {
    return file.metadata();
  }

  public boolean has(String name) {
    return file.find(name).isPresent();
  }

  public long[] shape(String name) {
    return tensor(name).shape().clone();
  }

  /** An integer tensor (U8 to I64, unsigned read as such), flattened. */
  public long[] longs(String name) {
    Safetensors.Tensor t = tensor(name);
    long n = t.elements();
    if (n > Integer.MAX_VALUE) throw new InvalidInputException(file.file().toString(), "tensor '" + name + "' has " + n + " elements, too many to read at once");
    long[] out = new long[(int) n];
    var d = t.data();
    switch (t.dtype()) {
      case U8 -> { for (int i = 0; i < out.length; i++) out[i] = d.get(ValueLayout.JAVA_BYTE, i) & 0xffL; }
      case I8 -> { for (int i = 0; i < out.length; i++) out[i] = d.get(ValueLayout.JAVA_BYTE, i); }
      case U16 -> { for (int i = 0; i < out.length; i++) out[i] = d.get(Safetensors.I16_LE, 2L * i) & 0xffffL; }
      case I16 -> { for (int i = 0; i < out.length; i++) out[i] = d.get(Safetensors.I16_LE, 2L * i); }
      case U32 -> { for (int i = 0; i < out.length; i++) out[i] = d.get(I32_LE, 4L * i) & 0xffffffffL; }
      case I32 -> { for (int i = 0; i < out.length; i++) out[i] = d.get(I32_LE, 4L * i); }
      case I64, U64 -> { for (int i = 0; i < out.length; i++) out[i] = d.get(Safetensors.I64_LE, 8L * i); }
      default -> throw new InvalidInputException(file.file().toString(), "tensor '" + name + "' is " + t.dtype() + "; an integer tensor was expected");
    }
    return out;
  }

  /** A float tensor (F32, F16 or BF16), flattened. */
  public float[] floats(String name) {
    Safetensors.Tensor t = tensor(name);
    if (!t.dtype().readable()) throw new InvalidInputException(file.file().toString(), "tensor '" + name + "' is " + t.dtype() + "; a float tensor was expected");
    long n = t.elements();
    if (n > Integer.MAX_VALUE) throw new InvalidInputException(file.file().toString(), "tensor '" + name + "' has " + n + " elements, too many to read at once");
    float[] out = new float[(int) n];
    t.copy(0, out, 0, out.length);
    return out;
  }

  private Safetensors.Tensor tensor(String name) {
    return file.find(name).orElseThrow(() -> new InvalidInputException(file.file().toString(), "has no tensor '" + name + "'"));
  }

  @Override
  public void close() {
    arena.close();
  }
}
