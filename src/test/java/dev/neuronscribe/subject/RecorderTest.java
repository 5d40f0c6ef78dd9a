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

  private static Recorder.Result recordWholeCorpusCalibrated(Path work, MapSink sink, boolean singlePass, int stopAfter) {
    try (Gpt2 gpt2 = Gpt2.load(model)) {
      Recorder r = new Recorder(gpt2, TOKENIZER, options().withCalibrationExcerpts(10_000));
      r.allowSinglePass(singlePass);
      if (stopAfter > 0) r.stopAfterBatches(stopAfter);
      return r.record(Corpus.detect(corpus), SELECTION, work, sink, RecordingProgress.silent());
    }
  }

  private static Recorder.Result recordInto(Path work, NeuronSink sink, int stopAfter) {
    try (Gpt2 gpt2 = Gpt2.load(model)) {
      Recorder r = new Recorder(gpt2, TOKENIZER, options());
      if (stopAfter > 0) r.stopAfterBatches(stopAfter);
      return r.record(Corpus.detect(corpus), SELECTION, work, sink, RecordingProgress.silent());
    }
  }

  @Test
  void aCorpusThatFitsTheCalibrationSetRunsOnceAndRecordsWhatTwoPassesRecord(@TempDir Path tmp) {
    MapSink twice = new MapSink(), once = new MapSink(), resumed = new MapSink();
    assertThat(recordWholeCorpusCalibrated(tmp.resolve("a"), twice, false, 0).status()).isEqualTo(Recorder.Status.COMPLETED);
    assertThat(recordWholeCorpusCalibrated(tmp.resolve("b"), once, true, 0).status()).isEqualTo(Recorder.Status.COMPLETED);
    assertThat(once.sorted()).isEqualTo(twice.sorted());
    assertThat(once.neurons.get("0:37").byQuantile().stream().mapToInt(List::size).sum()).as("the bins were sampled").isGreaterThan(5);
    // Stopped part way through the single pass, the kept activations and the state resume it.
    Path work = tmp.resolve("c");
    assertThat(recordWholeCorpusCalibrated(work, resumed, true, 5).status()).isEqualTo(Recorder.Status.INTERRUPTED);
    assertThat(work.resolve("activations.bin")).exists();
    assertThat(recordWholeCorpusCalibrated(work, resumed, true, 0).status()).isEqualTo(Recorder.Status.COMPLETED);
    assertThat(resumed.sorted()).isEqualTo(twice.sorted());
    assertThat(work).doesNotExist();
  }

  @Test
  void aModelsFingerprintIsTheSameEachTimeItIsLoaded() {
    // Resumed and sharded recordings compare it; Gemma 2's config holds a per-layer array.
    Path dir = Path.of("src/test/resources/fixtures/arch-gemma2");
    try (Model a = Models.load(dir); Model b = Models.load(dir)) {
      assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
    }
  }

  /** Shards run on threads in a scrambled order; optionally one output delivered twice. */
  private record ThreadShards(int parallelism, boolean duplicate) implements Recorder.Shards {
    @Override
    public void run(byte[] plan, int count, Recorder.ShardOutput out) {
      assertThat(ShardWork.shards(plan)).isEqualTo(count);
      List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, count).boxed().toList());
      java.util.Collections.shuffle(order, new java.util.Random(count));
      List<List<byte[]>> outputs = order.parallelStream().map(shard -> ShardWork.run(plan, shard)).toList();
      for (int i = 0; i < count; i++) {
        for (int layer = 0; layer < outputs.get(i).size(); layer++) out.accept(order.get(i), layer, outputs.get(i).get(layer));
      }
      if (duplicate) out.accept(order.get(0), 0, outputs.get(0).get(0));
    }
  }

  private static Recorder.Result recordSharded(Path work, MapSink sink, Recorder.Shards shards) {
    try (Gpt2 gpt2 = Gpt2.load(model)) {
      return new Recorder(gpt2, TOKENIZER, HookPoint.MLP_ACT, options(), shards).record(Corpus.detect(corpus), SELECTION, work, sink, RecordingProgress.silent());
    }
  }

  @Test
  void shardedRecordingsWriteWhatOneMachineWritesWhateverTheNumberOfShards(@TempDir Path tmp) {
    MapSink single = new MapSink();
    record(tmp.resolve("single"), single, 0);
    for (int parallelism : new int[] {1, 2, 3, 7}) {
      MapSink sharded = new MapSink();
      Recorder.Result r = recordSharded(tmp.resolve("p" + parallelism), sharded, new ThreadShards(parallelism, false));
      assertThat(r.status()).isEqualTo(Recorder.Status.COMPLETED);
      assertThat(sharded.sorted()).as(parallelism + " shards").isEqualTo(single.sorted());
    }
  }

  @Test
  void aShardOutputDeliveredTwiceIsRefusedNotCountedTwice(@TempDir Path tmp) {
    assertThatThrownBy(() -> recordSharded(tmp.resolve("w"), new MapSink(), new ThreadShards(3, true)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
  }

  @Test
  void aStoreRecordedWithInterruptionsAndAKilledPartHoldsWhatAStraightRecordingHolds(@TempDir Path tmp) throws Exception {
    var meta = java.util.Map.of("neuronscribe.unit_kind", "neuron");
    Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
    try (var w = dev.neuronscribe.activations.ActivationStoreWriter.open(straight, dev.neuronscribe.activations.StorePrecision.F32, meta)) {
      assertThat(recordInto(straight.resolve("work"), w, 0).status()).isEqualTo(Recorder.Status.COMPLETED);
    }
    for (int stop : new int[] {3, 15, 0}) {
      try (var w = dev.neuronscribe.activations.ActivationStoreWriter.open(resumed, dev.neuronscribe.activations.StorePrecision.F32, meta)) {
        recordInto(resumed.resolve("work"), w, stop);
      }
    }
    var a = dev.neuronscribe.activations.ActivationStore.open(straight);
    var b = dev.neuronscribe.activations.ActivationStore.open(resumed);
    assertThat(b.list()).hasSize(10).isEqualTo(a.list());
    for (var id : a.list()) assertThat(b.read(id)).isEqualTo(a.read(id));
    // A kill after a part's records but before its units file: the rerun records those units again, once.
    Files.delete(resumed.resolve("units/part-00000.arrow"));
    try (var w = dev.neuronscribe.activations.ActivationStoreWriter.open(resumed, dev.neuronscribe.activations.StorePrecision.F32, meta)) {
      assertThat(recordInto(resumed.resolve("work"), w, 0).neuronsWritten()).isEqualTo(10);
    }
    var c = dev.neuronscribe.activations.ActivationStore.open(resumed);
    assertThat(c.list()).isEqualTo(a.list());
    for (var id : a.list()) assertThat(c.read(id)).isEqualTo(a.read(id));
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
