package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.llm.BudgetExceededException;
import dev.neuronscribe.prompts.PromptFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Explain → simulate → score over many neurons (or puzzles) and formats, resumably. Each (format,
 * target) is one unit of work on a virtual thread; what is already in the run directory is skipped, so
 * a rerun does only what is missing or failed (and replays paid replies from the response cache). When
 * the budget is reached no new unit starts, the units in flight finish, and everything is saved.
 */
public final class Pipeline {
  /** Which stages to run. */
  public enum Stages { EXPLAIN, SIMULATE, BOTH }

  /** How one run ended. */
  public record Summary(int units, int skipped, int done, int failed, Optional<String> stoppedBecause) {}

  private final Path runDir;
  private final Optional<Explainer> explainer;
  private final Optional<Simulator> simulator;
  private final int samples;
  private final int parallelUnits;

  public Pipeline(Path runDir, Optional<Explainer> explainer, Optional<Simulator> simulator, int samples, int parallelUnits) {
    if (samples < 1) throw new IllegalArgumentException("samples must be at least 1");
    this.runDir = runDir;
    this.explainer = explainer;
    this.simulator = simulator;
    this.samples = samples;
    this.parallelUnits = Math.max(1, parallelUnits);
  }

  /**
   * Runs the stages; {@code onUnit} is told after each unit of work (for progress).
   *
   * @throws IllegalStateException when simulating targets that have no explanations yet
   */
  public Summary run(List<Explainee> explainees, List<PromptFormat> formats, Stages stages, Consumer<Target> onUnit) {
    boolean explain = stages != Stages.SIMULATE;
    boolean simulate = stages != Stages.EXPLAIN;
    if (explain && explainer.isEmpty()) throw new IllegalArgumentException("explaining needs an explainer");
    if (simulate && simulator.isEmpty()) throw new IllegalArgumentException("simulating needs a simulator");
    List<FormatStore> stores = formats.stream().map(f -> new FormatStore(runDir, f)).toList();
    AtomicReference<String> stop = new AtomicReference<>();
    AtomicInteger skipped = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Thread saveOnExit = new Thread(() -> stores.forEach(FormatStore::save));
    Runtime.getRuntime().addShutdownHook(saveOnExit);
    Semaphore slots = new Semaphore(parallelUnits);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (Explainee e : explainees) {
        for (FormatStore store : stores) {
          futures.add(pool.submit(() -> {
            Target t = e.target();
            boolean needExplain = explain && !store.explained(t, samples);
            boolean needSimulate = simulate && (needExplain || !store.simulated(t));
            if (!needExplain && !needSimulate) {
              skipped.incrementAndGet();
              onUnit.accept(t);
              return null;
            }
            slots.acquire();
            try {
              if (stop.get() != null) return null;
              boolean ok = unit(e, store, needExplain, simulate && needSimulate);
              (ok ? done : failed).incrementAndGet();
            } catch (BudgetExceededException ex) {
              stop.compareAndSet(null, ex.getMessage());
              return null;
            } finally {
              slots.release();
            }
            onUnit.accept(t);
            return null;
          }));
        }
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException(ex.getCause());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          stop.compareAndSet(null, "interrupted");
          break;
        }
      }
    } finally {
      stores.forEach(FormatStore::save);
      try {
        Runtime.getRuntime().removeShutdownHook(saveOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run; it saves the same state
      }
    }
    return new Summary(explainees.size() * formats.size(), skipped.get(), done.get(), failed.get(), Optional.ofNullable(stop.get()));
  }

  /** One (format, target): true when it ended with every sample explained and, if asked, simulated. */
  private boolean unit(Explainee e, FormatStore store, boolean explain, boolean simulate) throws InterruptedException {
    Target t = e.target();
    if (explain) store.putExplanations(t, explainer.orElseThrow().explain(store.format, e, samples));
    List<Explanation> explanations = store.explanations(t);
    boolean allExplained = explanations.size() >= samples && explanations.stream().allMatch(Explanation::ok);
    if (!simulate) return allExplained;
    if (explanations.isEmpty()) {
      throw new IllegalStateException("there is no explanation of " + t.key() + " in format " + store.format.id()
          + " under " + runDir + "; run 'scribe explain' first (or 'scribe pipeline')");
    }
    Simulated s = simulateAndScore(simulator.orElseThrow(), t, explanations, e.scoring());
    store.putSimulation(t, s.results(), s.failures());
    return allExplained && s.failures().isEmpty();
  }

  /**
   * What simulating a target's explanations gave: the scored ones (OpenAI's format) and, for each that
   * could not be simulated, the reason ({@code sample N ("text"): ...}).
   */
  public record Simulated(NeuronSimulationResults results, List<String> failures) {
    public Simulated {
      failures = List.copyOf(failures);
    }
  }

  /**
   * Simulates every successful explanation of one target on its scoring excerpts and scores it: the
   * unit of the simulate stage, for callers that keep their own store (the experiment runner).
   *
   * @throws dev.neuronscribe.llm.BudgetExceededException when the budget refuses a request
   */
  public static Simulated simulateAndScore(Simulator simulator, Target t, List<Explanation> explanations, List<ActivationRecord> scoring)
      throws InterruptedException {
    List<ScoredExplanation> scored = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Explanation x : explanations) {
      if (!x.ok()) continue;
      String text = x.text().orElseThrow();
      switch (simulateAll(simulator, text, scoring)) {
        case Either.Ok(List<SequenceSimulation> sims) -> scored.add(new ScoredExplanation(text, Scoring.score(scoring, sims)));
        case Either.Err(String reason) -> failures.add("sample " + x.sample() + " (\"" + text + "\"): " + reason);
      }
    }
    return new Simulated(new NeuronSimulationResults(t, scored), failures);
  }

  private sealed interface Either {
    record Ok(List<SequenceSimulation> simulations) implements Either {}

    record Err(String reason) implements Either {}
  }

  /** All scoring excerpts at once (the client bounds real concurrency); the first failure names its excerpt. */
  private static Either simulateAll(Simulator sim, String explanation, List<ActivationRecord> scoring) throws InterruptedException {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<SimulationOutcome>> outcomes = new ArrayList<>();
      for (ActivationRecord r : scoring) outcomes.add(pool.submit(() -> guarded(sim, explanation, r.tokens())));
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
  private static SimulationOutcome guarded(Simulator sim, String explanation, List<String> tokens) {
    try {
      return sim.simulate(explanation, tokens);
    } catch (BudgetExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      return new SimulationOutcome.Failed("internal error: " + e);
    }
  }

  /** The outputs of a run directory for one format, for the score command and reports. */
  public static List<NeuronSimulationResults> results(Path runDir, PromptFormat format) {
    return new FormatStore(runDir, format).results();
  }

  public static Map<Target, List<String>> failures(Path runDir, PromptFormat format) {
    return new FormatStore(runDir, format).failures();
  }

  public static Path simulationsFile(Path runDir, PromptFormat format) {
    return new FormatStore(runDir, format).simulationsFile();
  }
}
