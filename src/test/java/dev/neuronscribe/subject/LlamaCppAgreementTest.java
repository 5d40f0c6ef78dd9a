package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our log-probabilities against llama.cpp's on the same GGUF files (recorded by tools/llama_cpp_logprobs.mjs with
 * node-llama-cpp 3.21.1 on the CPU; NAME.llama-cpp.json beside each file).
 *
 * <p>The tolerances are llama.cpp's own rounding, not ours (ours match transformers to 1e-4, see {@link GgufTest}):
 * llama.cpp keeps the KV cache in F16 by default, which moves these tiny models' log-probabilities by up to about
 * 4e-3 even with F32 weights (hence 1e-2); with Q8_0 weights it also quantises each matmul's activations to 8 bits
 * (Q8_0 blocks of 32), which moved them by up to 0.063 here (hence 0.1). Where our best token leads the runner-up by
 * more than twice the tolerance, llama.cpp must pick the same one.
 */
class LlamaCppAgreementTest {
  @ParameterizedTest
  @CsvSource({"llama-f32, 1e-2", "llama-q8_0, 0.1", "qwen2-q8_0, 0.1", "gemma2/gemma2-q8_0, 0.1"})
  void ourLogprobsAgreeWithLlamaCpp(String name, double tolerance) throws Exception {
    Path dir = LocalLlmReference.fixture("gguf");
    JsonNode theirs = new ObjectMapper().readTree(dir.resolve(name + ".llama-cpp.json").toFile());
    assertThat(theirs.get("made_with").asText()).contains("node-llama-cpp 3.21.1");
    try (LanguageModel model = LanguageModels.open(dir.resolve(name + ".gguf"))) {
      int vocab = model.vocabSize(), compared = 0, topChecked = 0;
      double worst = 0;
      for (JsonNode prompt : theirs.get("prompts")) {
        int[] ids = LocalLlmReference.ids(prompt.get("token_ids"));
        float[] logits;
        try (LanguageModel.Session s = model.newSession(ids.length)) {
          logits = s.append(ids, true);
        }
        for (int t = 0; t < ids.length; t++) {
          double[] lp = LocalLlmReference.logSoftmax(logits, t, vocab);
          JsonNode topIds = prompt.get("top_ids").get(t), topLp = prompt.get("top_logprobs").get(t);
          for (int j = 0; j < topIds.size(); j++) {
            int id = topIds.get(j).asInt();
            double d = Math.abs(lp[id] - topLp.get(j).asDouble());
            worst = Math.max(worst, d);
            compared++;
            assertThat(d).as("%s position %d token %d", name, t, id).isLessThanOrEqualTo(tolerance);
          }
          int best = 0, second = -1;
          for (int i = 1; i < vocab; i++) {
            if (lp[i] > lp[best]) {
              second = best;
              best = i;
            } else if (second < 0 || lp[i] > lp[second]) {
              second = i;
            }
          }
          if (lp[best] - lp[second] > 2 * tolerance) {
            topChecked++;
            assertThat(topIds.get(0).asInt()).as("%s position %d: llama.cpp's best token", name, t).isEqualTo(best);
          }
        }
      }
      assertThat(compared).isGreaterThan(1000);
      assertThat(topChecked).isGreaterThan(10);
      assertThat(worst).as("the largest difference (else the tolerance is loose)").isGreaterThan(0);
    }
  }
}
