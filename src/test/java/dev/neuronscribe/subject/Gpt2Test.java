package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The forward pass against Hugging Face transformers' own MLP activations (fixtures made with transformers 5.17). */
class Gpt2Test {

  @ParameterizedTest
  @ValueSource(strings = {"gpt2-tiny-a", "gpt2-tiny-a-f16", "gpt2-tiny-a-bf16"})
  void everyMlpActivationMatchesTransformersWithin1e5(String fixture) throws Exception {
    Path dir = TestData.require("fixtures/" + fixture);
    JsonNode reference = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
    try (Gpt2 model = Gpt2.load(dir)) {
      Gpt2Config c = model.config();
      assertThat(c.layers()).isEqualTo(2);
      assertThat(c.mlpWidth()).isEqualTo(4 * c.width());
      int compared = 0;
      double worst = 0;
      for (JsonNode seq : reference.get("sequences")) {
        int[] ids = new int[seq.get("token_ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = seq.get("token_ids").get(i).intValue();
        float[][][] acts = model.mlpActivations(ids, c.layers() - 1);
        JsonNode expected = seq.get("mlp_post_activations");
        assertThat(expected.size()).isEqualTo(c.layers());
        for (int l = 0; l < c.layers(); l++) {
          assertThat(expected.get(l).size()).isEqualTo(ids.length);
          for (int t = 0; t < ids.length; t++) {
            JsonNode row = expected.get(l).get(t);
            assertThat(row.size()).isEqualTo(c.mlpWidth());
            for (int n = 0; n < row.size(); n++) {
              double diff = Math.abs(acts[l][t][n] - row.get(n).doubleValue());
              worst = Math.max(worst, diff);
              if (diff > 1e-5) {
                throw new AssertionError(fixture + ": layer " + l + " position " + t + " neuron " + n + ": expected "
                    + row.get(n).doubleValue() + ", computed " + acts[l][t][n]);
              }
              compared++;
            }
          }
        }
      }
      assertThat(compared).isGreaterThan(10_000);
      System.out.printf("%s: %d activations, worst difference %.2e%n", fixture, compared, worst);
    }
  }
}
