package dev.neuronscribe.cli;

import dev.neuronscribe.subject.RecorderBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks: measured figures for the performance targets (never asserted in tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures how fast parts of NeuronScribe run on this machine.",
    subcommands = {BenchCommand.Record.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "record",
      mixinStandardHelpOptions = true,
      description = {
        "Times the recorder on a random GPT-2 (GPT-2 small's shape by default) it writes to a temporary directory.",
        "Comparable with numpy's forward pass: tools/bench-record-vs-numpy.sh runs both in turn."
      })
  static final class Record implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--layers", defaultValue = "12", description = "Layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--width", defaultValue = "768", description = "Residual width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--heads", description = "Attention heads (default: width / 64).")
    Integer heads;

    @Option(names = "--excerpt-tokens", defaultValue = "64", description = "Tokens per excerpt (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--batch", defaultValue = "16", description = "Excerpts per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "4", description = "Batches per timed run (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--keep-model", paramLabel = "DIR",
        description = "Write the random checkpoint to DIR and keep it (e.g. to time `scribe record` on it end to end).")
    java.nio.file.Path keepModel;

    @Override
    public Integer call() {
      var settings = new RecorderBenchmark.Settings(layers, width, heads == null ? Math.max(1, width / 64) : heads, tokens, batch, rounds, repeats);
      var r = RecorderBenchmark.run(settings, java.util.Optional.ofNullable(keepModel), spec.commandLine().getOut()::println);
      spec.commandLine().getOut().println();
      spec.commandLine().getOut().printf("%d layers, width %d, %d×%d tokens per batch, %d rounds per run, %d runs:%n", layers, width, batch, tokens, rounds, repeats);
      line("forward pass", "median", RecorderBenchmark.Report.median(r.forward()), r);
      line("", "best", RecorderBenchmark.Report.best(r.forward()), r);
      if (!r.recording().isEmpty()) {
        line("recording", "median", RecorderBenchmark.Report.median(r.recording()), r);
        line("", "best", RecorderBenchmark.Report.best(r.recording()), r);
      }
      spec.commandLine().getOut().printf("machine peak: %s%n", r.nominalPeakGflops().map(p -> String.format("%.1f GFLOP/s nominal = %s", p, r.nominalPeakBasis()))
          .orElse("nominal peak unknown (no clock in /proc/cpuinfo)"));
      spec.commandLine().getOut().printf("              %.1f GFLOP/s measured (pure-FMA loop, %d cores, %d lanes)%n", r.measuredPeakGflops(), r.cores(), r.lanes());
      spec.commandLine().getOut().println("The FLOP count is gpt2_numpy.py's: 2·tokens·layers·12·width² (attention scores excluded). The recorder skips the");
      spec.commandLine().getOut().println("language-model head (numpy's bench computes none either) and the last layer's MLP output projection.");
      return Cli.OK;
    }

    private void line(String what, String statistic, double tokensPerSecond, RecorderBenchmark.Report r) {
      double gflops = tokensPerSecond * r.flopsPerToken() / 1e9;
      String peak = r.nominalPeakGflops().map(p -> String.format("%.0f%% of nominal peak, ", 100 * gflops / p)).orElse("");
      spec.commandLine().getOut().printf("  %-13s %-6s %8.1f tokens/s  %6.1f GFLOP/s  (%s%.0f%% of measured FMA peak)%n",
          what, statistic, tokensPerSecond, gflops, peak, 100 * gflops / r.measuredPeakGflops());
    }
  }
}
