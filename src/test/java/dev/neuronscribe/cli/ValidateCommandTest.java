package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.activations.BuiltInPuzzles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  @Test
  void validatePrintsAndWritesTheValidityTableForPlantedNeuronsAndPuzzles(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("planted"), records = tmp.resolve("records"), corpus = tmp.resolve("c.txt"), puzzles = tmp.resolve("p.json");
    assertThat(MainTest.scribe("plant", "--out", model.toString()).exitCode()).isZero();
    Files.writeString(corpus, ("In March the red boat (and the blue one) sailed 12 miles.\n"
        + "We met on a quiet afternoon and talked about nothing much.\n"
        + "Her green scarf [the old one] cost 40 dollars in June.\n").repeat(12));
    MainTest.Result rec = MainTest.scribe("record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", records.toString(),
        "--excerpt-tokens", "16", "--min-excerpt-tokens", "4", "--neurons", "0:37,0:141,1:18,1:203");
    assertThat(rec.exitCode()).as(rec.err()).isZero();
    Files.writeString(puzzles, PuzzleJson.toJson(BuiltInPuzzles.load().subList(0, 3)));

    Path out = tmp.resolve("validity");
    MainTest.Result r = MainTest.scribe("validate", "--planted", model.toString(), "--records", records.toString(), "--no-builtin-puzzles",
        "--puzzles", puzzles.toString(), "--scorers", "detection,embedding", "--seeds", "2", "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("AUROC true vs false").contains("detection:baseline-minilm").contains("embedding:baseline-minilm")
        .contains("Recommended").contains("4 planted neurons and 3 puzzles");
    assertThat(Files.readString(out.resolve("validity.md"))).contains("| detection:baseline-minilm |").contains("Recommendation");
    assertThat(Files.readString(out.resolve("validity.html"))).contains("<table").contains("embedding:baseline-minilm");
    String csv = Files.readString(out.resolve("validity.csv"));
    assertThat(csv.lines()).hasSize(3);
    assertThat(csv.lines().skip(1)).allSatisfy(line -> assertThat(line).matches("\\w+:baseline-minilm,7,\\d+,[0-9.]+,.*"));
  }

  @Test
  void surprisalOfflineIsRefusedWithTheReasonAndExitCode1(@TempDir Path tmp) {
    MainTest.Result r = MainTest.scribe("validate", "--scorers", "surprisal", "--out", tmp.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no offline baseline").contains("log-probabilities");
    assertThat(tmp.resolve("validity.md")).doesNotExist();
  }

  @Test
  void plantedWithoutRecordsIsAUsageMistake(@TempDir Path tmp) {
    MainTest.Result r = MainTest.scribe("validate", "--planted", tmp.toString(), "--out", tmp.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("--planted DIR and --records DIR together");
  }
}
