package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyCommandTest {
  @TempDir Path tmp;

  @Test
  void createsAStudyFromThePapersCsvAndExportsItsTable() throws Exception {
    Path csv = TestData.require("reference/paper-results/test_neurons_results.csv");
    NeuronRecordDirectory dir = new NeuronRecordDirectory(tmp);
    for (NeuronId id : List.of(new NeuronId(0, 286), new NeuronId(10, 1838), new NeuronId(20, 193), new NeuronId(30, 1685), new NeuronId(40, 431))) {
      dir.write(NeuronRecord.of(id, List.of(new ActivationRecord(List.of(" a", " b"), new double[] {0.5, 1.0})), List.of()));
    }
    Path links = tmp.resolve("links.csv");
    int code = Main.run("study", "create", "--data", tmp.toString(), "--explanations", csv.toString(), "--name", "Test neurons",
        "--formats", "Original,Summary,Highlight,HighlightSummary,AVHS", "--raters", "3", "--links", links.toString());
    assertThat(code).isZero();
    assertThat(Files.readAllLines(links)).hasSize(4).element(1).asString().matches("rater 1,http://127\\.0\\.0\\.1:7070/r/[A-Za-z0-9_-]{22}");

    Path table = tmp.resolve("table5.csv");
    assertThat(Main.run("study", "export", "--data", tmp.toString(), "--out", table.toString())).isZero();
    // No answers yet: every format has its row, with zero ratings.
    assertThat(Files.readAllLines(table)).containsExactly(
        "explainer_model,format,n_ratings,mean_rating,sem,n_answers,n_chosen_best,percent_chosen_best",
        "gpt-3.5-turbo,Original,0,,,0,0,", "gpt-3.5-turbo,Summary,0,,,0,0,", "gpt-3.5-turbo,Highlight,0,,,0,0,",
        "gpt-3.5-turbo,HighlightSummary,0,,,0,0,", "gpt-3.5-turbo,AVHS,0,,,0,0,");
    assertThat(Main.run("study", "export", "--data", tmp.toString(), "--study", "1", "--answers", "--out", tmp.resolve("a.csv").toString())).isZero();
    assertThat(Files.readString(tmp.resolve("a.csv"))).startsWith("study_id,");
    assertThat(Main.run("study", "list", "--data", tmp.toString())).isZero();
    assertThat(Main.run("study", "export", "--data", tmp.toString(), "--study", "9")).isEqualTo(1);
  }

  @Test
  void badInputFailsWithoutLeavingAStudy() throws Exception {
    Path csv = TestData.require("reference/paper-results/test_neurons_results.csv");
    // No NeuronRecords: refused before the database is touched.
    assertThat(Main.run("study", "create", "--data", tmp.toString(), "--explanations", csv.toString(), "--name", "x", "--raters", "1")).isEqualTo(1);
    assertThat(Files.exists(tmp.resolve("study.sqlite"))).isFalse();
    // Neither --raters nor --rater: bad usage.
    assertThat(Main.run("study", "create", "--data", tmp.toString(), "--explanations", csv.toString(), "--name", "x")).isEqualTo(2);
    assertThat(Main.run("study", "export", "--data", tmp.toString())).isEqualTo(1);
    assertThat(Main.run("serve", "--data", tmp.resolve("missing").toString())).isEqualTo(1);
  }

  @Test
  void createsAStudyFromTheOutputOfScribePipeline() throws Exception {
    Path records = tmp.resolve("records");
    SyntheticRecords.write(records, 3);
    Path out = tmp.resolve("run");
    assertThat(Main.run("pipeline", "--records", records.toString(), "--out", out.toString())).isZero();

    CliRun r = CliRun.of("study", "create", "--data", records.toString(), "--explanations", out.toString(), "--name", "Offline formats",
        "--formats", "summary,hs,avhs", "--raters", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("3 neurons, 3 formats, explainer baseline-prompt-reader");
    CliRun table = CliRun.of("study", "export", "--data", records.toString());
    assertThat(table.out().lines().skip(1).toList()).containsExactly(
        "baseline-prompt-reader,summary,0,,,0,0,", "baseline-prompt-reader,highlight-summary,0,,,0,0,", "baseline-prompt-reader,avhs,0,,,0,0,");

    // One format's file is not a study: the message names the directory to pass.
    CliRun one = CliRun.of("study", "create", "--data", records.toString(), "--explanations", out.resolve("summary/explanations.jsonl").toString(),
        "--name", "x", "--raters", "1");
    assertThat(one.exitCode()).isEqualTo(1);
    assertThat(one.err()).contains("--explanations " + out.toAbsolutePath());
  }
}
