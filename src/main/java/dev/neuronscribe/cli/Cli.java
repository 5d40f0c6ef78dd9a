package dev.neuronscribe.cli;

import picocli.CommandLine;

/** Shared picocli set-up: exit codes and how failures reach the user. */
final class Cli {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  /** What every command says when stopped by Ctrl-C or a signal (and the recorder when stopped early). */
  static final String INTERRUPTED = "scribe: interrupted. What was finished is saved; run the same command again to go on from there.";

  /**
   * A command that serves until stopped. Ctrl-C is how it ends, not an interruption of work: it says so in its own
   * words instead of {@link #INTERRUPTED}, which tells a batch job's user to run the command again.
   */
  interface Server {
    /** The line printed when Ctrl-C or a signal stops the server. */
    String stoppedLine();
  }

  private Cli() {}

  /**
   * What to print when the command line {@code args} is stopped by Ctrl-C: a server's own line, else
   * {@link #INTERRUPTED}. A command line that does not parse has nothing to stop and gets the general line.
   */
  static String interruptedLine(Object root, String... args) {
    try {
      CommandLine.ParseResult r = commandLine(root).parseArgs(args);
      while (r.hasSubcommand()) r = r.subcommand();
      return r.commandSpec().userObject() instanceof Server s ? s.stoppedLine() : INTERRUPTED;
    } catch (CommandLine.ParameterException e) {
      return INTERRUPTED;
    }
  }

  static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.setExitCodeExceptionMapper(e -> FAILURE);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UsageException) {
            commandLine.getErr().println("error: " + e.getMessage());
            commandLine.getErr().println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
          }
          if (e instanceof dev.neuronscribe.activations.StoreFileException) {
            // A damaged or newer store: no rerun of the command fixes it, as no rerun fixes a bad option.
            commandLine.getErr().println("error: " + e.getMessage());
            if (System.getenv("SCRIBE_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return USAGE;
          }
          // A user sees what went wrong and what to do, not a stack trace; set SCRIBE_DEBUG=1 for one.
          commandLine.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          if (System.getenv("SCRIBE_DEBUG") != null) e.printStackTrace(commandLine.getErr());
          return FAILURE;
        });
    cl.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine c = e.getCommandLine();
          c.getErr().println("error: " + e.getMessage());
          c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
          return USAGE;
        });
    return cl;
  }
}
