package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * What an MLP neuron writes, read through the unembedding: the logit lens of its output weights
 * (VocabProj). A neuron's row of {@code mlp.c_proj.weight} is the direction it adds to the residual
 * stream per unit of activation; its dot product with each token's unembedding vector (GPT-2 ties the
 * unembedding to {@code wte}; an {@code lm_head.weight} is used where a checkpoint has one) says which
 * next tokens the neuron makes likelier and which it suppresses, ignoring the final layer norm and every
 * later layer. It needs the weights, so it serves local models only.
 */
public final class OutputTokens implements AutoCloseable {
  /** A token and the logit it gains per unit of the neuron's activation. */
  public record Token(int id, String text, double logit) {}

  /** The most promoted tokens (highest first) and the most suppressed (lowest first) of one neuron. */
  public record Neuron(int layer, int neuron, List<Token> promoted, List<Token> suppressed) {
    public Neuron {
      promoted = List.copyOf(promoted);
      suppressed = List.copyOf(suppressed);
    }
  }

  private final Arena arena;
  private final Safetensors st;
  private final Gpt2Config config;
  private final String prefix;
  private final float[] unembedding;
  private final Gpt2Tokenizer tokenizer;

  private OutputTokens(Arena arena, Safetensors st, Gpt2Config config, String prefix, float[] unembedding, Gpt2Tokenizer tokenizer) {
    this.arena = arena;
    this.st = st;
    this.config = config;
    this.prefix = prefix;
    this.unembedding = unembedding;
    this.tokenizer = tokenizer;
  }

  /** Opens a GPT-2 checkpoint and reads its unembedding once (vocabulary × width floats); close it when done. */
  public static OutputTokens open(Path modelDir, Gpt2Tokenizer tokenizer) {
    Gpt2Config c = Gpt2Config.read(modelDir.resolve("config.json"));
    Path file = modelDir.resolve("model.safetensors");
    if (!Files.exists(file)) throw new InvalidInputException(file.toString(), "no such file; the output-side view reads the model's safetensors weights");
    if (c.vocabSize() != Gpt2Tokenizer.VOCABULARY_SIZE) {
      throw new InvalidInputException(modelDir.resolve("config.json").toString(), "field 'vocab_size' is " + c.vocabSize()
          + ", not GPT-2's " + Gpt2Tokenizer.VOCABULARY_SIZE + "; the output-side view names tokens with GPT-2's tokenizer");
    }
    Arena arena = Arena.ofShared();
    try {
      Safetensors st = Safetensors.open(file, arena);
      String prefix = st.find("transformer.wte.weight").isPresent() ? "transformer." : "";
      Safetensors.Tensor unembed = st.find("lm_head.weight").or(() -> st.find(prefix + "wte.weight")).orElseThrow(() ->
          new InvalidInputException(file.toString(), "has neither 'lm_head.weight' nor '" + prefix + "wte.weight'; is this a GPT-2 checkpoint?"));
      float[] wu = new float[c.vocabSize() * c.width()];
      unembed.copy(0, wu, 0, wu.length);
      return new OutputTokens(arena, st, c, prefix, wu, tokenizer);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** The top {@code k} promoted and suppressed tokens of one neuron. Thread-safe. */
  public Neuron neuron(int layer, int n, int k) {
    int e = config.width(), vocab = config.vocabSize();
    if (layer < 0 || layer >= config.layers() || n < 0 || n >= config.mlpWidth()) {
      throw new IllegalArgumentException("neuron " + layer + ":" + n + " does not exist: the model has " + config.layers() + " layers of "
          + config.mlpWidth() + " neurons");
    }
    String name = prefix + "h." + layer + ".mlp.c_proj.weight";
    Safetensors.Tensor proj = st.find(name).orElseThrow(() -> new InvalidInputException(st.file().toString(), "has no tensor '" + name + "'"));
    float[] row = new float[e];
    proj.copy((long) n * e, row, 0, e); // Conv1D layout [inner, width]: row n is what neuron n writes
    double[] logits = new double[vocab];
    for (int v = 0; v < vocab; v++) {
      double s = 0;
      for (int d = 0; d < e; d++) s += (double) row[d] * unembedding[v * e + d];
      logits[v] = s;
    }
    return new Neuron(layer, n, top(logits, k, true, tokenizer), top(logits, k, false, tokenizer));
  }

  @Override
  public void close() {
    arena.close();
  }

  private static List<Token> top(double[] logits, int k, boolean highest, Gpt2Tokenizer tokenizer) {
    PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> highest ? Double.compare(logits[a], logits[b]) : Double.compare(logits[b], logits[a]));
    for (int v = 0; v < logits.length; v++) {
      heap.add(v);
      if (heap.size() > k) heap.poll();
    }
    List<Token> out = new ArrayList<>();
    while (!heap.isEmpty()) {
      int v = heap.poll();
      out.addFirst(new Token(v, tokenizer.token(v), logits[v]));
    }
    return out;
  }
}
