package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.prompts.ExplanationPrompts;
import dev.neuronscribe.prompts.Message;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.TokenCounter;
import dev.neuronscribe.testing.TestData;
import dev.neuronscribe.testing.SyntheticRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path recordFile(boolean withQuantiles) {
    Path file = tmp.resolve("neuron.json");
    NeuronRecordJson.write(file, SyntheticRecords.neuron(new NeuronId(2, 5), 7, withQuantiles));
    return file;
  }

  static List<Message> parseMessages(String json) throws Exception {
    List<Message> out = new ArrayList<>();
    for (JsonNode m : JSON.readTree(json)) {
      assertThat(m.size()).isEqualTo(2);
      Message.Role role = switch (m.get("role").asText()) {
        case "system" -> Message.Role.SYSTEM;
        case "user" -> Message.Role.USER;
        case "assistant" -> Message.Role.ASSISTANT;
        default -> throw new AssertionError(m);
      };
      out.add(new Message(role, m.get("content").asText()));
    }
    return out;
  }

  @Test
  void jsonIsTheMessageListAsSent() throws Exception {
    Path file = recordFile(true);
    NeuronRecord neuron = NeuronRecordJson.read(file);
    for (PromptFormat f : PromptFormat.values()) {
      CliRun run = CliRun.of("prompt", "--record", file.toString(), "--format", f.id(), "--json");
      assertThat(run.exitCode()).as(run.err()).isZero();
      List<Message> expected = ExplanationPrompts.forNeuron(f, PromptPack.builtIn(), neuron);
      assertThat(parseMessages(run.out())).isEqualTo(expected);
      assertThat(run.err()).contains(TokenCounter.cl100k().countChat(expected) + " prompt tokens (cl100k_base");
    }
  }

  @Test
  void completionPrintsTheConcatenationExactly() {
    Path file = recordFile(true);
    CliRun run = CliRun.of("prompt", "--record", file.toString(), "--format", "hs", "--completion", "--cutoff", "0.7");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(ExplanationPrompts.asCompletionPrompt(
        ExplanationPrompts.forNeuron(PromptFormat.HIGHLIGHT_SUMMARY, PromptPack.builtIn(), NeuronRecordJson.read(file), 0.7)));
  }

  @Test
  void readableOutputShowsEachMessageUnderItsRole() {
    CliRun run = CliRun.of("prompt", "--record", recordFile(true).toString(), "--format", "summary");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("=== system ===\n" + PromptPack.builtIn().system(PromptFormat.SUMMARY) + "\n=== user ===\n\n\nNeuron 1\n");
    assertThat(run.out()).endsWith("\nExplanation of neuron 4 behavior: this neuron responds most strongly to\n");
    assertThat(run.out().split("=== assistant ===", -1)).hasSize(4);
  }

  @Test
  void aPackFileChangesTheWording() throws Exception {
    Path pack = tmp.resolve("pack.json");
    Files.writeString(pack, PromptPack.builtIn().toJson().replace("this neuron responds most strongly to", "it looks for"));
    CliRun run = CliRun.of("prompt", "--record", recordFile(true).toString(), "--format", "avhs", "--pack", pack.toString(), "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(parseMessages(run.out()).getLast().content()).endsWith("\nExplanation of neuron 4 behavior: it looks for");
  }

  @Test
  void puzzlesAreRenderedFromThePuzzlesFile() throws Exception {
    Path file = TestData.require("reference/openai-puzzles.json");
    Puzzle colors = PuzzleJson.find(PuzzleJson.read(file), "colors", file.toString());
    CliRun run = CliRun.of("prompt", "--puzzle", "colors", "--puzzles", file.toString(), "--format", "highlight", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(parseMessages(run.out())).isEqualTo(ExplanationPrompts.forPuzzle(PromptFormat.HIGHLIGHT, PromptPack.builtIn(), colors));

    CliRun unknown = CliRun.of("prompt", "--puzzle", "colours", "--puzzles", file.toString(), "--format", "highlight");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("error: " + file + ": has no puzzle named 'colours'; it has: colors, ");
  }

  @Test
  void inputProblemsFailWithTheFileNamed() throws Exception {
    Path missing = tmp.resolve("missing.json");
    CliRun run = CliRun.of("prompt", "--record", missing.toString(), "--format", "summary");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + missing + ": not found\n");
    assertThat(run.out()).isEmpty();

    Path noQuantiles = recordFile(false);
    run = CliRun.of("prompt", "--record", noQuantiles.toString(), "--format", "summary");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + noQuantiles + ": neuron 2:5: has no quantile_boundaries").contains("--cutoff");
    // Original needs no cutoff; an explicit one makes Summary work.
    assertThat(CliRun.of("prompt", "--record", noQuantiles.toString(), "--format", "original").exitCode()).isZero();
    assertThat(CliRun.of("prompt", "--record", noQuantiles.toString(), "--format", "summary", "--cutoff", "1").exitCode()).isZero();

    Path badPack = tmp.resolve("bad-pack.json");
    Files.writeString(badPack, "{\"name\": \"x\"}");
    run = CliRun.of("prompt", "--record", noQuantiles.toString(), "--format", "original", "--pack", badPack.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + badPack + ": field 'explanation_stem' is missing");
  }

  @Test
  void badUsageExitsWithTwo() {
    String record = recordFile(true).toString();
    CliRun run = CliRun.of("prompt", "--record", record, "--format", "sumary");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown prompt format 'sumary'; the formats are: original, summary, highlight, highlight-summary, avhs");

    assertThat(CliRun.of("prompt", "--record", record).exitCode()).isEqualTo(2);
    assertThat(CliRun.of("prompt", "--format", "summary").err()).contains("give one of --record FILE, --records DIR --neuron L:N, or --puzzle NAME --puzzles FILE");
    assertThat(CliRun.of("prompt", "--record", record, "--puzzle", "x", "--puzzles", "p.json", "--format", "summary").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("prompt", "--puzzle", "colors", "--format", "summary").err()).contains("--puzzle needs --puzzles FILE");
    assertThat(CliRun.of("prompt", "--record", record, "--format", "summary", "--json", "--completion").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("prompt", "--record", record, "--format", "summary", "--cutoff", "NaN").exitCode()).isEqualTo(2);
    CliRun enc = CliRun.of("prompt", "--record", record, "--format", "summary", "--encoding", "gpt2");
    assertThat(enc.exitCode()).isEqualTo(2);
    assertThat(enc.err()).startsWith("error: --encoding: unknown token encoding 'gpt2'; choose one of: cl100k_base, o200k_base, r50k_base");
  }

  @Test
  void helpDescribesTheCommand() {
    CliRun run = CliRun.of("prompt", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: scribe prompt").contains("--record=FILE").contains("--format=FMT").contains("--pack=FILE")
        .contains("quantile_boundaries[2]");
  }
}
