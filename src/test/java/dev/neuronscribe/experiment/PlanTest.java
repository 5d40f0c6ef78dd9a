package dev.neuronscribe.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.NeuronSimulationResultsJson;
import dev.neuronscribe.simulate.ScoredExplanation;
import dev.neuronscribe.simulate.ScoredSimulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where reference explanations come from: a neuron index, a planted model's manifest, OpenAI's explanation files. */
class PlanTest {
  @TempDir Path dir;

  @Test
  void referencesFromANeuronIndexSkipRowsWithoutText() throws Exception {
    Path csv = dir.resolve("index.csv");
    Files.writeString(csv, "layer,neuron,score,explanation\n0,286,0.66,\" the word 'the'\"\n1,1,0.5,\n");
    assertThat(Plan.references(csv)).containsExactly(Map.entry(new NeuronId(0, 286), " the word 'the'"));
    Files.writeString(csv, "layer,neuron\n0,1\n");
    assertThatThrownBy(() -> Plan.references(csv)).hasMessageContaining("explanation");
  }

  @Test
  void referencesFromAPlantedManifestOrItsFolder() throws Exception {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("planted.json"), """
        {"neurons": [{"layer": 0, "neuron": 37, "concept": "colours", "explanation": "colour words", "tokens": [" red"]}]}""");
    assertThat(Plan.references(model.resolve("planted.json"))).containsExactly(Map.entry(new NeuronId(0, 37), "colour words"));
    assertThat(Plan.references(model)).containsExactly(Map.entry(new NeuronId(0, 37), "colour words"));
    Files.writeString(model.resolve("planted.json"), "{\"neurons\": [{\"layer\": 0}]}");
    assertThatThrownBy(() -> Plan.references(model)).hasMessageContaining("neurons[0]");
  }

  @Test
  void referencesFromOpenAiExplanationFilesTakeTheFirstScoredExplanation() throws Exception {
    Path explanations = dir.resolve("explanations");
    NeuronSimulationResultsJson.write(explanations.resolve("5").resolve("131.jsonl"), List.of(new NeuronSimulationResults(
        new Target.Neuron(new NeuronId(5, 131)),
        List.of(new ScoredExplanation("numbers", new ScoredSimulation(List.of(), 0.4, 0.1, 0.1)), new ScoredExplanation("other", new ScoredSimulation(List.of(), 0.1, 0, 0))))));
    assertThat(Plan.references(explanations)).containsExactly(Map.entry(new NeuronId(5, 131), "numbers"));
    assertThatThrownBy(() -> Plan.references(dir.resolve("none.csv"))).hasMessageContaining("not found");
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> Plan.references(dir.resolve("empty"))).hasMessageContaining("holds no explanation files");
  }
}
