package dev.neuronscribe.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.evaluate.ComparisonSettings;
import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.ScoreTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FormatGroupsTest {
  static final List<Map.Entry<String, String>> FORMATS = List.of(Map.entry("Original", "o"), Map.entry("Summary", "s"), Map.entry("Highlight", "h"),
      Map.entry("HighlightSummary", "hs"), Map.entry("AVHS", "a"));

  static Map<String, Map<String, List<String>>> explanations() {
    Map<String, Map<String, List<String>>> all = new LinkedHashMap<>();
    all.put("0:1", Map.of("o", List.of("red"), "s", List.of("blue"), "h", List.of("red, blue"), "hs", List.of("red, blue"), "a", List.of("red")));
    all.put("0:2", Map.of("o", List.of("one"), "s", List.of("two"), "h", List.of("three"), "hs", List.of("three"), "a", List.of("one")));
    return all;
  }

  @Test
  void groupsFormatsWhoseExplanationsAreTheSameForEveryItem() {
    assertThat(FormatGroups.identical(FORMATS, explanations()))
        .containsExactly(List.of("Original", "AVHS"), List.of("Summary"), List.of("Highlight", "HighlightSummary"));
    // One item where they differ splits a group.
    Map<String, Map<String, List<String>>> differ = explanations();
    differ.put("0:3", Map.of("o", List.of("x"), "s", List.of("y"), "h", List.of("z"), "hs", List.of("z"), "a", List.of("w")));
    assertThat(FormatGroups.identical(FORMATS, differ)).contains(List.of("Original"), List.of("AVHS"));
    // An item explained in one format but not the other is a difference too.
    Map<String, Map<String, List<String>>> missing = explanations();
    missing.put("0:4", Map.of("o", List.of("x")));
    assertThat(FormatGroups.identical(FORMATS, missing)).contains(List.of("Original"), List.of("AVHS"));
  }

  @Test
  void foldsOnlyColumnsThatAgreeAndThePairedTableLosesItsZeroRows() {
    List<ScoreTable.Row> rows = List.of(new ScoreTable.Row("0:1", OptionalInt.of(0), new double[] {0.5, 0.6, 0.7, 0.7, 0.5}),
        new ScoreTable.Row("0:2", OptionalInt.of(0), new double[] {0.2, 0.1, 0.4, 0.4, 0.2}),
        new ScoreTable.Row("0:3", OptionalInt.of(1), new double[] {0.3, 0.3, Double.NaN, Double.NaN, 0.3}));
    ScoreTable t = new ScoreTable("score", "neuron", FORMATS.stream().map(Map.Entry::getKey).toList(), rows);
    List<List<String>> groups = List.of(List.of("Original", "AVHS"), List.of("Summary"), List.of("Highlight", "HighlightSummary"));
    FormatGroups.Folded f = FormatGroups.fold(t, groups);
    assertThat(f.table().conditions()).containsExactly("Original = AVHS", "Summary", "Highlight = HighlightSummary");
    assertThat(f.table().column("Original = AVHS")).containsExactly(0.5, 0.2, 0.3);
    assertThat(f.folds()).containsExactly(List.of("Original", "AVHS"), List.of("Highlight", "HighlightSummary"));
    assertThat(FormatComparison.of(t, ComparisonSettings.DEFAULT).pairs()).hasSize(10);
    assertThat(FormatComparison.of(f.table(), ComparisonSettings.DEFAULT).pairs()).hasSize(3);
    assertThat(FormatGroups.note(f.folds(), "neuron")).hasValueSatisfying(n -> assertThat(n).startsWith("Original and AVHS; Highlight and HighlightSummary each gave"));

    // Same explanations but different scores (a stochastic scorer): not folded, nothing hidden.
    List<ScoreTable.Row> noisy = List.of(new ScoreTable.Row("0:1", OptionalInt.empty(), new double[] {0.5, 0.6, 0.7, 0.7, 0.51}));
    FormatGroups.Folded n = FormatGroups.fold(new ScoreTable("score", "neuron", t.conditions(), noisy), groups);
    assertThat(n.table().conditions()).contains("Original", "AVHS", "Highlight = HighlightSummary");
    assertThat(n.folds()).containsExactly(List.of("Highlight", "HighlightSummary"));
  }
}
