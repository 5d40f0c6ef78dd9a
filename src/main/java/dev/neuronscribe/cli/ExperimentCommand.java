package dev.neuronscribe.cli;

import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.experiment.Experiment;
import dev.neuronscribe.experiment.ExperimentResults;
import dev.neuronscribe.report.ExperimentReport;
import dev.neuronscribe.experiment.RunSpec;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.report.ReportWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scribe experiment run|report|status FILE}: runs described by a run file, resumable, with a report. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Run an experiment from a run file (YAML or JSON): neuron sets × formats × explainers × simulators × evaluations, "
        + "resumable on an SQLite store, ending with a report (Markdown + HTML). Schema: docs/experiments.md.",
    subcommands = {ExperimentCommand.Run.class, ExperimentCommand.Report.class, ExperimentCommand.Status.class})
final class ExperimentCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand takes: the run file and where its store is. */
  static final class FileOptions {
    @Parameters(index = "0", paramLabel = "FILE", description = "The run file (.yaml, .yml or .json).")
    Path file;

    @Option(names = "--store", paramLabel = "DIR", description = "The store folder (default: the run file's 'store', else a folder named after the file beside it).")
    Optional<Path> store;

    RunSpec spec() {
      RunSpec s = RunSpec.read(file);
      return store.map(s::withStore).orElse(s);
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Do every unit of work that is missing or failed, then write STORE/report.html and report.md. Ctrl-C loses at most the units in flight; rerun to go on.")
  static final class Run implements Callable<Integer> {
    @picocli.CommandLine.Mixin FileOptions in;

    @Option(names = "--dry-run", description = "Print the requests, tokens and dollar upper bound of the units still to do; send nothing.")
    boolean dryRun;

    @Option(names = "--budget-usd", paramLabel = "DOLLARS", description = "Overrides the run file's budget_usd, which caps what every run of this store spends together.")
    Optional<Double> budget;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      RunSpec s = in.spec();
      if (budget.isPresent() && !(budget.get() >= 0)) throw new UsageException("--budget-usd must be a non-negative number of dollars, got " + budget.get());
      if (budget.isPresent()) s = s.withBudget(OptionalDouble.of(budget.get()));
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Experiment x = new Experiment(s);
      if (dryRun) {
        Estimates.print(x.estimate(), out);
        return Cli.OK;
      }
      return runAndReport(x, out, err);
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true, description = "Re-render the report from the store, running nothing.")
  static final class Report implements Callable<Integer> {
    @picocli.CommandLine.Mixin FileOptions in;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      ReportWriter.Written w = ExperimentReport.write(ExperimentResults.read(in.spec()));
      PrintWriter out = spec.commandLine().getOut();
      out.println("report: " + w.markdown());
      out.println("report: " + w.html().toAbsolutePath().toUri());
      out.flush();
      return Cli.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Count the units done, failed and still to do, per step.")
  static final class Status implements Callable<Integer> {
    @picocli.CommandLine.Mixin FileOptions in;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "%-20s %8s %8s %8s%n", "step", "done", "failed", "to do");
      for (Experiment.StepStatus st : new Experiment(in.spec()).status()) {
        out.printf(Locale.ROOT, "%-20s %8d %8d %8d%n", st.step(), st.done(), st.failed(), st.missing());
      }
      out.flush();
      return Cli.OK;
    }
  }

  /** Runs with a progress bar, prints the outcome and where the report is; the exit code says whether everything is done. */
  static int runAndReport(Experiment x, PrintWriter out, PrintWriter err) {
    Experiment.Outcome o;
    try {
      o = x.run(new Bar(err));
    } catch (dev.neuronscribe.files.InvalidInputException bad) {
      // Found before any work (a local model it cannot use, a store of another run): one line, exit 2.
      err.println("error: " + bad.getMessage());
      err.flush();
      return Cli.USAGE;
    }
    ReportWriter.Written report = ExperimentReport.write(ExperimentResults.read(x.spec()));
    AtomicFiles.removeLeftovers(x.spec().store(), 4); // files half-written by a run killed before this one
    out.printf(Locale.ROOT, "%d units: %d done now, %d already done, %d failed; %.1f s%n", o.units(), o.done(), o.alreadyDone(), o.failed(), o.elapsedSeconds());
    CostMeter.Snapshot m = o.spend();
    if (x.spec().usesLlm()) {
      out.printf(Locale.ROOT, "LLM: %d paid requests, %d replies from the cache, %,d prompt + %,d completion tokens, $%.4f%n",
          m.requests(), m.cachedReplies(), m.promptTokens(), m.completionTokens(), m.dollars());
      o.retries().forEach(r -> out.println("  " + r));
      if (!m.unpricedModels().isEmpty()) out.println("  no price for " + m.unpricedModels() + " (counted as $0)");
    }
    out.println("report: " + report.markdown());
    out.println("report: " + report.html().toAbsolutePath().toUri());
    out.flush();
    if (o.stoppedBecause().isPresent()) {
      err.println(o.stoppedBecause().get().equals("interrupted") ? Cli.INTERRUPTED : "error: " + o.stoppedBecause().get());
      err.flush();
      return Cli.FAILURE;
    }
    if (o.failed() > 0) {
      o.firstFailures().forEach(f -> err.println("  failed: " + f));
      err.println("error: " + o.failed() + " units failed (listed in the report); rerun the same command to retry them");
      err.flush();
      return Cli.FAILURE;
    }
    return Cli.OK;
  }

  /** A progress bar on stderr: units, units/s, ETA, and the run's tokens and dollars so far. */
  static final class Bar implements Experiment.Progress {
    private final PrintWriter err;
    private ProgressBar bar;

    Bar(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void start(String task, long total, long alreadyDone) {
      bar = ProgressBars.builder(task, total, "units").startsFrom(alreadyDone, java.time.Duration.ZERO)
          .showSpeed(new DecimalFormat("0.0")).build();
    }

    @Override
    public synchronized void step(CostMeter.Snapshot spend) {
      bar.step();
      bar.setExtraMessage(String.format(Locale.ROOT, " %,d tok $%.4f", spend.promptTokens() + spend.completionTokens(), spend.dollars()));
    }

    @Override
    public void end() {
      if (bar != null) bar.close();
    }

    @Override
    public void note(String message) {
      err.println(message);
      err.flush();
    }
  }
}
