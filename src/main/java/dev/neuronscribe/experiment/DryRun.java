package dev.neuronscribe.experiment;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.LlmExplainer;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.Usage;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.SimulatorWording;
import dev.neuronscribe.prompts.TokenCounter;
import dev.neuronscribe.simulate.AllAtOnceSimulator;
import dev.neuronscribe.simulate.ChatLogprobSimulator;
import dev.neuronscribe.simulate.LogprobFreeSimulator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the units still to do would send, built request by request exactly as the run would build them
 * (for simulations of targets not explained yet, with a placeholder explanation of typical length), with
 * prompt tokens counted locally, completions at their {@code max_tokens}, and replies the response cache
 * already holds counted as free. Nothing is sent.
 */
public final class DryRun {
  static final String PLACEHOLDER = "words and phrases about a placeholder topic used only to estimate the size of a simulation prompt";

  /** One step and model: units to do, requests (of which cached), tokens and the dollar upper bound. */
  public record Line(String step, String model, int units, long requests, long cached, long promptTokens, long maxCompletionTokens,
      double dollars, boolean priced) {}

  /** The estimate; {@code pricesAsOf} dates the price table used. */
  public record Estimate(List<Line> lines, int unitsToDo, int unitsDone, String pricesAsOf) {
    public Estimate {
      lines = List.copyOf(lines);
    }

    public double dollars() {
      return lines.stream().mapToDouble(Line::dollars).sum();
    }

    public long requests() {
      return lines.stream().mapToLong(Line::requests).sum();
    }
  }

  private final Plan plan;
  private final Models models;
  private final Map<ExperimentStore.Key, ExperimentStore.Unit> existing;
  private final Map<List<String>, long[]> acc = new LinkedHashMap<>();
  private final Map<List<String>, double[]> money = new LinkedHashMap<>();
  private final TokenCounter counter = TokenCounter.cl100k();

  DryRun(Plan plan, Models models, Map<ExperimentStore.Key, ExperimentStore.Unit> existing) {
    this.plan = plan;
    this.models = models;
    this.existing = existing;
  }

  Estimate estimate() {
    int toDo = 0, done = 0;
    RunSpec spec = plan.spec;
    for (Plan.SetPlan sp : plan.sets) {
      for (Target t : sp.targets()) {
        List<ExperimentStore.Key> keys = plan.units(sp, t);
        boolean allDone = keys.stream().allMatch(this::done);
        if (allDone) {
          done += keys.size();
          continue;
        }
        Explainee e = sp.explainee(t);
        for (PromptFormat f : spec.formats()) {
          for (Backend b : spec.explainers()) {
            List<ExperimentStore.Key> chain = plan.chain(sp, t, f, b);
            List<String> texts = null;
            for (ExperimentStore.Key k : chain) {
              if (done(k)) {
                done++;
                if (k.step().equals(Steps.EXPLAIN)) {
                  texts = Results.texts(Results.explanations(existing.get(k).result(), "store"));
                }
                continue;
              }
              toDo++;
              List<String> explanations = texts != null ? texts : Collections.nCopies(plan.samples(sp), PLACEHOLDER);
              switch (k.step()) {
                case Steps.EXPLAIN -> explain(b, f, e, plan.samples(sp));
                case Steps.SIMULATE -> simulate(spec.simulators().stream().filter(s -> s.label().equals(k.method())).findFirst().orElseThrow(), e, explanations);
                case Steps.SIMILARITY -> similarity(sp, t, explanations);
                default -> throw new IllegalStateException(k.step());
              }
            }
          }
        }
      }
    }
    List<Line> lines = new ArrayList<>();
    for (var entry : acc.entrySet()) {
      long[] a = entry.getValue();
      double[] d = money.get(entry.getKey());
      lines.add(new Line(entry.getKey().get(0), entry.getKey().get(1), (int) a[0], a[1], a[2], a[3], a[4], d[0], d[1] == 0));
    }
    return new Estimate(lines, toDo, done, models.prices.asOf());
  }

  private boolean done(ExperimentStore.Key k) {
    ExperimentStore.Unit u = existing.get(k);
    return u != null && u.done();
  }

  private void explain(Backend b, PromptFormat f, Explainee e, int samples) {
    if (b.baseline()) {
      offline(Steps.EXPLAIN, b.model());
      return;
    }
    OpenAiCompatibleClient c = models.client(b, true);
    LlmExplainer x = new LlmExplainer(c, models.pack);
    add(Steps.EXPLAIN, c, c.estimate(x.request(f, e, samples)), true);
  }

  private void simulate(RunSpec.SimulatorChoice s, Explainee e, List<String> explanations) {
    if (s.method().equals(Backend.BASELINE)) {
      offline(Steps.SIMULATE, "baseline-minilm-simulator");
      return;
    }
    SimulatorWording w = models.pack.simulator().orElseThrow(() -> new IllegalArgumentException(
        "the prompt pack '" + models.pack.name() + "' has no simulator wording; use a pack that has one (the built-in pack does)"));
    OpenAiCompatibleClient c = models.client(s.backend(), true);
    boolean first = true;
    for (String text : explanations) {
      for (ActivationRecord r : e.scoring()) {
        LlmClient.Estimate est = switch (s.method()) {
          case "all-at-once" -> c.estimate(new AllAtOnceSimulator(c, w).request(text, r.tokens()));
          case "chat-logprobs" -> c.estimate(new ChatLogprobSimulator(c, w).request(text, r.tokens()));
          default -> c.estimate(new LogprobFreeSimulator(c, w).request(text, r.tokens()));
        };
        add(Steps.SIMULATE, c, est, first);
        first = false;
      }
    }
  }

  private void similarity(Plan.SetPlan sp, Target t, List<String> explanations) {
    Optional<Backend> endpoint = plan.spec.embeddings().endpoint();
    if (endpoint.isEmpty()) {
      offline(Steps.SIMILARITY, models.embeddingName());
      return;
    }
    // Upper bound: every text sent, as if none were in the embedding cache.
    long tokens = explanations.stream().mapToLong(counter::count).sum() + counter.count(sp.references().getOrDefault(t, ""));
    if (t instanceof Target.Puzzle p) tokens += sp.puzzleByName().get(p.name()).falseExplanations().stream().mapToLong(counter::count).sum();
    OpenAiCompatibleClient c = models.client(endpoint.get(), false);
    add(Steps.SIMILARITY, c, new LlmClient.Estimate(tokens, 0, false), true);
  }

  private void offline(String step, String model) {
    long[] a = acc.computeIfAbsent(List.of(Steps.label(step), model), k -> new long[5]);
    money.computeIfAbsent(List.of(Steps.label(step), model), k -> new double[2]);
    a[0]++;
  }

  private void add(String step, OpenAiCompatibleClient c, LlmClient.Estimate est, boolean newUnit) {
    List<String> key = List.of(Steps.label(step), c.name());
    long[] a = acc.computeIfAbsent(key, k -> new long[5]);
    double[] d = money.computeIfAbsent(key, k -> new double[2]);
    if (newUnit) a[0]++;
    a[1]++;
    if (est.cached()) {
      a[2]++;
      return;
    }
    a[3] += est.promptTokens();
    a[4] += est.maxCompletionTokens();
    Optional<PriceTable.Price> p = models.prices.priceOf(c.model());
    if (p.isPresent()) d[0] += p.get().dollars(new Usage(est.promptTokens(), est.maxCompletionTokens()));
    else if (!c.endpoint().preset().local()) d[1] = 1;
  }
}
