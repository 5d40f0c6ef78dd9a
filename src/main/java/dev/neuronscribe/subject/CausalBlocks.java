package dev.neuronscribe.subject;

/**
 * An architecture whose blocks can run as a language model's: over a {@link KvCache}, positions continuing
 * those held. The recorder's pass is the same code without a cache ({@link Model.Pass#forward}).
 */
sealed interface CausalBlocks permits Llama, Gemma2 {
  /** Working memory for up to {@code rows} tokens at a time. */
  Runner runner(int rows);

  /** Embedding scale, final norm and its gain convention are the architecture's; the head is the model's. */
  interface Runner {
    /**
     * Runs {@code n} tokens at positions {@code [offset, offset + n)} through every block, storing their keys and
     * values in {@code cache} (which must have room), and returns the residual stream after the last block
     * ({@code n × width} floats at the start of the returned buffer, valid until the next call). With
     * {@code lastOnly}, the last block runs past its keys and values for the last token alone, whose row is then
     * the buffer's first: what a prompt needs before generating, and about one block's work less (llama.cpp does
     * the same).
     */
    float[] run(int[] tokens, int n, int offset, KvCache cache, boolean lastOnly);
  }
}
