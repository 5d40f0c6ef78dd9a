package dev.neuronscribe.subject;

import java.nio.file.Path;

/**
 * A transformer checkpoint whose forward pass hands values out at {@link HookPoint}s. One implementation per
 * architecture ({@link Gpt2}, {@link Llama} for Llama, Mistral and Qwen2, {@link NeoX}, {@link Gemma2}), each
 * a configuration, memory-mapped weights and a forward pass that fits on a screen. {@link Models#load} picks
 * one from {@code config.json}. Close it to unmap the weights.
 */
public interface Model extends AutoCloseable {

  Shape shape();

  Path directory();

  /** Identifies the checkpoint (its config and safetensors headers): a resumed recording must see the same one. */
  String fingerprint();

  /** Working memory for batches of up to {@code rows} tokens; one per thread that runs the model. */
  Pass newPass(int rows);

  /** The width of the values handed out at {@code point}: the MLP's width at {@link HookPoint#MLP_ACT}, else the residual stream's. */
  default int width(HookPoint point) {
    return point == HookPoint.MLP_ACT ? shape().mlpWidth() : shape().width();
  }

  @Override
  void close();

  /**
   * The sizes every architecture shares.
   *
   * @param architecture config.json's {@code model_type} ({@code gpt2}, {@code llama}, {@code qwen2}, ...)
   * @param mlpWidth neurons per layer: the width at {@link HookPoint#MLP_ACT}
   * @param contextLength the longest sequence the model takes
   */
  record Shape(String architecture, int layers, int width, int mlpWidth, int contextLength, int vocabSize) {}

  /** A forward pass's working memory, bound to its model. Not thread-safe. */
  interface Pass {
    /**
     * Runs {@code sequences} sequences of {@code length} tokens each (row-major in {@code tokens}) through the
     * blocks, handing the hook the points it wants, and stops as soon as the last wanted point of
     * {@code lastLayer} is handed out: the language-model head never runs.
     */
    void forward(int[] tokens, int sequences, int length, int lastLayer, Hook hook);
  }

  /** Receives a forward pass's values. Called on the thread that runs the pass, in the order of the layers and points. */
  interface Hook {
    /** Whether this hook reads {@code point} of {@code layer}; asked before the pass, so that it can stop early. */
    boolean wants(int layer, HookPoint point);

    /**
     * {@code values} holds {@code rows × model.width(point)} floats, row-major, one row per token (it may be
     * longer); it is the pass's own buffer, valid only during the call: read it, do not keep it.
     */
    void accept(int layer, HookPoint point, float[] values, int rows);

    /** A hook for one point of every layer. */
    static Hook at(HookPoint point, LayerValues values) {
      return new Hook() {
        @Override
        public boolean wants(int layer, HookPoint p) {
          return p == point;
        }

        @Override
        public void accept(int layer, HookPoint p, float[] v, int rows) {
          values.accept(layer, v, rows);
        }
      };
    }
  }

  @FunctionalInterface
  interface LayerValues {
    void accept(int layer, float[] values, int rows);
  }
}
