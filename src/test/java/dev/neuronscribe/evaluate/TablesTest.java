package dev.neuronscribe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesTest {
  @TempDir Path dir;

  Path file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void readsThePapersLayoutsKeepingQuotesCommasAndLeadingSpaces() throws Exception {
    Path e = file("e.csv", "Layer,Neuron,Original,Summary,Highlight,HighlightSummary,AVHS\n"
        + "0,286,\"words, commas\",\"say \"\"hi\"\"\",x,,z\n");
    ExplanationTable t = ExplanationTable.read(e, List.of());
    assertThat(t.formats()).containsExactly("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
    assertThat(t.rows().getFirst().explanation("Original")).contains("words, commas");
    assertThat(t.rows().getFirst().explanation("Summary")).contains("say \"hi\"");
    assertThat(t.rows().getFirst().explanation("HighlightSummary")).isEmpty();

    Path r = file("r.csv", "layer,neuron,score,explanation\n0,286,0.66, words related to comparison.\n0,1,,\n");
    NeuronIndex idx = NeuronIndex.read(r);
    assertThat(idx.entries().getFirst().explanation()).contains(" words related to comparison.");
    assertThat(idx.entries().get(1).score()).isEmpty();
    assertThat(idx.entries().get(1).explanation()).isEmpty();
  }

  @Test
  void indexRoundTripsThroughCsvAndJsonLines() throws Exception {
    NeuronIndex idx = NeuronIndex.read(file("r.csv", "layer,neuron,score,explanation\n3,7,0.5,\"a, b\"\n1,2,,\n"));
    for (String name : List.of("out.csv", "out.jsonl")) {
      idx.write(dir.resolve(name));
      assertThat(NeuronIndex.read(dir.resolve(name)).entries()).isEqualTo(idx.entries());
    }
  }

  @Test
  void badFilesGetErrorsNamingFileFieldAndLine() throws Exception {
    assertThatThrownBy(() -> ExplanationTable.read(file("a.csv", "Layer,Original\n0,x\n"), List.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("a.csv").hasMessageContaining("no neuron column").hasMessageContaining("Layer, Original");
    assertThatThrownBy(() -> ExplanationTable.read(file("b.csv", "Layer,Neuron,Foo\n0,1,x\n"), List.of()))
        .hasMessageContaining("--formats").hasMessageContaining("Foo");
    assertThatThrownBy(() -> ExplanationTable.read(file("c.csv", "Layer,Neuron,Summary\n0,1,x\n0,1,y\n"), List.of()))
        .hasMessageContaining("0:1 appears twice (lines 2 and 3)");
    assertThatThrownBy(() -> NeuronIndex.read(file("d.csv", "layer,neuron\n0,1\nseven,2\n")))
        .hasMessageContaining("d.csv").hasMessageContaining("line 3").hasMessageContaining("'seven'");
    assertThatThrownBy(() -> NeuronIndex.read(file("e.jsonl", "{\"layer\": 1, \"neuron\": 2}\n{\"layer\": 1}\n")))
        .hasMessageContaining("line 2").hasMessageContaining("'neuron'");
    assertThatThrownBy(() -> ExplanationTable.read(file("f.csv", "Layer,Neuron,Summary\n0,1,a,b\n"), List.of()))
        .hasMessageContaining("line 2 has 4 fields");
    assertThatThrownBy(() -> ExplanationTable.read(dir.resolve("missing.csv"), List.of())).hasMessageContaining("not found");
    assertThatThrownBy(() -> ExplanationTable.read(file("g.csv", "Layer,Neuron,Summary\n"), List.of("Nope")))
        .hasMessageContaining("format 'Nope'");
  }

  @Test
  void puzzleResultsAcceptBothHeaderSpellingsAndCollectRuns() throws Exception {
    Path p = file("p.csv", "Puzzle id,GT Explanation,Summary,AVHS\ncolors,words for colours,colours,hues\ncolors,words for colours,shades,\n");
    PuzzleExplanations.Table t = PuzzleExplanations.read(p, List.of());
    assertThat(t.puzzles()).hasSize(1);
    assertThat(t.puzzles().getFirst().runsByFormat().get("Summary")).containsExactly("colours", "shades");
    assertThat(t.puzzles().getFirst().runsByFormat().get("AVHS")).containsExactly("hues");
    assertThatThrownBy(() -> PuzzleExplanations.read(file("q.csv", "Puzzle id,GT Explanation,Summary\na,x,s\na,y,t\n"), List.of()))
        .hasMessageContaining("different ground truth");
  }

  @Test
  void thePapersFilesJoinCompletely() {
    Path dirR = TestData.require("reference/paper-results");
    ExplanationTable e = ExplanationTable.read(dirR.resolve("random_interpretable_GPT35_layers0-23.csv"), List.of());
    NeuronIndex r = NeuronIndex.read(dirR.resolve("neurons_to_evaluate.csv"));
    assertThat(e.rows()).hasSize(480);
    assertThat(e.formats()).hasSize(5);
    assertThat(r.entries()).hasSize(960).allSatisfy(x -> assertThat(x.score().getAsDouble()).isGreaterThan(0.35));
    java.util.Set<NeuronId> refs = new java.util.HashSet<>(r.ids());
    assertThat(e.rows()).allSatisfy(row -> assertThat(refs).contains(row.id()));
    assertThat(e.rows()).allSatisfy(row -> assertThat(row.explanations()).hasSize(5));
    PuzzleExplanations.Table p = PuzzleExplanations.read(dirR.resolve("puzzle_results.csv"), List.of());
    assertThat(p.puzzles()).hasSize(19).allSatisfy(x -> assertThat(x.groundTruth()).isPresent());
  }
}
