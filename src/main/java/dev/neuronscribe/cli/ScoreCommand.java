package dev.neuronscribe.cli;

import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.RunScores;
import dev.neuronscribe.simulate.ScoreSummary;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Score simulations: recompute ev_correlation (Pearson over all scoring tokens), r² and absolute deviation explained from the stored activations, "
        + "and summarise per format as the paper does (mean of per-neuron scores ± standard error). Writes OUT/<format>/scores.json.")
final class ScoreCommand implements Callable<Integer> {
  @Option(names = {"--out", "-o"}, paramLabel = "DIR", description = "A run directory written by explain/simulate/pipeline.")
  Optional<Path> out;

  @Option(names = "--formats", defaultValue = "all", paramLabel = "F,...", description = "Formats to score (default: every format present).")
  String formats;

  @Option(names = "--results", paramLabel = "FILE", description = "Score a NeuronSimulationResults JSONL file instead (e.g. one of OpenAI's).")
  Optional<Path> results;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    if (results.isPresent() == out.isPresent()) throw new UsageException("give exactly one of --out DIR and --results FILE");
    if (results.isPresent()) {
      header(pw);
      ScoreSummary summary = RunScores.scoreFile(results.get());
      row(pw, results.get().getFileName().toString(), summary);
      if (summary.negativeScaleScores()) pw.println(ScoreSummary.NEGATIVE_R_SQUARED);
      pw.flush();
      return Cli.OK;
    }
    List<PromptFormat> fs;
    try {
      fs = formats.equalsIgnoreCase("all") ? List.of(PromptFormat.values())
          : Arrays.stream(formats.split(",")).map(String::trim).map(PromptFormat::parse).toList();
    } catch (IllegalArgumentException e) {
      throw UsageException.of("--formats", e);
    }
    return scoreRun(out.get(), fs, pw);
  }

  /** Scores every format of a run that has simulations; prints the table (scores.json is written by the preset). */
  static int scoreRun(Path runDir, List<PromptFormat> formats, PrintWriter pw) {
    if (!Files.isDirectory(runDir)) throw new IllegalArgumentException(runDir + ": not found (--out names the run directory of 'scribe simulate')");
    List<RunScores.FormatScore> scores = RunScores.scoreRun(runDir, formats);
    header(pw);
    for (RunScores.FormatScore s : scores) row(pw, s.format().id(), s.summary());
    // r² and abs.dev below 0 look like a fault; one line under the table says why they are not.
    if (scores.stream().anyMatch(s -> s.summary().negativeScaleScores())) pw.println(ScoreSummary.NEGATIVE_R_SQUARED);
    pw.flush();
    if (scores.isEmpty()) throw new IllegalArgumentException("no simulations under " + runDir + " (expected <format>/simulations.jsonl); run 'scribe simulate' first");
    return Cli.OK;
  }

  private static void header(PrintWriter pw) {
    pw.printf("%-20s %7s %7s %9s %6s %10s %8s %8s %8s%n", "format", "targets", "scored", "undefined", "failed", "mean corr", "± s.e.", "r²", "abs.dev");
  }

  private static void row(PrintWriter pw, String name, ScoreSummary s) {
    pw.printf("%-20s %7d %7d %9d %6d %10s %8s %8s %8s%n", name, s.neurons(), s.scored(), s.undefined(), s.failed(),
        fmt(s.mean()), fmt(s.standardError()), fmt(s.meanRSquared()), fmt(s.meanAbsoluteDevExplained()));
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "undef" : String.format("%.4f", v);
  }
}
