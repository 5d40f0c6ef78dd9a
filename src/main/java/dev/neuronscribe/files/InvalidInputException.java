package dev.neuronscribe.files;

/**
 * An input a user gave us (a model directory, a corpus, a NeuronRecord, a CSV table, a run spec, a prompt
 * pack…) that cannot be used as it is. The message names the file, the field and what to do, so that a
 * user can fix the file or the command without reading our code; the CLI prints it as it stands.
 *
 * <p>The one error type for bad input in every stage, so that the CLI has one thing to catch and one
 * wording to follow: {@code SOURCE: field 'F' PROBLEM; WHAT TO DO}.
 *
 * <p>Not final only so that a stage can mark a kind of bad input the CLI treats apart (a damaged activation
 * store exits 2, like bad usage); every catcher of this type still catches those.
 */
public class InvalidInputException extends RuntimeException {
  private final String source;

  public InvalidInputException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  public InvalidInputException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** A field of a structured file that is wrong: {@code source: field 'field' problem; whatToDo}. */
  public static InvalidInputException field(String source, String field, String problem, String whatToDo) {
    return new InvalidInputException(source, "field '" + field + "' " + problem + (whatToDo.isEmpty() ? "" : "; " + whatToDo));
  }

  /** The file (or other input) at fault. */
  public String source() {
    return source;
  }
}
