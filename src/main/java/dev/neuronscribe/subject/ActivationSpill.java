package dev.neuronscribe.subject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The recorded neurons' activations on every excerpt, kept in a file during a single-pass recording (a
 * corpus no larger than the calibration set): the quantile bins can only be sampled once the boundaries are
 * known, after the pass, and reading the activations back costs far less than running the model again.
 * Laid out per layer, per task of neurons ({@link LayerRecording}'s 64 side by side), per excerpt: the
 * excerpt's tokens × the task's neurons, so that a task writes one run per batch and reads its own region
 * in order. Written with positional writes from the parallel tasks; the operating system's page cache keeps
 * it in memory when there is room.
 */
final class ActivationSpill implements AutoCloseable {
  private final FileChannel channel;
  private final long[] layerStart;
  private final long excerpts;
  private final int tokens;

  private ActivationSpill(FileChannel channel, long[] layerStart, long excerpts, int tokens) {
    this.channel = channel;
    this.layerStart = layerStart;
    this.excerpts = excerpts;
    this.tokens = tokens;
  }

  /** The bytes a spill of these layers over {@code excerpts} excerpts takes. */
  static long bytes(List<LayerRecording> layers, long excerpts, int tokens) {
    long n = 0;
    for (LayerRecording r : layers) n += r.neurons.length;
    return Math.multiplyExact(Math.multiplyExact(n, excerpts), 4L * tokens);
  }

  /** Opens (creating or continuing) the spill file for these layers. */
  static ActivationSpill open(Path file, List<LayerRecording> layers, long excerpts, int tokens) {
    long[] start = new long[layers.stream().mapToInt(r -> r.layer).max().orElse(0) + 1];
    long at = 0;
    for (LayerRecording r : layers) {
      start[r.layer] = at;
      at += (long) r.neurons.length * excerpts * tokens * 4;
    }
    try {
      return new ActivationSpill(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE), start, excerpts, tokens);
    } catch (IOException e) {
      throw new UncheckedIOException("could not open " + file + ": " + e.getMessage(), e);
    }
  }

  /** Where the block of task neurons {@code [j0, j0 + w)} of layer {@code layer} starts for excerpt {@code e}. */
  private long offset(int layer, int j0, int w, long e) {
    return layerStart[layer] + 4L * tokens * ((long) j0 * excerpts + e * w);
  }

  /** Writes {@code n} excerpts' blocks from {@code tile} (excerpt, token, neuron), the first being {@code first}. */
  void write(int layer, int j0, int w, long first, float[] tile, int n) {
    ByteBuffer b = ByteBuffer.allocate(n * tokens * w * 4).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(tile, 0, n * tokens * w);
    try {
      long at = offset(layer, j0, w, first);
      while (b.hasRemaining()) at += channel.write(b, at);
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep activations on disk: " + e.getMessage(), e);
    }
  }

  /** Reads {@code n} excerpts' blocks into {@code tile}, the inverse of {@link #write}. */
  void read(int layer, int j0, int w, long first, float[] tile, int n) {
    ByteBuffer b = ByteBuffer.allocate(n * tokens * w * 4).order(ByteOrder.nativeOrder());
    try {
      long at = offset(layer, j0, w, first);
      while (b.hasRemaining()) {
        int got = channel.read(b, at);
        if (got < 0) throw new IOException("the file ends early");
        at += got;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the kept activations back: " + e.getMessage(), e);
    }
    b.flip().asFloatBuffer().get(tile, 0, n * tokens * w);
  }

  /** Forces what was written to disk, before a checkpoint that counts on it. */
  void force() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save the kept activations: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + file + ": " + e.getMessage(), e);
    }
  }
}
