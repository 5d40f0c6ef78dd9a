package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.InvalidDataException;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.testing.SharedData;
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
    assertThatThrownBy(() -> KnownExplanations.load(List.of(f))).isInstanceOf(InvalidDataException.class)
        .hasMessageContaining("sim.jsonl").hasMessageContaining("line 1").hasMessageContaining("layer_index");
  }

  @Test
  void joinsThePapersExplanationAndScoreTables() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("results"));
    for (String name : List.of("test_neurons_results.csv", "test_neurons_results_score.csv", "test_neurons_results_adaCS.csv", "test_neurons.csv")) {
      Files.copy(SharedData.require("reference/paper-results/" + name), dir.resolve(name));
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
}
