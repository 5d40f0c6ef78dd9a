package dev.neuronscribe.activations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * NeuronScribe's own neuron puzzles, written for this project (sentences, hand-set activations, a
 * true explanation and plausible false ones), in the format of OpenAI's puzzles file so that either
 * set loads the same way.
 */
public final class BuiltInPuzzles {
  public static final String RESOURCE = "/dev/neuronscribe/activations/puzzles.json";

  private BuiltInPuzzles() {}

  public static List<Puzzle> load() {
    try (InputStream in = BuiltInPuzzles.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("the built-in puzzles are missing from the build (" + RESOURCE + ")");
      return PuzzleJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in puzzles");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
