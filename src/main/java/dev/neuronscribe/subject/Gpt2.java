package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A GPT-2 checkpoint in Hugging Face's layout ({@code config.json} + {@code model.safetensors}), weights
 * memory-mapped, and its forward pass. Its neurons ({@link HookPoint#MLP_ACT}) are the output of
 * {@code mlp.act}, the value OpenAI calls a neuron's activation. Close it to unmap the file.
 */
public final class Gpt2 implements Model {
  private final Path directory;
  private final Gpt2Config config;
  private final Arena arena;
  private final Weights weights;
  private final String fingerprint;

  private Gpt2(Path directory, Gpt2Config config, Arena arena, Weights weights, String fingerprint) {
    this.directory = directory;
    this.config = config;
    this.arena = arena;
    this.weights = weights;
    this.fingerprint = fingerprint;
  }

  /**
   * Opens a model directory. A missing or malformed file, a missing tensor or one whose shape disagrees
   * with config.json is an {@link InvalidInputException} that names it.
   */
  public static Gpt2 load(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new InvalidInputException(directory.toString(), (Files.exists(directory) ? "is not a directory" : "not found")
          + "; give a Hugging Face GPT-2 directory holding config.json and model.safetensors");
    }
    Gpt2Config config = Gpt2Config.read(directory.resolve("config.json"));
    Path file = directory.resolve("model.safetensors");
    if (!Files.exists(file)) {
      throw new InvalidInputException(file.toString(), "not found; this recorder reads safetensors weights (convert pytorch_model.bin with save_pretrained(..., safe_serialization=True))");
    }
    Arena arena = Arena.ofShared();
    try {
      Safetensors tensors = Safetensors.open(file, arena);
      Weights weights = Weights.from(tensors, config);
      return new Gpt2(directory, config, arena, weights, config + "|" + tensors.digest());
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  public Gpt2Config config() {
    return config;
  }

  @Override
  public Shape shape() {
    return new Shape("gpt2", config.layers(), config.width(), config.mlpWidth(), config.contextLength(), config.vocabSize());
  }

  @Override
  public Path directory() {
    return directory;
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public void close() {
    arena.close();
  }

  /** Working memory for batches of up to {@code rows} tokens; one per thread that runs the model. */
  final class State implements Model.Pass {
    final int capacity;
    final float[] x, h, qkv, y, mlp;
    final Gemm.Scratch scratch = new Gemm.Scratch();

    State(int rows) {
      int e = config.width();
      capacity = rows;
      x = new float[rows * e];
      h = new float[rows * e];
      qkv = new float[rows * 3 * e];
      y = new float[rows * e];
      mlp = new float[rows * config.mlpWidth()];
    }

    @Override
    public void forward(int[] tokens, int sequences, int length, int lastLayer, Model.Hook hook) {
      Gpt2.this.forward(tokens, sequences, length, lastLayer, this, hook);
    }
  }

  @Override
  public State newPass(int rows) {
    return new State(rows);
  }

  /** See {@link Model.Pass#forward}; the language-model head never runs. */
  void forward(int[] tokens, int sequences, int length, int lastLayer, State s, Model.Hook hook) {
    int rows = sequences * length, e = config.width();
    if (rows > s.capacity) throw new IllegalArgumentException(rows + " tokens do not fit a state for " + s.capacity);
    if (length > config.contextLength()) throw new IllegalArgumentException("sequences of " + length + " tokens exceed the context of " + config.contextLength());
    Taps taps = new Taps(hook, lastLayer);
    Ops.embed(weights, tokens, sequences, length, s.x);
    for (int l = 0; l <= lastLayer; l++) {
      Weights.Layer w = weights.layers()[l];
      if (taps.at(l, HookPoint.RESID_PRE, s.x, rows)) return;
      Ops.layerNorm(s.x, w.ln1Gain(), w.ln1Bias(), config.layerNormEpsilon(), rows, s.h);
      Gemm.multiply(s.h, rows, w.qkv(), w.qkvBias(), s.qkv, false, s.scratch);
      Ops.attention(s.qkv, sequences, length, config, l, s.y);
      Gemm.multiply(s.y, rows, w.attnOut(), w.attnOutBias(), s.x, true, s.scratch);
      Ops.layerNorm(s.x, w.ln2Gain(), w.ln2Bias(), config.layerNormEpsilon(), rows, s.h);
      if (taps.at(l, HookPoint.MLP_IN, s.h, rows)) return;
      Gemm.multiply(s.h, rows, w.mlpIn(), w.mlpInBias(), s.mlp, false, s.scratch);
      Ops.gelu(s.mlp, rows * config.mlpWidth());
      if (taps.at(l, HookPoint.MLP_ACT, s.mlp, rows)) return;
      if (taps.wants(l, HookPoint.MLP_OUT)) { // the MLP's output on its own, then added
        Gemm.multiply(s.mlp, rows, w.mlpOut(), w.mlpOutBias(), s.y, false, s.scratch);
        if (taps.at(l, HookPoint.MLP_OUT, s.y, rows)) return;
        Ops.add(s.y, s.x, rows * e);
      } else {
        Gemm.multiply(s.mlp, rows, w.mlpOut(), w.mlpOutBias(), s.x, true, s.scratch);
      }
      if (taps.at(l, HookPoint.RESID_POST, s.x, rows)) return;
    }
  }

  /** Convenience for tests and tools: the MLP activations of one sequence, {@code [layer][position][neuron]}. */
  float[][][] mlpActivations(int[] tokens, int lastLayer) {
    int n = tokens.length, width = config.mlpWidth();
    float[][][] out = new float[lastLayer + 1][n][width];
    forward(tokens, 1, n, lastLayer, new State(n), Model.Hook.at(HookPoint.MLP_ACT, (layer, acts, rows) -> {
      for (int t = 0; t < rows; t++) System.arraycopy(acts, t * width, out[layer][t], 0, width);
    }));
    return out;
  }
}
