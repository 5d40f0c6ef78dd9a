package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Path;

/**
 * GPT-NeoX (Pythia): layer-normed blocks, one fused query-key-value projection laid out head by head, RoPE on
 * the first {@code rotary_pct} of each head, and attention and MLP side by side on the same input when
 * {@code use_parallel_residual} (one after the other otherwise). Its neurons ({@link HookPoint#MLP_ACT}) are the
 * output of {@code mlp.act}; {@link HookPoint#MLP_IN} is {@code post_attention_layernorm}'s output.
 */
public final class NeoX extends MappedDecoder {
  private final Weights weights;

  record Layer(float[] ln1Gain, float[] ln1Bias, Matrix qkv, float[] qkvBias, Matrix o, float[] oBias,
      float[] ln2Gain, float[] ln2Bias, Matrix up, float[] upBias, Matrix down, float[] downBias) {}

  record Weights(Safetensors.Tensor embedding, Layer[] layers) {
    static Weights from(Checkpoint c, DecoderConfig d) {
      int e = d.width(), m = d.mlpWidth();
      Layer[] layers = new Layer[d.layers()];
      for (int l = 0; l < layers.length; l++) {
        String p = "layers." + l + ".";
        layers[l] = new Layer(c.vector(p + "input_layernorm.weight", e), c.vector(p + "input_layernorm.bias", e),
            c.linear(p + "attention.query_key_value.weight", 3 * e, e), c.biasOrZero(p + "attention.query_key_value.bias", 3 * e),
            c.linear(p + "attention.dense.weight", e, e), c.biasOrZero(p + "attention.dense.bias", e),
            c.vector(p + "post_attention_layernorm.weight", e), c.vector(p + "post_attention_layernorm.bias", e),
            c.linear(p + "mlp.dense_h_to_4h.weight", m, e), c.vector(p + "mlp.dense_h_to_4h.bias", m),
            c.linear(p + "mlp.dense_4h_to_h.weight", e, m), c.vector(p + "mlp.dense_4h_to_h.bias", e));
      }
      return new Weights(c.tensor("embed_in.weight", d.vocabSize(), e), layers);
    }
  }

  private NeoX(Mapping m) {
    super(m);
    this.weights = Weights.from(m.checkpoint(), m.config());
  }

  static NeoX load(Path directory, DecoderConfig config) {
    if (config.heads() * config.headDim() != config.width()) {
      throw new InvalidInputException(directory.resolve("config.json").toString(), "GPT-NeoX needs hidden_size = num_attention_heads × head size");
    }
    return map(directory, config, "gpt_neox.", NeoX::new);
  }

  @Override
  public State newPass(int rows) {
    return new State(rows);
  }

  final class State implements Model.Pass {
    final int capacity;
    final float[] x, h, qkv, q, k, v, att, attOut, mlp, out;
    final Gemm.Scratch scratch = new Gemm.Scratch();
    float[][] rope = new float[2][0];
    int ropeLength;

    State(int rows) {
      int e = config.width();
      capacity = rows;
      x = new float[rows * e];
      h = new float[rows * e];
      qkv = new float[rows * 3 * e];
      q = new float[rows * e];
      k = new float[rows * e];
      v = new float[rows * e];
      att = new float[rows * e];
      attOut = new float[rows * e];
      mlp = new float[rows * config.mlpWidth()];
      out = new float[rows * e];
    }

    @Override
    public void forward(int[] tokens, int sequences, int length, int lastLayer, Hook hook) {
      DecoderConfig c = config;
      int rows = sequences * length, e = c.width();
      Models.checkBatch(rows, capacity, length, c.contextLength());
      if (ropeLength != length) {
        rope = Ops.ropeTables(inverseFrequencies, length);
        ropeLength = length;
      }
      Taps taps = new Taps(hook, lastLayer);
      Ops.embed(weights.embedding(), tokens, rows, 1f, x);
      for (int l = 0; l <= lastLayer; l++) {
        Layer w = weights.layers()[l];
        if (taps.at(l, HookPoint.RESID_PRE, x, rows)) return;
        Ops.layerNorm(x, w.ln1Gain(), w.ln1Bias(), c.normEpsilon(), rows, h);
        Gemm.multiply(h, rows, w.qkv(), w.qkvBias(), qkv, false, scratch);
        split(qkv, rows, c.heads(), c.headDim(), q, k, v);
        Ops.rope(q, rows, length, c.heads(), c.headDim(), c.rotaryDim(), rope[0], rope[1]);
        Ops.rope(k, rows, length, c.heads(), c.headDim(), c.rotaryDim(), rope[0], rope[1]);
        Ops.attention(q, k, v, sequences, length, c.heads(), c.heads(), c.headDim(), c.attentionScale(), 0f, 0, att);
        Gemm.multiply(att, rows, w.o(), w.oBias(), attOut, false, scratch);
        if (!c.parallelResidual()) Ops.add(attOut, x, rows * e); // sequential: the MLP reads x + attention
        Ops.layerNorm(x, w.ln2Gain(), w.ln2Bias(), c.normEpsilon(), rows, h);
        if (taps.at(l, HookPoint.MLP_IN, h, rows)) return;
        Gemm.multiply(h, rows, w.up(), w.upBias(), mlp, false, scratch);
        Ops.activation(mlp, rows * c.mlpWidth(), c.activation());
        if (taps.at(l, HookPoint.MLP_ACT, mlp, rows)) return;
        Gemm.multiply(mlp, rows, w.down(), w.downBias(), out, false, scratch);
        if (taps.at(l, HookPoint.MLP_OUT, out, rows)) return;
        if (c.parallelResidual()) Ops.add(attOut, x, rows * e); // parallel: x + attention(ln1 x) + mlp(ln2 x)
        Ops.add(out, x, rows * e);
        if (taps.at(l, HookPoint.RESID_POST, x, rows)) return;
      }
    }
  }

  /** NeoX's fused projection holds, for each head in turn, its query, key and value: separated here. */
  private static void split(float[] qkv, int rows, int heads, int d, float[] q, float[] k, float[] v) {
    int e = heads * d;
    for (int r = 0; r < rows; r++) {
      for (int h = 0; h < heads; h++) {
        int from = r * 3 * e + h * 3 * d, to = r * e + h * d;
        System.arraycopy(qkv, from, q, to, d);
        System.arraycopy(qkv, from + d, k, to, d);
        System.arraycopy(qkv, from + 2 * d, v, to, d);
      }
    }
  }
}
