package dev.neuronscribe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.evaluate.ComparisonSettings;
import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.RankSummary;
import dev.neuronscribe.evaluate.ScoreTable;
import dev.neuronscribe.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path dir;

  static FormatComparison comparison(String metric, double shift, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ScoreTable.Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      double base = r.nextDouble();
      rows.add(new ScoreTable.Row("0:" + i, OptionalInt.of(i % 6),
          new double[] {base, base + shift + 0.1 * r.nextDouble(), i == 3 ? Double.NaN : base + 0.05 * r.nextDouble()}));
    }
    return FormatComparison.of(new ScoreTable(metric, "neuron", List.of("Original", "Summary", "AVHS"), rows), ComparisonSettings.DEFAULT);
  }

  static Report sample() {
    FormatComparison a = comparison("cosine similarity to the reference explanation (test)", 0.1, 1);
    FormatComparison b = comparison("correlation score", -0.02, 2);
    Map<String, FormatComparison> evals = new LinkedHashMap<>();
    evals.put("similarity", a);
    evals.put("simulate and score", b);
    List<StepCost> ledger = List.of(
        new StepCost("explain", "gpt-3.5-turbo", "0:1", 2400, 40, OptionalDouble.of(0.0037), Duration.ofMillis(1800)),
        new StepCost("explain", "gpt-3.5-turbo", "0:2", 2300, 44, OptionalDouble.of(0.0036), Duration.ofMillis(2100)),
        new StepCost("simulate and score", "local-llama", "0:1", 9000, 0, OptionalDouble.empty(), Duration.ofSeconds(4)));
    return new Report("Test report <with> & specials", List.of("An *introduction* with `code`."), List.of(
        EvaluationSections.formatComparison("Similarity", a, List.of("60 of 60 rows joined.")),
        new Report.Section("Ranks", List.of(EvaluationSections.rankSummary(RankSummary.of(evals)))),
        new Report.Section("Costs", List.of(EvaluationSections.costs(ledger, "neuron")))));
  }

  @Test
  void writesMarkdownWithChartFilesAndOneSelfContainedHtmlPage() throws Exception {
    ReportWriter.Written w = ReportWriter.write(sample(), dir, "report");
    String md = Files.readString(w.markdown());
    String html = Files.readString(w.html());
    assertThat(w.charts()).hasSize(3).allSatisfy(p -> assertThat(Files.readString(p)).startsWith("<svg").endsWith("</svg>"));
    assertThat(md).contains("| Original | 60 |").contains("![Mean cosine similarity").contains("report_files/chart-1.svg");
    int tables = count(md, "\\n\\| --- \\|");
    assertThat(tables).isEqualTo(4);
    assertThat(count(md, "\\*n:\\* ")).as("every table states n").isEqualTo(tables);
    assertThat(count(md, "\\*Uncertainty:\\* ")).isEqualTo(tables);
    assertThat(count(md, "\\*Method:\\* ")).isEqualTo(tables);

    assertThat(count(html, "<table>")).isEqualTo(4);
    assertThat(count(html, "<svg ")).isEqualTo(3);
    assertThat(html).contains("Test report &lt;with&gt; &amp; specials").contains("<i>introduction</i>").contains("<code>code</code>");
    // Self-contained: nothing is loaded from anywhere (the SVG namespace is an identifier, not a request).
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http:").doesNotContain("https:")
        .doesNotContainPattern("(?i)<(script|link|img|iframe)\\b").doesNotContain("url(").doesNotContain("@import");
    assertThat(html).contains("Average rank").contains("$3.65 ± 0.05").contains("Prompt tokens");
  }

  @Test
  void refusesATableThatDoesNotStateItsUncertainty() {
    assertThatThrownBy(() -> new Report.Table("t", List.of("a"), List.of(List.of("1")), "3 neurons", "", "mean"))
        .hasMessageContaining("n, its uncertainty and its method");
  }

  @Test
  void rendersInHeadlessChromium() throws Exception {
    Chromium.require();
    ReportWriter.Written w = ReportWriter.write(sample(), dir, "report");
    String dom = Chromium.dumpDom(w.html());
    assertThat(count(dom, "<table>")).isEqualTo(4);
    assertThat(count(dom, "<svg ")).isEqualTo(3);
    assertThat(dom).contains("Table R4.").contains("Figure R3.").contains("Mean cosine similarity by layer");
    Path png = Chromium.screenshot(w.html(), dir.resolve("shot.png"), 1200, 1600);
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(20_000);
    assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  static int count(String s, String regex) {
    Matcher m = Pattern.compile(regex).matcher(s);
    int n = 0;
    while (m.find()) n++;
    return n;
  }
}
