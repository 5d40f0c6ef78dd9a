package dev.neuronscribe.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.simulate.CostEstimate;
import dev.neuronscribe.simulate.NeuronSimulationResultsJson;
import dev.neuronscribe.testing.SyntheticRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offline experiments end to end: units in the store, resuming, invalidation, failures, the report. */
class ExperimentTest {
  @TempDir Path dir;

  /** Three recorded neurons (two with a reference), one that never fires, two puzzles; two formats. */
  Path runFile(String extra) throws Exception {
    NeuronRecordDirectory records = new NeuronRecordDirectory(dir.resolve("records"));
    for (int n = 0; n < 3; n++) records.write(SyntheticRecords.neuron(new NeuronId(n, 7), n, true));
    records.write(dead(new NeuronId(3, 7)));
    Files.writeString(dir.resolve("refs.csv"), "layer,neuron,explanation\n0,7,words about rivers and banks\n1,7,\"the word \"\"the\"\", and rain\"\n");
    Files.writeString(dir.resolve("puzzles.json"), PuzzleJson.toJson(BuiltInPuzzles.load().subList(0, 2)));
    Path file = dir.resolve("run.yaml");
    Files.writeString(file, """
        name: offline-test
        neuron_sets:
          - {name: recorded, records: records, neurons: ["0:7", "1:7", "2:7"], references: refs.csv}
          - {name: dead, records: records, neurons: ["3:7"]}
          - {name: puzzles, puzzles: puzzles.json}
        formats: [summary, highlight]
        evaluations: [simulate-score, similarity, puzzles]
        puzzle_runs: 2
        bootstrap: 200
        """ + extra);
    return file;
  }

  /** A neuron whose activations are never above 0: the baseline explainer cannot explain it. */
  static NeuronRecord dead(NeuronId id) {
    NeuronRecord alive = SyntheticRecords.neuron(id, 99, true);
    List<ActivationRecord> top = new ArrayList<>();
    for (ActivationRecord r : alive.mostPositiveActivationRecords()) top.add(new ActivationRecord(r.tokens(), new double[r.size()]));
    return new NeuronRecord(id, top, alive.randomSample(), java.util.Optional.empty(), alive.quantileBoundaries(), alive.mean(), alive.variance(),
        alive.skewness(), alive.kurtosis());
  }

  @Test
  void aRunDoesEveryUnitOnceResumesAndReportsWithNAndUncertainty() throws Exception {
    RunSpec spec = RunSpec.read(runFile(""));
    Experiment.Outcome first = new Experiment(spec).run(Experiment.Progress.NONE);
    // recorded: 3 × 2 formats × (explain + simulate) + 2 references × 2 formats similarity = 16; dead: 2 × 2 = 4; puzzles: 2 × 2 × 3 = 12
    assertThat(first.units()).isEqualTo(32);
    assertThat(first.failed()).as("the dead neuron's explanations fail, and its simulations with them").isEqualTo(4);
    assertThat(first.done()).isEqualTo(28);
    assertThat(first.firstFailures()).anyMatch(f -> f.contains("3:7") && f.contains("marks no token as activating"));
    assertThat(first.complete()).isFalse();

    ExperimentStore store = ExperimentStore.open(spec.store());
    List<ExperimentStore.Unit> units = store.units();
    store.close();
    assertThat(units).hasSize(32);
    ExperimentStore.Unit sim = units.stream().filter(u -> u.key().step().equals(Steps.SIMULATE) && u.key().target().equals("0:7")).findFirst().orElseThrow();
    assertThat(sim.done()).isTrue();
    assertThat(sim.cost().model()).isEqualTo("baseline-minilm-simulator");
    assertThat(sim.cost().wallSeconds()).isPositive();
    assertThat(Results.number(sim.result(), "score")).isBetween(-1.0, 1.0);

    // The results read back: per evaluation, items × formats, failures with their reasons.
    ExperimentResults results = ExperimentResults.read(spec);
    ExperimentResults.SetInfo recorded = results.sets().getFirst();
    ExperimentResults.Scores sims = results.scores(recorded, Backend.parse("baseline"), ExperimentResults.Kind.SIMULATE_SCORE,
        java.util.Optional.of(spec.simulators().getFirst()), "ev");
    assertThat(sims.table().rows()).hasSize(3);
    assertThat(sims.table().conditions()).containsExactly("Summary", "Highlight");
    assertThat(sims.scored() + sims.undefined()).isEqualTo(6);
    ExperimentResults.Scores similarity = results.scores(recorded, Backend.parse("baseline"), ExperimentResults.Kind.SIMILARITY, java.util.Optional.empty(), "cos");
    assertThat(similarity.table().rows()).extracting(dev.neuronscribe.evaluate.ScoreTable.Row::item).containsExactly("0:7", "1:7");
    assertThat(results.failures()).hasSize(4).allMatch(f -> f.target().equals("3:7"));
    assertThat(results.costs(recorded)).hasSize(16).allMatch(c -> c.promptTokens() == 0 && c.dollars().orElseThrow() == 0);
    // Exports in the paper's and OpenAI's layouts, readable by the rest of NeuronScribe.
    assertThat(Files.readAllLines(spec.store().resolve("results/recorded/baseline-prompt-reader/explanations.csv")).getFirst()).isEqualTo("Layer,Neuron,Summary,Highlight");
    assertThat(NeuronSimulationResultsJson.read(spec.store().resolve("results/recorded/baseline-prompt-reader/baseline/summary.simulations.jsonl"))).hasSize(3);

    // A rerun does only what is missing or failed: the two failed explanations (still failing), nothing else.
    Experiment.Outcome second = new Experiment(spec).run(Experiment.Progress.NONE);
    assertThat(second.alreadyDone()).isEqualTo(28);
    assertThat(second.done() + second.failed()).isEqualTo(4);

    // Lose one simulation (as a crash before its write would): only it is redone.
    sql(spec, "DELETE FROM units WHERE step = 'simulate' AND target = '1:7' AND format = 'highlight'");
    Experiment.Outcome third = new Experiment(spec).run(Experiment.Progress.NONE);
    assertThat(third.done()).isEqualTo(1);
    assertThat(third.alreadyDone()).isEqualTo(27);

    // New explanations invalidate what was computed from the old ones.
    sql(spec, "DELETE FROM units WHERE step = 'explain' AND target = '0:7' AND format = 'summary'");
    Experiment.Outcome fourth = new Experiment(spec).run(Experiment.Progress.NONE);
    assertThat(fourth.done()).as("explain, simulate and similarity of 0:7 in summary").isEqualTo(3);
  }

  @Test
  void aStoreRefusesARunFileWithOtherSettings() throws Exception {
    RunSpec spec = RunSpec.read(runFile(""));
    new Experiment(spec).run(Experiment.Progress.NONE);
    RunSpec changed = RunSpec.read(runFile("samples: 2\n"));
    assertThatThrownBy(() -> new Experiment(changed).run(Experiment.Progress.NONE)).hasMessageContaining("other settings").hasMessageContaining("samples");
  }

  @Test
  void resultsNeedAStore() throws Exception {
    RunSpec spec = RunSpec.read(runFile(""));
    assertThatThrownBy(() -> ExperimentResults.read(spec)).hasMessageContaining("run 'scribe experiment run");
    new Experiment(spec).run(Experiment.Progress.NONE);
    assertThat(new Experiment(spec).status()).extracting(Experiment.StepStatus::missing).containsOnly(0);
  }

  @Test
  void aDryRunOfAnOfflineRunCountsUnitsAndSendsNothing() throws Exception {
    RunSpec spec = RunSpec.read(runFile(""));
    CostEstimate e = new Experiment(spec).estimate();
    assertThat(e.unitsToDo()).isEqualTo(32);
    assertThat(e.requests()).isZero();
    assertThat(e.lines()).extracting(CostEstimate.Line::model).contains("baseline-prompt-reader", "baseline-minilm-simulator", "all-minilm-l6-v2");
    assertThat(Files.exists(spec.store().resolve(ExperimentStore.FILE))).isFalse();
  }

  @Test
  void aTargetTheFormatCannotRenderFailsItsOwnUnitsAndTheRunGoesOn() throws Exception {
    NeuronRecord full = SyntheticRecords.neuron(new NeuronId(0, 1), 5, true);
    new NeuronRecordDirectory(dir.resolve("records")).write(NeuronRecord.of(full.id(), full.mostPositiveActivationRecords(), full.randomSample()));
    Path file = dir.resolve("bare.yaml");
    Files.writeString(file, "name: bare\nneuron_sets: [{name: n, records: records}]\nformats: [original, summary]\nbootstrap: 200\n");
    Experiment.Outcome o = new Experiment(RunSpec.read(file)).run(Experiment.Progress.NONE);
    // Original needs no cutoff; Summary's hot tokens need the record's quantile boundaries, which it lacks.
    assertThat(o.done()).isEqualTo(2);
    assertThat(o.failed()).isEqualTo(2);
    assertThat(o.firstFailures()).anyMatch(f -> f.startsWith("explain n 0:1 summary") && f.contains("quantile_boundaries"));
  }

  @Test
  void missingRecordsAreNamedBeforeAnythingRuns() throws Exception {
    Path file = runFile("");
    Files.writeString(file, Files.readString(file).replace("\"2:7\"]", "\"2:7\", \"9:9\"]"));
    assertThatThrownBy(() -> new Experiment(RunSpec.read(file)).run(Experiment.Progress.NONE)).hasMessageContaining("have no record").hasMessageContaining("9:9");
  }

  static void sql(RunSpec spec, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + spec.store().resolve(ExperimentStore.FILE)); Statement s = c.createStatement()) {
      assertThat(s.executeUpdate(statement)).isEqualTo(1);
    }
  }

}
