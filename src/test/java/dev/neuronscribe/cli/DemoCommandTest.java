package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.testing.Chromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * {@code scribe demo} end to end, through the real command: plant, record the shipped corpus, run the
 * built-in experiment offline, write the report; then the report in headless Chromium. The demo runs
 * once for the class (about half a minute on two cores).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoCommandTest {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir static Path dir;
  static CliRun first;

  @BeforeAll
  static void runTheDemo() {
    first = CliRun.of("demo", "--out", dir.resolve("demo").toString());
  }

  @Test
  @Order(1)
  void theDemoRunsOfflineAndSaysWhereTheReportIs() throws Exception {
    assertThat(first.exitCode()).as(first.err()).isZero();
    Path out = dir.resolve("demo");
    Path html = out.resolve("demo/report.html");
    assertThat(first.out()).contains("385 units: 385 done now, 0 already done, 0 failed")
        .endsWith("Open the report: " + html.toAbsolutePath().toUri() + System.lineSeparator());
    assertThat(first.err()).contains("planted model:").contains("records: 8 neurons").contains("run file:");
    for (String f : List.of("model/planted.json", "model/model.safetensors", "records/0/37.json", "records/1/141.json", "demo.yaml", "demo/report.md")) {
      assertThat(out.resolve(f)).isRegularFile();
    }

    // The explainer found what was planted: each planted neuron's explanation names tokens of its concept.
    List<String> rows = Files.readAllLines(out.resolve("demo/results/planted/baseline-prompt-reader/explanations.csv"));
    assertThat(rows.getFirst()).isEqualTo("Layer,Neuron,Original,Summary,Highlight,HighlightSummary,AVHS");
    // ... and names it as a reader would: the word class, then the members it saw.
    assertThat(row(rows, "0,37")).containsPattern("colour words: (red|orange|yellow|green|blue|purple|pink|brown|black|white|grey|gray)");
    assertThat(row(rows, "0,141")).containsPattern("numbers written with digits: \\d+");
    assertThat(row(rows, "1,18")).containsPattern("closing brackets: [)\\]}]");
    assertThat(row(rows, "1,203")).containsPattern("month names: (January|February|March|April|May|June|July|August|September|October|November|December)");
    // The unplanted controls fire on no class: their tokens are listed, not dressed up as a concept.
    List<String> controlRows = Files.readAllLines(out.resolve("demo/results/controls/baseline-prompt-reader/explanations.csv"));
    assertThat(row(controlRows, "0,18")).doesNotContain(":");

    // Simulate and score separates planted neurons from the unplanted controls.
    String md = Files.readString(out.resolve("demo/report.md"));
    double planted = mean(md, "planted"), controls = mean(md, "controls");
    assertThat(planted).isGreaterThan(controls + 0.1);
    // The report leads with its findings, and says why the controls score above zero.
    int findings = md.indexOf("**Findings.** ");
    assertThat(findings).isPositive().isLessThan(md.indexOf("| --- |"));
    assertThat(md.substring(findings, md.indexOf("\n", findings))).contains("*controls* have no known meaning yet still score")
        .contains("the current token alone largely decides their activation");

    // The same for the planted dictionary's latents, and the report calls them latents.
    assertThat(first.err()).contains("planted dictionary:").contains("records: 32 latents");
    assertThat(out.resolve("latents/recording.json")).content().contains("\"unit\" : \"latent\"").contains("blocks.1.hook_resid_pre");
    List<String> latentRows = Files.readAllLines(out.resolve("demo/results/planted-latents/baseline-prompt-reader/explanations.csv"));
    assertThat(row(latentRows, "1,12")).containsPattern("colour words: (red|orange|yellow|green|blue|purple|pink|brown|black|white|grey|gray)");
    assertThat(row(latentRows, "1,20")).containsPattern("closing brackets: [)\\]}]");
    assertThat(mean(md, "planted-latents")).isGreaterThan(mean(md, "latent-controls") + 0.1);
    assertThat(md).contains("**planted-latents**: 3 latents from `latents`").contains("| Latent | Ground truth (planted)");
  }

  @Test
  @Order(2)
  void aSecondRunOnlyReRendersTheReport() {
    CliRun again = CliRun.of("demo", "--out", dir.resolve("demo").toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("0 done now, 385 already done");
    assertThat(again.err()).contains("(already there)");
  }

  @Test
  @Order(3)
  void theReportRendersInHeadlessChromium() throws Exception {
    Path html = dir.resolve("demo/demo/report.html");
    ChromeDriver browser = chromium(dir.resolve("profile"));
    try {
      browser.get(html.toUri().toString());
      List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
      assertThat(problems).as("console messages").isEmpty();

      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Experiment demo");
      // Every table states its n, its uncertainty and its method.
      List<WebElement> tables = browser.findElements(By.cssSelector("figure.table"));
      assertThat(tables).hasSizeGreaterThan(15);
      for (WebElement t : tables) {
        assertThat(t.findElement(By.tagName("figcaption")).getText()).contains("n:").contains("Uncertainty:").contains("Method:");
      }
      String summary = browser.findElement(By.cssSelector("#s1 table")).getText();
      assertThat(summary).contains("planted").contains("controls").contains("puzzles").containsPattern("\\d\\.\\d{3} ± \\d\\.\\d{3}");
      // At a 1,400-pixel window no table is wider than the page's column.
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
      @SuppressWarnings("unchecked")
      List<String> overflowing = (List<String>) ((JavascriptExecutor) browser).executeScript(
          "return [...document.querySelectorAll('figure.table')].filter(f => f.scrollWidth > f.clientWidth + 1)"
              + ".map(f => f.querySelector('caption').textContent + ' ' + f.scrollWidth + ' > ' + f.clientWidth);");
      assertThat(overflowing).as("tables wider than the page at 1,400 px").isEmpty();
      // Charts render: every SVG has a real size on the page.
      List<WebElement> svgs = browser.findElements(By.cssSelector("figure.chart svg"));
      assertThat(svgs).hasSizeGreaterThan(10);
      for (WebElement svg : svgs) {
        assertThat(svg.getRect().getWidth()).isGreaterThan(200);
        assertThat(svg.getRect().getHeight()).isGreaterThan(100);
      }
      // The planted neurons are shown with their ground truth.
      String page = browser.findElement(By.tagName("main")).getText();
      assertThat(page).contains("0:37").contains("colour words such as red, blue, green and white").contains("1:203")
          .contains("names of the months of the year").contains("Mean score per format in every evaluation");
      screenshot(browser, "demo-report.png");
    } finally {
      browser.quit();
    }
  }

  static ChromeDriver chromium(Path profile) {
    return Chromium.driver(profile, 1200, 1000);
  }

  /** The whole page, not just the window. */
  static void screenshot(ChromeDriver browser, String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    @SuppressWarnings("unchecked")
    List<Number> size = (List<Number>) ((JavascriptExecutor) browser).executeScript(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];");
    Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get(0).intValue(), "height", Math.min(size.get(1).intValue(), 7000), "scale", 1);
    Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    Files.write(SCREENSHOTS.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
  }

  static String row(List<String> rows, String prefix) {
    return rows.stream().filter(r -> r.startsWith(prefix + ",")).findFirst().orElseThrow(() -> new AssertionError("no row " + prefix + " in " + rows));
  }

  /** The Summary table's simulate-and-score mean (first format) of a set. */
  static double mean(String md, String set) {
    var m = java.util.regex.Pattern.compile("\\| " + set + " \\| simulate and score \\| \\d+ \\| (-?\\d\\.\\d{3}) ± ").matcher(md);
    assertThat(m.find()).as("summary row for " + set).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
