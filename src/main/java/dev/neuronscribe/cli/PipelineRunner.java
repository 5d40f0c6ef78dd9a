package dev.neuronscribe.cli;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.ExplanationsJson;
import dev.neuronscribe.explain.LlmExplainer;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.simulate.AllAtOnceSimulator;
import dev.neuronscribe.simulate.ChatLogprobSimulator;
import dev.neuronscribe.simulate.LogprobFreeSimulator;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.simulate.Simulator;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** What explain, simulate and pipeline share: build the backends, run the stages with a progress bar, report. */
final class PipelineRunner {
  private PipelineRunner() {}

  static int run(Pipeline.Stages stages, InputOptions in, LlmOptions llm, PrintWriter out, PrintWriter err) {
    List<Explainee> explainees = in.explainees();
    List<PromptFormat> formats = in.formats();
    PromptPack pack = in.pack();
    try (Backends b = new Backends(llm, in.out)) {
      Optional<Explainer> explainer = stages == Pipeline.Stages.SIMULATE ? Optional.empty() : Optional.of(b.explainer(pack));
      Optional<Simulator> simulator = stages == Pipeline.Stages.EXPLAIN ? Optional.empty() : Optional.of(b.simulator(pack));
      String names = explainer.map(e -> "explainer " + e.name()).orElse("") + (explainer.isPresent() && simulator.isPresent() ? ", " : "")
          + simulator.map(s -> "simulator " + s.name()).orElse("");
      if (llm.dryRun) return dryRun(explainees, formats, in, b, explainer, simulator, out);
      err.println("scribe: " + explainees.size() + " targets × " + formats.size() + " formats; " + names + "; output " + in.out);
      err.flush();
      Pipeline pipeline = new Pipeline(in.out, explainer, simulator, in.samples, in.parallel);
      Pipeline.Summary s;
      long t0 = System.nanoTime();
      try (ProgressBar bar = new ProgressBarBuilder()
          .setTaskName(stages == Pipeline.Stages.BOTH ? "explain+simulate" : stages.name().toLowerCase())
          .setInitialMax((long) explainees.size() * formats.size())
          .setConsumer(new ConsoleProgressBarConsumer(System.err))
          .setUpdateIntervalMillis(500)
          .setUnit(" neurons", 1)
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

  private static final String PLACEHOLDER = "words and phrases about a placeholder topic used only to estimate the size of a simulation prompt";

  private static int dryRun(List<Explainee> explainees, List<PromptFormat> formats, InputOptions in, Backends b,
      Optional<Explainer> explainer, Optional<Simulator> simulator, PrintWriter out) {
    long requests = 0, cached = 0, prompt = 0, completion = 0;
    double dollars = 0;
    for (PromptFormat f : formats) {
      List<Explanation> existing = ExplanationsJson.read(in.out.resolve(f.id()).resolve("explanations.jsonl"));
      for (Explainee e : explainees) {
        if (explainer.isPresent() && explainer.get() instanceof LlmExplainer le) {
          LlmClient.Estimate est = b.clients.getFirst().estimate(le.request(f, e, in.samples));
          requests++;
          if (est.cached()) cached++;
          else {
            prompt += est.promptTokens();
            completion += est.maxCompletionTokens();
            dollars += cost(b.prices, b.clients.getFirst(), est);
          }
        }
        if (simulator.isEmpty() || b.clients.isEmpty() || b.simulatorMethod.equals(Backends.BASELINE)) continue;
        LlmClient sc = b.clients.getLast();
        List<String> texts = existing.stream().filter(x -> x.target().equals(e.target()) && x.ok()).map(x -> x.text().orElseThrow()).toList();
        if (texts.isEmpty()) texts = java.util.Collections.nCopies(in.samples, PLACEHOLDER);
        for (String text : texts) {
          for (ActivationRecord r : e.scoring()) {
            LlmClient.Estimate est = switch (simulator.get()) {
              case AllAtOnceSimulator s -> sc.estimate(s.request(text, r.tokens()));
              case ChatLogprobSimulator s -> sc.estimate(s.request(text, r.tokens()));
              case LogprobFreeSimulator s -> sc.estimate(s.request(text, r.tokens()));
              default -> new LlmClient.Estimate(0, 0, true);
            };
            requests++;
            if (est.cached()) cached++;
            else {
              prompt += est.promptTokens();
              completion += est.maxCompletionTokens();
              dollars += cost(b.prices, sc, est);
            }
          }
        }
      }
    }
    out.printf("dry run: %d requests (%d already in the cache), about %,d prompt tokens and at most %,d completion tokens; at most $%.4f at the prices of %s%n",
        requests, cached, prompt, completion, dollars, b.prices.asOf());
    out.println("nothing was sent.");
    out.flush();
    return Cli.OK;
  }

  private static double cost(PriceTable prices, LlmClient c, LlmClient.Estimate est) {
    return prices.priceOf(c.model()).map(p -> p.dollars(new dev.neuronscribe.llm.Usage(est.promptTokens(), est.maxCompletionTokens()))).orElse(0.0);
  }
}
