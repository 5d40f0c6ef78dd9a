package dev.neuronscribe.cli;

import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.simulate.Judging;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.simulate.ExcerptScorer;
import dev.neuronscribe.simulate.Scorers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "judge", mixinStandardHelpOptions = true,
    description = {
      "Scores a run's explanations with the other scorers: detection, fuzzing, embedding, intruder and surprisal.",
      "Simulation runs on the same examples too. Per format and scorer: the mean of each unit's AUROC (intruder: accuracy) ± standard error.",
      "Writes OUT/<format>/scorers.jsonl (per unit: accuracy, F1, AUROC, per quantile, counts, failures, tokens) and the",
      "printed summary to OUT/judge-summary.txt; resumable.",
      "With --best-of K it explains K times (as scribe explain --samples K) and keeps the best under --best-by, reporting the",
      "gain over one sample on held-out examples and what it cost. The scorers' model is --simulator-llm (default --llm);",
      "offline (baseline) the MiniLM baselines score. See docs/scorers.md."
    })
final class JudgeCommand implements Callable<Integer> {
  @Mixin InputOptions in;
  @Mixin LlmOptions llm;

  @Option(names = "--scorers", defaultValue = "detection,fuzzing,embedding,intruder", paramLabel = "S,...",
      description = "all, or a list of simulation, detection, fuzzing, embedding, intruder, surprisal (default ${DEFAULT-VALUE}).")
  String scorers;

  @Option(names = "--best-of", paramLabel = "K", description = "Explain K times per unit and format and keep the best explanation under --best-by.")
  Optional<Integer> bestOf;

  @Option(names = "--best-by", defaultValue = "detection", paramLabel = "SCORER", description = "The scorer that picks the best of K (default ${DEFAULT-VALUE}).")
  String bestBy;

  @Option(names = "--quantiles", defaultValue = "3", paramLabel = "N", description = "Quantiles of a neuron's activating excerpts (default ${DEFAULT-VALUE}).")
  int quantiles;

  @Option(names = "--batch", defaultValue = "5", paramLabel = "N", description = "Excerpts per detection/fuzzing request (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the example draws, orders and random highlights (default ${DEFAULT-VALUE}).")
  long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (llm.dryRun) throw new IllegalArgumentException("judge has no --dry-run yet; run it offline first (the default), which costs nothing");
    if (quantiles < 1 || batch < 1) throw new IllegalArgumentException("--quantiles and --batch must be at least 1");
    List<String> methods = new ArrayList<>(Scorers.parse(scorers));
    Optional<Judging.BestOf> best = bestOf.map(k -> new Judging.BestOf(k, bestBy));
    if (best.isPresent() && !methods.contains(bestBy)) methods.add(bestBy);
    List<Explainee> explainees = in.explainees();
    List<PromptFormat> formats = in.formats();
    PromptPack pack = in.pack();
    try (Backends b = new Backends(llm, in.out)) {
      Optional<LlmClient> client = b.simulatorSpec.baseline() ? Optional.empty() : Optional.of(b.simulatorClient());
      EmbeddingModel[] miniLm = new EmbeddingModel[1];
      Supplier<EmbeddingModel> shared = () -> miniLm[0] == null ? (miniLm[0] = new MiniLmEmbeddings()) : miniLm[0];
      List<ExcerptScorer> list = new ArrayList<>();
      for (String m : methods) list.add(Scorers.create(m, client, pack, () -> b.simulator(pack), shared, batch));
      if (best.isPresent()) {
        err.println("scribe: explaining each unit " + best.get().k() + " times (" + b.explainer(pack).name() + ")");
        err.flush();
        Pipeline.Summary s = new Pipeline(in.out, Optional.of(b.explainer(pack)), Optional.empty(), best.get().k(), in.parallel)
            .run(explainees, formats, Pipeline.Stages.EXPLAIN, t -> {});
        if (s.stoppedBecause().isPresent()) {
          err.println("scribe: stopped: " + s.stoppedBecause().get());
          return Cli.FAILURE;
        }
      }
      err.println("scribe: scoring with " + String.join(", ", list.stream().map(ExcerptScorer::name).toList()) + "; output " + in.out);
      err.flush();
      Judging.Summary s = Judging.run(in.out, explainees, formats, new Judging.Options(list, quantiles, seed, best), t -> {});
      java.io.StringWriter text = new java.io.StringWriter();
      print(new PrintWriter(text), s);
      out.print(text);
      AtomicFiles.writeString(in.out.resolve("judge-summary.txt"), text.toString());
      out.println("wrote " + in.out.resolve("judge-summary.txt") + " and <format>/scorers.jsonl");
      s.stoppedBecause().ifPresent(why -> err.println("scribe: stopped: " + why + " (rerun to go on; what was scored is saved)"));
      out.flush();
      return s.stoppedBecause().isPresent() ? Cli.FAILURE : Cli.OK;
    }
  }

  static void print(PrintWriter out, Judging.Summary s) {
    print0(out, s);
    out.flush();
  }

  private static void print0(PrintWriter out, Judging.Summary s) {
    out.printf(Locale.ROOT, "%-18s %-40s %6s %16s %8s %12s%n", "format", "scorer", "units", "mean ± sem", "failed", "tokens");
    for (Judging.Row r : s.rows()) {
      out.printf(Locale.ROOT, "%-18s %-40s %6d %16s %8d %12d%n", r.format().id(), r.scorer(), r.units(), pm(r.mean(), r.sem()), r.failedItems(), r.tokens());
    }
    if (s.bestOf().isEmpty()) return;
    out.println();
    out.println("Best of K (chosen on one half of each unit's examples, reported on the other half):");
    out.printf(Locale.ROOT, "%-18s %-10s %3s %6s %10s %10s %16s %14s %14s%n", "format", "by", "K", "units", "1 sample", "best of K", "gain ± sem",
        "explain tok.", "scoring tok.");
    for (Judging.BestOfRow r : s.bestOf()) {
      out.printf(Locale.ROOT, "%-18s %-10s %3d %6d %10s %10s %16s %14s %14d%n", r.format().id(), r.by(), r.k(), r.units(), f(r.single()), f(r.best()),
          pm(r.gain(), r.gainSem()), r.explainTokensSingle() + " → " + r.explainTokensAll(), r.scoringTokens());
    }
  }

  private static String f(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%.3f", v.getAsDouble()) : "—";
  }

  private static String pm(OptionalDouble m, OptionalDouble sem) {
    if (m.isEmpty()) return "—";
    return sem.isPresent() ? String.format(Locale.ROOT, "%.3f ± %.3f", m.getAsDouble(), sem.getAsDouble()) : String.format(Locale.ROOT, "%.3f", m.getAsDouble());
  }
}
