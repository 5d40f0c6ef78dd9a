package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;

/**
 * A file of an activation store that cannot be read as one: truncated, not Arrow, an Arrow file that is not
 * a store table, or written by a newer NeuronScribe. The message names the file and what to do; the CLI
 * exits 2 on it, as for any input that no rerun of the same command can fix.
 */
public final class StoreFileException extends InvalidInputException {
  StoreFileException(String file, String problem) {
    super(file, problem);
  }

  StoreFileException(String file, String problem, Throwable cause) {
    super(file, problem, cause);
  }
}
