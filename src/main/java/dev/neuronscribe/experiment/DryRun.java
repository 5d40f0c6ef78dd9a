package dev.neuronscribe.experiment;

import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.LlmExplainer;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.TokenCounter;
import dev.neuronscribe.simulate.CostEstimate;
import dev.neuronscribe.simulate.Scorer;
import dev.neuronscribe.simulate.Simulator;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The experiment's dry run: walks the units still to do as the run would, and tallies what they would send
 * into the engine's one {@link CostEstimate} (for simulations of targets not explained yet, placeholder
 * explanations of typical length). Nothing is sent.
 */
final class DryRun {
  private final Plan plan;
  private final Models models;
  private final Map<ExperimentStore.Key, ExperimentStore.Unit> existing;
  private final CostEstimate.Tally tally;
  private final TokenCounter counter = TokenCounter.cl100k();

  DryRun(Plan plan, Models models, Map<ExperimentStore.Key, ExperimentStore.Unit> existing) {
    this.plan = plan;
    this.models = models;
    this.existing = existing;
    this.tally = new CostEstimate.Tally(models.prices);
  }

  CostEstimate estimate() {
    RunSpec spec = plan.spec;
    for (Plan.SetPlan sp : plan.sets) {
      for (Target t : sp.targets()) {
        List<ExperimentStore.Key> keys = plan.units(sp, t);
        if (keys.stream().allMatch(this::done)) {
          tally.alreadyDone(keys.size());
          continue;
        }
        Explainee e = sp.explainee(t);
        for (PromptFormat f : spec.formats()) {
          for (Backend b : spec.explainers()) {
            List<ExperimentStore.Key> chain = plan.chain(sp, t, f, b);
            List<String> texts = null;
            for (ExperimentStore.Key k : chain) {
              if (done(k)) {
                tally.alreadyDone(1);
                if (k.step().equals(Steps.EXPLAIN)) {
                  texts = Results.texts(Results.explanations(existing.get(k).result(), "store"));
                }
                continue;
              }
              List<String> explanations = texts != null ? texts : Collections.nCopies(plan.samples(sp), CostEstimate.PLACEHOLDER);
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
    return tally.result();
  }

  private boolean done(ExperimentStore.Key k) {
    ExperimentStore.Unit u = existing.get(k);
    return u != null && u.done();
  }

  private void explain(Backend b, PromptFormat f, Explainee e, int samples) {
    if (b.baseline()) {
      tally.offline(Steps.label(Steps.EXPLAIN), b.model());
      return;
    }
    OpenAiCompatibleClient c = models.client(b, true);
    tally.unit(Steps.label(Steps.EXPLAIN), new LlmExplainer(c, models.pack).estimate(f, e, samples).stream().toList());
  }

  private void simulate(RunSpec.SimulatorChoice s, Explainee e, List<String> explanations) {
    if (s.method().equals(Backend.BASELINE)) {
      tally.offline(Steps.label(Steps.SIMULATE), "baseline-minilm-simulator");
      return;
    }
    Simulator sim = models.llmSimulator(s, models.client(s.backend(), true));
    tally.unit(Steps.label(Steps.SIMULATE), Scorer.simulation(sim).estimate(e, explanations));
  }

  private void similarity(Plan.SetPlan sp, Target t, List<String> explanations) {
    Optional<Backend> endpoint = plan.spec.embeddings().endpoint();
    if (endpoint.isEmpty()) {
      tally.offline(Steps.label(Steps.SIMILARITY), models.embeddingName());
      return;
    }
    // Upper bound: every text sent, as if none were in the embedding cache.
    long tokens = explanations.stream().mapToLong(counter::count).sum() + counter.count(sp.references().getOrDefault(t, ""));
    if (t instanceof Target.Puzzle p) tokens += sp.puzzleByName().get(p.name()).falseExplanations().stream().mapToLong(counter::count).sum();
    OpenAiCompatibleClient c = models.client(endpoint.get(), false);
    tally.unit(Steps.label(Steps.SIMILARITY), List.of(new LlmClient.Planned(c, new LlmClient.Estimate(tokens, 0, false))));
  }
}
