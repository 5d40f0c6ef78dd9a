package dev.neuronscribe.cli;

/**
 * A command line that cannot run as given (a bad option value, options that exclude each other): exit
 * code 2 and a pointer to {@code --help}, like picocli's own parse errors, wherever in a command it is
 * found. An {@link IllegalArgumentException}, so code that validates arguments keeps its usual type.
 */
final class UsageException extends IllegalArgumentException {
  UsageException(String message) {
    super(message);
  }

  /** The option's name and the stage's own reason, e.g. {@code --formats: unknown format 'x'; choose ...}. */
  static UsageException of(String option, IllegalArgumentException e) {
    return new UsageException(option + ": " + e.getMessage());
  }
}
