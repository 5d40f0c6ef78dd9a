package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dictionary format against the latents torch computed from the format's published formula
 * ({@code tools/make_dictionary_fixtures.py}), on random inputs.
 */
class DictionaryTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Path fixtures() {
    try {
      return Path.of(DictionaryTest.class.getResource("/fixtures/dictionaries/reference.json").toURI()).getParent();
    } catch (Exception e) {
      throw new AssertionError("src/test/resources/fixtures/dictionaries is part of the repository; restore it with git", e);
    }
  }

  static JsonNode reference() throws Exception {
    return JSON.readTree(fixtures().resolve("reference.json").toFile());
  }

  static Path location(String name) {
    Path dir = fixtures().resolve(name);
    return name.contains("gemma-scope") ? dir.resolve("params.npz") : dir;
  }

  /** The --hook a dictionary is opened with: only where its files do not say (Gemma Scope outside its folders' naming). */
  static Optional<String> hookOption(JsonNode r) {
    return r.path("hook_option").isTextual() ? Optional.of(r.get("hook_option").asText()) : Optional.empty();
  }

  static float[] rows(JsonNode rows) {
    List<Float> all = new ArrayList<>();
    for (JsonNode r : rows) for (JsonNode v : r) all.add(v.floatValue());
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) out[i] = all.get(i);
    return out;
  }

  @Test
  void everyFormatMatchesTorchOnRandomInputs() throws Exception {
    JsonNode ref = reference().get("dictionaries");
    assertThat(ref.size()).isEqualTo(16);
    for (Map.Entry<String, JsonNode> e : ref.properties()) {
      JsonNode r = e.getValue();
      List<Dictionary> opened = Dictionary.open(location(e.getKey()), hookOption(r));
      assertThat(opened).hasSize(1);
      try (Dictionary d = opened.getFirst()) {
        assertThat(d.hook().point().id()).as(e.getKey()).isEqualTo(r.get("point").asText());
        assertThat(d.hook().layer()).as(e.getKey()).isEqualTo(r.get("layer").asInt());
        assertThat(d.info().dIn()).isEqualTo(r.get("d_in").asInt());
        assertThat(d.width()).isEqualTo(r.get("d_sae").asInt());
        float[] x = rows(r.get("inputs"));
        int n = r.get("inputs").size();
        float[] out = new float[n * d.width()];
        d.encode(x, n, out, new Dictionary.Scratch());
        float[] expected = rows(r.get("latents"));
        int active = 0;
        for (int i = 0; i < expected.length; i++) {
          assertThat(out[i]).as("%s latent %d of row %d", e.getKey(), i % d.width(), i / d.width()).isCloseTo(expected[i], within(1e-5f));
          if (expected[i] > 0) active++;
        }
        assertThat(active).as("some latents fire, so the comparison means something").isGreaterThan(n);
      }
    }
  }

  @Test
  void formatsAndKindsAreReadFromTheFiles() {
    try (Dictionary d = Dictionary.open(location("saelens-topk"), Optional.empty()).getFirst()) {
      assertThat(d.info().format()).isEqualTo(Dictionary.Format.SAELENS);
      assertThat(d.info().activation()).isEqualTo(Dictionary.Activation.TOPK);
      assertThat(d.info().k()).isEqualTo(6);
      assertThat(d.info().subtractsDecoderBias()).isTrue();
      assertThat(d.info().transcoder()).isFalse();
    }
    try (Dictionary d = Dictionary.open(location("saelens-topk-legacy"), Optional.empty()).getFirst()) {
      assertThat(d.info().k()).isEqualTo(5);
      assertThat(d.info().subtractsDecoderBias()).isFalse();
    }
    try (Dictionary d = Dictionary.open(location("saelens-transcoder"), Optional.empty()).getFirst()) {
      assertThat(d.info().transcoder()).isTrue();
      assertThat(d.info().subtractsDecoderBias()).isFalse();
      assertThat(d.hook().name()).isEqualTo("blocks.1.ln2.hook_normalized");
    }
    try (Dictionary d = Dictionary.open(location("sparsify-transcoder/layers.1.mlp"), Optional.empty()).getFirst()) {
      assertThat(d.info().format()).isEqualTo(Dictionary.Format.SPARSIFY);
      assertThat(d.info().transcoder()).isTrue();
      assertThat(d.hook().point()).as("a transcoder at layers.1.mlp reads the MLP's input").isEqualTo(HookPoint.MLP_IN);
    }
    try (Dictionary d = Dictionary.open(location("gemma-scope-tiny-res/layer_1/width_64/average_l0_9"), Optional.empty()).getFirst()) {
      assertThat(d.info().format()).isEqualTo(Dictionary.Format.GEMMA_SCOPE);
      assertThat(d.hook().name()).as("read from Gemma Scope's folder names").isEqualTo("blocks.1.hook_resid_post");
    }
  }

  @Test
  void aSparsifyRunFolderOpensOneDictionaryPerHookPoint() {
    List<Dictionary> all = Dictionary.open(fixtures().resolve("sparsify-run"), Optional.empty());
    try {
      assertThat(all).extracting(d -> d.hook().name()).containsExactly("layers.0.mlp", "layers.1");
      assertThat(all).extracting(d -> d.hook().point().id()).containsExactly("mlp_out", "resid_post");
    } finally {
      all.forEach(Dictionary::close);
    }
    assertThatThrownBy(() -> Dictionary.open(fixtures().resolve("sparsify-run"), Optional.of("layers.1")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("leave out --hook");
  }

  @Test
  void hookNamesAsUsersWriteThem() {
    assertThat(HookName.parse("blocks.6.hook_resid_pre", false)).get().extracting(HookName::layer, HookName::point).containsExactly(6, HookPoint.RESID_PRE);
    assertThat(HookName.parse("blocks.6.hook_resid_post", false).orElseThrow().point().id()).isEqualTo("resid_post");
    assertThat(HookName.parse("blocks.6.hook_mlp_out", false).orElseThrow().point().id()).isEqualTo("mlp_out");
    assertThat(HookName.parse("blocks.6.ln2.hook_normalized", true).orElseThrow().point()).isEqualTo(HookPoint.MLP_IN);
    assertThat(HookName.parse("blocks.6.mlp.hook_post", false).orElseThrow().point().id()).isEqualTo("mlp_act");
    assertThat(HookName.parse("layers.6", false).orElseThrow().point().id()).isEqualTo("resid_post");
    assertThat(HookName.parse("h.6", false).orElseThrow().point().id()).isEqualTo("resid_post");
    assertThat(HookName.parse("model.layers.6.mlp", false).orElseThrow().point().id()).isEqualTo("mlp_out");
    assertThat(HookName.parse("layers.6.mlp", true).orElseThrow().point()).isEqualTo(HookPoint.MLP_IN);
    assertThat(HookName.parse("mlp_act.3", false).orElseThrow()).extracting(HookName::layer, HookName::point).containsExactly(3, HookPoint.MLP_ACT);
    assertThat(HookName.parse("blocks.6.hook_resid_mid", false)).isEmpty();
    assertThat(HookName.parse("blocks.6.attn.hook_z", false)).isEmpty();
  }

  @Test
  void topKKeepsExactlyKAndBreaksTiesByPosition() {
    float[] v = {0.5f, -1f, 2f, 0.5f, 0.5f, 3f};
    Dictionary.topK(v, 0, 6, 3, new float[3]);
    assertThat(v).containsExactly(0.5f, 0f, 2f, 0f, 0f, 3f);
    float[] negative = {-3f, -1f, -2f};
    Dictionary.topK(negative, 0, 3, 2, new float[2]);
    assertThat(negative).as("kept values still pass the ReLU").containsExactly(0f, 0f, 0f);
    // Against sorting, on many random rows with ties.
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(300), k = 1 + random.nextInt(n);
      float[] row = new float[n];
      for (int j = 0; j < n; j++) row[j] = random.nextInt(40) - 10;
      float[] sorted = row.clone();
      java.util.Arrays.sort(sorted);
      float kth = sorted[n - k];
      float[] kept = row.clone();
      Dictionary.topK(kept, 0, n, k, new float[k]);
      float[] expected = new float[n];
      int ties = k;
      for (float x : row) if (x > kth) ties--;
      for (int j = 0; j < n; j++) {
        boolean keep = row[j] > kth || (row[j] == kth && ties-- > 0);
        expected[j] = keep ? Math.max(row[j], 0f) : 0f;
      }
      assertThat(kept).as("trial %d, n %d, k %d", trial, n, k).containsExactly(expected);
    }
  }

  @Test
  void groupMaxKeepsTheLargestOfEachGroup() {
    float[] v = {0.1f, 0.7f, -0.2f, /* group 2 */ -1f, -3f, -2f, /* group 3 */ 2f, 2.5f, 1f};
    Dictionary.groupMax(v, 0, 9, 3);
    assertThat(v).containsExactly(0f, 0.7f, 0f, 0f, 0f, 0f, 0f, 2.5f, 0f);
  }

  // ---------------------------------------------------------------- refusals: one line naming the file and the field

  private static Path copy(Path tmp, String name) throws Exception {
    Path from = fixtures().resolve(name), to = tmp.resolve(Path.of(name).getFileName().toString());
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    return to;
  }

  private static void edit(Path dir, java.util.function.Consumer<ObjectNode> change) throws Exception {
    ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("cfg.json").toFile());
    change.accept(cfg);
    Files.writeString(dir.resolve("cfg.json"), cfg.toString());
  }

  @Test
  void whatWeCannotEncodeIsRefusedNamingTheField(@TempDir Path tmp) throws Exception {
    Path gated = copy(tmp.resolve("a"), "saelens-standard");
    edit(gated, c -> c.put("architecture", "gated"));
    assertThatThrownBy(() -> Dictionary.open(gated, Optional.empty())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(gated.resolve("cfg.json").toString()).hasMessageContaining("'architecture'").hasMessageContaining("gated")
        .hasMessageContaining("jumprelu");

    Path normalised = copy(tmp.resolve("b"), "saelens-standard");
    edit(normalised, c -> c.put("normalize_activations", "expected_average_only_in"));
    assertThatThrownBy(() -> Dictionary.open(normalised, Optional.empty())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'normalize_activations'");

    Path unknownHook = copy(tmp.resolve("c"), "saelens-standard");
    edit(unknownHook, c -> ((ObjectNode) c.get("metadata")).put("hook_name", "blocks.1.hook_resid_mid"));
    assertThatThrownBy(() -> Dictionary.open(unknownHook, Optional.empty())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'hook_name'").hasMessageContaining("blocks.1.hook_resid_mid").hasMessageContaining("blocks.L.hook_resid_post");

    Path wrongSize = copy(tmp.resolve("d"), "saelens-standard");
    edit(wrongSize, c -> c.put("d_sae", 65));
    assertThatThrownBy(() -> Dictionary.open(wrongSize, Optional.empty())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("sae_weights.safetensors").hasMessageContaining("'W_enc'").hasMessageContaining("[32, 65]");

    Path noK = copy(tmp.resolve("e"), "saelens-topk");
    edit(noK, c -> c.remove("k"));
    assertThatThrownBy(() -> Dictionary.open(noK, Optional.empty())).isInstanceOf(InvalidInputException.class).hasMessageContaining("'k'");

    assertThatThrownBy(() -> Dictionary.open(tmp, Optional.empty())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("holds no dictionary");
  }

  @Test
  void aGemmaScopeFileOutsideItsFoldersNeedsAHook(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("params.npz");
    Files.copy(location("gemma-scope-tiny-res/layer_1/width_64/average_l0_9"), file);
    assertThatThrownBy(() -> Dictionary.open(file, Optional.empty())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--hook");
    try (Dictionary d = Dictionary.open(file, Optional.of("blocks.1.hook_resid_post")).getFirst()) {
      assertThat(d.hook().point().id()).isEqualTo("resid_post");
    }
    Files.write(tmp.resolve("bad.npz"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Dictionary.open(tmp.resolve("bad.npz"), Optional.of("layers.1"))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a zip archive");
  }
}
