package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.ExplanationsJson;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.testing.OfflineRuns;
import dev.neuronscribe.testing.TestData;
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
    ExplanationTable t = ExplanationTable.read(TestData.require("reference/paper-results/random_interpretable_GPT35_layers0-23.csv"));
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
    ExplanationTable t = ExplanationTable.read(TestData.require("reference/paper-results/test_neurons_results.csv"));
    assertThat(t.textColumns()).containsExactly("NeuronViewer", "Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
    assertThat(t.rows()).extracting(ExplanationTable.Row::neuron)
        .containsExactly(new NeuronId(0, 286), new NeuronId(10, 1838), new NeuronId(20, 193), new NeuronId(30, 1685), new NeuronId(40, 431));
    assertThat(t.rows()).allSatisfy(r -> assertThat(r.explainer()).contains("gpt-3.5-turbo"));

    ExplanationTable scores = ExplanationTable.read(TestData.require("reference/paper-results/test_neurons_results_score.csv"));
    assertThat(scores.textColumns()).isEmpty();
    assertThat(scores.numberColumns()).containsExactly("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
  }

  @Test
  void badTablesAreRefusedWithTheFileAndLine() throws Exception {
    assertThatThrownBy(() -> ExplanationTable.read(Files.writeString(tmp.resolve("a.csv"), "neuron,Original\n1,x\n")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("a.csv").hasMessageContaining("'layer'");
    assertThatThrownBy(() -> ExplanationTable.read(Files.writeString(tmp.resolve("b.csv"), "layer,neuron,Original\n1,x,y\n")))
        .hasMessageContaining("line 2").hasMessageContaining("whole numbers");
    assertThatThrownBy(() -> ExplanationTable.read(Files.writeString(tmp.resolve("c.csv"), "layer,neuron,Original\n1,2\n")))
        .hasMessageContaining("line 2 has 2 fields but the header has 3");
    assertThatThrownBy(() -> ExplanationTable.read(tmp.resolve("missing.csv"))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("missing.csv");
  }

  @Test
  void buildsAStudyPickingExplainerFormatsAndNeurons() throws Exception {
    Path csv = TestData.require("reference/paper-results/test_neurons_results.csv");
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
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("20/193.json").hasMessageContaining("neuron 20:193");
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

  @Test
  void readsTheRunDirectoryOfScribeExplain() throws Exception {
    List<NeuronId> ids = List.of(new NeuronId(0, 2), new NeuronId(1, 5), new NeuronId(3, 1));
    NeuronRecordDirectory records = OfflineRuns.records(tmp.resolve("records"), ids);
    Path run = tmp.resolve("run");
    OfflineRuns.run(records, run, Pipeline.Stages.EXPLAIN);
    ExplanationTable t = ExplanationTable.fromRun(run);
    assertThat(t.textColumns()).containsExactly("original", "summary", "highlight", "highlight-summary", "avhs");
    assertThat(t.rows()).extracting(ExplanationTable.Row::neuron).containsExactlyElementsOf(ids);
    for (ExplanationTable.Row row : t.rows()) {
      assertThat(row.explainer()).contains("baseline-prompt-reader");
      for (PromptFormat f : PromptFormat.values()) {
        Explanation written = ExplanationsJson.read(run.resolve(f.id()).resolve("explanations.jsonl")).stream()
            .filter(e -> e.target().equals(new Target.Neuron(row.neuron()))).findFirst().orElseThrow();
        assertThat(row.cells().get(f.id())).isEqualTo(written.text().orElseThrow());
      }
    }
    // The explainer comes from the files: no --explainer needed.
    NewStudy study = StudyInputs.fromTable(t, records, new StudyInputs.Options("S", Optional.empty(), List.of("summary", "avhs"), List.of(), 5, 0, "read"));
    assertThat(study.explainerModel()).isEqualTo("baseline-prompt-reader");
    assertThat(study.items()).hasSize(3).allSatisfy(i -> assertThat(i.explanationsByFormat()).containsOnlyKeys("summary", "avhs"));
  }

  @Test
  void aRunsFailedSamplesNameTheNeuronAndOtherDirectoriesAreRefused() throws Exception {
    NeuronId id = new NeuronId(0, 7);
    NeuronRecordDirectory records = OfflineRuns.records(tmp.resolve("records"), List.of(id));
    Path run = tmp.resolve("run");
    // Two samples of summary, the first failed; one failed highlight sample.
    Target t = new Target.Neuron(id);
    ExplanationsJson.write(run.resolve("summary").resolve("explanations.jsonl"), List.of(
        Explanation.failed(t, PromptFormat.SUMMARY, 0, "openai:gpt-4o-mini", "RATE_LIMITED: gave up", 900),
        Explanation.of(t, PromptFormat.SUMMARY, 1, "openai:gpt-4o-mini", "the second sample", 900, 5)));
    ExplanationsJson.write(run.resolve("highlight").resolve("explanations.jsonl"), List.of(
        Explanation.failed(t, PromptFormat.HIGHLIGHT, 0, "openai:gpt-4o-mini", "empty explanation", 850)));
    ExplanationTable table = ExplanationTable.fromRun(run);
    assertThat(table.textColumns()).containsExactly("summary", "highlight");
    assertThat(table.rows()).singleElement().satisfies(r -> assertThat(r.cells()).containsExactly(java.util.Map.entry("summary", "the second sample")));
    assertThatThrownBy(() -> StudyInputs.fromTable(table, records, new StudyInputs.Options("S", Optional.empty(), List.of(), List.of(), 5, 0, "")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("neuron 0:7").hasMessageContaining("highlight explanation is missing")
        .hasMessageContaining("--neurons");

    assertThatThrownBy(() -> ExplanationTable.fromRun(records.root())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a run directory of `scribe explain`");
    Path puzzles = tmp.resolve("puzzles");
    ExplanationsJson.write(puzzles.resolve("avhs").resolve("explanations.jsonl"), List.of(
        Explanation.of(new Target.Puzzle("animals"), PromptFormat.AVHS, 0, "x", "animals", 1, 1)));
    assertThatThrownBy(() -> ExplanationTable.fromRun(puzzles)).hasMessageContaining("neuron puzzles only");
  }
}
