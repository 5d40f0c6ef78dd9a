package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.subject.Corpus;
import dev.neuronscribe.subject.Gpt2;
import dev.neuronscribe.subject.Gpt2Tokenizer;
import dev.neuronscribe.subject.PlantedModel;
import dev.neuronscribe.subject.RecordedExcerpt;
import dev.neuronscribe.subject.RecordedNeuron;
import dev.neuronscribe.subject.Recorder;
import dev.neuronscribe.subject.RecordingOptions;
import dev.neuronscribe.subject.RecordingProgress;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingWriterTest {

  /**
   * The whole recorder against known answers: the planted model over real WebText excerpts; each planted
   * neuron's top excerpts must peak on its planted tokens, and the files must read back as NeuronRecords.
   */
  @Test
  void plantedNeuronsAreFoundInWebTextAndTheRecordsReadBack(@TempDir Path tmp) {
    Path webtext = TestData.require("reference/webtext-excerpts-2000.jsonl");
    Gpt2Tokenizer tokenizer = new Gpt2Tokenizer();
    Path modelDir = tmp.resolve("planted");
    List<PlantedModel.PlantedNeuron> planted = PlantedModel.write(modelDir, tokenizer, 0);
    assertThat(planted).hasSizeGreaterThanOrEqualTo(4);
    assertThat(PlantedModel.readManifest(modelDir)).isEqualTo(planted);

    List<Integer> neurons = new ArrayList<>();
    planted.forEach(p -> neurons.add(p.neuron()));
    neurons.add(0); // and an ordinary neuron, to compare with
    NeuronRecordDirectory out = new NeuronRecordDirectory(tmp.resolve("records"));
    Recorder.Result result;
    try (Gpt2 model = Gpt2.load(modelDir)) {
      result = new Recorder(model, tokenizer, RecordingOptions.defaults())
          .record(Corpus.detect(webtext), new Recorder.Selection(List.of(0, 1), Optional.of(neurons)), out.root().resolve(".work"),
              new RecordingWriter(out, OptionalInt.empty()), RecordingProgress.silent());
    }
    assertThat(result.status()).isEqualTo(Recorder.Status.COMPLETED);
    assertThat(result.excerpts()).isEqualTo(2000);
    assertThat(out.list()).hasSize(2 * neurons.size());

    for (PlantedModel.PlantedNeuron p : planted) {
      NeuronRecord record = NeuronRecordJson.read(out.pathOf(new NeuronId(p.layer(), p.neuron())));
      assertThat(record.id()).isEqualTo(new NeuronId(p.layer(), p.neuron()));
      assertThat(record.mostPositiveActivationRecords()).hasSize(50);
      assertThat(record.randomSample()).hasSize(50);
      assertThat(record.randomSampleByQuantile()).get().satisfies(bins -> assertThat(bins).hasSize(5));
      assertThat(record.quantileBoundaries().orElseThrow().values()).hasSize(6);
      assertThat(record.quantileBoundaries().orElseThrow().get(0)).isEmpty();
      assertThat(record.quantileBoundaries().orElseThrow().get(5)).isEmpty();
      assertThat(record.mean()).isPresent();
      assertThat(record.kurtosis()).isPresent();
      assertThat(Splits.explain(record)).hasSize(5);
      assertThat(Splits.score(record)).hasSize(10);

      // The planted tokens are what the neuron fires on: every excerpt that fires peaks on one of them,
      // and there are plenty of such excerpts in WebText.
      int firing = 0;
      for (ActivationRecord top : record.mostPositiveActivationRecords()) {
        if (top.max() < 1.0) continue;
        firing++;
        int peak = argMax(top);
        assertThat(p.tokens()).as(p.concept() + ": peak token of " + top.text()).contains(top.token(peak));
      }
      assertThat(firing).as(p.concept() + ": top excerpts that fire").isGreaterThanOrEqualTo(20);
      assertThat(record.mostPositiveActivationRecords().get(0).max()).isGreaterThan(2.0);
    }
    NeuronRecord ordinary = NeuronRecordJson.read(out.pathOf(new NeuronId(0, 0)));
    long colourPeaks = ordinary.mostPositiveActivationRecords().stream().filter(r -> planted.get(0).tokens().contains(r.token(argMax(r)))).count();
    assertThat(colourPeaks).as("an unplanted neuron does not single out colour words").isLessThan(25);
  }

  private static int argMax(ActivationRecord r) {
    int best = 0;
    for (int i = 1; i < r.size(); i++) if (r.activation(i) > r.activation(best)) best = i;
    return best;
  }

  @Test
  void floatsAreWrittenAsTheirShortestDecimalsOrRoundedOnRequest(@TempDir Path tmp) throws Exception {
    RecordedExcerpt x = new RecordedExcerpt(0, List.of(" a", " b", "\n"), new float[] {0.1f, -0.00002f, 2.345678f});
    RecordedNeuron n = new RecordedNeuron(2, 9, List.of(x), List.of(x), List.of(List.of(), List.of(x), List.of(), List.of(), List.of()),
        List.of(0.5, 0.9f + 0.0, 1.25, 3.0), 3, 0.123456789, 0.5, OptionalDouble.of(1.5), OptionalDouble.empty());

    NeuronRecordDirectory dir = new NeuronRecordDirectory(tmp);
    new RecordingWriter(dir, OptionalInt.empty()).accept(n);
    String json = Files.readString(dir.pathOf(new NeuronId(2, 9)));
    assertThat(json).contains("[0.1,-2.0E-5,2.345678]").contains("\"quantile_boundaries\":[null,0.5,0.9,1.25,3.0,null]")
        .contains("\"mean\":0.123456789").contains("\"kurtosis\":null");
    assertThat(new RecordingWriter(dir, OptionalInt.empty()).contains(2, 9)).isTrue();
    assertThat(dir.read(new NeuronId(2, 9)).mostPositiveActivationRecords().get(0).activation(0)).isEqualTo(0.1);

    NeuronRecord rounded = RecordingWriter.toRecord(n, OptionalInt.of(4));
    assertThat(rounded.mostPositiveActivationRecords().get(0).activations()).containsExactly(0.1, 0.0, 2.3457);
    assertThat(rounded.mean()).hasValue(0.1235);
    assertThat(NeuronRecordJson.toJson(rounded)).doesNotContain("-0.0");
  }

  /**
   * The writer streams the recorder's floats straight into JSON; the file must be byte for byte what the
   * general path writes after converting every float to the double of its shortest decimal.
   */
  @Test
  void streamedFilesEqualTheConvertedRecordsByteForByte(@TempDir Path tmp) throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    float[] edges = {0f, -0f, 1e-3f, 9.99e-4f, 1e7f, 9999999f, 1.4e-45f, -3.4028235e38f, 0.1f, 123.456f, -2e-5f};
    List<RecordedExcerpt> excerpts = new ArrayList<>();
    for (int e = 0; e < 24; e++) {
      List<String> tokens = new ArrayList<>();
      float[] a = new float[16];
      for (int i = 0; i < a.length; i++) {
        tokens.add(List.of(" the", "\n", "\"", " caf\u00e9", "\u00e2\u0080", "\t").get(random.nextInt(6)));
        a[i] = e == 0 && i < edges.length ? edges[i]
            : random.nextInt(4) == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-6, 4)));
        if (!Float.isFinite(a[i])) a[i] = 1.5f;
      }
      excerpts.add(new RecordedExcerpt(e, tokens, a));
    }
    RecordedNeuron n = new RecordedNeuron(3, 17, excerpts.subList(0, 6), excerpts.subList(6, 12),
        List.of(excerpts.subList(12, 14), excerpts.subList(14, 16), List.of(), excerpts.subList(16, 20), excerpts.subList(20, 24)),
        List.of(0.25f + 0.0, 1.1f + 0.0, 2.0, 7.3e-4f + 0.0), 384, -0.0123456789, 1.5e-7, OptionalDouble.of(-2.5), OptionalDouble.of(1e-9));

    for (OptionalInt decimals : List.of(OptionalInt.empty(), OptionalInt.of(4), OptionalInt.of(0))) {
      NeuronRecordDirectory dir = new NeuronRecordDirectory(tmp.resolve("d" + decimals.orElse(-1)));
      new RecordingWriter(dir, decimals).accept(n);
      String streamed = Files.readString(dir.pathOf(new NeuronId(3, 17)));
      assertThat(streamed).as("decimals %s", decimals).isEqualTo(NeuronRecordJson.toJson(RecordingWriter.toRecord(n, decimals)));
      assertThat(dir.read(new NeuronId(3, 17))).isEqualTo(RecordingWriter.toRecord(n, decimals));
    }
  }

  @Test
  void aNonFiniteActivationIsAnErrorAndLeavesNoFile(@TempDir Path tmp) throws Exception {
    RecordedExcerpt bad = new RecordedExcerpt(0, List.of(" a", " b"), new float[] {0.5f, Float.NaN});
    RecordedNeuron n = new RecordedNeuron(0, 4, List.of(bad), List.of(), List.of(List.of(), List.of(), List.of(), List.of(), List.of()),
        List.of(0.1, 0.2, 0.3, 0.4), 2, 0, 0, OptionalDouble.empty(), OptionalDouble.empty());
    NeuronRecordDirectory dir = new NeuronRecordDirectory(tmp);
    assertThatThrownBy(() -> new RecordingWriter(dir, OptionalInt.empty()).accept(n))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activation 1").hasMessageContaining("NaN");
    try (var files = Files.walk(tmp)) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("no file, not even a temporary one").isEmpty();
    }
  }
}
