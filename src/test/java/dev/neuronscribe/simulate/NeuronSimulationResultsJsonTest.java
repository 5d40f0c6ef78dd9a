package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NeuronSimulationResultsJsonTest {

  @Test
  void roundTripsWithUndefinedScoresAsNaN() {
    ActivationRecord truth = new ActivationRecord(List.of(" a", " b"), new double[] {0, 0});
    SequenceSimulation sim = new SequenceSimulation(List.of(" a", " b"), new double[] {1.5, 0},
        List.of(new double[] {1, 2}, new double[0]), List.of(new double[] {0.5, 0.5}, new double[0]));
    ScoredSimulation scored = Scoring.score(List.of(truth), List.of(sim));
    NeuronSimulationResults r = new NeuronSimulationResults(new Target.Neuron(new NeuronId(3, 7)), List.of(new ScoredExplanation("colours", scored)));
    String line = NeuronSimulationResultsJson.toJsonLine(r);
    assertThat(line).contains("\"dataclass_name\":\"NeuronSimulationResults\"").contains("\"layer_index\":3")
        .contains("\"activation_scale\":\"simulated_normalized_activations\"").contains("\"ev_correlation_score\":NaN");
    NeuronSimulationResults back = NeuronSimulationResultsJson.parseLine(line, "test");
    assertThat(back.target()).isEqualTo(r.target());
    assertThat(back.scoredExplanations().getFirst().scoredSimulation().scoredSequenceSimulations())
        .isEqualTo(scored.scoredSequenceSimulations());
    assertThat(back.scoredExplanations().getFirst().scoredSimulation().evCorrelationScore()).isNaN();
  }

  @Test
  void readsOpenAiStyleLinesWithNullsAndExtraFields() {
    String line = """
        {"dataclass_name": "NeuronSimulationResults", "neuron_id": {"dataclass_name": "NeuronId", "layer_index": 0, "neuron_index": 5},
         "scored_explanations": [null, {"dataclass_name": "ScoredExplanation", "explanation": "the word 'the'",
          "scored_simulation": {"dataclass_name": "ScoredSimulation", "scored_sequence_simulations": [
            {"dataclass_name": "ScoredSequenceSimulation", "simulation": {"dataclass_name": "SequenceSimulation",
              "tokens": [" the", " cat"], "expected_activations": [9.1, 0.2], "activation_scale": "simulated_normalized_activations",
              "distribution_values": [[9, 10], [0]], "distribution_probabilities": [[0.9, 0.1], [1.0]], "uncalibrated_simulation": null},
             "true_activations": [2.5, -0.1], "ev_correlation_score": 1.0, "rsquared_score": null, "absolute_dev_explained_score": null}],
           "ev_correlation_score": 1.0, "rsquared_score": null, "absolute_dev_explained_score": null}}]}""".replace("\n", "");
    NeuronSimulationResults r = NeuronSimulationResultsJson.parseLine(line, "openai.jsonl line 1");
    assertThat(r.scoredExplanations()).hasSize(1);
    ScoredSimulation s = r.scoredExplanations().getFirst().scoredSimulation();
    assertThat(s.rsquaredScore()).isNaN();
    assertThat(Scoring.rescore(s).rsquaredScore()).isLessThan(0);
  }

  @Test
  void badLinesNameTheFieldAndLine() {
    assertThatThrownBy(() -> NeuronSimulationResultsJson.parseLine("{\"neuron_id\": {\"layer_index\": 0, \"neuron_index\": 1}}", "f.jsonl line 4"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("f.jsonl line 4").hasMessageContaining("scored_explanations");
  }
}
