package dev.neuronscribe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the real embedded MiniLM model. */
class SimilarityTest {
  static MiniLmEmbeddings miniLm;
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    miniLm = new MiniLmEmbeddings();
  }

  /** The real model, counting what it is asked to embed. */
  static final class Counting implements EmbeddingModel {
    final AtomicInteger texts = new AtomicInteger();

    @Override
    public String name() {
      return miniLm.name();
    }

    @Override
    public List<float[]> embed(List<String> t) {
      texts.addAndGet(t.size());
      return miniLm.embed(t);
    }
  }

  @Test
  void scoresEachFormatAgainstItsNeuronsReferenceAndReportsTheJoin() throws Exception {
    Path e = dir.resolve("e.csv");
    Files.writeString(e, "Layer,Neuron,Original,Summary\n"
        + "0,1,words related to colors,closing parentheses in code\n"
        + "0,2,the same text,\n"
        + "5,5,no reference for this one,x\n");
    Path r = dir.resolve("r.csv");
    Files.writeString(r, "layer,neuron,score,explanation\n0,1,0.5,names of colours such as red and blue\n0,2,0.4,the same text\n9,9,0.9,unused\n");
    AtomicInteger progressed = new AtomicInteger();
    ExplanationSimilarity.Result res = new ExplanationSimilarity(miniLm).score(ExplanationTable.read(e, List.of()), NeuronIndex.read(r), progressed::addAndGet);
    assertThat(res.join().matched()).isEqualTo(2);
    assertThat(res.join().explanationsWithoutReference()).containsExactly(new NeuronId(5, 5));
    assertThat(res.join().referencesWithoutExplanation()).isEqualTo(1);
    assertThat(res.join().missingExplanations()).containsEntry("Summary", 1).containsEntry("Original", 0);
    ScoreTable t = res.table();
    assertThat(t.rows()).extracting(ScoreTable.Row::item).containsExactly("0:1", "0:2");
    double[] original = t.column("Original"), summary = t.column("Summary");
    assertThat(original[0]).isGreaterThan(summary[0] + 0.2);
    assertThat(original[1]).isCloseTo(1.0, within(1e-5));
    assertThat(summary[1]).isNaN();
    assertThat(progressed.get()).as("each distinct text embedded once").isEqualTo(4);
    assertThat(FormatComparison.of(t, ComparisonSettings.DEFAULT).summary("Summary").summary().n()).isEqualTo(1);
  }

  @Test
  void cacheAnswersRepeatedTextsWithoutTheModelAndSurvivesReopening() {
    Path file = dir.resolve("cache/emb.sqlite");
    Counting model = new Counting();
    List<String> texts = List.of("words about the sea", "numbers and dates", "words about the sea");
    List<float[]> first;
    try (CachedEmbeddings c = new CachedEmbeddings(model, file)) {
      first = c.embed(texts);
      assertThat(model.texts.get()).isEqualTo(2);
      assertThat(c.misses()).isEqualTo(2);
    }
    try (CachedEmbeddings c = new CachedEmbeddings(model, file)) {
      List<float[]> again = c.embed(List.of("numbers and dates", "words about the sea", "something new"));
      assertThat(model.texts.get()).isEqualTo(3);
      assertThat(c.hits()).isEqualTo(2);
      assertThat(again.get(0)).containsExactly(first.get(1));
      assertThat(again.get(1)).containsExactly(first.get(0));
      assertThat(EmbeddingModel.cosine(again.get(2), first.get(0))).isLessThan(0.99);
    }
  }

  @Test
  void theCacheRefusesABlankTextByTheCallersIndexAndStoresNothing() {
    Counting model = new Counting();
    try (CachedEmbeddings c = new CachedEmbeddings(model, dir.resolve("emb.sqlite"))) {
      c.embed(List.of("already cached"));
      // The inner model would see only the new texts and name the wrong index.
      assertThatThrownBy(() -> c.embed(List.of("already cached", "fresh text", "\u0000")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text 2 of 3");
      assertThat(model.texts.get()).isEqualTo(1);
      assertThat(c.misses()).isEqualTo(1);
    }
  }

  @Test
  void aControlCharacterExplanationIsMissingNotEmbedded() throws Exception {
    Path e = Files.writeString(dir.resolve("e.csv"), "Layer,Neuron,Original,Summary\n0,1,words related to colors,\"\u0000\"\n");
    Path r = Files.writeString(dir.resolve("r.csv"), "layer,neuron,score,explanation\n0,1,0.5,names of colours\n");
    ExplanationSimilarity.Result res = new ExplanationSimilarity(miniLm).score(ExplanationTable.read(e, List.of()), NeuronIndex.read(r), n -> {});
    assertThat(res.join().missingExplanations()).containsEntry("Summary", 1);
    assertThat(res.table().column("Summary")[0]).isNaN();
  }

  @Test
  void puzzleScoringRewardsTheTruthAndPunishesAFalseExplanation() {
    List<Puzzle> puzzles = BuiltInPuzzles.load();
    Puzzle weekdays = PuzzleJson.find(puzzles, "weekdays", "built-in");
    Puzzle animals = PuzzleJson.find(puzzles, "animals", "built-in");
    PuzzleExplanations.Table t = new PuzzleExplanations.Table("test", List.of("Truth", "Decoy"), List.of(
        new PuzzleExplanations("weekdays", java.util.Optional.empty(), java.util.Map.of(
            "Truth", List.of(weekdays.explanation(), "days of the week"), "Decoy", List.of(weekdays.falseExplanations().get(1)))),
        new PuzzleExplanations("animals", java.util.Optional.empty(), java.util.Map.of(
            "Truth", List.of(animals.explanation()), "Decoy", List.of(animals.falseExplanations().getFirst())))));
    PuzzleScoring.Result r = new PuzzleScoring(miniLm).score(t, puzzles, n -> {});
    assertThat(r.similarity().rows()).hasSize(2);
    double[] truth = r.similarity().column("Truth"), decoy = r.similarity().column("Decoy");
    assertThat(truth[1]).isCloseTo(1.0, within(1e-5));
    assertThat(truth[0]).isGreaterThan(decoy[0]);
    assertThat(r.discrimination().column("Truth")).containsExactly(1.0, 1.0);
    assertThat(r.discrimination().column("Decoy")[0]).isLessThan(1.0);
    assertThat(r.runs()).hasSize(5);
    assertThat(r.runs()).filteredOn(x -> x.format().equals("Decoy") && x.puzzle().equals("animals"))
        .singleElement().satisfies(x -> assertThat(x.beaten()).isLessThan(x.falseExplanations()));
  }

  @Test
  void thePapersPuzzleResultsScoreAgainstOpenAisPuzzles() {
    Path results = TestData.require("reference/paper-results/puzzle_results.csv");
    List<Puzzle> openai = PuzzleJson.read(TestData.require("reference/openai-puzzles.json"));
    PuzzleScoring.Result r = new PuzzleScoring(miniLm).score(PuzzleExplanations.read(results, List.of()), openai, n -> {});
    assertThat(r.similarity().rows()).hasSize(19);
    assertThat(r.puzzlesWithoutFalseExplanations()).isEmpty();
    FormatComparison c = FormatComparison.of(r.similarity(), ComparisonSettings.DEFAULT);
    assertThat(c.summaries()).allSatisfy(s -> {
      assertThat(s.summary().n()).isEqualTo(19);
      assertThat(s.summary().mean()).isBetween(0.2, 0.9);
    });
    List<Double> disc = new ArrayList<>();
    for (double v : r.discrimination().column("Summary")) disc.add(v);
    assertThat(disc).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
  }
}
