package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.InvalidDataException;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplanationTableTest {
  @TempDir Path tmp;

  @Test
  void readsThePapersFiveFormatExplanations() {
    ExplanationTable t = ExplanationTable.read(SharedData.require("reference/paper-results/random_interpretable_GPT35_layers0-23.csv"));
    assertThat(t.textColumns()).containsExactly("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
    assertThat(t.numberColumns()).isEmpty();
    assertThat(t.rows()).hasSize(480);
    ExplanationTable.Row first = t.rows().getFirst();
    assertThat(first.neuron()).isEqualTo(new NeuronId(0, 286));
    assertThat(first.explainer()).isEmpty();
    assertThat(first.cells().get("Original")).isEqualTo("comparisons or contrasts between different entities or situations.");
    // Quoted cells with doubled quotes come back as written.
    assertThat(t.rows().get(1).cells().get("Highlight")).contains("\"cage,\" \"zoo,\"");
  }

  @Test
  void readsTheTestNeuronResultsWithExplainerAndIndexColumns() {
    ExplanationTable t = ExplanationTable.read(SharedData.require("reference/paper-results/test_neurons_results.csv"));
    assertThat(t.textColumns()).containsExactly("NeuronViewer", "Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
    assertThat(t.rows()).extracting(ExplanationTable.Row::neuron)
        .containsExactly(new NeuronId(0, 286), new NeuronId(10, 1838), new NeuronId(20, 193), new NeuronId(30, 1685), new NeuronId(40, 431));
    assertThat(t.rows()).allSatisfy(r -> assertThat(r.explainer()).contains("gpt-3.5-turbo"));

    ExplanationTable scores = ExplanationTable.read(SharedData.require("reference/paper-results/test_neurons_results_score.csv"));
    assertThat(scores.textColumns()).isEmpty();
    assertThat(scores.numberColumns()).containsExactly("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
  }

  @Test
  void badTablesAreRefusedWithTheFileAndRow() {
    assertThatThrownBy(() -> ExplanationTable.parse("neuron,Original\n1,x\n", "a.csv"))
        .isInstanceOf(InvalidDataException.class).hasMessageContaining("a.csv").hasMessageContaining("'layer'");
    assertThatThrownBy(() -> ExplanationTable.parse("layer,neuron,Original\n1,x,y\n", "b.csv"))
        .hasMessageContaining("row 2").hasMessageContaining("whole numbers");
    assertThatThrownBy(() -> ExplanationTable.parse("layer,neuron,Original\n1,2\n", "c.csv"))
        .hasMessageContaining("row 2 has 2 fields but the header has 3");
  }

  @Test
  void buildsAStudyPickingExplainerFormatsAndNeurons() throws Exception {
    Path csv = SharedData.require("reference/paper-results/test_neurons_results.csv");
    List<NeuronId> ids = List.of(new NeuronId(10, 1838), new NeuronId(0, 286));
    NeuronRecordDirectory dir = StudyFixtures.records(tmp, ids);
    NewStudy study = StudyInputs.fromTable(ExplanationTable.read(csv), dir,
        new StudyInputs.Options("S", Optional.empty(), List.of("Original", "Summary", "Highlight", "HighlightSummary", "AVHS"), ids, 3, 1, "read"));
    assertThat(study.explainerModel()).isEqualTo("gpt-3.5-turbo");
    assertThat(study.items()).extracting(NewStudy.Item::neuron).containsExactlyElementsOf(ids);
    NewStudy.Item item = study.items().getFirst();
    assertThat(item.explanationsByFormat()).containsOnlyKeys("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
    assertThat(item.excerpts().mostPositiveActivationRecords()).hasSize(3);
    assertThat(item.excerpts().randomSample()).hasSize(1);

    // A neuron without a record is named, with the file that was expected.
    assertThatThrownBy(() -> StudyInputs.fromTable(ExplanationTable.read(csv), dir,
        new StudyInputs.Options("S", Optional.empty(), List.of(), List.of(new NeuronId(20, 193)), 3, 0, "")))
        .isInstanceOf(InvalidDataException.class).hasMessageContaining("20/193.json").hasMessageContaining("neuron 20:193");
    // A format the file does not have.
    assertThatThrownBy(() -> StudyInputs.fromTable(ExplanationTable.read(csv), dir,
        new StudyInputs.Options("S", Optional.empty(), List.of("Original", "Nope"), ids, 3, 0, "")))
        .hasMessageContaining("no explanation column 'Nope'");
  }

  @Test
  void theExplainerMustBeKnown() throws Exception {
    Path csv = Files.writeString(tmp.resolve("e.csv"), "layer,neuron,explainer,A,B\n0,1,m1,x,y\n0,1,m2,x,y\n");
    NeuronRecordDirectory dir = StudyFixtures.records(tmp.resolve("r"), List.of(new NeuronId(0, 1)));
    ExplanationTable t = ExplanationTable.read(csv);
    assertThatThrownBy(() -> StudyInputs.fromTable(t, dir, new StudyInputs.Options("S", Optional.empty(), List.of(), List.of(), 1, 0, "")))
        .hasMessageContaining("several explainers [m1, m2]");
    assertThat(StudyInputs.fromTable(t, dir, new StudyInputs.Options("S", Optional.of("m2"), List.of(), List.of(), 1, 0, "")).explainerModel()).isEqualTo("m2");
    Path plain = Files.writeString(tmp.resolve("p.csv"), "layer,neuron,A,B\n0,1,x,y\n");
    assertThatThrownBy(() -> StudyInputs.fromTable(ExplanationTable.read(plain), dir, new StudyInputs.Options("S", Optional.empty(), List.of(), List.of(), 1, 0, "")))
        .hasMessageContaining("--explainer");
  }
}
