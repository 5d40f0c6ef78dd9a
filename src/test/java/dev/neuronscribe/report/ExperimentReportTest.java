package dev.neuronscribe.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.experiment.Experiment;
import dev.neuronscribe.experiment.ExperimentResults;
import dev.neuronscribe.experiment.RunSpec;
import dev.neuronscribe.testing.SyntheticRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of an offline experiment, rendered from its store. */
class ExperimentReportTest {
  @TempDir Path dir;

  RunSpec run() throws Exception {
    NeuronRecordDirectory records = new NeuronRecordDirectory(dir.resolve("records"));
    for (int n = 0; n < 3; n++) records.write(SyntheticRecords.neuron(new NeuronId(n, 7), n, true));
    NeuronRecord alive = SyntheticRecords.neuron(new NeuronId(3, 7), 99, true);
    List<ActivationRecord> silent = new ArrayList<>();
    for (ActivationRecord r : alive.mostPositiveActivationRecords()) silent.add(new ActivationRecord(r.tokens(), new double[r.size()]));
    records.write(new NeuronRecord(new NeuronId(3, 7), silent, alive.randomSample(), java.util.Optional.empty(), alive.quantileBoundaries(),
        alive.mean(), alive.variance(), alive.skewness(), alive.kurtosis()));
    Files.writeString(dir.resolve("refs.csv"), "layer,neuron,explanation\n0,7,words about rivers and banks\n1,7,the word the\n");
    Files.writeString(dir.resolve("puzzles.json"), PuzzleJson.toJson(BuiltInPuzzles.load().subList(0, 2)));
    Path file = dir.resolve("run.yaml");
    Files.writeString(file, """
        name: report-test
        description: A run made for the report's test.
        neuron_sets:
          - {name: recorded, records: records, neurons: ["0:7", "1:7", "2:7", "3:7"], references: refs.csv}
          - {name: puzzles, puzzles: puzzles.json}
        formats: [summary, highlight]
        explainers: [baseline, baseline-explainer]
        puzzle_runs: 2
        bootstrap: 200
        """);
    RunSpec spec = RunSpec.read(file);
    new Experiment(spec).run(Experiment.Progress.NONE);
    return spec;
  }

  @Test
  void everyEvaluationTableSevenAndTheFailuresAreReportedWithNUncertaintyAndMethod() throws Exception {
    RunSpec spec = run();
    ReportWriter.Written w = ExperimentReport.write(ExperimentResults.read(spec));
    String md = Files.readString(w.markdown());
    assertThat(md).startsWith("# Experiment report-test\n\nA run made for the report's test.\n\n**Findings.** ");
    assertThat(md).contains("## Summary", "## recorded: explanations — baseline-prompt-reader", "## recorded: explanations — baseline-explainer",
        "## recorded: simulate and score — baseline-prompt-reader", "## recorded: similarity to the reference explanations — baseline-explainer",
        "## puzzles: similarity to the ground truth (paper Table 4) — baseline-prompt-reader",
        "## puzzles: closer to the ground truth than to the false explanations — baseline-explainer", "## puzzles: per puzzle — baseline-explainer",
        "## Ranks across evaluations (paper Table 6) — baseline-prompt-reader", "## Cost per 1,000 neurons (paper appendix Table 7)", "## Failures", "## How this report was made");
    // Summary: one row per set, explainer and evaluation, n in its own column.
    assertThat(md).containsPattern("\\| recorded \\| baseline-prompt-reader \\| simulate and score \\| [34] \\| -?\\d\\.\\d{3} ± \\d\\.\\d{3} \\|");
    assertThat(md).contains("| recorded | baseline-explainer | similarity to reference | 2 |");
    // Table 7 has a row per step, format and model, from the units' own costs.
    assertThat(md).contains("| explain (Summary) | baseline-prompt-reader | 4 |", "| explain (Summary) | baseline-explainer | 4 |",
        "| simulate and score (Highlight) | baseline-minilm-simulator |", "| similarity (Summary) | all-minilm-l6-v2 | 2 |");
    // Failures are listed with the reason, and not scored.
    assertThat(md).contains("does not activate above 0").contains("marks no token as activating").contains("not evaluated: the explanations failed");
    assertThat(md).contains("2 (neuron, format) pairs failed and have no score");
    // Honest about what an offline explainer cannot show: the format-blind one writes the same text in every format.
    assertThat(md).contains("Explainer baseline-explainer wrote the same explanations in every format")
        .contains("(baseline-explainer reads the activations, not the rendered prompt)")
        .contains("All 2 runs of every puzzle gave the same explanation: the offline explainer baseline-explainer is deterministic");
    assertThat(md).contains("Explanation (the same in all 2 formats)");
    // Every table: n, uncertainty, method.
    int tables = count(md, "\\*n:\\*");
    assertThat(tables).isGreaterThan(12).isEqualTo(count(md, "\\*Uncertainty:\\*")).isEqualTo(count(md, "\\*Method:\\*"));
    String html = Files.readString(w.html());
    assertThat(count(html, "<figure class=\"table\">")).isEqualTo(tables);
    assertThat(html).contains("<svg").doesNotContain("src=\"http", "href=\"http", "<link", "<script", "url(http");
    assertThat(w.charts()).isNotEmpty().allSatisfy(c -> assertThat(c).isRegularFile());
  }

  @Test
  void findingsLeadAndIdenticalFormatsAreOneRowNotPairsOfZeros() throws Exception {
    RunSpec spec = run();
    String md = Files.readString(ExperimentReport.write(ExperimentResults.read(spec)).markdown());
    // The findings come before the first table and say what the scores are and whether formats differ.
    int findings = md.indexOf("**Findings.** ");
    assertThat(findings).isPositive().isLessThan(md.indexOf("| --- |"));
    String f = md.substring(findings, md.indexOf("\n", findings));
    assertThat(f).containsPattern("correlate with the true activations at \\*recorded\\* -?\\d\\.\\d{3}")
        .containsPattern("reliable|no two formats");
    // The format-blind explainer wrote the same text in both formats: one row, no "+0.000" pair.
    assertThat(md).contains("| Summary = Highlight | ").doesNotContain("| Summary − Highlight | ")
        .contains("Summary and Highlight gave the same explanation of every neuron and so the same scores");
    assertThat(md).doesNotContainPattern("\\| \\+0\\.000 \\[\\+0\\.000, \\+0\\.000\\] \\| — \\|");
    // Our tables are R1, R2, …; a bare "Table N" is always the paper's, and says so.
    assertThat(md).contains("**Table R1. ");
    assertThat(Pattern.compile("(?<!paper |paper's |paper's appendix |paper appendix )Table \\d").matcher(md).results()
        .map(m -> md.substring(Math.max(0, m.start() - 40), m.end())).toList()).isEmpty();
  }

  @Test
  void theReportIsReRenderedFromTheStoreAlone() throws Exception {
    RunSpec spec = run();
    ReportWriter.Written first = ExperimentReport.write(ExperimentResults.read(spec));
    String before = Files.readString(first.markdown()).replaceAll("Written [^.]*\\.", "");
    Files.delete(first.markdown());
    ReportWriter.Written again = ExperimentReport.write(ExperimentResults.read(spec));
    assertThat(Files.readString(again.markdown()).replaceAll("Written [^.]*\\.", "")).isEqualTo(before);
  }

  static int count(String s, String regex) {
    return (int) Pattern.compile(regex).matcher(s).results().count();
  }
}
