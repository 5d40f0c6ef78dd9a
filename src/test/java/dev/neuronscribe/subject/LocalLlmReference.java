package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** A reference.json of tools/make_local_llm_fixtures.py and the checks a {@link LanguageModel} must pass against it. */
final class LocalLlmReference {
  final JsonNode root;

  LocalLlmReference(Path file) throws IOException {
    this.root = new ObjectMapper().readTree(file.toFile());
  }

  static Path fixture(String name) {
    return Path.of("src", "test", "resources", "fixtures", "local-llm", name);
  }

  static int[] ids(JsonNode array) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) ids[i] = array.get(i).asInt();
    return ids;
  }

  /** Log-softmax of one row of logits, in double. */
  static double[] logSoftmax(float[] logits, int row, int vocab) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) max = Math.max(max, logits[row * vocab + i]);
    double sum = 0;
    for (int i = 0; i < vocab; i++) sum += Math.exp(logits[row * vocab + i] - max);
    double log = max + Math.log(sum);
    double[] out = new double[vocab];
    for (int i = 0; i < vocab; i++) out[i] = logits[row * vocab + i] - log;
    return out;
  }

  static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
    return best;
  }

  /**
   * Every prompt in one batched pass: at every position the reference's top-k log-probabilities within
   * {@code tolerance}, no other token above its k-th (beyond the tolerance), and the whole log-softmax at the
   * positions the reference keeps. Returns the largest difference seen.
   */
  double checkLogprobs(LanguageModel model, double tolerance) {
    int vocab = model.vocabSize();
    double worst = 0;
    for (JsonNode prompt : root.get("prompts")) {
      int[] ids = ids(prompt.get("token_ids"));
      float[] logits;
      try (LanguageModel.Session s = model.newSession(ids.length)) {
        logits = s.append(ids, true);
      }
      assertThat(logits).hasSize(ids.length * vocab);
      for (int t = 0; t < ids.length; t++) {
        double[] lp = logSoftmax(logits, t, vocab);
        JsonNode topIds = prompt.get("top_ids").get(t), topLp = prompt.get("top_logprobs").get(t);
        Set<Integer> top = new HashSet<>();
        for (int j = 0; j < topIds.size(); j++) {
          int id = topIds.get(j).asInt();
          top.add(id);
          double d = Math.abs(lp[id] - topLp.get(j).asDouble());
          worst = Math.max(worst, d);
          assertThat(d).as("position %d token %d", t, id).isLessThanOrEqualTo(tolerance);
        }
        double kth = topLp.get(topLp.size() - 1).asDouble();
        for (int i = 0; i < vocab; i++) {
          if (!top.contains(i)) assertThat(lp[i]).as("position %d: token %d outside the reference's top-k", t, i).isLessThanOrEqualTo(kth + tolerance);
        }
      }
      JsonNode positions = prompt.get("full_positions");
      for (int j = 0; j < positions.size(); j++) {
        int t = positions.get(j).asInt();
        double[] lp = logSoftmax(logits, t, vocab);
        JsonNode full = prompt.get("full_logprobs").get(j);
        assertThat(full.size()).isEqualTo(vocab);
        for (int i = 0; i < vocab; i++) {
          double d = Math.abs(lp[i] - full.get(i).asDouble());
          worst = Math.max(worst, d);
          assertThat(d).as("position %d token %d (full log-softmax)", t, i).isLessThanOrEqualTo(tolerance);
        }
      }
    }
    return worst;
  }

  /** Greedy continuation of every prompt, one token at a time through the cache, against the reference's tokens. */
  void checkGreedy(LanguageModel model) {
    for (JsonNode prompt : root.get("prompts")) {
      int[] ids = ids(prompt.get("token_ids"));
      int[] expected = ids(prompt.get("greedy"));
      int[] got = new int[expected.length];
      try (LanguageModel.Session s = model.newSession(ids.length + expected.length)) {
        float[] last = s.append(ids, false);
        for (int i = 0; i < got.length; i++) {
          got[i] = argmax(last);
          if (i + 1 < got.length) last = s.append(new int[] {got[i]}, false);
        }
      }
      assertThat(got).as("greedy continuation of %s", prompt.get("token_ids")).containsExactly(expected);
    }
  }
}
