package dev.neuronscribe.simulate;

import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.prompts.PromptFormat;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code explain}, {@code simulate} and {@code pipeline} presets of the run {@link Engine}, over a run
 * directory (OUT/&lt;format&gt;/explanations.jsonl, simulations.jsonl, failures.jsonl): one unit per (target,
 * format), explain → score. What is already in the run directory is skipped, so a rerun does only what is
 * missing or failed (and replays paid replies from the response cache). When the budget is reached no new
 * unit starts, the units in flight finish, and everything is saved.
 */
public final class Pipeline {
  /** Which stages to run. */
  public enum Stages { EXPLAIN, SIMULATE, BOTH }

  /** How one run ended. */
  public record Summary(int units, int skipped, int done, int failed, Optional<String> stoppedBecause) {}

  /** The step names a dry run reports, as the experiment's (the paper's Table 7 calls the second "simulate and score"). */
  public static final String EXPLAIN_STEP = "explain";
  public static final String SCORE_STEP = "simulate and score";

  private final Path runDir;
  private final Optional<Explainer> explainer;
  private final Optional<Scorer> scorer;
  private final int samples;
  private final Engine engine;

  public Pipeline(Path runDir, Optional<Explainer> explainer, Optional<Scorer> scorer, int samples, int parallelUnits) {
    if (samples < 1) throw new IllegalArgumentException("samples must be at least 1");
    this.runDir = runDir;
    this.explainer = explainer;
    this.scorer = scorer;
    this.samples = samples;
    this.engine = new Engine(parallelUnits);
  }

  /**
   * Runs the stages; {@code onUnit} is told after each unit of work (for progress). The explainees are
   * read one by one as the engine reaches them, so a lazy {@code Iterable} keeps memory bounded.
   *
   * @throws IllegalStateException when simulating targets that have no explanations yet
   */
  public Summary run(Iterable<Explainee> explainees, List<PromptFormat> formats, Stages stages, Consumer<Target> onUnit) {
    boolean explain = stages != Stages.SIMULATE;
    boolean score = stages != Stages.EXPLAIN;
    if (explain && explainer.isEmpty()) throw new IllegalArgumentException("explaining needs an explainer");
    if (score && scorer.isEmpty()) throw new IllegalArgumentException("simulating needs a simulator");
    List<FormatStore> stores = formats.stream().map(f -> new FormatStore(runDir, f)).toList();
    Thread saveOnExit = new Thread(() -> stores.forEach(FormatStore::save));
    Runtime.getRuntime().addShutdownHook(saveOnExit);
    Engine.Summary s;
    try {
      Iterable<Unit> units = () -> new Iterator<>() {
        private final Iterator<Explainee> targets = explainees.iterator();
        private Explainee current;
        private int format = stores.size();

        @Override
        public boolean hasNext() {
          return format < stores.size() || (!stores.isEmpty() && targets.hasNext());
        }

        @Override
        public Unit next() {
          if (format >= stores.size()) {
            current = targets.next();
            format = 0;
          }
          return new Unit(current, stores.get(format++), explain, score);
        }
      };
      s = engine.run(units, new Engine.Listener() {
        @Override
        public void skipped(Engine.Unit unit) {
          onUnit.accept(((Unit) unit).explainee.target());
        }

        @Override
        public void finished(Engine.Unit unit, Engine.Result result) {
          onUnit.accept(((Unit) unit).explainee.target());
        }
      });
    } finally {
      stores.forEach(FormatStore::save);
      try {
        Runtime.getRuntime().removeShutdownHook(saveOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run; it saves the same state
      }
    }
    return new Summary(s.units(), s.skipped(), s.done(), s.failed(), s.stoppedBecause());
  }

  /** One (target, format): explain if asked and not yet done, then score if asked and not yet done. */
  private final class Unit implements Engine.Unit {
    final Explainee explainee;
    final FormatStore store;
    final boolean explain;
    final boolean score;

    Unit(Explainee explainee, FormatStore store, boolean explain, boolean score) {
      this.explainee = explainee;
      this.store = store;
      this.explain = explain;
      this.score = score;
    }

    boolean needExplain() {
      return explain && !store.explained(explainee.target(), samples);
    }

    boolean needScore() {
      return score && (needExplain() || !store.simulated(explainee.target()));
    }

    @Override
    public boolean done() {
      return !needExplain() && !needScore();
    }

    @Override
    public Engine.Result run(Engine.Control control) throws InterruptedException {
      if (control.stopping()) return Engine.Result.NOT_STARTED;
      Target t = explainee.target();
      boolean explainNow = needExplain();
      boolean scoreNow = needScore();
      if (explainNow) store.putExplanations(t, explainer.orElseThrow().explain(store.format, explainee, samples));
      List<Explanation> explanations = store.explanations(t);
      boolean allExplained = explanations.size() >= samples && explanations.stream().allMatch(Explanation::ok);
      if (!scoreNow) return allExplained ? Engine.Result.DONE : Engine.Result.FAILED;
      if (explanations.isEmpty()) {
        throw new IllegalStateException("there is no explanation of " + t.key() + " in format " + store.format.id()
            + " under " + runDir + "; run 'scribe explain' first (or 'scribe pipeline')");
      }
      Scorer.Scored s = scorer.orElseThrow().score(explainee, explanations);
      store.putSimulation(t, s.results(), s.failures());
      return allExplained && s.failures().isEmpty() ? Engine.Result.DONE : Engine.Result.FAILED;
    }
  }

  /**
   * The dry run of this preset: what the units still to do would send, request by request, built as the
   * run would build them (explanations already in the run directory are used to size simulations; for
   * targets not explained yet, {@code samples} placeholders of typical length). Sends nothing.
   */
  public CostEstimate estimate(Iterable<Explainee> explainees, List<PromptFormat> formats, Stages stages, CostEstimate.Tally tally) {
    boolean explain = stages != Stages.SIMULATE;
    boolean score = stages != Stages.EXPLAIN;
    for (PromptFormat f : formats) {
      FormatStore store = new FormatStore(runDir, f);
      for (Explainee e : explainees) {
        Target t = e.target();
        boolean needExplain = explain && !store.explained(t, samples);
        boolean needScore = score && (needExplain || !store.simulated(t));
        if (explain && !needExplain) tally.alreadyDone(1);
        if (score && !needScore) tally.alreadyDone(1);
        if (needExplain) {
          Explainer x = explainer.orElseThrow();
          x.estimate(f, e, samples).ifPresentOrElse(p -> tally.unit(EXPLAIN_STEP, List.of(p)), () -> tally.offline(EXPLAIN_STEP, x.name()));
        }
        if (needScore) {
          List<String> texts = needExplain ? List.of()
              : store.explanations(t).stream().filter(Explanation::ok).map(x -> x.text().orElseThrow()).toList();
          if (texts.isEmpty()) texts = Collections.nCopies(samples, CostEstimate.PLACEHOLDER);
          Scorer sc = scorer.orElseThrow();
          List<LlmClient.Planned> requests = sc.estimate(e, texts);
          if (requests.isEmpty()) tally.offline(SCORE_STEP, sc.name());
          else tally.unit(SCORE_STEP, requests);
        }
      }
    }
    return tally.result();
  }

  /** The outputs of a run directory for one format, all in memory (small runs, reports); {@link RunScores} streams them. */
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
