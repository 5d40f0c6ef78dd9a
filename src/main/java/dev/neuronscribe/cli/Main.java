package dev.neuronscribe.cli;

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
      StudyCommand.class,
      BenchCommand.class,
      ExperimentCommand.class,
      JudgeCommand.class,
      ValidateCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
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
