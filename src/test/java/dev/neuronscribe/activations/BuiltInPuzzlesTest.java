package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltInPuzzlesTest {
  @Test
  void ourPuzzlesAreCompleteAndWellFormed() {
    List<Puzzle> puzzles = BuiltInPuzzles.load();
    assertThat(puzzles).hasSizeGreaterThanOrEqualTo(12);
    assertThat(puzzles).extracting(Puzzle::name).doesNotHaveDuplicates();
    for (Puzzle p : puzzles) {
      assertThat(p.explanation()).as(p.name()).isNotBlank();
      assertThat(p.falseExplanations()).as(p.name()).hasSizeGreaterThanOrEqualTo(3).doesNotContain(p.explanation());
      assertThat(p.sentences()).as(p.name()).hasSizeGreaterThanOrEqualTo(6);
      long withHot = p.sentences().stream().filter(s -> s.max() > Puzzle.CUTOFF).count();
      assertThat(withHot).as(p.name() + ": sentences that show the feature").isGreaterThanOrEqualTo(3);
      assertThat(p.sentences().size() - withHot).as(p.name() + ": sentences without it").isGreaterThanOrEqualTo(2);
      for (ActivationRecord s : p.sentences()) {
        for (int i = 0; i < s.size(); i++) assertThat(s.activation(i)).isBetween(0.0, 10.0);
      }
    }
  }

  @Test
  void roundTripsThroughOpenAisFormat() {
    List<Puzzle> puzzles = BuiltInPuzzles.load();
    List<Puzzle> again = PuzzleJson.parse(PuzzleJson.toJson(puzzles), "round trip");
    assertThat(again).hasSameSizeAs(puzzles);
    for (int i = 0; i < puzzles.size(); i++) {
      assertThat(again.get(i).name()).isEqualTo(puzzles.get(i).name());
      assertThat(again.get(i).sentences().getFirst().tokens()).isEqualTo(puzzles.get(i).sentences().getFirst().tokens());
      assertThat(again.get(i).sentences().getFirst().activations()).containsExactly(puzzles.get(i).sentences().getFirst().activations());
    }
  }
}
