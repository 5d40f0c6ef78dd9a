package dev.neuronscribe.subject;

import java.util.Arrays;

/**
 * A decoder's blocks ({@link CausalBlocks}) completed into a language model: the final RMS norm, the head
 * ({@code lm_head}, or the embedding matrix when tied) and Gemma 2's final soft-cap. Prompts run in chunks of
 * at most {@link #CHUNK} tokens (each row's sums do not depend on the chunk, so the logits are the same),
 * which bounds the working memory whatever the prompt.
 */
final class DecoderLanguageModel implements LanguageModel {
  static final int CHUNK = 256;

  private final MappedDecoder decoder;
  private final CausalBlocks blocks;
  private final DecoderConfig config;
  private final float[] finalNorm;
  private final Matrix head;
  private final float[] headBias;
  private final float logitSoftcap;
  private final Tokenizer tokenizer;
  private final Chat chat;

  /**
   * @param finalNorm the final norm's gain, as multiplied (Gemma's {@code 1 + w} already added)
   * @param head the head as an {@code width × vocab} matrix ({@link Matrix#linear} of {@code [vocab, width]})
   * @param logitSoftcap Gemma 2's {@code final_logit_softcapping} (0 = none)
   */
  <D extends MappedDecoder & CausalBlocks> DecoderLanguageModel(D decoder, float[] finalNorm, Matrix head, float logitSoftcap, Tokenizer tokenizer, Chat chat) {
    this.decoder = decoder;
    this.blocks = decoder;
    this.config = decoder.config;
    this.finalNorm = finalNorm;
    this.head = head;
    this.headBias = new float[head.cols];
    this.logitSoftcap = logitSoftcap;
    this.tokenizer = tokenizer;
    this.chat = chat;
  }

  @Override
  public String architecture() {
    return config.architecture();
  }

  @Override
  public int vocabSize() {
    return head.cols;
  }

  @Override
  public int contextLength() {
    return config.contextLength();
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public Chat chat() {
    return chat;
  }

  @Override
  public Session newSession(int capacity) {
    if (capacity < 1 || capacity > config.contextLength()) {
      throw new IllegalArgumentException("a session of " + capacity + " tokens: it must hold between 1 and the model's context of "
          + config.contextLength() + " tokens");
    }
    return new CachedSession(new KvCache(config.layers(), config.kvHeads() * config.headDim(), capacity), 0);
  }

  /**
   * Multiply-adds of the blocks' matmuls per token, times 2 (attention scores excluded), of the head's, and of the
   * part of the last block that a prompt runs for its last token only (all but the keys and values).
   */
  double[] flopsPerToken() {
    DecoderConfig c = config;
    double q = (double) c.heads() * c.headDim(), kv = (double) c.kvHeads() * c.headDim();
    double block = 2.0 * (c.width() * (2 * q + 2 * kv) + 3.0 * c.width() * c.mlpWidth());
    return new double[] {c.layers() * block, 2.0 * c.width() * head.cols, block - 2.0 * c.width() * 2 * kv};
  }

  @Override
  public void close() {
    tokenizer.close();
    decoder.close();
  }

  /** The final norm and the head for {@code rows} rows of the residual stream from row {@code first} of {@code x}, into {@code out[offset..]}. */
  private void logits(float[] x, int first, int rows, float[] h, float[] out, int offset, Gemm.Scratch scratch) {
    int e = config.width(), vocab = head.cols;
    Ops.rmsNorm(Arrays.copyOfRange(x, first * e, (first + rows) * e), finalNorm, config.normEpsilon(), rows, h);
    float[] c = offset == 0 && out.length == rows * vocab ? out : new float[rows * vocab];
    Gemm.multiply(h, rows, head, headBias, c, false, scratch);
    if (c != out) System.arraycopy(c, 0, out, offset, rows * vocab);
    if (logitSoftcap > 0) {
      for (int i = offset; i < offset + rows * vocab; i++) out[i] = (float) (logitSoftcap * Math.tanh(out[i] / logitSoftcap));
    }
  }

  private final class CachedSession implements Session {
    private final KvCache cache;
    private int length;
    private CausalBlocks.Runner runner;
    private float[] h;
    private final Gemm.Scratch scratch = new Gemm.Scratch(true);

    CachedSession(KvCache cache, int length) {
      this.cache = cache;
      this.length = length;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public int capacity() {
      return cache.capacity();
    }

    @Override
    public float[] append(int[] tokens, boolean allPositions) {
      int n = tokens.length, vocab = head.cols;
      if (n == 0) throw new IllegalArgumentException("no tokens to append");
      if (length + n > cache.capacity()) {
        throw new IllegalArgumentException(n + " more tokens after the " + length + " held exceed the session's capacity of " + cache.capacity()
            + " tokens (the model's context is " + config.contextLength() + ")");
      }
      for (int t : tokens) {
        if (t < 0 || t >= vocab) throw new IllegalArgumentException("token id " + t + " is outside the model's vocabulary of " + vocab);
      }
      cache.reserve(length + n);
      int chunk = Math.min(CHUNK, cache.capacity());
      if (runner == null) {
        runner = blocks.runner(chunk);
        h = new float[chunk * config.width()];
      }
      float[] out = new float[allPositions ? n * vocab : vocab];
      for (int from = 0; from < n; from += chunk) {
        int m = Math.min(chunk, n - from);
        // Without allPositions no chunk needs more than its last token's output (and only the last chunk's is used).
        float[] x = runner.run(Arrays.copyOfRange(tokens, from, from + m), m, length + from, cache, !allPositions);
        if (allPositions) {
          logits(x, 0, m, h, out, from * vocab, scratch);
        } else if (from + m == n) {
          logits(x, 0, 1, h, out, 0, scratch);
        }
      }
      length += n;
      return out;
    }

    @Override
    public Session fork() {
      return new CachedSession(cache.copy(length), length);
    }

    @Override
    public void truncate(int newLength) {
      if (newLength < 0 || newLength > length) throw new IllegalArgumentException("cannot truncate a session of " + length + " tokens to " + newLength);
      length = newLength;
    }
  }
}
