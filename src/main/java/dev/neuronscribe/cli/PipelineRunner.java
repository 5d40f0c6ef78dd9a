package dev.neuronscribe.cli;

import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.simulate.CostEstimate;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.simulate.Scorer;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;

/** What explain, simulate and pipeline share: build the backends, run the stages with a progress bar, report. */
final class PipelineRunner {
  private PipelineRunner() {}

  static int run(Pipeline.Stages stages, InputOptions in, LlmOptions llm, PrintWriter out, PrintWriter err) {
    List<Explainee> explainees = in.explainees();
    List<PromptFormat> formats = in.formats();
    PromptPack pack = in.pack();
    try (Backends b = new Backends(llm, in.out)) {
      Optional<Explainer> explainer = stages == Pipeline.Stages.SIMULATE ? Optional.empty() : Optional.of(b.explainer(pack));
      Optional<Scorer> scorer = stages == Pipeline.Stages.EXPLAIN ? Optional.empty() : Optional.of(Scorer.simulation(b.simulator(pack)));
      String names = explainer.map(e -> "explainer " + e.name()).orElse("") + (explainer.isPresent() && scorer.isPresent() ? ", " : "")
          + scorer.map(s -> "simulator " + s.name()).orElse("");
      Pipeline pipeline = new Pipeline(in.out, explainer, scorer, in.samples, in.parallel);
      if (llm.dryRun) {
        Estimates.print(pipeline.estimate(explainees, formats, stages, new CostEstimate.Tally(b.prices)), out);
        return Cli.OK;
      }
      err.println("scribe: " + explainees.size() + " targets × " + formats.size() + " formats; " + names + "; output " + in.out);
      err.flush();
      Pipeline.Summary s;
      long t0 = System.nanoTime();
      try (ProgressBar bar = ProgressBars.builder(stages == Pipeline.Stages.BOTH ? "explain+simulate" : stages.name().toLowerCase(),
              (long) explainees.size() * formats.size(), "neurons")
          .showSpeed(new DecimalFormat("0.0"))
          .setSpeedUnit(ChronoUnit.MINUTES)
          .build()) {
        s = pipeline.run(explainees, formats, stages, t -> {
          bar.step();
          bar.setExtraMessage(" " + money(b.meter.snapshot()));
        });
      }
      double minutes = (System.nanoTime() - t0) / 6e10;
      out.printf("%d units (targets × formats): %d done, %d failed, %d already done; %.1f units/min%n", s.units(), s.done(), s.failed(), s.skipped(),
          (s.done() + s.failed()) / Math.max(minutes, 1e-9));
      CostMeter.Snapshot m = b.meter.snapshot();
      if (!b.clients.isEmpty()) {
        out.printf("LLM: %d paid requests, %d replies from the cache, %,d prompt + %,d completion tokens, $%.4f%n",
            m.requests(), m.cachedReplies(), m.promptTokens(), m.completionTokens(), m.dollars());
        for (OpenAiCompatibleClient c : b.clients) if (!c.retries().isEmpty()) out.println("  " + c.name() + " retries: " + c.retries());
        if (!m.unpricedModels().isEmpty()) out.println("  no price for " + m.unpricedModels() + " (counted as $0; add them with --prices FILE)");
      }
      AtomicFiles.removeLeftovers(in.out, 1); // files half-written by a run killed before this one
      out.println("output: " + in.out.toAbsolutePath());
      out.flush();
      if (s.stoppedBecause().isPresent()) {
        err.println(s.stoppedBecause().get().equals("interrupted") ? Cli.INTERRUPTED : "error: " + s.stoppedBecause().get());
        return Cli.FAILURE;
      }
      if (s.failed() > 0) {
        err.println("error: " + s.failed() + " units failed; the reasons are in explanations.jsonl ('error') and failures.jsonl; a rerun retries them");
        return Cli.FAILURE;
      }
      return Cli.OK;
    }
  }

  private static String money(CostMeter.Snapshot m) {
    return String.format("%,d tok $%.4f", m.promptTokens() + m.completionTokens(), m.dollars());
  }

}
