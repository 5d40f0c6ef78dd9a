package dev.neuronscribe.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.activations.Splits;
import dev.neuronscribe.testing.TestData;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The five formats on real data (the GPT-2 XL neuron and all 19 neuron puzzles), compared as whole
 * prompts with {@link SpecPrompts}, an independent reading of the spec.
 */
class RealDataPromptsTest {
  private static final double Q90 = 0.5005; // quantile_boundaries[2] of GPT-2 XL neuron 1:1, read from the file

  static List<List<String>> actual(List<Message> messages) {
    return messages.stream().map(m -> List.of(m.role().wireName(), m.content())).toList();
  }

  /** A pack whose wording differs from the built-in one in every field, to show that wording comes from the pack. */
  static PromptPack otherPack() {
    Map<PromptFormat, String> systems = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) systems.put(f, "Describe neuron behaviour (" + f.id() + ").");
    FewShotExample ex = new FewShotExample("digits", List.of(
        new ActivationRecord(List.of(" call", " 555", "-", "0199", " now"), new double[] {-0.02, 2.4, 0.3, 2.9, -0.11})));
    return PromptPack.of("other", "\nNeuron {k} is about:", "\nOnly non-zero:", 2.5, systems, List.of(ex), Optional.empty());
  }

  @Test
  void gpt2XlNeuronMatchesTheSpecInEveryFormat() {
    NeuronRecord neuron = NeuronRecordJson.read(TestData.require("reference/gpt2xl-neuron-1-1.json"));
    assertThat(neuron.quantileBoundaries().orElseThrow().ninetiethPercentile()).isEqualTo(Q90);
    List<ActivationRecord> shown = Splits.explain(neuron);
    for (PromptPack pack : List.of(PromptPack.builtIn(), otherPack())) {
      for (PromptFormat f : PromptFormat.values()) {
        assertThat(actual(ExplanationPrompts.forNeuron(f, pack, neuron)))
            .as("%s with pack %s", f, pack.name())
            .containsExactlyElementsOf(SpecPrompts.messages(f, pack, shown, Q90));
      }
    }
  }

  @Test
  void gpt2XlNeuronPromptsHaveTheExpectedShape() {
    NeuronRecord neuron = NeuronRecordJson.read(TestData.require("reference/gpt2xl-neuron-1-1.json"));
    List<Message> summary = ExplanationPrompts.forNeuron(PromptFormat.SUMMARY, PromptPack.builtIn(), neuron);
    // system + 3 few-shot pairs + target
    assertThat(summary).extracting(m -> m.role().wireName())
        .containsExactly("system", "user", "assistant", "user", "assistant", "user", "assistant", "user");
    String target = summary.get(7).content();
    // Excerpt A is top[0]; its tokens above q90 = 0.5005, read off the file: " Camp" 0.8667 ... " Blanc" 1.4102.
    assertThat(target).startsWith("\n\nNeuron 4\nActivations:\n\n Text excerpt - A:\n<start> omission from Real's squad");
    assertThat(target).contains("<end> \n\nHighly activating tokens:\n Camp, de, Ernest, agent, transfers, Serie, La, Liga, Los, Blanc\n");
    assertThat(target).endsWith("\nExplanation of neuron 4 behavior: this neuron responds most strongly to");
  }

  @Test
  void allNineteenPuzzlesMatchTheSpecInEveryFormat() {
    List<Puzzle> puzzles = PuzzleJson.read(TestData.require("reference/openai-puzzles.json"));
    assertThat(puzzles).hasSize(19);
    for (Puzzle puzzle : puzzles) {
      for (PromptPack pack : List.of(PromptPack.builtIn(), otherPack())) {
        for (PromptFormat f : PromptFormat.values()) {
          assertThat(actual(ExplanationPrompts.forPuzzle(f, pack, puzzle)))
              .as("puzzle %s, %s, pack %s", puzzle.name(), f, pack.name())
              .containsExactlyElementsOf(SpecPrompts.messages(f, pack, puzzle.sentences(), 1.0));
        }
      }
    }
  }

  @Test
  void builtInPackMakesSummaryAtLeast2point3TimesCheaperThanOriginal() {
    // The paper reports 2.44x for Summary over Original (Table 1); the issue asks for at least 2.3x with our wording.
    NeuronRecord neuron = NeuronRecordJson.read(TestData.require("reference/gpt2xl-neuron-1-1.json"));
    TokenCounter counter = TokenCounter.of("cl100k_base");
    Map<PromptFormat, Integer> tokens = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) {
      tokens.put(f, counter.countChat(ExplanationPrompts.forNeuron(f, PromptPack.builtIn(), neuron)));
    }
    assertThat((double) tokens.get(PromptFormat.ORIGINAL) / tokens.get(PromptFormat.SUMMARY)).isGreaterThanOrEqualTo(2.3);
    // The ordering the paper's Table 1 shows: Highlight < Summary < HS < AVHS < Original.
    assertThat(tokens.get(PromptFormat.HIGHLIGHT)).isLessThan(tokens.get(PromptFormat.SUMMARY));
    assertThat(tokens.get(PromptFormat.SUMMARY)).isLessThan(tokens.get(PromptFormat.HIGHLIGHT_SUMMARY));
    assertThat(tokens.get(PromptFormat.HIGHLIGHT_SUMMARY)).isLessThan(tokens.get(PromptFormat.AVHS));
    assertThat(tokens.get(PromptFormat.AVHS)).isLessThan(tokens.get(PromptFormat.ORIGINAL));
  }
}
