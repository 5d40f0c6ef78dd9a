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
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.NeuronSimulationResultsJson;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.simulate.ScoredExplanation;
import dev.neuronscribe.simulate.ScoredSequenceSimulation;
import dev.neuronscribe.simulate.ScoredSimulation;
import dev.neuronscribe.simulate.SequenceSimulation;
import dev.neuronscribe.testing.OfflineRuns;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownExplanationsTest {
  @TempDir Path tmp;

  @Test
  void readsNeuronSimulationResultsLines() throws Exception {
    // OpenAI's layout: every object tagged with its dataclass; an undefined score is NaN (Python writes NaN).
    String line = """
        {"dataclass_name": "NeuronSimulationResults", "neuron_id": {"dataclass_name": "NeuronId", "layer_index": 3, "neuron_index": 7}, \
        "scored_explanations": [{"dataclass_name": "ScoredExplanation", "explanation": " words about <b>cats</b>", \
        "scored_simulation": {"dataclass_name": "ScoredSimulation", "scored_sequence_simulations": [], "ev_correlation_score": 0.4321, \
        "rsquared_score": 0.1, "absolute_dev_explained_score": 0.2}}, {"dataclass_name": "ScoredExplanation", "explanation": "constant", \
        "scored_simulation": {"dataclass_name": "ScoredSimulation", "scored_sequence_simulations": [], "ev_correlation_score": null, \
        "rsquared_score": null, "absolute_dev_explained_score": null}}]}
        """;
    Path f = Files.writeString(tmp.resolve("sim.jsonl"), line + "\n");
    KnownExplanations k = KnownExplanations.load(List.of(tmp));
    List<KnownExplanations.Known> known = k.of(new NeuronId(3, 7));
    assertThat(known).hasSize(2);
    assertThat(known.get(0).text()).isEqualTo("words about <b>cats</b>");
    assertThat(known.get(0).scores()).containsEntry("ev_correlation_score", 0.4321);
    assertThat(known.get(1).scores().get("ev_correlation_score")).isNaN();
    assertThat(k.sources()).containsExactly("sim.jsonl");

    Files.writeString(f, "{\"neuron_id\": {}}\n");
    assertThatThrownBy(() -> KnownExplanations.load(List.of(f))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("sim.jsonl").hasMessageContaining("line 1").hasMessageContaining("layer_index");
  }

  @Test
  void joinsThePapersExplanationAndScoreTables() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("results"));
    for (String name : List.of("test_neurons_results.csv", "test_neurons_results_score.csv", "test_neurons_results_adaCS.csv", "test_neurons.csv")) {
      Files.copy(TestData.require("reference/paper-results/" + name), dir.resolve(name));
    }
    KnownExplanations k = KnownExplanations.load(List.of(dir));
    List<KnownExplanations.Known> known = k.of(new NeuronId(10, 1838));
    // Six methods from the results file plus OpenAI's explanation with its score from test_neurons.csv.
    assertThat(known).hasSize(7);
    KnownExplanations.Known summary = known.stream().filter(e -> e.method().equals("Summary")).findFirst().orElseThrow();
    assertThat(summary.text()).startsWith("reflexive pronouns");
    assertThat(summary.explainer()).isEqualTo("gpt-3.5-turbo");
    assertThat(summary.scores()).containsEntry("test_neurons_results_score", 0.35).containsEntry("test_neurons_results_adaCS", 0.8315523687745652);
    KnownExplanations.Known openai = known.stream().filter(e -> e.source().equals("test_neurons.csv")).findFirst().orElseThrow();
    assertThat(openai.method()).isEmpty();
    assertThat(openai.scores()).containsEntry("score", 0.676885575);
  }

  @Test
  void showsWhatScribeSimulateWroteWithFormatExplainerAndScore() throws Exception {
    List<NeuronId> ids = List.of(new NeuronId(1, 4), new NeuronId(2, 9));
    NeuronRecordDirectory records = OfflineRuns.records(tmp.resolve("records"), ids);
    Path results = Files.createDirectories(tmp.resolve("results"));
    OfflineRuns.run(records, results.resolve("run1"), Pipeline.Stages.BOTH);
    KnownExplanations k = KnownExplanations.load(List.of(results));
    assertThat(k.sources()).contains("run1/summary/simulations.jsonl", "run1/avhs/explanations.jsonl");
    for (NeuronId id : ids) {
      List<KnownExplanations.Known> known = k.of(id);
      assertThat(known).extracting(KnownExplanations.Known::method)
          .containsExactlyInAnyOrder("original", "summary", "highlight", "highlight-summary", "avhs");
      for (KnownExplanations.Known e : known) {
        PromptFormat f = PromptFormat.parse(e.method());
        // The text and explainer are those the explanations file holds, the score the one the results file holds.
        Explanation written = ExplanationsJson.read(results.resolve("run1").resolve(f.id()).resolve("explanations.jsonl")).stream()
            .filter(x -> x.target().equals(new Target.Neuron(id))).findFirst().orElseThrow();
        assertThat(e.text()).isEqualTo(written.text().orElseThrow());
        assertThat(e.explainer()).isEqualTo("baseline-prompt-reader").isEqualTo(written.explainer());
        double score = Pipeline.results(results.resolve("run1"), f).stream().filter(r -> r.target().equals(new Target.Neuron(id)))
            .findFirst().orElseThrow().scoredExplanations().getFirst().scoredSimulation().evCorrelationScore();
        assertThat(e.scores()).containsOnlyKeys("ev_correlation_score");
        assertThat(e.scores().get("ev_correlation_score")).isEqualTo(score);
        assertThat(e.source()).isEqualTo("run1/" + f.id() + "/simulations.jsonl");
      }
    }
    // The neuron page shows the format, the explanation and its score.
    NeuronId first = ids.getFirst();
    String page = ViewerPages.neuron(records.read(first), k.of(first), java.util.Optional.empty(), java.util.Optional.empty(), "neuron").toString();
    assertThat(page).contains("<td>highlight-summary</td>").contains("baseline-prompt-reader");
    KnownExplanations.Known avhs = k.of(first).stream().filter(e -> e.method().equals("avhs")).findFirst().orElseThrow();
    assertThat(page).contains(String.format(java.util.Locale.ROOT, "%.3f", avhs.scores().get("ev_correlation_score")));
  }

  @Test
  void theViewerSaysWhenItShowsLatents() throws Exception {
    NeuronRecordDirectory records = OfflineRuns.records(tmp.resolve("latents"), List.of(new NeuronId(1, 12)));
    KnownExplanations none = KnownExplanations.load(List.of());
    String index = ViewerPages.index(records.list(), none, records.root().toString(), "latent",
        List.of("layer 1: saelens sae (relu) at blocks.1.hook_resid_pre, 32 latents")).toString();
    assertThat(index).contains("<h1>Latents</h1>").contains("1 latents with recorded activations").contains("blocks.1.hook_resid_pre")
        .doesNotContain("neurons with recorded");
    String page = ViewerPages.neuron(records.read(new NeuronId(1, 12)), none.of(new NeuronId(1, 12)), java.util.Optional.empty(),
        java.util.Optional.empty(), "latent").toString();
    assertThat(page).contains("Layer 1, latent 12").contains("All latents").contains("No explanation of this latent");
  }

  @Test
  void aRunThatIsOnlyExplainedShowsItsExplanationsWithoutScores() throws Exception {
    NeuronRecordDirectory records = OfflineRuns.records(tmp.resolve("records"), List.of(new NeuronId(0, 3)));
    Path run = tmp.resolve("explained-only");
    OfflineRuns.run(records, run, Pipeline.Stages.EXPLAIN);
    // A run directory may be given itself, too.
    KnownExplanations k = KnownExplanations.load(List.of(run));
    assertThat(k.of(new NeuronId(0, 3))).hasSize(5).allSatisfy(e -> {
      assertThat(e.scores()).isEmpty();
      assertThat(e.source()).endsWith("/explanations.jsonl");
      assertThat(e.explainer()).isEqualTo("baseline-prompt-reader");
    });
  }

  @Test
  void readsOurOwnResultsWithNaNScoresAndSkipsPuzzles() throws Exception {
    // Our writer writes an undefined score as a bare NaN, as Python does; the viewer must read it.
    Path f = tmp.resolve("ours.jsonl");
    SequenceSimulation flat = SequenceSimulation.pointEstimates(List.of(" a", " b"), new double[] {1, 1});
    ScoredSimulation undefined = new ScoredSimulation(List.of(new ScoredSequenceSimulation(flat, new double[] {0, 2}, Double.NaN, 0, 0)),
        Double.NaN, 0, 0);
    NeuronSimulationResultsJson.write(f, List.of(
        new NeuronSimulationResults(new Target.Neuron(new NeuronId(5, 6)), List.of(new ScoredExplanation("constant", undefined))),
        new NeuronSimulationResults(new Target.Puzzle("animals"), List.of(new ScoredExplanation("animals", undefined)))));
    assertThat(Files.readString(f)).contains("NaN");
    KnownExplanations k = KnownExplanations.load(List.of(f));
    assertThat(k.of(new NeuronId(5, 6))).singleElement().satisfies(e -> assertThat(e.scores().get("ev_correlation_score")).isNaN());
  }
}
