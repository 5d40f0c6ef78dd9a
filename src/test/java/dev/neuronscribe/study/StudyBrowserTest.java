package dev.neuronscribe.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.testing.Chromium;
import dev.neuronscribe.testing.TestData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The app in a real browser: Debian's headless Chromium driven through the system chromedriver (never a
 * downloaded one). Skipped, with the reason, where they are not installed; {@code .ci/run} installs them.
 * Screenshots for people to look at go to {@code target/screenshots/}.
 */
class StudyBrowserTest {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path tmp;
  StudyFixtures.Setup setup;
  StudyServer server;
  WebDriver browser;

  @BeforeEach
  void start() throws Exception {
    Chromium.requireDriver();
    setup = StudyFixtures.study(tmp.resolve("data"), 4, 2);
    server = StudyServer.start(new StudyServer.Config("127.0.0.1", 0, setup.data(), List.of(), setup.db(), StudyServerTest.ORGANISER));
    browser = chromium(tmp.resolve("profile"));
  }

  @AfterEach
  void stop() {
    if (browser != null) browser.quit();
    if (server != null) server.close();
  }

  /**
   * The page moved on: the element is stale. Chromium sometimes says so as "Node with given id does not
   * belong to the document" rather than a stale-element error, which {@code stalenessOf} would rethrow.
   */
  static org.openqa.selenium.support.ui.ExpectedCondition<Boolean> gone(WebElement e) {
    return driver -> {
      try {
        e.isEnabled();
        return false;
      } catch (org.openqa.selenium.WebDriverException detached) {
        return true;
      }
    };
  }

  static ChromeDriver chromium(Path profile) {
    return Chromium.driver(profile, 1280, 1000);
  }

  /** The whole page, not just the window (Chromium's DevTools capture beyond the viewport). */
  void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    @SuppressWarnings("unchecked")
    List<Number> size = (List<Number>) ((JavascriptExecutor) browser).executeScript(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];");
    Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get(0).intValue(), "height", Math.min(size.get(1).intValue(), 6000), "scale", 1);
    Map<String, Object> shot = ((ChromeDriver) browser).executeCdpCommand("Page.captureScreenshot",
        Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    Files.write(SCREENSHOTS.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
  }

  @Test
  void raterCompletesTheStudyAndTheOrganiserReadsTable5() throws Exception {
    String base = server.baseUrl();
    browser.get(base + "/r/" + setup.raters().get(0).token());
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Pilot <b>study</b>");
    browser.findElement(By.linkText("Start")).click();

    boolean screenshotTaken = false;
    for (int k = 1; k <= 4; k++) {
      assertThat(browser.findElement(By.className("crumbs")).getText()).endsWith("Item " + k + " of 4");
      List<WebElement> fieldsets = browser.findElements(By.cssSelector("fieldset.explanation"));
      assertThat(fieldsets).hasSize(5);
      for (WebElement fs : fieldsets) {
        String text = fs.findElement(By.className("explanation-text")).getText();
        String format = StudyFixtures.formatOf(text);
        int rating = StudyFixtures.FORMATS.indexOf(format) + 1;
        fs.findElement(By.xpath(".//input[@value='" + rating + "']/following-sibling::span")).click();
        if (format.equals("Highlight")) fs.findElement(By.cssSelector("label.best input")).click();
      }
      if (!screenshotTaken) {
        screenshot("study-item.png");
        screenshotTaken = true;
      }
      WebElement submit = browser.findElement(By.cssSelector("button[type=submit]"));
      submit.click();
      new WebDriverWait(browser, Duration.ofSeconds(10)).until(gone(submit));
    }
    assertThat(browser.findElement(By.className("done-note")).getText()).contains("All 4 items are answered");

    // The rater came back later: same link, everything saved, nothing left to do.
    browser.get(base + "/r/" + setup.raters().get(0).token());
    assertThat(browser.findElements(By.cssSelector("li.done"))).hasSize(4);

    // The organiser signs in and reads Table 5.
    browser.get(base + "/login");
    browser.findElement(By.name("token")).sendKeys(StudyServerTest.ORGANISER);
    WebElement signIn = browser.findElement(By.cssSelector("button[type=submit]"));
    signIn.click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(gone(signIn));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Studies");
    browser.findElement(By.linkText("Pilot <b>study</b>")).click();
    List<WebElement> rows = browser.findElements(By.cssSelector("table.table5 tbody tr"));
    assertThat(rows).hasSize(5);
    for (WebElement row : rows) {
      List<WebElement> cells = row.findElements(By.tagName("td"));
      String format = cells.get(0).getText();
      int expected = StudyFixtures.FORMATS.indexOf(format) + 1;
      assertThat(cells.get(1).getText()).isEqualTo(expected + ".00 ± 0.00");
      assertThat(cells.get(2).getText()).isEqualTo(format.equals("Highlight") ? "100.0%" : "0.0%");
      assertThat(cells.get(4).getText()).isEqualTo("4");
    }
    screenshot("study-results.png");
    browser.get(base + "/results");
    assertThat(browser.findElement(By.tagName("h3")).getText()).isEqualTo("Explainer: gpt-3.5-turbo");
  }

  @Test
  void hostileTokensAndExplanationsShowAsText() throws Exception {
    browser.get(server.baseUrl() + "/login?token=" + StudyServerTest.ORGANISER);
    NeuronId first = setup.neurons().getFirst();
    browser.get(server.baseUrl() + "/neurons/" + first.layer() + "/" + first.neuron());
    // The token is shown as the characters it is; no <img> was made from it, no script ran.
    List<WebElement> hostile = browser.findElements(By.xpath("//span[contains(@class,'tok') and text()='" + StudyFixtures.XSS_TOKEN + "']"));
    assertThat(hostile).isNotEmpty();
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertThat(hostile.getFirst().getAttribute("title")).isEqualTo("3.000");

    // The rater sees the hostile explanation as text as well.
    browser.get(server.baseUrl() + "/r/" + setup.raters().get(0).token());
    for (WebElement link : browser.findElements(By.cssSelector("ol.items a"))) {
      String href = link.getAttribute("href");
      WebDriver page = browser;
      page.navigate().to(href);
      List<WebElement> texts = page.findElements(By.className("explanation-text"));
      if (texts.stream().anyMatch(t -> t.getText().equals(StudyFixtures.XSS_EXPLANATION))) {
        assertThat(page.findElements(By.cssSelector("main script, main img"))).isEmpty();
        return;
      }
      page.navigate().back();
    }
    throw new AssertionError("no item showed the hostile explanation");
  }

  @Test
  void crossSiteFormPostIsRefused() throws Exception {
    String raterLink = server.baseUrl() + "/r/" + setup.raters().get(0).token();
    browser.get(raterLink);
    browser.findElement(By.linkText("Start")).click();
    String itemUrl = browser.getCurrentUrl();

    // Another site (localhost is a different site from 127.0.0.1) that knows the rater's link tries to
    // answer for them with a self-submitting form.
    HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String page = """
        <!doctype html><html><body>
        <form id="f" method="post" action="%s">
        <input name="rating_A" value="1"><input name="rating_B" value="1"><input name="rating_C" value="1">
        <input name="rating_D" value="1"><input name="rating_E" value="1"><input name="best" value="A">
        </form><script>document.getElementById('f').submit();</script></body></html>""".formatted(itemUrl);
    evil.createContext("/", exchange -> {
      byte[] body = page.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    evil.start();
    try {
      browser.get("http://localhost:" + evil.getAddress().getPort() + "/");
      new WebDriverWait(browser, Duration.ofSeconds(10))
          .until(d -> d.getCurrentUrl().startsWith(server.baseUrl()));
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Refused");
    } finally {
      evil.stop(0);
    }
    try (StudyStore store = StudyStore.open(setup.db())) {
      assertThat(store.studies().getFirst().answers()).isZero();
      assertThat(new StudyResults(store).table5(OptionalLong.empty()).rows()).allSatisfy(r -> assertThat(r.ratings()).isZero());
    }
  }

  @Test
  void viewerScreenshotOfARealNeuron() throws Exception {
    // OpenAI's GPT-2 XL record for layer 1, neuron 1, with explanations we wrote for it in the paper's CSV layout.
    Path record = TestData.require("reference/gpt2xl-neuron-1-1.json");
    Path data = tmp.resolve("viewer");
    NeuronRecordDirectory dir = new NeuronRecordDirectory(data);
    dir.write(NeuronRecordJson.read(record));
    dir.write(StudyFixtures.record(new NeuronId(1, 0), 7));
    dir.write(StudyFixtures.record(new NeuronId(2, 5), 8));
    Files.createDirectories(data.resolve("results"));
    Files.writeString(data.resolve("results").resolve("explanations.csv"), """
        Layer,Neuron,Original,Summary,Highlight,HighlightSummary,AVHS
        1,1,"the word ""transfer"", mostly in football news about players moving clubs",transfers of football players,"""
        + "\"the token \"\"transfer\"\" in sports contexts\",\"\"\"transfer\"\" and similar words about moving between teams\",the word transfer\n");
    Files.writeString(data.resolve("results").resolve("scores.csv"), """
        ,layer,neuron,Original,Summary,Highlight,HighlightSummary,AVHS
        0,1,1,0.41,0.38,0.52,0.47,0.45
        """);
    server.close();
    server = StudyServer.start(new StudyServer.Config("127.0.0.1", 0, data, List.of(data.resolve("results")), tmp.resolve("v.sqlite"), StudyServerTest.ORGANISER));

    browser.get(server.baseUrl() + "/login?token=" + StudyServerTest.ORGANISER);
    browser.get(server.baseUrl() + "/neurons");
    assertThat(browser.findElements(By.cssSelector(".neuron-grid a"))).hasSize(3);
    screenshot("viewer-index.png");
    browser.findElement(By.cssSelector("a[href='/neurons/1/1']")).click();
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Layer 1, neuron 1");
    assertThat(browser.findElements(By.cssSelector("table.data tbody tr"))).hasSize(5);
    assertThat(browser.findElement(By.cssSelector("table.data tbody tr td.scores")).getText()).contains("scores").contains("0.410");
    // The strongest token of the top excerpt is fully shaded; its value is in the tooltip.
    WebElement peak = browser.findElement(By.cssSelector("li.excerpt .s20"));
    assertThat(peak.getText().strip()).isEqualTo("transfers");
    assertThat(peak.getAttribute("title")).isEqualTo("3.262");
    assertThat(browser.findElement(By.cssSelector("a[rel=prev]")).getAttribute("href")).endsWith("/neurons/1/0");
    assertThat(browser.findElement(By.cssSelector("a[rel=next]")).getAttribute("href")).endsWith("/neurons/2/5");
    screenshot("viewer-neuron.png");
  }
}
