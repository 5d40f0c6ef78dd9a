package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.llm.BudgetExceededException;
import dev.neuronscribe.llm.LlmClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Simulate-and-score: simulates each explanation on the target's scoring excerpts and correlates with the real activations. */
final class SimulationScorer implements Scorer {
  private final Simulator simulator;

  SimulationScorer(Simulator simulator) {
    this.simulator = simulator;
  }

  @Override
  public String name() {
    return simulator.name();
  }

  @Override
  public Scored score(Explainee e, List<Explanation> explanations) throws InterruptedException {
    List<ActivationRecord> scoring = e.scoring();
    List<ScoredExplanation> scored = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Explanation x : explanations) {
      if (!x.ok()) continue;
      String text = x.text().orElseThrow();
      switch (simulateAll(text, scoring)) {
        case Either.Ok(List<SequenceSimulation> sims) -> scored.add(new ScoredExplanation(text, Scoring.score(scoring, sims)));
        case Either.Err(String reason) -> failures.add("sample " + x.sample() + " (\"" + text + "\"): " + reason);
      }
    }
    return new Scored(new NeuronSimulationResults(e.target(), scored), failures);
  }

  @Override
  public List<LlmClient.Planned> estimate(Explainee e, List<String> explanations) {
    List<LlmClient.Planned> out = new ArrayList<>();
    for (String text : explanations) {
      for (ActivationRecord r : e.scoring()) simulator.estimate(text, r.tokens()).ifPresent(out::add);
    }
    return out;
  }

  private sealed interface Either {
    record Ok(List<SequenceSimulation> simulations) implements Either {}

    record Err(String reason) implements Either {}
  }

  /** All scoring excerpts at once (the client bounds real concurrency); the first failure names its excerpt. */
  private Either simulateAll(String explanation, List<ActivationRecord> scoring) throws InterruptedException {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<SimulationOutcome>> outcomes = new ArrayList<>();
      for (ActivationRecord r : scoring) outcomes.add(pool.submit(() -> guarded(explanation, r.tokens())));
      List<SequenceSimulation> sims = new ArrayList<>();
      String firstError = null;
      int errors = 0;
      for (int i = 0; i < outcomes.size(); i++) {
        SimulationOutcome o;
        try {
          o = outcomes.get(i).get();
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException(ex.getCause());
        }
        switch (o) {
          case SimulationOutcome.Simulated(SequenceSimulation s) -> sims.add(s);
          case SimulationOutcome.Failed(String reason) -> {
            errors++;
            if (firstError == null) firstError = "excerpt " + i + ": " + reason;
          }
        }
      }
      if (firstError != null) return new Either.Err(errors + " of " + scoring.size() + " excerpts failed; " + firstError);
      return new Either.Ok(sims);
    }
  }

  /** A bug or bad input in one excerpt fails that excerpt with the reason; only the budget stops the run. */
  private SimulationOutcome guarded(String explanation, List<String> tokens) {
    try {
      return simulator.simulate(explanation, tokens);
    } catch (BudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      return new SimulationOutcome.Failed("internal error: " + e);
    }
  }
}
