package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dictionaries on a real model: latents of gpt2-tiny-a's hook points against torch + transformers
 * ({@code tools/make_dictionary_fixtures.py}), and latents recorded end to end by the recorder.
 */
class DictionaryRecordingTest {
  static Path gpt2() {
    return model("gpt2-tiny-a");
  }

  static Path model(String name) {
    return DictionaryTest.fixtures().getParent().resolve(name);
  }

  /** The latents of one token sequence, {@code [position][latent]}, through the model's pass and the dictionary. */
  static float[][] latents(Model model, Dictionary d, int[] ids) {
    int n = ids.length, width = d.width();
    float[][] out = new float[n][width];
    LayerUnits units = d.units();
    model.newPass(n).forward(ids, 1, n, d.hook().layer(), Model.Hook.at(d.hook().point(), (layer, values, rows) -> {
      if (layer != d.hook().layer()) return;
      float[] latents = units.compute(values, rows);
      for (int t = 0; t < rows; t++) System.arraycopy(latents, t * width, out[t], 0, width);
    }));
    return out;
  }

  private static int[] withBos(Tokenizer tokenizer, int[] ids) {
    if (tokenizer.bos().isEmpty()) return ids;
    int[] out = new int[ids.length + 1];
    out[0] = tokenizer.bos().getAsInt();
    System.arraycopy(ids, 0, out, 1, ids.length);
    return out;
  }

  @Test
  void everyFormatMatchesTorchOnTheModelsHookPoints() throws Exception {
    JsonNode ref = DictionaryTest.reference();
    java.util.Set<String> models = new java.util.TreeSet<>();
    for (Map.Entry<String, JsonNode> e : ref.get("dictionaries").properties()) {
      String name = e.getValue().get("model").asText();
      models.add(name);
      List<int[]> sequences = new ArrayList<>();
      for (JsonNode s : ref.get("sequences").get(name)) sequences.add(DictionaryTest.JSON.convertValue(s, int[].class));
      try (Model model = Models.load(model(name));
          Dictionary d = Dictionary.open(DictionaryTest.location(e.getKey()), DictionaryTest.hookOption(e.getValue())).getFirst()) {
        d.checkFits(model);
        int compared = 0, expected = 0;
        for (int s = 0; s < sequences.size(); s++) {
          float[][] ours = latents(model, d, sequences.get(s));
          expected += sequences.get(s).length * d.width();
          JsonNode theirs = e.getValue().get("model_latents").get(s);
          for (int t = 0; t < ours.length; t++) {
            for (int j = 0; j < d.width(); j++) {
              assertThat(ours[t][j]).as("%s, sequence %d, position %d, latent %d", e.getKey(), s, t, j)
                  .isCloseTo(theirs.get(t).get(j).floatValue(), within(1e-5f));
              compared++;
            }
          }
        }
        assertThat(compared).isEqualTo(expected);
      }
    }
    assertThat(models).as("dictionaries on two architectures").containsExactly("gpt2-tiny-a", "llama-tiny");
  }

  @Test
  void aDictionaryForAnotherModelOrLayerIsRefusedByName(@TempDir Path tmp) {
    try (Model model = Models.load(gpt2());
        Dictionary wide = Dictionary.open(DictionaryTest.location("saelens-standard"), Optional.of("blocks.1.mlp.hook_post")).getFirst();
        Dictionary deep = Dictionary.open(DictionaryTest.location("saelens-standard"), Optional.of("blocks.7.hook_resid_pre")).getFirst()) {
      assertThatThrownBy(() -> wide.checkFits(model)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("cfg.json").hasMessageContaining("field 'd_in' is 32").hasMessageContaining("width 128");
      assertThatThrownBy(() -> deep.checkFits(model)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("layers 0-1");
    }
  }

  @Test
  void recordedLatentsHoldTheCorpusMaximumInTheirFirstTopExcerpt(@TempDir Path tmp) throws Exception {
    Path corpus = tmp.resolve("corpus.jsonl");
    StringBuilder sb = new StringBuilder();
    String[] words = {"river", "lantern", "seven", "(quiet)", "March", "blue", "kettle", "1984"};
    for (int i = 0; i < 40; i++) {
      sb.append("{\"text\": \"Note ").append(i).append(": the ").append(words[i % 8]).append(" and the ").append(words[(i * 3 + 1) % 8])
          .append(" met by the ").append(words[(i * 5 + 2) % 8]).append(" again. ").append("Then it rained. ".repeat(i % 4 + 1)).append("\"}\n");
    }
    Files.writeString(corpus, sb.toString());
    RecordingOptions options = new RecordingOptions(24, 8, 4, 5, 4, 2, 30, 1, Duration.ZERO);
    for (String name : List.of("saelens-topk", "sparsify-transcoder/layers.1.mlp", "gemma-scope-tiny-res/layer_1/width_64/average_l0_9",
        "llama/sparsify-transcoder/layers.1.mlp")) {
      try (Model model = Models.load(name.startsWith("llama/") ? model("llama-tiny") : gpt2()); Dictionary d = Dictionary.open(DictionaryTest.location(name), Optional.empty()).getFirst();
          Tokenizer tokenizer = Models.tokenizer(model)) {
        RecorderTest.MapSink sink = new RecorderTest.MapSink();
        int layer = d.hook().layer();
        Recorder recorder = new Recorder(model, tokenizer, l -> d.units(), options);
        Recorder.Result result = recorder.record(Corpus.detect(corpus), Recorder.Selection.allNeurons(List.of(layer)), tmp.resolve("w-" + name.replace('/', '-')),
            sink, RecordingProgress.silent());
        assertThat(result.status()).isEqualTo(Recorder.Status.COMPLETED);
        assertThat(result.neuronsWritten()).as(name).isEqualTo(d.width());

        // The corpus's excerpts, tokenised as the recorder does, each run alone through the model and dictionary.
        Path excerpts = tmp.resolve("excerpts-" + name.replace('/', '-') + ".bin");
        Corpus c = Corpus.detect(corpus);
        ExcerptStore.write(excerpts, c, c.digest(), tokenizer, options.excerptTokens(), options.minExcerptTokens(), b -> {});
        float[] corpusMax = new float[d.width()];
        Arrays.fill(corpusMax, Float.NEGATIVE_INFINITY);
        List<List<String>> texts = new ArrayList<>();
        List<float[][]> values = new ArrayList<>();
        try (ExcerptStore store = ExcerptStore.open(excerpts, options.excerptTokens(), options.minExcerptTokens()).orElseThrow()) {
          for (long e = 0; e < store.count(); e++) {
            int[] ids = Arrays.copyOf(store.tokens(e), store.length(e));
            float[][] lat = latents(model, d, withBos(tokenizer, ids));
            if (tokenizer.bos().isPresent()) lat = Arrays.copyOfRange(lat, 1, lat.length); // fed, not recorded
            List<String> tokens = new ArrayList<>();
            for (int id : ids) tokens.add(tokenizer.token(id));
            texts.add(tokens);
            values.add(lat);
            for (float[] row : lat) for (int j = 0; j < row.length; j++) corpusMax[j] = Math.max(corpusMax[j], row[j]);
          }
        }
        int live = 0;
        for (int j = 0; j < d.width(); j++) {
          RecordedNeuron latent = sink.neurons.get(layer + ":" + j);
          RecordedExcerpt first = latent.top().getFirst();
          assertThat(first.max()).as("%s latent %d: the first top excerpt holds the corpus maximum", name, j).isCloseTo(corpusMax[j], within(1e-5f));
          int at = texts.indexOf(first.tokens());
          assertThat(at).as("the top excerpt is one of the corpus's").isNotNegative();
          for (int t = 0; t < first.size(); t++) assertThat(first.activation(t)).isCloseTo(values.get(at)[t][j], within(1e-5f));
          if (corpusMax[j] > 0) live++;
        }
        assertThat(live).as("%s: latents that fire somewhere", name).isGreaterThan(4);
      }
    }
  }
}
