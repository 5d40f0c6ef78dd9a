package dev.neuronscribe.experiment;

import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.llm.BudgetExceededException;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.CostEstimate;
import dev.neuronscribe.simulate.Engine;
import dev.neuronscribe.simulate.ExcerptScorer;
import dev.neuronscribe.simulate.Scorer;
import dev.neuronscribe.simulate.Scorers;
import dev.neuronscribe.simulate.ScoringSet;
import dev.neuronscribe.simulate.Simulator;
import dev.neuronscribe.simulate.Verdicts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an experiment: the run file's cross product of neuron sets × formats × explainers × simulators ×
 * evaluations, as units of work in the run's store. Each target (a neuron or a puzzle) is worked on in
 * its own virtual thread, at most {@code parallel} at once; within it every (format, explainer) goes
 * explain → simulate and score → similarity. Units already done are skipped; failed ones are retried;
 * new explanations invalidate what was computed from the old ones. When the budget refuses a request,
 * no new unit starts and everything finished is kept; the results are then read with {@link ExperimentResults}.
 */
public final class Experiment {
  /** Hears about progress: a total, then one step per finished unit with the run's spend so far. */
  public interface Progress {
    void start(String task, long total, long alreadyDone);

    void step(CostMeter.Snapshot spend);

    void end();

    void note(String message);

    Progress NONE = new Progress() {
      @Override
      public void start(String task, long total, long alreadyDone) {}

      @Override
      public void step(CostMeter.Snapshot spend) {}

      @Override
      public void end() {}

      @Override
      public void note(String message) {}
    };
  }

  /** How a run ended. {@code firstFailures}: up to ten failed units with their reasons. */
  public record Outcome(int units, int alreadyDone, int done, int failed, Optional<String> stoppedBecause, double elapsedSeconds,
      CostMeter.Snapshot spend, List<String> firstFailures, List<String> retries) {
    public Outcome {
      firstFailures = List.copyOf(firstFailures);
      retries = List.copyOf(retries);
    }

    public boolean complete() {
      return stoppedBecause.isEmpty() && failed == 0 && done + alreadyDone == units;
    }
  }

  private final RunSpec spec;

  public Experiment(RunSpec spec) {
    this.spec = spec;
  }

  public RunSpec spec() {
    return spec;
  }

  /** Runs what is missing. The results are then in the store ({@link ExperimentResults#read}). */
  public Outcome run(Progress progress) {
    Plan plan = new Plan(spec);
    try (ExperimentStore store = ExperimentStore.open(spec.store()); Models models = new Models(spec, false)) {
      Settings.check(spec, models.pack, store);
      // Build every client now: a missing key or a bad URL stops the run before any work starts.
      // A local model that chats (every explainer; chat-based simulators) needs a chat template: one line, exit 2, before any work.
      for (Backend b : spec.explainers()) if (!b.baseline()) models.requireChat(b);
      if (spec.evaluations().contains(RunSpec.Evaluation.SIMULATE_SCORE)) {
        for (RunSpec.SimulatorChoice s : spec.simulators()) {
          if (s.backend().baseline()) continue;
          models.client(s.backend(), true);
          if (!s.method().equals("all-at-once")) models.requireChat(s.backend());
        }
      }
      Map<ExperimentStore.Key, ExperimentStore.Unit> existing = new java.util.concurrent.ConcurrentHashMap<>();
      for (ExperimentStore.Unit u : store.units()) existing.put(u.key(), u);
      List<ExperimentStore.Key> all = plan.units();
      int alreadyDone = (int) all.stream().filter(k -> existing.containsKey(k) && existing.get(k).done()).count();
      long session = store.startSession();
      long t0 = System.nanoTime();
      Runner runner = new Runner(plan, store, models, existing, progress);
      progress.start("experiment " + spec.name(), all.size(), alreadyDone);
      try {
        runner.runAll();
      } finally {
        progress.end();
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      CostMeter.Snapshot spend = models.meter.snapshot();
      store.endSession(session, runner.done.get(), runner.failed.get(), elapsed, spend.requests(), spend.dollars(), runner.stoppedBecause);
      List<String> retries = new ArrayList<>();
      for (OpenAiCompatibleClient c : models.clients()) if (!c.retries().isEmpty()) retries.add(c.name() + " retries: " + c.retries());
      return new Outcome(all.size(), alreadyDone, runner.done.get(), runner.failed.get(), runner.stoppedBecause, elapsed, spend,
          runner.firstFailures(), retries);
    }
  }

  /** What a dry run found: requests, tokens and the dollar upper bound per step and model. Sends nothing. */
  public CostEstimate estimate() {
    Plan plan = new Plan(spec);
    Map<ExperimentStore.Key, ExperimentStore.Unit> existing = new HashMap<>();
    if (java.nio.file.Files.isRegularFile(spec.store().resolve(ExperimentStore.FILE))) {
      try (ExperimentStore store = ExperimentStore.open(spec.store())) {
        for (ExperimentStore.Unit u : store.units()) existing.put(u.key(), u);
      }
    }
    try (Models models = new Models(spec, true)) {
      return new DryRun(plan, models, existing).estimate();
    }
  }

  /** Counts of units per step: done, failed and still to do. */
  public record StepStatus(String step, int done, int failed, int missing) {}

  public List<StepStatus> status() {
    Plan plan = new Plan(spec);
    Map<ExperimentStore.Key, ExperimentStore.Unit> existing = new HashMap<>();
    if (java.nio.file.Files.isRegularFile(spec.store().resolve(ExperimentStore.FILE))) {
      try (ExperimentStore store = ExperimentStore.open(spec.store())) {
        for (ExperimentStore.Unit u : store.units()) existing.put(u.key(), u);
      }
    }
    return ExperimentResults.status(plan.units(), existing);
  }

  // ---- the work ------------------------------------------------------------------------------

  private final class Runner {
    final Plan plan;
    final ExperimentStore store;
    final Models models;
    final Map<ExperimentStore.Key, ExperimentStore.Unit> existing;
    final Progress progress;
    Optional<String> stoppedBecause = Optional.empty();
    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final List<String> failures = new ArrayList<>();

    Runner(Plan plan, ExperimentStore store, Models models, Map<ExperimentStore.Key, ExperimentStore.Unit> existing, Progress progress) {
      this.plan = plan;
      this.store = store;
      this.models = models;
      this.existing = existing;
      this.progress = progress;
    }

    synchronized List<String> firstFailures() {
      return List.copyOf(failures);
    }

    /** The engine runs one unit per target with work left; within it, every (format, explainer) chain. */
    void runAll() {
      Iterable<Engine.Unit> units = () -> plan.sets.stream()
          .flatMap(sp -> sp.targets().stream().<Engine.Unit>map(t -> new Engine.Unit() {
            @Override
            public boolean done() {
              return plan.units(sp, t).stream().allMatch(Runner.this::isDone);
            }

            @Override
            public Engine.Result run(Engine.Control control) throws InterruptedException {
              if (control.stopping()) return Engine.Result.NOT_STARTED;
              target(sp, t, control);
              return Engine.Result.DONE; // the units of the target are counted one by one in finish and fail
            }
          }))
          .iterator();
      stoppedBecause = new Engine(spec.parallel()).run(units, Engine.Listener.NONE).stoppedBecause();
    }

    boolean isDone(ExperimentStore.Key k) {
      ExperimentStore.Unit u = existing.get(k);
      return u != null && u.done();
    }

    /** One target: read it once, then every (format, explainer) chain in parallel. */
    void target(Plan.SetPlan sp, Target t, Engine.Control control) throws InterruptedException {
      Explainee e;
      try {
        e = sp.explainee(t);
      } catch (RuntimeException ex) {
        for (ExperimentStore.Key k : plan.units(sp, t)) {
          if (!isDone(k)) fail(k, "cannot read the target: " + ex.getMessage(), ExperimentStore.Cost.offline("", 0));
        }
        return;
      }
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> futures = new ArrayList<>();
        for (PromptFormat f : spec.formats()) {
          for (Backend b : spec.explainers()) {
            futures.add(pool.submit(() -> {
              chain(sp, t, e, f, b, control);
              return null;
            }));
          }
        }
        for (Future<?> fu : futures) {
          try {
            fu.get();
          } catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException re) throw re;
            if (ex.getCause() instanceof InterruptedException ie) throw ie;
            throw new IllegalStateException(ex.getCause());
          }
        }
      }
    }

    void chain(Plan.SetPlan sp, Target t, Explainee e, PromptFormat f, Backend b, Engine.Control control) throws InterruptedException {
      List<ExperimentStore.Key> keys = plan.chain(sp, t, f, b);
      ExperimentStore.Key explainKey = keys.getFirst();
      List<Explanation> explanations;
      try {
        if (isDone(explainKey)) {
          explanations = Results.explanations(existing.get(explainKey).result(), store.file() + " (" + explainKey + ")");
        } else {
          if (control.stopping()) return;
          UnitMeter m = new UnitMeter(models.prices);
          Explainer x = models.explainer(b, m);
          long t0 = System.nanoTime();
          List<String> errors;
          try {
            explanations = x.explain(f, e, plan.samples(sp));
            errors = explanations.stream().filter(z -> !z.ok()).map(z -> "sample " + z.sample() + ": " + z.error().orElseThrow()).toList();
          } catch (BudgetExceededException ex) {
            throw ex;
          } catch (RuntimeException ex) {
            // Bad input for this target (e.g. a record the format cannot render): its unit fails with the reason, the run goes on.
            explanations = List.of();
            errors = List.of(ex.getMessage() != null ? ex.getMessage() : ex.toString());
          }
          double wall = (System.nanoTime() - t0) / 1e9;
          // Dependents first: a crash between the two writes then redoes them, never keeps stale ones.
          store.deleteDependents(sp.set().name(), t.key(), f.id(), b.label());
          for (ExperimentStore.Key k : keys.subList(1, keys.size())) existing.remove(k);
          boolean ok = errors.isEmpty() && explanations.size() == plan.samples(sp);
          finish(explainKey, ok, ok ? "" : String.join("; ", errors), Results.explanationsJson(explanations), Optional.empty(), m.cost(x.name(), wall));
          if (!ok) {
            for (ExperimentStore.Key k : keys.subList(1, keys.size())) {
              fail(k, "not evaluated: the explanations failed (" + String.join("; ", errors) + ")", ExperimentStore.Cost.offline("", 0));
            }
            return;
          }
        }
        for (ExperimentStore.Key k : keys.subList(1, keys.size())) {
          if (isDone(k)) continue;
          if (control.stopping()) return;
          switch (k.step()) {
            case Steps.SIMULATE -> simulate(k, t, e, explanations);
            case Steps.SIMILARITY -> similarity(k, sp, t, f, explanations);
            default -> {
              if (!Steps.scorer(k.step())) throw new IllegalStateException("unknown step " + k.step());
              excerptScore(k, e, explanations);
            }
          }
        }
      } catch (BudgetExceededException ex) {
        control.stop(ex.getMessage());
      }
    }

    void simulate(ExperimentStore.Key k, Target t, Explainee e, List<Explanation> explanations) throws InterruptedException {
      RunSpec.SimulatorChoice choice = spec.simulators().stream().filter(s -> s.label().equals(k.method())).findFirst().orElseThrow();
      UnitMeter m = new UnitMeter(models.prices);
      Simulator sim = models.simulator(choice, m);
      long t0 = System.nanoTime();
      Scorer.Scored s;
      try {
        s = Scorer.simulation(sim).score(e, explanations);
      } catch (BudgetExceededException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        fail(k, "internal error: " + ex, m.cost(sim.name(), (System.nanoTime() - t0) / 1e9));
        return;
      }
      // The offline simulator's time is its turns at the CPU; a model server's, the elapsed time of its calls.
      double wall = choice.method().equals(Backend.BASELINE) ? m.busySeconds() : (System.nanoTime() - t0) / 1e9;
      boolean ok = s.failures().isEmpty() && !s.results().scoredExplanations().isEmpty();
      String reason = ok ? "" : s.failures().isEmpty() ? "no explanation to simulate" : String.join("; ", s.failures());
      finish(k, ok, reason, Results.simulationJson(s.results()), Optional.of(dev.neuronscribe.simulate.NeuronSimulationResultsJson.toJsonLine(s.results())),
          m.cost(sim.name(), wall));
    }

    /** One of the excerpt scorers (the step names it) on the target's explanations, with the simulator choice's backend. */
    void excerptScore(ExperimentStore.Key k, Explainee e, List<Explanation> explanations) {
      RunSpec.SimulatorChoice choice = spec.simulators().stream().filter(s -> s.label().equals(k.method())).findFirst().orElseThrow();
      UnitMeter m = new UnitMeter(models.prices);
      long t0 = System.nanoTime();
      ExcerptScorer scorer;
      List<String> texts = Results.texts(explanations);
      List<Verdicts> verdicts = new ArrayList<>();
      try {
        scorer = models.excerptScorer(k.step(), choice, m);
        ScoringSet set = ScoringSet.of(e, Scorers.DEFAULT_QUANTILES, spec.seed());
        for (String text : texts) verdicts.add(scorer.score(text, set));
      } catch (BudgetExceededException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        fail(k, k.step() + " failed: " + ex.getMessage(), m.cost(k.method(), (System.nanoTime() - t0) / 1e9));
        return;
      }
      double wall = choice.method().equals(Backend.BASELINE) ? m.busySeconds() : (System.nanoTime() - t0) / 1e9;
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < verdicts.size(); i++) {
        if (Scorers.headline(verdicts.get(i)).isEmpty()) {
          failures.add("\"" + texts.get(i) + "\": " + (verdicts.get(i).failures().isEmpty() ? "no figure (one class only)" : String.join("; ", verdicts.get(i).failures())));
        }
      }
      boolean ok = !texts.isEmpty() && failures.isEmpty();
      String reason = texts.isEmpty() ? "no explanation to score" : String.join("; ", failures);
      finish(k, ok, reason, Results.scorerJson(texts, verdicts), Optional.empty(), m.cost(scorer.name(), wall));
    }

    void similarity(ExperimentStore.Key k, Plan.SetPlan sp, Target t, PromptFormat f, List<Explanation> explanations) {
      UnitMeter m = new UnitMeter(models.prices);
      String result;
      Models.UnitEmbeddings model = models.embeddings(m);
      try {
        result = switch (t) {
          case Target.Puzzle p -> Results.puzzleSimilarity(model, sp.puzzleByName().get(p.name()), f, explanations);
          case Target.Neuron n -> Results.neuronSimilarity(model, n.id(), sp.references().get(t), f, explanations);
        };
      } catch (BudgetExceededException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        fail(k, "embedding failed: " + ex.getMessage(), m.cost(models.embeddingName(), m.busySeconds()));
        return;
      }
      finish(k, true, "", result, Optional.empty(), m.cost(models.embeddingName(), m.busySeconds()));
    }

    void finish(ExperimentStore.Key k, boolean ok, String reason, String result, Optional<String> detail, ExperimentStore.Cost cost) {
      if (!ok) {
        fail(k, reason.isEmpty() ? "failed" : reason, cost, result, detail);
        return;
      }
      store.put(k, ExperimentStore.Status.DONE, "", result, detail, cost);
      existing.put(k, new ExperimentStore.Unit(k, ExperimentStore.Status.DONE, "", result, cost, java.time.Instant.now()));
      done.incrementAndGet();
      progress.step(models.meter.snapshot());
    }

    void fail(ExperimentStore.Key k, String reason, ExperimentStore.Cost cost) {
      fail(k, reason, cost, "{}", Optional.empty());
    }

    void fail(ExperimentStore.Key k, String reason, ExperimentStore.Cost cost, String result, Optional<String> detail) {
      store.put(k, ExperimentStore.Status.FAILED, reason, result, detail, cost);
      existing.put(k, new ExperimentStore.Unit(k, ExperimentStore.Status.FAILED, reason, result, cost, java.time.Instant.now()));
      failed.incrementAndGet();
      synchronized (this) {
        if (failures.size() < 10) failures.add(k.step() + " " + k.set() + " " + k.target() + " " + k.format() + " " + k.explainer()
            + (k.method().isEmpty() ? "" : " " + k.method()) + ": " + reason);
      }
      progress.step(models.meter.snapshot());
    }
  }
}
