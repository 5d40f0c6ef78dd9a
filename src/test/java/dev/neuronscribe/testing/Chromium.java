package dev.neuronscribe.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, for tests that check how an HTML page really renders. Tests that use it
 * are skipped, with the reason, where it is not installed ({@code apt-get install chromium}).
 */
public final class Chromium {
  private Chromium() {}

  public static Path require() {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) return p;
      }
    }
    assumeTrue(false, "skipped: no chromium on PATH (apt-get install chromium)");
    throw new IllegalStateException();
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
