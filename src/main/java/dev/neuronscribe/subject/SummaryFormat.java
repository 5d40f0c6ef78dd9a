package dev.neuronscribe.subject;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Layer summaries as bytes: the recorder's checkpoints, and the partial summaries a distributed recording
 * sends from its workers to be merged. Everything a summary holds is written as it is (heap order
 * included), so a summary read back continues exactly as the one written would have.
 */
final class SummaryFormat {
  private SummaryFormat() {}

  static void write(LayerRecording r, DataOutputStream out) throws IOException {
    out.writeInt(r.layer);
    writeInts(out, r.neurons);
    int nodes = 0;
    for (Moments.Node ignored : r.moments.held()) nodes++;
    out.writeInt(nodes);
    for (Moments.Node n : r.moments.held()) {
      out.writeInt(n.level());
      out.writeLong(n.index());
      out.writeLong(n.count());
      for (double[] a : new double[][] {n.mean(), n.m2(), n.m3(), n.m4()}) writeDoubles(out, a);
    }
    for (KeptExcerpts k : new KeptExcerpts[] {r.top, r.random, r.bins}) {
      writeInts(out, k.size);
      writeInts(out, k.heap);
      writeLongs(out, k.key);
      writeInts(out, k.excerpt);
      writeFloats(out, k.acts);
    }
    writeFloats(out, r.bounds);
    out.writeBoolean(r.calibration != null);
    if (r.calibration != null) writeFloats(out, r.calibration);
  }

  /** Reads into {@code r}, a fresh summary made with the same layer, neurons and options. */
  static void read(DataInputStream in, LayerRecording r) throws IOException {
    if (in.readInt() != r.layer || !Arrays.equals(readInts(in, r.neurons.length), r.neurons)) {
      throw new IOException("the summary holds other neurons than this recording");
    }
    int nodes = in.readInt();
    if (nodes < 0 || nodes > 256) throw new IOException("the summary is damaged (" + nodes + " moment nodes)");
    int units = r.neurons.length;
    for (int i = 0; i < nodes; i++) {
      int level = in.readInt();
      long index = in.readLong(), count = in.readLong();
      double[][] a = new double[4][units];
      for (double[] x : a) readDoubles(in, x);
      r.moments.add(new Moments.Node(level, index, count, a[0], a[1], a[2], a[3]));
    }
    for (KeptExcerpts k : new KeptExcerpts[] {r.top, r.random, r.bins}) {
      readInts(in, k.size);
      readInts(in, k.heap);
      readLongs(in, k.key);
      readInts(in, k.excerpt);
      readFloats(in, k.acts);
    }
    readFloats(in, r.bounds);
    if (in.readBoolean()) {
      r.calibration = new float[Math.multiplyExact(units, r.calibrationK)];
      readFloats(in, r.calibration);
    } else {
      r.calibration = null;
    }
  }

  static byte[] toBytes(LayerRecording r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(r, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static void fromBytes(byte[] bytes, LayerRecording into) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      read(in, into);
    } catch (IOException e) {
      throw new UncheckedIOException("a partial summary could not be read: " + e.getMessage(), e);
    }
  }

  static byte[] floats(float[] a) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(a.length);
      writeFloats(out, a);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static float[] floats(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      float[] a = new float[in.readInt()];
      readFloats(in, a);
      return a;
    } catch (IOException e) {
      throw new UncheckedIOException("a float array could not be read: " + e.getMessage(), e);
    }
  }

  private static final int IO_CHUNK = 1 << 14;

  static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer b = ByteBuffer.allocate(IO_CHUNK * 4);
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      b.clear();
      b.asFloatBuffer().put(a, i, n);
      out.write(b.array(), 0, n * 4);
    }
  }

  static void readFloats(DataInputStream in, float[] a) throws IOException {
    if (in.readInt() != a.length) throw new IOException("the summary's arrays have other sizes than this recording's");
    byte[] raw = new byte[IO_CHUNK * 4];
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      in.readFully(raw, 0, n * 4);
      ByteBuffer.wrap(raw, 0, n * 4).asFloatBuffer().get(a, i, n);
    }
  }

  private static void writeInts(DataOutputStream out, int[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer b = ByteBuffer.allocate(IO_CHUNK * 4);
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      b.clear();
      b.asIntBuffer().put(a, i, n);
      out.write(b.array(), 0, n * 4);
    }
  }

  private static int[] readInts(DataInputStream in, int expected) throws IOException {
    int[] a = new int[expected];
    readInts(in, a);
    return a;
  }

  private static void readInts(DataInputStream in, int[] a) throws IOException {
    if (in.readInt() != a.length) throw new IOException("the summary's arrays have other sizes than this recording's");
    byte[] raw = new byte[IO_CHUNK * 4];
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      in.readFully(raw, 0, n * 4);
      ByteBuffer.wrap(raw, 0, n * 4).asIntBuffer().get(a, i, n);
    }
  }

  private static void writeLongs(DataOutputStream out, long[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer b = ByteBuffer.allocate(IO_CHUNK * 8);
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      b.clear();
      b.asLongBuffer().put(a, i, n);
      out.write(b.array(), 0, n * 8);
    }
  }

  private static void readLongs(DataInputStream in, long[] a) throws IOException {
    if (in.readInt() != a.length) throw new IOException("the summary's arrays have other sizes than this recording's");
    byte[] raw = new byte[IO_CHUNK * 8];
    for (int i = 0; i < a.length; i += IO_CHUNK) {
      int n = Math.min(IO_CHUNK, a.length - i);
      in.readFully(raw, 0, n * 8);
      ByteBuffer.wrap(raw, 0, n * 8).asLongBuffer().get(a, i, n);
    }
  }

  private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double v : a) out.writeDouble(v);
  }

  private static void readDoubles(DataInputStream in, double[] a) throws IOException {
    if (in.readInt() != a.length) throw new IOException("the summary's arrays have other sizes than this recording's");
    for (int i = 0; i < a.length; i++) a[i] = in.readDouble();
  }
}
