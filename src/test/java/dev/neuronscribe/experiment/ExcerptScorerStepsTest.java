package dev.neuronscribe.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.report.ExperimentReport;
import dev.neuronscribe.report.ReportWriter;
import dev.neuronscribe.testing.SyntheticRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The excerpt scorers as experiment evaluations, offline: a unit per (target, format, scorer), the scores by format, report sections. */
class ExcerptScorerStepsTest {
  @TempDir Path dir;

  @Test
  void detectionAndIntruderRunAsStepsAndTheReportComparesFormatsUnderEach() throws Exception {
    NeuronRecordDirectory records = new NeuronRecordDirectory(dir.resolve("records"));
    for (int n = 0; n < 2; n++) records.write(SyntheticRecords.neuron(new NeuronId(n, 7), n, true));
    Files.writeString(dir.resolve("puzzles.json"), PuzzleJson.toJson(BuiltInPuzzles.load().subList(0, 2)));
    Path file = dir.resolve("run.yaml");
    Files.writeString(file, """
        name: scorers-test
        neuron_sets:
          - {name: recorded, records: records, neurons: ["0:7", "1:7"]}
          - {name: puzzles, puzzles: puzzles.json}
        formats: [summary, highlight]
        evaluations: [detection, intruder]
        puzzle_runs: 1
        bootstrap: 100
        """);
    RunSpec spec = RunSpec.read(file);
    Experiment.Outcome o = new Experiment(spec).run(Experiment.Progress.NONE);
    // 4 targets × 2 formats × (explain + detection + intruder)
    assertThat(o.units()).isEqualTo(24);
    assertThat(o.failed()).as(String.join("\n", o.firstFailures())).isZero();

    ExperimentResults results = ExperimentResults.read(spec);
    ExperimentResults.SetInfo recorded = results.sets().getFirst();
    ExperimentResults.Scores detection = results.scorerScores(recorded, Backend.parse("baseline"), RunSpec.Evaluation.DETECTION,
        spec.simulators().getFirst(), "detection AUROC");
    assertThat(detection.table().conditions()).containsExactly("Summary", "Highlight");
    assertThat(detection.scored()).isEqualTo(4);
    for (var row : detection.table().rows()) for (double v : row.values()) assertThat(v).isBetween(0.0, 1.0);
    assertThat(results.status()).extracting(Experiment.StepStatus::step).contains("detection", "intruder");

    ReportWriter.Written w = ExperimentReport.write(results);
    String md = Files.readString(w.markdown());
    assertThat(md).contains("recorded: detection").contains("recorded: intruder").contains("puzzles: detection")
        .contains("offline MiniLM baseline");
  }

  @Test
  void aDryRunCountsTheScorerStepsAsOffline() throws Exception {
    NeuronRecordDirectory records = new NeuronRecordDirectory(dir.resolve("records"));
    records.write(SyntheticRecords.neuron(new NeuronId(0, 7), 0, true));
    Path file = dir.resolve("run.yaml");
    Files.writeString(file, """
        name: scorers-dry
        neuron_sets:
          - {name: recorded, records: records, neurons: ["0:7"]}
        formats: [summary]
        evaluations: [fuzzing, embedding]
        """);
    var estimate = new Experiment(RunSpec.read(file)).estimate();
    assertThat(estimate.lines()).extracting(l -> l.step()).contains("fuzzing", "embedding");
    assertThat(estimate.unitsToDo()).isEqualTo(3);
  }
}
