package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.LogitLensExplainer;
import dev.neuronscribe.prompts.PromptFormat;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logit lens of output weights on a checkpoint built so that the answer is known: neuron 0:5 writes
 * exactly the embedding of " red" (tied unembedding, so " red" must come first among the promoted tokens)
 * and neuron 0:6 writes minus the embedding of " blue" (first among the suppressed).
 */
class OutputTokensTest {
  private static final Gpt2Config C = new Gpt2Config(1, 16, 2, 32, 8, Gpt2Tokenizer.VOCABULARY_SIZE, 1e-5f, false);

  @Test
  void aNeuronWritingATokensEmbeddingPromotesThatTokenFirst(@TempDir Path dir) {
    Gpt2Tokenizer tok = new Gpt2Tokenizer();
    int red = tok.encode(" red")[0], blue = tok.encode(" blue")[0];
    int e = C.width();
    SplittableRandom random = new SplittableRandom(3);
    Map<String, float[]> w = new HashMap<>();
    float[] wte = new float[C.vocabSize() * e];
    for (int i = 0; i < wte.length; i++) wte[i] = (float) random.nextGaussian();
    float[] proj = new float[C.mlpWidth() * e];
    for (int i = 0; i < proj.length; i++) proj[i] = (float) (0.01 * random.nextGaussian());
    for (int d = 0; d < e; d++) {
      proj[5 * e + d] = wte[red * e + d];
      proj[6 * e + d] = -wte[blue * e + d];
    }
    w.put("wte.weight", wte);
    w.put("h.0.mlp.c_proj.weight", proj);
    Checkpoints.write(dir, C, (name, shape) -> {
      float[] v = w.get(name);
      if (v != null) return SafetensorsWriter.Values.of(v);
      long n = 1;
      for (long s : shape) n *= s;
      return SafetensorsWriter.Values.of(new float[(int) n]);
    });

    try (OutputTokens out = OutputTokens.open(dir, tok)) {
      OutputTokens.Neuron n5 = out.neuron(0, 5, 4);
      assertThat(n5.promoted()).hasSize(4);
      assertThat(n5.promoted().getFirst().text()).isEqualTo(" red");
      double expected = 0;
      for (int d = 0; d < e; d++) expected += (double) wte[red * e + d] * wte[red * e + d];
      assertThat(n5.promoted().getFirst().logit()).isCloseTo(expected, offset(1e-3));
      assertThat(n5.promoted()).isSortedAccordingTo((a, b) -> Double.compare(b.logit(), a.logit()));
      assertThat(out.neuron(0, 6, 4).suppressed().getFirst().text()).isEqualTo(" blue");
      assertThatThrownBy(() -> out.neuron(1, 0, 3)).hasMessageContaining("does not exist");

      NeuronRecord record = NeuronRecord.of(new NeuronId(0, 5), List.of(new ActivationRecord(List.of(" a"), new double[] {1})), List.of());
      List<Explanation> x = new LogitLensExplainer(out).explain(PromptFormat.values()[0], new Explainee.Neuron(record), 1);
      assertThat(x.getFirst().text().orElseThrow()).startsWith("makes the next tokens \"red\"").endsWith("more likely");
    }
  }
}
