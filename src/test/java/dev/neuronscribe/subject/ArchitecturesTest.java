package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every hook point of every architecture against the values transformers computed (fixtures written by
 * tools/make_arch_fixtures.py; llama-tiny and neox-tiny were made by someone else, with only MLP activations).
 */
class ArchitecturesTest {
  static Path fixture(String name) {
    return Path.of("src", "test", "resources", "fixtures", name);
  }

  /** Runs one sequence and keeps every point of every layer: [point][layer] → rows × width. */
  static Map<HookPoint, float[][]> run(Model model, int[] ids) {
    int layers = model.shape().layers();
    Map<HookPoint, float[][]> out = new HashMap<>();
    for (HookPoint p : HookPoint.values()) out.put(p, new float[layers][]);
    model.newPass(ids.length).forward(ids, 1, ids.length, layers - 1, new Model.Hook() {
      @Override
      public boolean wants(int layer, HookPoint point) {
        return true;
      }

      @Override
      public void accept(int layer, HookPoint point, float[] values, int rows) {
        out.get(point)[layer] = java.util.Arrays.copyOf(values, rows * model.width(point));
      }
    });
    return out;
  }

  @ParameterizedTest
  @CsvSource({"arch-llama, llama", "arch-qwen2, qwen2", "arch-neox, gpt_neox", "arch-neox-sequential, gpt_neox", "arch-gemma2, gemma2"})
  void everyHookPointMatchesTransformersWithin1e5(String name, String architecture) throws Exception {
    Path dir = fixture(name);
    JsonNode reference = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
    try (Model model = Models.load(dir)) {
      assertThat(model.shape().architecture()).isEqualTo(architecture);
      int compared = 0;
      double worst = 0;
      for (JsonNode seq : reference.get("sequences")) {
        int[] ids = ids(seq.get("token_ids"));
        Map<HookPoint, float[][]> got = run(model, ids);
        for (HookPoint p : HookPoint.values()) {
          JsonNode expected = seq.get(p.id());
          assertThat(expected.size()).as(p.id()).isEqualTo(model.shape().layers());
          for (int l = 0; l < expected.size(); l++) {
            int width = model.width(p);
            for (int t = 0; t < ids.length; t++) {
              JsonNode row = expected.get(l).get(t);
              assertThat(row.size()).as("%s width", p.id()).isEqualTo(width);
              for (int u = 0; u < width; u++) {
                double diff = Math.abs(got.get(p)[l][t * width + u] - row.get(u).doubleValue());
                worst = Math.max(worst, diff);
                assertThat(diff).as("%s %s layer %d position %d unit %d", name, p.id(), l, t, u).isLessThanOrEqualTo(1e-5);
                compared++;
              }
            }
          }
        }
      }
      System.out.printf("%s: %d values, worst difference %.2e%n", name, compared, worst);
      assertThat(compared).isGreaterThan(1000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-tiny", "neox-tiny"})
  void heldOutFixturesMatchTheirMlpActivations(String name) throws Exception {
    Path dir = fixture(name);
    JsonNode reference = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
    try (Model model = Models.load(dir)) {
      int compared = 0;
      for (JsonNode seq : reference.get("sequences")) {
        int[] ids = ids(seq.get("token_ids"));
        float[][] acts = run(model, ids).get(HookPoint.MLP_ACT);
        JsonNode expected = seq.get("mlp_activations");
        int width = model.shape().mlpWidth();
        for (int l = 0; l < expected.size(); l++) {
          for (int t = 0; t < ids.length; t++) {
            for (int u = 0; u < width; u++) {
              assertThat((double) acts[l][t * width + u]).as("%s layer %d position %d neuron %d", name, l, t, u)
                  .isCloseTo(expected.get(l).get(t).get(u).doubleValue(), org.assertj.core.api.Assertions.within(1e-5));
              compared++;
            }
          }
        }
      }
      assertThat(compared).isGreaterThan(1000);
    }
  }

  static int[] ids(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.intValue()));
    return out.stream().mapToInt(i -> i).toArray();
  }
}
