package dev.neuronscribe.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.Splits;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.testing.SyntheticRecords;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Whole prompts for small hand-made records, written out literally from the rules in
 * docs/prompt-formats.md. The target below has a negative activation, an activation exactly at the
 * cutoff (not hot: the rule is strict) and 0.6 of a maximum of 3 (norm 2 in double precision:
 * 10 * 0.6 / 3 = 2.0, while 0.6 / 3 * 10 would give 1).
 */
class ExplanationPromptsTest {
  static final String STEM = "\nExplanation {k}: it finds";
  static final String HEADER = "\nNon-zero only:";

  static Map<PromptFormat, String> systems() {
    Map<PromptFormat, String> s = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) s.put(f, "sys " + f.id());
    return s;
  }

  static PromptPack pack(List<FewShotExample> fewShot, double fewShotCutoff) {
    return PromptPack.of("test", STEM, HEADER, fewShotCutoff, systems(), fewShot, Optional.empty());
  }

  static ActivationRecord rec(Object... tokenActivationPairs) {
    List<String> tokens = new ArrayList<>();
    double[] acts = new double[tokenActivationPairs.length / 2];
    for (int i = 0; i < tokenActivationPairs.length; i += 2) {
      tokens.add((String) tokenActivationPairs[i]);
      acts[i / 2] = ((Number) tokenActivationPairs[i + 1]).doubleValue();
    }
    return new ActivationRecord(tokens, acts);
  }

  // Few-shot: M = 2.0, norms 1 and 10; with the pack's cutoff 0.5 only " cat" is hot.
  static final FewShotExample CATS = new FewShotExample("cats", List.of(rec(" a", 0.2, " cat", 2.0)));
  static final PromptPack PACK = pack(List.of(CATS), 0.5);
  // Target: M = 3.0; norms 0, 10, 2 | 3, 5; with cutoff 1.0 " dog" and " cat" are hot, " A" (= 1.0) is not.
  static final List<ActivationRecord> TARGET = List.of(
      rec(" The", -0.1, " dog", 3.0, " barked", 0.6),
      rec(" A", 1.0, " cat", 1.5));

  static List<Message> expected(String system, String fewShotUser, String targetUser) {
    return List.of(Message.system(system), Message.user(fewShotUser), Message.assistant(" cats."), Message.user(targetUser));
  }

  @Test
  void original() {
    assertThat(ExplanationPrompts.render(PromptFormat.ORIGINAL, PACK, TARGET, 1.0)).isEqualTo(expected(
        "sys original",
        "\n\nNeuron 1\nActivations:\n<start>\n a\t1\n cat\t10\n<end>\n\nExplanation 1: it finds",
        "\n\nNeuron 2\nActivations:\n<start>\n The\t0\n dog\t10\n barked\t2\n<end>\n<start>\n A\t3\n cat\t5\n<end>\n\nExplanation 2: it finds"));
  }

  @Test
  void summary() {
    assertThat(ExplanationPrompts.render(PromptFormat.SUMMARY, PACK, TARGET, 1.0)).isEqualTo(expected(
        "sys summary",
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a cat<end> \n\nHighly activating tokens:\n cat\n\nExplanation 1: it finds",
        "\n\nNeuron 2\nActivations:\n"
            + "\n Text excerpt - A:\n<start> The dog barked<end> \n\nHighly activating tokens:\n dog\n"
            + "\n Text excerpt - B:\n<start> A cat<end> \n\nHighly activating tokens:\n cat\n"
            + "\nExplanation 2: it finds"));
  }

  @Test
  void highlight() {
    assertThat(ExplanationPrompts.render(PromptFormat.HIGHLIGHT, PACK, TARGET, 1.0)).isEqualTo(expected(
        "sys highlight",
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a[ cat]<end> \n\nExplanation 1: it finds",
        "\n\nNeuron 2\nActivations:\n"
            + "\n Text excerpt - A:\n<start> The[ dog] barked<end> \n"
            + "\n Text excerpt - B:\n<start> A[ cat]<end> \n"
            + "\nExplanation 2: it finds"));
  }

  @Test
  void highlightSummary() {
    assertThat(ExplanationPrompts.render(PromptFormat.HIGHLIGHT_SUMMARY, PACK, TARGET, 1.0)).isEqualTo(expected(
        "sys highlight-summary",
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a[ cat]<end> \n\nHighly activating tokens:\n cat\n\nExplanation 1: it finds",
        "\n\nNeuron 2\nActivations:\n"
            + "\n Text excerpt - A:\n<start> The[ dog] barked<end> \n\nHighly activating tokens:\n dog\n"
            + "\n Text excerpt - B:\n<start> A[ cat]<end> \n\nHighly activating tokens:\n cat\n"
            + "\nExplanation 2: it finds"));
  }

  @Test
  void avhsMarksEveryNonZeroNormAndListsItsValue() {
    assertThat(ExplanationPrompts.render(PromptFormat.AVHS, PACK, TARGET, 1.0)).isEqualTo(expected(
        "sys avhs",
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start>[ a][ cat]<end> \n\nHighly activating tokens:\n a\t1, cat\t10\n\nExplanation 1: it finds",
        "\n\nNeuron 2\nActivations:\n"
            + "\n Text excerpt - A:\n<start> The[ dog][ barked]<end> \n\nHighly activating tokens:\n dog\t10, barked\t2\n"
            + "\n Text excerpt - B:\n<start>[ A][ cat]<end> \n\nHighly activating tokens:\n A\t3, cat\t5\n"
            + "\nExplanation 2: it finds"));
  }

  @Test
  void completionPromptIsTheMessagesConcatenated() {
    List<Message> messages = ExplanationPrompts.render(PromptFormat.HIGHLIGHT, PACK, TARGET, 1.0);
    assertThat(ExplanationPrompts.asCompletionPrompt(messages)).isEqualTo(
        "sys highlight"
            + "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a[ cat]<end> \n\nExplanation 1: it finds"
            + " cats."
            + "\n\nNeuron 2\nActivations:\n\n Text excerpt - A:\n<start> The[ dog] barked<end> \n\n Text excerpt - B:\n<start> A[ cat]<end> \n\nExplanation 2: it finds");
  }

  // --- Original's zeros-filtered repeat: only when FEWER than 20% of the tokens have a non-zero norm ---

  @Test
  void exactlyTwentyPercentNonZeroIsNotRepeated() {
    // M = 2: norms 10, 0, 0, 0, 0 -> 1 of 5 = 20%.
    List<ActivationRecord> target = List.of(rec(" x", 2.0, " y", 0.1, " z", -0.05, " w", 0.0, " v", 0.15));
    assertThat(ExplanationPrompts.render(PromptFormat.ORIGINAL, pack(List.of(), 1.0), target, 1.0)).containsExactly(
        Message.system("sys original"),
        Message.user("\n\nNeuron 1\nActivations:\n<start>\n x\t10\n y\t0\n z\t0\n w\t0\n v\t0\n<end>\n\nExplanation 1: it finds"));
  }

  @Test
  void belowTwentyPercentNonZeroIsRepeatedWithZerosFilteredOut() {
    // 1 of 6 = 16.7%. The first record has no non-zero token left: an empty line between <start> and <end>.
    List<ActivationRecord> target = List.of(
        rec(" p", 0.0, " q", -0.1),
        rec(" r", 4.0, " s", 0.3, " t", 0.1, " u", 0.0));
    assertThat(ExplanationPrompts.render(PromptFormat.ORIGINAL, pack(List.of(), 1.0), target, 1.0)).containsExactly(
        Message.system("sys original"),
        Message.user("\n\nNeuron 1\nActivations:\n<start>\n p\t0\n q\t0\n<end>\n<start>\n r\t10\n s\t0\n t\t0\n u\t0\n<end>\n"
            + "\nNon-zero only:\n<start>\n\n<end>\n<start>\n r\t10\n<end>\n"
            + "\nExplanation 1: it finds"));
  }

  @Test
  void nothingPositiveMeansEveryNormIsZero() {
    List<ActivationRecord> target = List.of(rec(" a", -0.1, " b", 0.0));
    PromptPack p = pack(List.of(), 1.0);
    assertThat(ExplanationPrompts.render(PromptFormat.ORIGINAL, p, target, 1.0).get(1).content()).isEqualTo(
        "\n\nNeuron 1\nActivations:\n<start>\n a\t0\n b\t0\n<end>\n\nNon-zero only:\n<start>\n\n<end>\n\nExplanation 1: it finds");
    assertThat(ExplanationPrompts.render(PromptFormat.AVHS, p, target, 1.0).get(1).content()).isEqualTo(
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a b<end> \n\nHighly activating tokens:\n\n\nExplanation 1: it finds");
  }

  @Test
  void emptyHotListAndNegativeCutoffsCompareRawValues() {
    List<ActivationRecord> target = List.of(rec(" a", -0.1, " b", 0.0));
    PromptPack p = pack(List.of(), 1.0);
    assertThat(ExplanationPrompts.render(PromptFormat.SUMMARY, p, target, 0.0).get(1).content()).isEqualTo(
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a b<end> \n\nHighly activating tokens:\n\n\nExplanation 1: it finds");
    assertThat(ExplanationPrompts.render(PromptFormat.SUMMARY, p, target, -0.2).get(1).content()).isEqualTo(
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a b<end> \n\nHighly activating tokens:\n a, b\n\nExplanation 1: it finds");
  }

  @Test
  void duplicateHotTokensAreKeptInTextOrder() {
    List<ActivationRecord> target = List.of(rec(" stop", 2.0, " and", 0.0, " stop", 1.5, "s", 3.0));
    assertThat(ExplanationPrompts.render(PromptFormat.HIGHLIGHT_SUMMARY, pack(List.of(), 1.0), target, 1.0).get(1).content()).isEqualTo(
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start>[ stop] and[ stop][s]<end> \n\nHighly activating tokens:\n stop, stop,s\n\nExplanation 1: it finds");
  }

  @Test
  void fewShotExamplesUseThePacksCutoffAndTheirOwnMaximum() {
    // Same example, pack cutoff 0.1: now " a" (0.2) is hot too; the target keeps its own cutoff.
    PromptPack low = pack(List.of(CATS), 0.1);
    List<Message> m = ExplanationPrompts.render(PromptFormat.SUMMARY, low, List.of(rec(" x", 5.0)), 10.0);
    assertThat(m.get(1).content()).isEqualTo(
        "\n\nNeuron 1\nActivations:\n\n Text excerpt - A:\n<start> a cat<end> \n\nHighly activating tokens:\n a, cat\n\nExplanation 1: it finds");
    assertThat(m.get(3).content()).isEqualTo(
        "\n\nNeuron 2\nActivations:\n\n Text excerpt - A:\n<start> x<end> \n\nHighly activating tokens:\n\n\nExplanation 2: it finds");
    // Original: the example's norms come from its own maximum (2.0), not the target's (5.0).
    assertThat(ExplanationPrompts.render(PromptFormat.ORIGINAL, low, List.of(rec(" x", 5.0)), 1.0).get(1).content())
        .isEqualTo("\n\nNeuron 1\nActivations:\n<start>\n a\t1\n cat\t10\n<end>\n\nExplanation 1: it finds");
  }

  @Test
  void normsAreCappedAtTenAndFloored() {
    List<ActivationRecord> target = List.of(rec(" a", 7.0, " b", 6.93, " c", 0.699));
    assertThat(ExplanationPrompts.render(PromptFormat.ORIGINAL, pack(List.of(), 1.0), target, 1.0).get(1).content())
        .isEqualTo("\n\nNeuron 1\nActivations:\n<start>\n a\t10\n b\t9\n c\t0\n<end>\n\nExplanation 1: it finds");
  }

  @Test
  void twentySixExcerptsAreLetteredAToZAndTwentySevenAreRejected() {
    List<ActivationRecord> target = new ArrayList<>();
    for (int i = 0; i < 26; i++) target.add(rec(" t", 0.0));
    String content = ExplanationPrompts.render(PromptFormat.HIGHLIGHT, pack(List.of(), 1.0), target, 1.0).get(1).content();
    StringBuilder expected = new StringBuilder("\n\nNeuron 1\nActivations:\n");
    for (char c = 'A'; c <= 'Z'; c++) expected.append("\n Text excerpt - ").append(c).append(":\n<start> t<end> \n");
    assertThat(content).isEqualTo(expected.append("\nExplanation 1: it finds").toString());

    target.add(rec(" t", 0.0));
    for (PromptFormat f : PromptFormat.values()) {
      assertThatThrownBy(() -> ExplanationPrompts.render(f, PACK, target, 1.0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 26 excerpts")
          .hasMessageContaining("got 27");
    }
  }

  @Test
  void badTargetsAreRejected() {
    assertThatThrownBy(() -> ExplanationPrompts.render(PromptFormat.SUMMARY, PACK, List.of(), 1.0))
        .hasMessageContaining("no excerpts");
    assertThatThrownBy(() -> ExplanationPrompts.render(PromptFormat.SUMMARY, PACK, TARGET, Double.NaN))
        .hasMessageContaining("cutoff is NaN");
  }

  @Test
  void puzzlesShowAllSentencesWithCutoffOne() {
    Puzzle puzzle = new Puzzle("colours", "colour words",
        List.of(rec("Red", 9.0, " sky", 1.0), rec(" a", 0.0, " green", 2.0, " hat", 0.0)), List.of("animals"));
    assertThat(ExplanationPrompts.forPuzzle(PromptFormat.SUMMARY, pack(List.of(), 0.5), puzzle)).containsExactly(
        Message.system("sys summary"),
        Message.user("\n\nNeuron 1\nActivations:\n"
            + "\n Text excerpt - A:\n<start>Red sky<end> \n\nHighly activating tokens:\nRed\n"
            + "\n Text excerpt - B:\n<start> a green hat<end> \n\nHighly activating tokens:\n green\n"
            + "\nExplanation 1: it finds"));
  }

  @Test
  void neuronRecordsShowTheExplainSplitWithTheNinetiethPercentileAsCutoff() {
    NeuronRecord neuron = SyntheticRecords.neuron(new NeuronId(3, 7), 42, true);
    List<ActivationRecord> shown = Splits.explain(neuron);
    assertThat(shown).containsExactly(
        neuron.mostPositiveActivationRecords().get(0), neuron.mostPositiveActivationRecords().get(4),
        neuron.mostPositiveActivationRecords().get(8), neuron.mostPositiveActivationRecords().get(12),
        neuron.mostPositiveActivationRecords().get(16));
    for (PromptFormat f : PromptFormat.values()) {
      assertThat(ExplanationPrompts.forNeuron(f, PACK, neuron)).isEqualTo(ExplanationPrompts.render(f, PACK, shown, 1.0));
      assertThat(ExplanationPrompts.forNeuron(f, PACK, neuron, 2.0)).isEqualTo(ExplanationPrompts.render(f, PACK, shown, 2.0));
    }
    // The override changes what is hot: with a cutoff above every activation nothing is bracketed.
    String high = ExplanationPrompts.forNeuron(PromptFormat.HIGHLIGHT, PACK, neuron, 100).get(3).content();
    assertThat(high).doesNotContain("[");
    assertThat(ExplanationPrompts.forNeuron(PromptFormat.HIGHLIGHT, PACK, neuron).get(3).content()).contains("[");
  }

  @Test
  void aRecordWithoutQuantilesNeedsAnExplicitCutoffOnlyWhereACutoffIsUsed() {
    NeuronRecord neuron = SyntheticRecords.neuron(new NeuronId(3, 7), 42, false);
    assertThatThrownBy(() -> ExplanationPrompts.forNeuron(PromptFormat.SUMMARY, PACK, neuron))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("neuron 3:7")
        .hasMessageContaining("quantile_boundaries")
        .hasMessageContaining("--cutoff");
    assertThat(ExplanationPrompts.forNeuron(PromptFormat.ORIGINAL, PACK, neuron)).hasSize(4);
    assertThat(ExplanationPrompts.forNeuron(PromptFormat.AVHS, PACK, neuron)).hasSize(4);
    assertThat(ExplanationPrompts.forNeuron(PromptFormat.SUMMARY, PACK, neuron, 1.0)).hasSize(4);
  }

  @Test
  void aRecordTooSmallToSplitIsRejectedClearly() {
    NeuronRecord full = SyntheticRecords.neuron(new NeuronId(0, 1), 1, true);
    NeuronRecord small = NeuronRecord.of(full.id(), full.mostPositiveActivationRecords().subList(0, 12), full.randomSample());
    assertThatThrownBy(() -> ExplanationPrompts.forNeuron(PromptFormat.ORIGINAL, PACK, small))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("12 top-activating excerpts");
  }

  @Test
  void renderingLeavesInputsAsTheyWere() {
    // The paper's AVHS code overwrote the records it was given with their norms; later prompts in the same
    // process then differed from prompts rendered fresh. Here every order gives the same prompts.
    List<ActivationRecord> before = List.copyOf(TARGET);
    PromptPack packBefore = pack(List.of(CATS), 0.5);
    List<Message> summaryFirst = ExplanationPrompts.render(PromptFormat.SUMMARY, PACK, TARGET, 1.0);
    ExplanationPrompts.render(PromptFormat.AVHS, PACK, TARGET, 1.0);
    ExplanationPrompts.render(PromptFormat.ORIGINAL, PACK, TARGET, 1.0);
    assertThat(ExplanationPrompts.render(PromptFormat.SUMMARY, PACK, TARGET, 1.0)).isEqualTo(summaryFirst);
    assertThat(TARGET).isEqualTo(before);
    assertThat(PACK).isEqualTo(packBefore);
    assertThat(TARGET.get(0).activation(2)).isEqualTo(0.6);
  }
}
