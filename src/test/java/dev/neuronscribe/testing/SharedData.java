package dev.neuronscribe.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The team's shared reference data ({@code ../shared}), present for developers and CI but absent on a
 * user's fresh clone. Tests that need it call {@link #require} and are skipped, with the reason, when it
 * is missing. {@code NEURONSCRIBE_SHARED} points elsewhere if needed.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    String env = System.getenv("NEURONSCRIBE_SHARED");
    return env != null ? Path.of(env) : Path.of("..", "shared").toAbsolutePath().normalize();
  }

  /** The path under {@code ../shared}; skips the calling test when it is not there. */
  public static Path require(String relative) {
    Path p = root().resolve(relative);
    assumeTrue(Files.exists(p), "skipped: shared reference data not found at " + p + " (present in CI and for developers, absent on a fresh clone)");
    return p;
  }
}
