package dev.neuronscribe.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code scribe} command: one subcommand per verb of the pipeline. */
@Command(
    name = "scribe",
    mixinStandardHelpOptions = true,
    version = "NeuronScribe 0.1.0",
    description = "Explains what the neurons of a language model do, in plain words, and measures how good the explanations are.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DemoCommand.class,
      PlantCommand.class,
      RecordCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      PromptCommand.class,
      PackCommand.class,
      TokensCommand.class,
      ExplainCommand.class,
      SimulateCommand.class,
      ScoreCommand.class,
      PipelineCommand.class,
      SimilarityCommand.class,
      SubsetCommand.class,
      FetchCommand.class,
      ServeCommand.class,
      LlmCommand.class,
      StudyCommand.class,
      BenchCommand.class,
      ExperimentCommand.class,
      JudgeCommand.class,
      ValidateCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    useLaunchersStderr();
    // Ctrl-C (or kill) runs the shutdown hooks, which save what the command had finished; every command then
    // says the same one thing. A command that ended by itself says nothing more.
    AtomicBoolean ended = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (!ended.get()) System.err.println(System.lineSeparator() + Cli.INTERRUPTED);
    }, "scribe-interrupted"));
    int code = run(args);
    ended.set(true);
    System.exit(code);
  }

  /**
   * {@code ./scribe} passes the JVM's stderr through a filter that drops the JVM's start-up warning about
   * the incubating Vector API, and hands over the real stderr as the file descriptor named in
   * {@code SCRIBE_STDERR_FD}: writing there directly keeps our messages (and progress bars) unbuffered and
   * in order with the command's exit. Where it cannot be opened, stderr stays as it is.
   */
  private static void useLaunchersStderr() {
    String fd = System.getenv("SCRIBE_STDERR_FD");
    if (fd == null || !fd.matches("\\d{1,4}")) return;
    try {
      java.nio.charset.Charset cs = java.nio.charset.Charset.forName(System.getProperty("stderr.encoding", "UTF-8"));
      System.setErr(new java.io.PrintStream(new java.io.FileOutputStream("/dev/fd/" + fd, true), true, cs));
    } catch (java.io.IOException | RuntimeException e) {
      // keep the filtered stderr: the output still arrives, only through the filter
    }
  }

  /** Runs the command line and returns its exit code: 0 ok, 1 failure, 2 bad usage. */
  public static int run(String... args) {
    return Cli.commandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
