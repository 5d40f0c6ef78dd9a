package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 19 neuron puzzles, explained, simulated and scored offline with the baseline backends, in all five formats. */
class OfflinePuzzlesPipelineTest {
  @TempDir Path dir;

  @Test
  void allPuzzlesInAllFormatsEndToEndWithNoNetwork() throws Exception {
    Path puzzles = TestData.require("reference/openai-puzzles.json");
    CliRun run = CliRun.of("pipeline", "--puzzles", puzzles.toString(), "--out", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    // The baseline's 0–10 predictions are not on the puzzles' scale: r² is negative, and the table says why.
    assertThat(run.out()).containsPattern("original +19 +19 +0 +0 +0\\.\\d{4} +0\\.\\d{4} +-0\\.\\d{4}")
        .contains("r² and abs.dev below 0 are expected, not an error");
    for (PromptFormat f : PromptFormat.values()) {
      List<NeuronSimulationResults> rs = Pipeline.results(dir, f);
      assertThat(rs).hasSize(19);
      assertThat(Files.readString(dir.resolve(f.id()).resolve("explanations.jsonl"))).contains("\"explainer\":\"baseline-prompt-reader\"").doesNotContain("\"error\"");
      assertThat(Files.readString(dir.resolve(f.id()).resolve("scores.json"))).contains("\"scored\" : 19");
      // A baseline, but a real one: on average it predicts the puzzles better than chance.
      double mean = rs.stream().mapToDouble(r -> r.scoredExplanations().getFirst().scoredSimulation().evCorrelationScore())
          .filter(v -> !Double.isNaN(v)).average().orElseThrow();
      assertThat(mean).isGreaterThan(0.2);
    }
  }

  @Test
  void theFormatBlindBaselineStaysSelectableByName() throws Exception {
    Path puzzles = TestData.require("reference/openai-puzzles.json");
    int code = Main.run("explain", "--puzzles", puzzles.toString(), "--out", dir.toString(), "--formats", "summary", "--llm", "baseline-explainer");
    assertThat(code).isZero();
    assertThat(Files.readString(dir.resolve("summary").resolve("explanations.jsonl"))).contains("\"explainer\":\"baseline-explainer\"")
        .doesNotContain("baseline-prompt-reader");
  }
}
