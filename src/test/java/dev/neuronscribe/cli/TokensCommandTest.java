package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.prompts.ExplanationPrompts;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.TokenCounter;
import dev.neuronscribe.testing.TestData;
import dev.neuronscribe.testing.SyntheticRecords;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void jsonGivesMeansAndRatiosOverTheNeurons() throws Exception {
    NeuronRecordDirectory dir = new NeuronRecordDirectory(tmp.resolve("neurons"));
    List<NeuronRecord> neurons = List.of(
        SyntheticRecords.neuron(new NeuronId(0, 3), 1, true),
        SyntheticRecords.neuron(new NeuronId(1, 9), 2, true),
        SyntheticRecords.neuron(new NeuronId(4, 0), 3, true));
    neurons.forEach(dir::write);

    CliRun run = CliRun.of("tokens", "--record", dir.root().toString(), "--encoding", "o200k_base", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode root = JSON.readTree(run.out());
    assertThat(root.get("encoding").asText()).isEqualTo("o200k_base");
    assertThat(root.get("neurons")).hasSize(3);
    assertThat(root.get("neurons").get(1).get("neuron").asText()).isEqualTo("1:9");

    TokenCounter counter = TokenCounter.of("o200k_base");
    double originalMean = neurons.stream()
        .mapToInt(n -> counter.countChat(ExplanationPrompts.forNeuron(PromptFormat.ORIGINAL, PromptPack.builtIn(), n))).average().orElseThrow();
    for (int i = 0; i < 5; i++) {
      PromptFormat f = PromptFormat.values()[i];
      JsonNode row = root.get("formats").get(i);
      assertThat(row.get("format").asText()).isEqualTo(f.id());
      int[] each = neurons.stream().mapToInt(n -> counter.countChat(ExplanationPrompts.forNeuron(f, PromptPack.builtIn(), n))).toArray();
      for (int j = 0; j < 3; j++) assertThat(row.get("prompt_tokens").get(j).asInt()).isEqualTo(each[j]);
      double mean = (each[0] + each[1] + each[2]) / 3.0;
      assertThat(row.get("mean_prompt_tokens").asDouble()).isEqualTo(mean);
      assertThat(row.get("times_cheaper_than_original").asDouble()).isEqualTo(originalMean / mean);
      assertThat(row.get("saving_vs_original").asDouble()).isEqualTo(1 - mean / originalMean);
    }
  }

  @Test
  void tableOnTheRealGpt2XlNeuronShowsSummaryAtLeast2point3TimesCheaper() {
    Path file = TestData.require("reference/gpt2xl-neuron-1-1.json");
    NeuronRecord neuron = NeuronRecordJson.read(file);
    TokenCounter counter = TokenCounter.cl100k();
    int original = counter.countChat(ExplanationPrompts.forNeuron(PromptFormat.ORIGINAL, PromptPack.builtIn(), neuron));
    int summary = counter.countChat(ExplanationPrompts.forNeuron(PromptFormat.SUMMARY, PromptPack.builtIn(), neuron));

    CliRun run = CliRun.of("tokens", "--record", file.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines[0]).isEqualTo("Explainer prompt tokens, mean over 1 neuron (cl100k_base, chat billing; pack 'neuronscribe')");
    assertThat(lines[1]).startsWith("format").contains("mean tokens").contains("vs original").contains("saving");
    assertThat(lines[2]).matches("original +" + original + "\\.0 +1\\.00x +0\\.0%");
    String ratio = String.format(java.util.Locale.ROOT, "%.2fx", (double) original / summary);
    assertThat(lines[3]).startsWith("summary").contains(" " + summary + ".0 ").contains(ratio);
    assertThat((double) original / summary).isGreaterThanOrEqualTo(2.3);
    assertThat(lines).hasSize(7);
  }

  @Test
  void problemsNameTheFile() {
    Path missing = tmp.resolve("nothing.json");
    CliRun run = CliRun.of("tokens", "--record", missing.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + missing + ": not found\n");

    Path noQuantiles = tmp.resolve("nq.json");
    NeuronRecordJson.write(noQuantiles, SyntheticRecords.neuron(new NeuronId(0, 0), 5, false));
    run = CliRun.of("tokens", "--record", noQuantiles.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + noQuantiles + ": neuron 0:0: has no quantile_boundaries");

    Path empty = tmp.resolve("empty");
    empty.toFile().mkdirs();
    run = CliRun.of("tokens", "--record", empty.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + empty + ": holds no NeuronRecords");

    assertThat(CliRun.of("tokens").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("tokens", "--record", noQuantiles.toString(), "--encoding", "p50k_base").err())
        .contains("choose one of: cl100k_base, o200k_base, r50k_base");
  }

  @Test
  void helpAndRootHelpListTheCommand() {
    assertThat(CliRun.of("tokens", "--help").out()).contains("Usage: scribe tokens").contains("--encoding=NAME");
    CliRun root = CliRun.of("--help");
    assertThat(root.exitCode()).isZero();
    assertThat(root.out()).contains("prompt").contains("pack").contains("tokens");
  }
}
