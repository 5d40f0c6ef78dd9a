package dev.neuronscribe.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder end to end on the planted model: resuming, determinism, what a rerun skips. */
class RecorderTest {
  @TempDir static Path shared;
  static Path model, corpus;
  static final Gpt2Tokenizer TOKENIZER = new Gpt2Tokenizer();

  /** Records into a map; thread-safe, as the recorder writes from several threads. */
  static final class MapSink implements NeuronSink {
    final Map<String, RecordedNeuron> neurons = new ConcurrentHashMap<>();

    @Override
    public boolean contains(int layer, int neuron) {
      return neurons.containsKey(layer + ":" + neuron);
    }

    @Override
    public void accept(RecordedNeuron n) {
      assertThat(neurons.put(n.layer() + ":" + n.neuron(), n)).as("each neuron is written once").isNull();
    }

    TreeMap<String, RecordedNeuron> sorted() {
      return new TreeMap<>(neurons);
    }
  }

  @BeforeAll
  static void plantAndWriteACorpus() throws Exception {
    model = shared.resolve("planted");
    PlantedModel.write(model, TOKENIZER, 0);
    corpus = shared.resolve("corpus.jsonl");
    StringBuilder sb = new StringBuilder();
    String[] colours = {"red", "blue", "green", "white"};
    for (int i = 0; i < 90; i++) {
      sb.append("{\"text\": \"Document ").append(i).append(" says the ").append(colours[i % 4])
          .append(" door (the one by the stairs) opened in March ").append(1990 + i)
          .append(". ").append("More words follow here to make the excerpt longer. ".repeat(i % 5 + 1)).append("\"}\n");
    }
    Files.writeString(corpus, sb.toString());
  }

  private static RecordingOptions options() {
    return new RecordingOptions(32, 8, 4, 6, 5, 2, 40, 3, Duration.ZERO);
  }

  private static final Recorder.Selection SELECTION = new Recorder.Selection(List.of(0, 1), Optional.of(List.of(18, 37, 141, 203, 5)));

  private static Recorder.Result record(Path work, MapSink sink, int stopAfter) {
    try (Gpt2 gpt2 = Gpt2.load(model)) {
      Recorder r = new Recorder(gpt2, TOKENIZER, options());
      if (stopAfter > 0) r.stopAfterBatches(stopAfter);
      return r.record(Corpus.detect(corpus), SELECTION, work, sink, RecordingProgress.silent());
    }
  }

  @Test
  void anInterruptedRunResumedTwiceEndsExactlyAsAnUninterruptedOne(@TempDir Path tmp) {
    MapSink straight = new MapSink();
    Recorder.Result r = record(tmp.resolve("a"), straight, 0);
    assertThat(r.status()).isEqualTo(Recorder.Status.COMPLETED);
    assertThat(r.neuronsWritten()).isEqualTo(10);
    assertThat(straight.neurons).hasSize(10);
    assertThat(Files.exists(tmp.resolve("a"))).as("the work directory is removed when done").isFalse();

    Path work = tmp.resolve("b");
    MapSink resumed = new MapSink();
    // Stopped during calibration (40 excerpts = 10 batches), then during the main pass, then to the end.
    assertThat(record(work, resumed, 3).status()).isEqualTo(Recorder.Status.INTERRUPTED);
    assertThat(resumed.neurons).isEmpty();
    assertThat(Files.exists(work.resolve("state.bin"))).isTrue();
    assertThat(record(work, resumed, 15).status()).isEqualTo(Recorder.Status.INTERRUPTED);
    assertThat(record(work, resumed, 0).status()).isEqualTo(Recorder.Status.COMPLETED);
    assertThat(resumed.sorted()).isEqualTo(straight.sorted());
  }

  @Test
  void aRerunSkipsNeuronsTheSinkHoldsAndRecordsOnlyTheRest(@TempDir Path tmp) {
    MapSink sink = new MapSink();
    record(tmp.resolve("w"), sink, 0);
    assertThat(record(tmp.resolve("w"), sink, 0).status()).isEqualTo(Recorder.Status.ALREADY_DONE);
    RecordedNeuron kept = sink.neurons.remove("1:203");
    Recorder.Result again = record(tmp.resolve("w"), sink, 0);
    assertThat(again.status()).isEqualTo(Recorder.Status.COMPLETED);
    assertThat(again.neuronsWritten()).isEqualTo(1);
    assertThat(sink.neurons.get("1:203")).isEqualTo(kept);
  }

  @Test
  void otherSettingsDoNotResumeSomeoneElsesState(@TempDir Path tmp) {
    Path work = tmp.resolve("w");
    record(work, new MapSink(), 2);
    try (Gpt2 gpt2 = Gpt2.load(model)) {
      Recorder other = new Recorder(gpt2, TOKENIZER, options().withSeed(99));
      assertThatThrownBy(() -> other.record(Corpus.detect(corpus), SELECTION, work, new MapSink(), RecordingProgress.silent()))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("unfinished recording").hasMessageContaining("--restart");
    }
  }

  @Test
  void plantedNeuronsPutTheirTokensOnTopAndOthersDoNot(@TempDir Path tmp) {
    MapSink sink = new MapSink();
    record(tmp.resolve("w"), sink, 0);
    RecordedNeuron colours = sink.neurons.get("0:37");
    List<String> colourTokens = PlantedModel.neurons(TOKENIZER).get(0).tokens();
    for (RecordedExcerpt x : colours.top()) assertThat(colourTokens).contains(x.tokens().get(x.argMax()));
    RecordedNeuron months = sink.neurons.get("1:203");
    assertThat(months.top().get(0).tokens().get(months.top().get(0).argMax())).isEqualTo(" March");
    RecordedNeuron random = sink.neurons.get("0:5");
    assertThat(random.top().stream().map(x -> x.tokens().get(x.argMax())).filter(colourTokens::contains).count())
        .as("an unplanted neuron is not a colour detector").isLessThan(random.top().size());
  }

  @Test
  void anEmptyCorpusOrABadSelectionIsAClearError(@TempDir Path tmp) throws Exception {
    Path empty = tmp.resolve("empty.jsonl");
    Files.writeString(empty, "{\"text\": \"too short\"}\n");
    try (Gpt2 gpt2 = Gpt2.load(model)) {
      Recorder r = new Recorder(gpt2, TOKENIZER, options());
      assertThatThrownBy(() -> r.record(Corpus.detect(empty), SELECTION, tmp.resolve("w"), new MapSink(), RecordingProgress.silent()))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("no excerpt of at least 8 tokens");
      assertThatThrownBy(() -> r.record(Corpus.detect(corpus), Recorder.Selection.allNeurons(List.of(2)), tmp.resolve("w2"), new MapSink(), RecordingProgress.silent()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 2 does not exist");
      assertThatThrownBy(() -> r.record(Corpus.detect(corpus), new Recorder.Selection(List.of(0), Optional.of(List.of(256))), tmp.resolve("w3"), new MapSink(), RecordingProgress.silent()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neuron 256 does not exist");
    }
  }
}
