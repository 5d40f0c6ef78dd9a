package dev.neuronscribe.cli;

import dev.neuronscribe.experiment.Backend;
import dev.neuronscribe.experiment.Demo;
import dev.neuronscribe.experiment.Experiment;
import dev.neuronscribe.experiment.RunSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scribe demo}: the whole pipeline offline, on a planted model whose answers are known. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline offline on a planted model whose answers are known, and writes the report.",
      "",
      "Plants a small GPT-2 with known neurons, records it on the corpus shipped with NeuronScribe, explains its planted neurons, "
          + "unplanted controls and the built-in puzzles in all five formats, evaluates against the known answers (simulate and score, "
          + "similarity to the ground truth, puzzles) and writes the report. A rerun goes on where it stopped. With --llm a real model "
          + "explains and simulates. Details: docs/demo.md."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = {"--out", "-o"}, defaultValue = "scribe-demo", paramLabel = "DIR", description = "Where everything goes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--llm", paramLabel = "PRESET:MODEL",
      description = "Explain and simulate with this model instead of the offline baselines, e.g. openai:gpt-4o-mini (key from the preset's variable, e.g. OPENAI_API_KEY), or local:PATH, a model of your own run in this process (docs/local-llm.md).")
  Optional<String> llm;

  @Option(names = "--budget-usd", paramLabel = "DOLLARS", description = "With --llm: stop starting requests before the demo's directory, all runs together, spends more than this.")
  Optional<Double> budget;

  @Option(names = "--dry-run", description = "Plant and record (offline, free), then print what the experiment would send and cost instead of running it.")
  boolean dryRun;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter outw = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Backend> model = llm.map(text -> {
      Backend b;
      try {
        b = Backend.parse(text);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--llm " + e.getMessage());
      }
      if (b.baseline()) return null;
      return b;
    });
    if (budget.isPresent() && !(budget.get() >= 0)) throw new UsageException("--budget-usd must be a non-negative number of dollars, got " + budget.get());
    if (budget.isPresent() && model.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--budget-usd goes with --llm (the offline demo costs nothing)");
    }
    RunSpec run = Demo.prepare(new Demo.Options(out, model, budget, Demo.Options.defaultRecording()), new RecordingProgressBar(spec.commandLine().getErr()), line -> {
      err.println("scribe demo: " + line);
      err.flush();
    });
    if (dryRun) {
      Estimates.print(new Experiment(run).estimate(), outw);
      return Cli.OK;
    }
    int code = ExperimentCommand.runAndReport(new Experiment(run), outw, err);
    Path html = run.store().resolve("report.html").toAbsolutePath();
    outw.println();
    outw.println("Open the report: " + html.toUri());
    outw.flush();
    return code;
  }
}
