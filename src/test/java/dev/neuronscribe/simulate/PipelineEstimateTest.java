package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.PromptReaderBaseline;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.testing.OfflineRuns;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dry run of the run-directory presets counts what a rerun would still do, as the engine would skip the rest. */
class PipelineEstimateTest {
  @TempDir Path tmp;

  @Test
  void aDryRunAfterExplainingCountsOnlyTheScoringStillToDo() {
    NeuronRecordDirectory records = OfflineRuns.records(tmp.resolve("records"), List.of(new NeuronId(0, 1), new NeuronId(1, 2), new NeuronId(2, 3)));
    Path out = tmp.resolve("run");
    OfflineRuns.run(records, out, Pipeline.Stages.EXPLAIN);
    List<Explainee> explainees = records.list().stream().map(id -> (Explainee) new Explainee.Neuron(records.read(id))).toList();
    List<PromptFormat> formats = List.of(PromptFormat.values());
    Pipeline p = new Pipeline(out, Optional.of(new PromptReaderBaseline(PromptPack.builtIn())),
        Optional.of(Scorer.simulation(new BaselineMiniLmSimulator(new MiniLmEmbeddings()))), 1, 2);

    CostEstimate explainOnly = p.estimate(explainees, formats, Pipeline.Stages.EXPLAIN, new CostEstimate.Tally(PriceTable.builtIn()));
    assertThat(explainOnly.unitsToDo()).isZero();
    assertThat(explainOnly.unitsDone()).isEqualTo(3 * formats.size());

    CostEstimate both = p.estimate(explainees, formats, Pipeline.Stages.BOTH, new CostEstimate.Tally(PriceTable.builtIn()));
    assertThat(both.unitsDone()).isEqualTo(3 * formats.size());
    assertThat(both.unitsToDo()).isEqualTo(3 * formats.size());
    // Offline steps send nothing: one line per step and method, units counted, no requests, no dollars.
    assertThat(both.lines()).singleElement().satisfies(l -> {
      assertThat(l.step()).isEqualTo(Pipeline.SCORE_STEP);
      assertThat(l.model()).isEqualTo("baseline-minilm-simulator");
      assertThat(l.units()).isEqualTo(3 * formats.size());
      assertThat(l.requests()).isZero();
      assertThat(l.dollars()).isZero();
    });
    assertThat(both.requests()).isZero();
  }
}
