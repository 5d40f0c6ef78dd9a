package dev.neuronscribe.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The fixtures and reference data the tests read, shipped in {@code src/test/resources/} (checkpoints
 * under {@code fixtures/<name>/}, the public reference files under {@code reference/}; where each comes
 * from is in the README beside them). They are part of the repository, so a test that cannot find one
 * fails: a fresh clone must run every test, and a skipped comparison proves nothing.
 */
public final class TestData {
  private TestData() {}

  /** A file or folder under {@code src/test/resources/}, e.g. {@code "fixtures/gpt2-tiny-a"}. */
  public static Path require(String relative) {
    URL url = TestData.class.getResource("/" + relative);
    if (url == null) {
      throw new AssertionError("test data missing: src/test/resources/" + relative
          + " is part of the repository (see src/test/resources/README.md); restore it with git");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError("test data at " + url + " is not a file on disk", e);
    }
  }
}
