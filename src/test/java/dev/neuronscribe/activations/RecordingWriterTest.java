package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.subject.Corpus;
import dev.neuronscribe.subject.Gpt2;
import dev.neuronscribe.subject.Gpt2Tokenizer;
import dev.neuronscribe.subject.PlantedModel;
import dev.neuronscribe.subject.RecordedExcerpt;
import dev.neuronscribe.subject.RecordedNeuron;
import dev.neuronscribe.subject.Recorder;
import dev.neuronscribe.subject.RecordingOptions;
import dev.neuronscribe.subject.RecordingProgress;
import dev.neuronscribe.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingWriterTest {

  /**
   * The whole recorder against known answers: the planted model over real WebText excerpts; each planted
   * neuron's top excerpts must peak on its planted tokens, and the files must read back as NeuronRecords.
   */
  @Test
  void plantedNeuronsAreFoundInWebTextAndTheRecordsReadBack(@TempDir Path tmp) {
    Path webtext = SharedData.require("reference/webtext-excerpts.jsonl");
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
    assertThat(result.excerpts()).isGreaterThan(4000);
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
    RecordedExcerpt x = new RecordedExcerpt(List.of(" a", " b", "\n"), new float[] {0.1f, -0.00002f, 2.345678f});
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
}
