package dev.neuronscribe.subject;

/**
 * A model directory, checkpoint or corpus that cannot be used as it is. The message names the file, what is
 * wrong with it and, where there is one, what to do; the CLI prints it as it stands.
 */
public final class InvalidInputException extends RuntimeException {
  private final String source;

  public InvalidInputException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  public InvalidInputException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** The file (or other input) at fault. */
  public String source() {
    return source;
  }
}
