package dev.neuronscribe.subject;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What the decoder-only architectures (Llama, Gemma 2, GPT-NeoX) share besides their forward pass: the
 * memory-mapped checkpoint they were loaded from, its config and fingerprint, and the rotary tables' base
 * frequencies. Each subclass keeps its own weights and its forward pass on one screen.
 */
abstract sealed class MappedDecoder implements Model permits Llama, Gemma2, NeoX {
  final DecoderConfig config;
  final float[] inverseFrequencies;
  /** Query and key rows in llama.cpp's interleaved rotary order (a GGUF Llama), see {@link Ops#rope}. */
  final boolean interleavedRope;
  final Checkpoint checkpoint;
  private final Path directory;
  private final Arena arena;
  private final String fingerprint;

  /** A checkpoint opened for one architecture: what its constructor reads its weights from. */
  record Mapping(Path directory, DecoderConfig config, Arena arena, Checkpoint checkpoint) {}

  MappedDecoder(Mapping m) {
    this.directory = m.directory();
    this.config = m.config();
    this.arena = m.arena();
    this.fingerprint = m.config() + "|" + m.checkpoint().digest();
    float[] inv = m.config().inverseFrequencies(), factors = m.checkpoint().ropeFactors();
    for (int i = 0; i < factors.length && i < inv.length; i++) inv[i] /= factors[i];
    this.inverseFrequencies = inv;
    this.interleavedRope = m.checkpoint().interleavedRope();
    this.checkpoint = m.checkpoint();
  }

  /**
   * Maps the checkpoint whose tensor names start with {@code prefix}, checks its layers against the config and
   * builds the model; if anything fails the mapping is released before the error goes on.
   */
  static <M extends MappedDecoder> M map(Path directory, DecoderConfig config, String prefix, Function<Mapping, M> build) {
    Arena arena = Arena.ofShared();
    try {
      Checkpoint c = Checkpoint.open(directory, prefix, arena);
      Models.checkLayers(c, config.layers(), "layers\\.(\\d+)\\..*", "num_hidden_layers");
      return build.apply(new Mapping(directory, config, arena, c));
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  @Override
  public final Shape shape() {
    return config.shape();
  }

  final double flopsPerToken() {
    return config.flopsPerToken();
  }

  @Override
  public final Path directory() {
    return directory;
  }

  @Override
  public final String fingerprint() {
    return fingerprint;
  }

  @Override
  public final void close() {
    arena.close();
  }
}
