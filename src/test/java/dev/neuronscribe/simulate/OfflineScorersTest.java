package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.prompts.PromptPack;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The offline scorers on neurons with a known concept (the built-in puzzles): the truth must outscore the false explanations. */
class OfflineScorersTest {
  private static EmbeddingModel miniLm;

  @BeforeAll
  static void load() {
    miniLm = new MiniLmEmbeddings();
  }

  private static ExcerptScorer offline(String method) {
    return Scorers.create(method, Optional.empty(), PromptPack.builtIn(), () -> new BaselineMiniLmSimulator(miniLm), () -> miniLm, 5);
  }

  @Test
  void everyOfflineScorerRanksTheTrueExplanationAboveTheFalseOnesOnMostPuzzles() {
    List<Puzzle> puzzles = BuiltInPuzzles.load();
    java.util.Map<String, Double> rates = new java.util.LinkedHashMap<>();
    for (String method : List.of("simulation", "detection", "fuzzing", "embedding", "intruder")) {
      ExcerptScorer scorer = offline(method);
      assertThat(scorer.name()).contains("baseline");
      double wins = 0;
      int contests = 0;
      for (Puzzle p : puzzles) {
        ScoringSet set = ScoringSet.forPuzzle(p, 1);
        OptionalDouble truth = Scorers.headline(scorer.score(p.explanation(), set));
        for (String wrong : p.falseExplanations()) {
          OptionalDouble f = Scorers.headline(scorer.score(wrong, set));
          if (truth.isEmpty() || f.isEmpty()) continue;
          contests++;
          if (truth.getAsDouble() > f.getAsDouble()) wins++;
          else if (truth.getAsDouble() == f.getAsDouble()) wins += 0.5; // a tie is a coin toss
        }
      }
      assertThat(contests).as(method).isGreaterThan(puzzles.size());
      rates.put(method, wins / contests);
    }
    // A coin would win half the contests; every baseline must do clearly better (figures: docs/scorers.md).
    assertThat(rates).as("share of contests the true explanation wins").allSatisfy((m, r) -> assertThat(r).as(m).isGreaterThan(0.6));
  }

  @Test
  void surprisalHasNoOfflineBaselineAndSaysSo() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> offline("surprisal"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no offline baseline").hasMessageContaining("log-probabilities");
  }

  @Test
  void aPuzzleSetSplitsActivatingFromQuietSentences() {
    Puzzle p = BuiltInPuzzles.load().getFirst();
    ScoringSet set = ScoringSet.forPuzzle(p, 1);
    assertThat(set.activating()).isNotEmpty().allMatch(e -> e.record().max() >= Puzzle.CUTOFF && e.quantile() == 1);
    assertThat(set.nonActivating()).isNotEmpty().allMatch(e -> e.record().max() < Puzzle.CUTOFF && e.quantile() == 0);
    List<Fuzz.Item> fuzz = Fuzz.items(set);
    assertThat(fuzz.stream().filter(Fuzz.Item::correct).count()).isEqualTo(fuzz.stream().filter(f -> !f.correct()).count());
    for (Fuzz.Item f : fuzz) {
      for (int t = 0; t < f.record().size(); t++) {
        if (f.correct()) assertThat(f.marks()[t]).isEqualTo(set.hot(f.record(), t));
        else if (f.marks()[t]) assertThat(set.hot(f.record(), t)).isFalse();
      }
    }
    for (Intruders.Group g : Intruders.groups(set)) {
      assertThat(g.excerpts().get(g.intruder()).max()).isLessThan(Puzzle.CUTOFF);
      assertThat(g.excerpts()).hasSizeBetween(2, Intruders.MEMBERS + 1);
    }
  }
}
