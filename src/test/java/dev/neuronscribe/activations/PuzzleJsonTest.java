package dev.neuronscribe.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

class PuzzleJsonTest {

  @Test
  void readsAllNineteenOpenAiPuzzles() {
    List<Puzzle> puzzles = PuzzleJson.read(TestData.require("reference/openai-puzzles.json"));
    assertThat(puzzles).hasSize(19);
    Puzzle colors = PuzzleJson.find(puzzles, "colors", "openai-puzzles.json");
    assertThat(colors.explanation()).isEqualTo("words related to colors and nothing else");
    assertThat(colors.falseExplanations()).hasSize(3);
    ActivationRecord first = colors.sentences().getFirst();
    assertThat(first.token(0)).isEqualTo("Green");
    assertThat(first.activation(0)).isEqualTo(9.0);
    assertThat(first.token(1)).isEqualTo(" smoke");
    assertThat(first.activation(1)).isZero();
    assertThat(puzzles).allSatisfy(p -> assertThat(p.sentences()).isNotEmpty());
  }

  @Test
  void writesWhatItReads() {
    List<Puzzle> puzzles = PuzzleJson.read(TestData.require("reference/openai-puzzles.json"));
    assertThat(PuzzleJson.parse(PuzzleJson.toJson(puzzles), "again")).isEqualTo(puzzles);
  }

  @Test
  void unknownPuzzleNameListsTheNames() {
    List<Puzzle> puzzles = PuzzleJson.parse("""
        {"a": {"name": "a", "explanation": "x", "sentences": [["t"]]},
         "b": {"name": "b", "explanation": "y", "sentences": [[["u", 3]]]}}""", "p.json");
    assertThatThrownBy(() -> PuzzleJson.find(puzzles, "c", "p.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("p.json: has no puzzle named 'c'; it has: a, b");
  }

  @Test
  void badTokensAreNamed() {
    assertThatThrownBy(() -> PuzzleJson.parse("""
        {"a": {"name": "a", "explanation": "x", "sentences": [["t", ["u"]]]}}""", "p.json"))
        .hasMessage("p.json: field 'a.sentences[0][1]' must be a token string or a [token, activation] pair, found a list");
    assertThatThrownBy(() -> PuzzleJson.parse("""
        {"a": {"name": "a", "explanation": "x", "sentences": [["t", ["u", "hot"]]]}}""", "p.json"))
        .hasMessage("p.json: field 'a.sentences[0][1][1]' must be a number, found a string");
    assertThatThrownBy(() -> PuzzleJson.parse("""
        {"a": {"name": "b", "explanation": "x", "sentences": [["t"]]}}""", "p.json"))
        .hasMessage("p.json: field 'a.name' is 'b' but the puzzle is filed under 'a'");
    assertThatThrownBy(() -> PuzzleJson.parse("""
        {"a": {"name": "a", "sentences": [["t"]]}}""", "p.json"))
        .hasMessage("p.json: field 'a.explanation' is missing");
    assertThatThrownBy(() -> PuzzleJson.parse("{}", "p.json")).hasMessage("p.json: holds no puzzles");
  }
}
