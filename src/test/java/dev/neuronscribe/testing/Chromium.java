package dev.neuronscribe.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium (and its chromedriver), for tests that check how an HTML page really renders
 * and behaves. It is a system package, not something the repository can ship: where it is missing the
 * browser tests are skipped with the reason, unless {@code -Dscribe.browser=required} (which {@code .ci/run}
 * sets after installing it) turns a missing browser into a failure.
 */
public final class Chromium {
  private Chromium() {}

  /** Selenium warns on every start that it has no DevTools bindings for this Chromium; we use none. Held so it is not collected. */
  private static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");

  static {
    SELENIUM_LOG.setLevel(Level.SEVERE);
  }

  /** The browser; skips (or fails, see above) the calling test when it is not installed. */
  public static Path require() {
    return find("chromium", "chromium-browser").orElseGet(() -> missing("chromium"));
  }

  /** The system chromedriver; skips (or fails) the calling test when it is not installed. */
  public static Path requireDriver() {
    require();
    return find("chromedriver").orElseGet(() -> missing("chromium-driver"));
  }

  /**
   * A headless Chromium under WebDriver, with both executables given explicitly so that Selenium Manager
   * never looks for (or downloads) a driver or a browser. Browser console messages are kept for the test.
   */
  public static ChromeDriver driver(Path profile, int width, int height) {
    Path driver = requireDriver();
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(require().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=" + width + "," + height, "--lang=en");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return browser;
  }

  private static Optional<Path> find(String... names) {
    for (String name : names) {
      for (String dir : (System.getenv().getOrDefault("PATH", "/usr/bin") + ":/usr/bin").split(":")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static Path missing(String debianPackage) {
    String why = "browser tests need Debian's chromium and chromium-driver, and " + debianPackage
        + " is not installed (apt-get install chromium chromium-driver; .ci/run installs them)";
    if ("required".equals(System.getProperty("scribe.browser"))) throw new AssertionError(why);
    assumeTrue(false, "skipped: " + why);
    throw new IllegalStateException("unreachable");
  }

  /** The DOM after the page loaded and ran, as Chromium serialises it. */
  public static String dumpDom(Path html) throws IOException, InterruptedException {
    return run(html, "--dump-dom");
  }

  /** Renders the page to a PNG of the given window size. */
  public static Path screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
    run(html, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars");
    return png;
  }

  private static String run(Path html, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(require().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--user-data-dir=" + Files.createTempDirectory("chromium-profile")));
    cmd.addAll(List.of(args));
    cmd.add(html.toAbsolutePath().toUri().toString());
    Path out = Files.createTempFile("chromium", ".out");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish within 90 s: " + cmd);
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    if (p.exitValue() != 0) throw new IllegalStateException("chromium exited with " + p.exitValue() + ": " + cmd);
    return text;
  }
}
