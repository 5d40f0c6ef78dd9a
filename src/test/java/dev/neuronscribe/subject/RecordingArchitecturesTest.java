package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recorder end to end on every architecture, with its tokenizer.json (BOS where the post-processor adds
 * one): each top excerpt's activations are transformers' own on that excerpt (corpus-reference.json, made by
 * tools/make_arch_fixtures.py), and the first top excerpt holds the corpus maximum.
 */
class RecordingArchitecturesTest {
  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(strings = {"arch-llama", "arch-qwen2", "arch-neox", "arch-neox-sequential", "arch-gemma2", "llama-tiny", "neox-tiny"})
  void topExcerptsAreTransformersOwnAndTheFirstHoldsTheCorpusMaximum(String name) throws Exception {
    Path dir = ArchitecturesTest.fixture(name);
    JsonNode ref = new ObjectMapper().readTree(dir.resolve("corpus-reference.json").toFile());
    int layer = ref.get("layer").intValue();
    List<Integer> units = new ArrayList<>();
    ref.get("units").forEach(u -> units.add(u.intValue()));
    RecordingOptions options = new RecordingOptions(ref.get("excerpt_tokens").intValue(), ref.get("min_excerpt_tokens").intValue(), 3, 4, 3, 1, 1000, 7, Duration.ZERO);
    RecorderTest.MapSink sink = new RecorderTest.MapSink();
    try (Model model = Models.load(dir); HfTokenizer tokenizer = (HfTokenizer) Models.tokenizer(model)) {
      if (ref.get("bos").isNull()) assertThat(tokenizer.bos()).isEmpty();
      else assertThat(tokenizer.bos()).hasValue(ref.get("bos").intValue());
      Recorder.Result result = new Recorder(model, tokenizer, options).record(Corpus.detect(ArchitecturesTest.fixture("corpus.jsonl")),
          Recorder.Selection.neurons(Map.of(layer, units)), work.resolve("w"), sink, RecordingProgress.silent());
      assertThat(result.status()).isEqualTo(Recorder.Status.COMPLETED);
      JsonNode excerpts = ref.get("excerpts");
      assertThat(result.excerpts()).isEqualTo(excerpts.size());
      List<List<String>> texts = new ArrayList<>();
      for (JsonNode e : excerpts) {
        List<String> tokens = new ArrayList<>();
        for (int id : ArchitecturesTest.ids(e.get("token_ids"))) tokens.add(tokenizer.token(id));
        texts.add(tokens);
      }
      int checked = 0;
      for (int j = 0; j < units.size(); j++) {
        RecordedNeuron n = sink.neurons.get(layer + ":" + units.get(j));
        int best = -1;
        double max = Double.NEGATIVE_INFINITY;
        for (int e = 0; e < excerpts.size(); e++) {
          for (JsonNode row : excerpts.get(e).get("activations")) {
            if (row.get(j).doubleValue() > max) {
              max = row.get(j).doubleValue();
              best = e;
            }
          }
        }
        assertThat(n.top().getFirst().tokens()).as("%s unit %d: the first top excerpt", name, units.get(j)).isEqualTo(texts.get(best));
        assertThat((double) n.top().getFirst().max()).isCloseTo(max, within(1e-4));
        for (RecordedExcerpt top : n.top()) {
          int e = texts.indexOf(top.tokens());
          assertThat(e).as("%s: a top excerpt is one of the corpus's excerpts, BOS not recorded", name).isGreaterThanOrEqualTo(0);
          JsonNode rows = excerpts.get(e).get("activations");
          for (int t = 0; t < top.size(); t++) {
            assertThat((double) top.activation(t)).as("%s unit %d excerpt %d position %d", name, units.get(j), e, t)
                .isCloseTo(rows.get(t).get(j).doubleValue(), within(1e-4));
            checked++;
          }
        }
      }
      assertThat(checked).isGreaterThan(100);
    }
  }
}
