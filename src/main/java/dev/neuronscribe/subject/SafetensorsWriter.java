package dev.neuronscribe.subject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.AtomicFiles;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes float32 tensors as a safetensors file that Hugging Face's loaders accept: header padded with
 * spaces to 8 bytes, tensors contiguous in header order, {@code __metadata__: {"format": "pt"}}. Values are
 * streamed through in chunks, so a checkpoint larger than the heap can be written.
 */
final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 1 << 16;

  /** Produces the values of a tensor, in row-major order, a chunk at a time. */
  @FunctionalInterface
  interface Values {
    /** Fills {@code chunk[0..n)} with elements {@code [offset, offset + n)}. */
    void fill(long offset, float[] chunk, int n);

    static Values of(float[] all) {
      return (offset, chunk, n) -> System.arraycopy(all, (int) offset, chunk, 0, n);
    }
  }

  record Entry(String name, long[] shape, Values values) {
    long elements() {
      long n = 1;
      for (long d : shape) n = Math.multiplyExact(n, d);
      return n;
    }
  }

  private SafetensorsWriter() {}

  static void write(Path file, List<Entry> entries) {
    write(file, entries, DType.F32);
  }

  /** As {@link #write(Path, List)}, stored as F32 or BF16 (rounded to nearest even, as torch rounds). */
  static void write(Path file, List<Entry> entries, DType dtype) {
    if (dtype != DType.F32 && dtype != DType.BF16) throw new IllegalArgumentException("writes F32 or BF16, not " + dtype);
    int size = dtype.bytes;
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Entry e : entries) {
      long bytes = Math.multiplyExact(e.elements(), (long) size);
      ObjectNode t = header.putObject(e.name());
      t.put("dtype", dtype.name());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.shape()) shape.add(d);
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    for (int i = json.length; i < padded; i++) headerBytes[i] = ' ';
    AtomicFiles.write(file, out -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
      out.write(len.array());
      out.write(headerBytes);
      float[] chunk = new float[CHUNK];
      ByteBuffer bytes = ByteBuffer.allocate(CHUNK * size).order(ByteOrder.LITTLE_ENDIAN);
      for (Entry e : entries) writeValues(out, e, chunk, bytes, dtype);
    });
  }

  private static void writeValues(OutputStream out, Entry e, float[] chunk, ByteBuffer bytes, DType dtype) throws java.io.IOException {
    long total = e.elements();
    for (long done = 0; done < total; ) {
      int n = (int) Math.min(CHUNK, total - done);
      e.values().fill(done, chunk, n);
      bytes.clear();
      if (dtype == DType.F32) {
        bytes.asFloatBuffer().put(chunk, 0, n);
      } else {
        for (int i = 0; i < n; i++) {
          int bits = Float.floatToRawIntBits(chunk[i]);
          bytes.putShort(i * 2, (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16));
        }
      }
      out.write(bytes.array(), 0, n * dtype.bytes);
      done += n;
    }
  }

}
