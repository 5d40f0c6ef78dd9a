package dev.neuronscribe.subject;

import java.nio.file.Path;

/**
 * Gemma 2: embeddings scaled by √width; RMS norms with gain {@code 1 + w} before and after both attention and
 * the MLP; attention scores scaled by {@code query_pre_attn_scalar^-0.5} and soft-capped; sliding-window
 * layers alternating with global ones; a GeGLU MLP (tanh GELU) whose neurons ({@link HookPoint#MLP_ACT}) are
 * {@code gelu(gate) · up}. {@link HookPoint#MLP_OUT} is taken after the post-feed-forward norm, as it joins
 * the residual stream.
 */
final class Gemma2 extends MappedDecoder implements CausalBlocks {
  private final Weights weights;

  record Layer(float[] inputNorm, Matrix q, float[] qBias, Matrix k, float[] kBias, Matrix v, float[] vBias, Matrix o, float[] oBias,
      float[] postAttnNorm, float[] preMlpNorm, Matrix gate, Matrix up, Matrix down, float[] postMlpNorm, float[] mlpZero, float[] widthZero) {}

  record Weights(Safetensors.Tensor embedding, Layer[] layers) {
    static Weights from(Checkpoint c, DecoderConfig d) {
      int e = d.width(), qw = d.heads() * d.headDim(), kw = d.kvHeads() * d.headDim(), m = d.mlpWidth();
      Layer[] layers = new Layer[d.layers()];
      for (int l = 0; l < layers.length; l++) {
        String p = "layers." + l + ".";
        layers[l] = new Layer(gain(c, p + "input_layernorm.weight", e),
            c.linear(p + "self_attn.q_proj.weight", qw, e), c.biasOrZero(p + "self_attn.q_proj.bias", qw),
            c.linear(p + "self_attn.k_proj.weight", kw, e), c.biasOrZero(p + "self_attn.k_proj.bias", kw),
            c.linear(p + "self_attn.v_proj.weight", kw, e), c.biasOrZero(p + "self_attn.v_proj.bias", kw),
            c.linear(p + "self_attn.o_proj.weight", e, qw), c.biasOrZero(p + "self_attn.o_proj.bias", e),
            gain(c, p + "post_attention_layernorm.weight", e), gain(c, p + "pre_feedforward_layernorm.weight", e),
            c.linear(p + "mlp.gate_proj.weight", m, e), c.linear(p + "mlp.up_proj.weight", m, e), c.linear(p + "mlp.down_proj.weight", e, m),
            gain(c, p + "post_feedforward_layernorm.weight", e), new float[m], new float[e]);
      }
      return new Weights(c.tensor("embed_tokens.weight", d.vocabSize(), e), layers);
    }

    /** Gemma's norms multiply by {@code 1 + w}: stored once that way. */
    static float[] gain(Checkpoint c, String name, int n) {
      float[] w = c.vector(name, n);
      if (!c.normsHoldOnePlus()) for (int i = 0; i < n; i++) w[i] += 1f;
      return w;
    }
  }

  private Gemma2(Mapping m) {
    super(m);
    this.weights = Weights.from(m.checkpoint(), m.config());
  }

  static Gemma2 load(Path directory, DecoderConfig config) {
    return map(directory, config, "model.", Gemma2::new);
  }

  /** Over weights already mapped (a GGUF file's). */
  static Gemma2 of(Mapping m) {
    return new Gemma2(m);
  }

  @Override
  public State newPass(int rows) {
    return new State(rows, false);
  }

  @Override
  public State runner(int rows) {
    return new State(rows, true);
  }

  final class State implements Model.Pass, CausalBlocks.Runner {
    final int capacity;
    final float[] x, h, q, k, v, att, gate, up, out;
    final Gemm.Scratch scratch;
    float[][] rope = new float[2][0];
    int ropeLength;

    /** @param dotProducts a language model's runner: a lone generated token takes the dot-product path ({@link Gemm.Scratch}) */
    State(int rows, boolean dotProducts) {
      scratch = new Gemm.Scratch(dotProducts);
      DecoderConfig c = config;
      capacity = rows;
      x = new float[rows * c.width()];
      h = new float[rows * c.width()];
      q = new float[rows * c.heads() * c.headDim()];
      k = new float[rows * c.kvHeads() * c.headDim()];
      v = new float[rows * c.kvHeads() * c.headDim()];
      att = new float[rows * c.heads() * c.headDim()];
      gate = new float[rows * c.mlpWidth()];
      up = new float[rows * c.mlpWidth()];
      out = new float[rows * c.width()];
    }

    @Override
    public void forward(int[] tokens, int sequences, int length, int lastLayer, Hook hook) {
      Models.checkBatch(sequences * length, capacity, length, config.contextLength());
      run(tokens, sequences, length, 0, null, lastLayer, new Taps(hook, lastLayer), false);
    }

    @Override
    public float[] run(int[] tokens, int n, int offset, KvCache cache, boolean lastOnly) {
      run(tokens, 1, n, offset, cache, config.layers() - 1, Taps.NONE, lastOnly);
      return x;
    }

    /** The blocks up to {@code lastLayer}, over {@code cache} when there is one (positions from {@code offset}). */
    private void run(int[] tokens, int sequences, int length, int offset, KvCache cache, int lastLayer, Taps taps, boolean lastOnly) {
      DecoderConfig c = config;
      int rows = sequences * length, e = c.width();
      if (ropeLength < offset + length) { // a table's first positions do not depend on its length
        rope = Ops.ropeTables(inverseFrequencies, offset + length);
        ropeLength = offset + length;
      }
      Ops.embed(weights.embedding(), tokens, rows, (float) Math.sqrt(e), x);
      for (int l = 0; l <= lastLayer; l++) {
        Layer w = weights.layers()[l];
        if (taps.at(l, HookPoint.RESID_PRE, x, rows)) return;
        Ops.rmsNorm(x, w.inputNorm(), c.normEpsilon(), rows, h);
        rows = KvCache.selfAttention(cache, l, lastOnly && l == lastLayer, h, x, rows, sequences, length, offset, new Gemm.Product(w.q(), w.qBias(), q),
            new Gemm.Product(w.k(), w.kBias(), k), new Gemm.Product(w.v(), w.vBias(), v), c, rope, interleavedRope, att, scratch);
        Gemm.multiply(att, rows, w.o(), w.oBias(), out, false, scratch);
        Ops.rmsNorm(out, w.postAttnNorm(), c.normEpsilon(), rows, out);
        Ops.add(out, x, rows * e);
        Ops.rmsNorm(x, w.preMlpNorm(), c.normEpsilon(), rows, h);
        if (taps.at(l, HookPoint.MLP_IN, h, rows)) return;
        if (Ops.gatedMlp(taps, l, h, rows, new Gemm.Product(w.gate(), w.mlpZero(), gate), new Gemm.Product(w.up(), w.mlpZero(), up), c.activation(), w.down(), w.widthZero(), out, scratch)) {
          return;
        }
        Ops.rmsNorm(out, w.postMlpNorm(), c.normEpsilon(), rows, out);
        if (taps.at(l, HookPoint.MLP_OUT, out, rows)) return;
        Ops.add(out, x, rows * e);
        if (taps.at(l, HookPoint.RESID_POST, x, rows)) return;
      }
    }
  }
}
