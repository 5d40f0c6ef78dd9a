package dev.neuronscribe.activations;

/**
 * A data file that cannot be used as it is. The message names the file, the field and what is wrong,
 * so that a user can fix the file (or the command) without reading our code.
 */
public final class InvalidDataException extends RuntimeException {
  private final String source;

  public InvalidDataException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  public InvalidDataException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** The file (or other input) at fault. */
  public String source() {
    return source;
  }
}
