package dev.neuronscribe.experiment;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.evaluate.PuzzleScoring;
import dev.neuronscribe.evaluate.ScoreTable;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.CsvWriter;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What an experiment's store holds, read back as values for reports and other tools: per neuron set
 * and explainer the scores of each evaluation as {@link ScoreTable}s (items × formats, NaN where there
 * is no score), the explanations, the puzzles' runs, every unit's cost, the failures and the status.
 * Only the run file's current cross product is read. Also writes the exports under {@code STORE/results/}.
 */
public final class ExperimentResults {
  /** The evaluations, as the report names and orders them. */
  public enum Kind { SIMULATE_SCORE, SIMILARITY, PUZZLE_SIMILARITY, PUZZLE_DISCRIMINATION }

  /** A neuron set as run: its targets in order, and per target the reference (ground truth) when there is one. */
  public record SetInfo(String name, boolean puzzles, List<Target> targets, Map<Target, String> references, Optional<Path> source,
      Optional<Path> referenceFile) {
    public SetInfo {
      targets = List.copyOf(targets);
      references = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(references));
    }

    public String itemKind() {
      return puzzles ? "puzzle" : "neuron";
    }

    /** Whether the references are a planted model's ground truths (rather than someone's explanations). */
    public boolean plantedReferences() {
      return referenceFile.map(p -> p.getFileName().toString().equals("planted.json") || Files.isDirectory(p)).orElse(false);
    }
  }

  /** One evaluation's scores, and how many (item, format) pairs have none, by reason. */
  public record Scores(ScoreTable table, int scored, int failed, int missing, int undefined) {}

  /** What one unit cost: the input of the paper's Table 7. {@code dollars} empty: a hosted model without a price. */
  public record UnitCost(String step, PromptFormat format, String model, String target, long promptTokens, long completionTokens,
      OptionalDouble dollars, double wallSeconds) {}

  public record Failure(String step, String set, String target, String format, String backends, String reason) {}

  /** Sessions so far: how many, their elapsed time and what was paid. */
  public record Sessions(int count, double elapsedSeconds, double dollars) {}

  private final RunSpec spec;
  private final Plan plan;
  private final Path storeFile;
  private final String packName;
  private final Map<ExperimentStore.Key, ExperimentStore.Unit> units = new HashMap<>();
  private final Sessions sessions;

  private ExperimentResults(RunSpec spec, Plan plan, ExperimentStore store, String packName) {
    this.spec = spec;
    this.plan = plan;
    this.storeFile = store.file();
    this.packName = packName;
    store.units().forEach(u -> units.put(u.key(), u));
    ExperimentStore.Sessions s = store.sessions();
    this.sessions = new Sessions(s.count(), s.elapsedSeconds(), s.dollars());
  }

  /** Reads the run's store (which must exist), then writes the exports. */
  public static ExperimentResults read(RunSpec spec) {
    if (!Files.isRegularFile(spec.store().resolve(ExperimentStore.FILE))) {
      throw new InvalidInputException(spec.store().toString(), "holds no experiment store yet; run 'scribe experiment run " + spec.source() + "' first");
    }
    Plan plan = new Plan(spec);
    PromptPack pack = spec.pack().map(PromptPack::load).orElseGet(PromptPack::builtIn);
    try (ExperimentStore store = ExperimentStore.open(spec.store())) {
      ExperimentResults r = new ExperimentResults(spec, plan, store, pack.name());
      r.export(store);
      return r;
    }
  }

  public RunSpec spec() {
    return spec;
  }

  public Path storeFile() {
    return storeFile;
  }

  public String packName() {
    return packName;
  }

  public Sessions sessions() {
    return sessions;
  }

  public List<SetInfo> sets() {
    List<SetInfo> out = new ArrayList<>();
    for (Plan.SetPlan sp : plan.sets) {
      Optional<Path> source = switch (sp.set()) {
        case RunSpec.PuzzleSet p -> p.file();
        case RunSpec.RecordSet r -> Optional.of(r.records());
      };
      Optional<Path> refs = sp.set() instanceof RunSpec.RecordSet r ? r.references() : Optional.empty();
      out.add(new SetInfo(sp.set().name(), sp.puzzles(), sp.targets(), sp.references(), source, refs));
    }
    return out;
  }

  /** Units done, failed and still to do, per step. */
  public List<Experiment.StepStatus> status() {
    return status(plan.units(), units);
  }

  static List<Experiment.StepStatus> status(List<ExperimentStore.Key> planned, Map<ExperimentStore.Key, ExperimentStore.Unit> existing) {
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (String s : List.of(Steps.EXPLAIN, Steps.SIMULATE, Steps.SIMILARITY)) counts.put(s, new int[3]);
    for (ExperimentStore.Key k : planned) {
      ExperimentStore.Unit u = existing.get(k);
      counts.get(k.step())[u == null ? 2 : u.done() ? 0 : 1]++;
    }
    List<Experiment.StepStatus> out = new ArrayList<>();
    counts.forEach((step, c) -> {
      if (c[0] + c[1] + c[2] > 0) out.add(new Experiment.StepStatus(Steps.label(step), c[0], c[1], c[2]));
    });
    return out;
  }

  /** The paper's names for the formats, used as column and series names. */
  public static String display(PromptFormat f) {
    return switch (f) {
      case ORIGINAL -> "Original";
      case SUMMARY -> "Summary";
      case HIGHLIGHT -> "Highlight";
      case HIGHLIGHT_SUMMARY -> "HighlightSummary";
      case AVHS -> "AVHS";
    };
  }

  public List<String> formatNames() {
    return spec.formats().stream().map(ExperimentResults::display).toList();
  }

  /** How reports name a target: {@code 1:1}, or the puzzle's name. */
  public static String item(Target t) {
    return switch (t) {
      case Target.Neuron n -> n.id().toString();
      case Target.Puzzle p -> p.name();
    };
  }

  /** The embedding model's name as it appears in metrics. */
  public String embeddingName() {
    return spec.embeddings().endpoint().map(Backend::model).orElse(dev.neuronscribe.llm.MiniLmEmbeddings.NAME);
  }

  /**
   * One evaluation of one (set, explainer) as items × formats; for simulate-and-score, of one simulator.
   * Targets without a unit for the evaluation (a neuron without a reference) are left out.
   */
  public Scores scores(SetInfo set, Backend explainer, Kind kind, Optional<RunSpec.SimulatorChoice> simulator, String metric) {
    Plan.SetPlan sp = setPlan(set.name());
    String step = kind == Kind.SIMULATE_SCORE ? Steps.SIMULATE : Steps.SIMILARITY;
    String method = kind == Kind.SIMULATE_SCORE ? simulator.orElseThrow().label() : spec.embeddings().label();
    String field = switch (kind) {
      case SIMULATE_SCORE -> "score";
      case SIMILARITY, PUZZLE_SIMILARITY -> "similarity";
      case PUZZLE_DISCRIMINATION -> "discrimination";
    };
    List<ScoreTable.Row> rows = new ArrayList<>();
    int failed = 0, missing = 0, undefined = 0, scored = 0;
    for (Target t : sp.targets()) {
      if (step.equals(Steps.SIMILARITY) && !sp.similarity(spec, t)) continue;
      double[] v = new double[spec.formats().size()];
      for (int i = 0; i < v.length; i++) {
        ExperimentStore.Unit u = units.get(new ExperimentStore.Key(step, sp.set().name(), t.key(), spec.formats().get(i).id(), explainer.label(), method));
        if (u == null) {
          v[i] = Double.NaN;
          missing++;
        } else if (!u.done()) {
          v[i] = Double.NaN;
          failed++;
        } else {
          v[i] = Results.number(u.result(), field);
          if (Double.isNaN(v[i])) undefined++;
          else scored++;
        }
      }
      rows.add(new ScoreTable.Row(item(t), Results.layer(t.key()), v));
    }
    return new Scores(new ScoreTable(metric, sp.itemKind(), formatNames(), rows), scored, failed, missing, undefined);
  }

  /** Every explanation of each target and format (samples or puzzle runs, in order); formats without a done or failed unit are absent. */
  public Map<Target, Map<PromptFormat, List<String>>> explanations(SetInfo set, Backend explainer) {
    Map<Target, Map<PromptFormat, List<String>>> out = new LinkedHashMap<>();
    for (Target t : set.targets()) {
      Map<PromptFormat, List<String>> byFormat = new LinkedHashMap<>();
      for (PromptFormat f : spec.formats()) {
        ExperimentStore.Unit u = units.get(new ExperimentStore.Key(Steps.EXPLAIN, set.name(), t.key(), f.id(), explainer.label(), ""));
        if (u == null) continue;
        byFormat.put(f, Results.texts(Results.explanations(u.result(), storeFile.toString())));
      }
      out.put(t, byFormat);
    }
    return out;
  }

  /** Every scored puzzle run of a (set, explainer), for the per-puzzle table. */
  public List<PuzzleScoring.Run> puzzleRuns(SetInfo set, Backend explainer) {
    List<PuzzleScoring.Run> runs = new ArrayList<>();
    for (Target t : set.targets()) {
      for (PromptFormat f : spec.formats()) {
        ExperimentStore.Unit u = units.get(new ExperimentStore.Key(Steps.SIMILARITY, set.name(), t.key(), f.id(), explainer.label(), spec.embeddings().label()));
        if (u != null && u.done()) runs.addAll(Results.puzzleRuns(u.result(), item(t), display(f)));
      }
    }
    return runs;
  }

  /** The cost of every unit of a set that ran (done or failed), in step, format, target order. */
  public List<UnitCost> costs(SetInfo set) {
    Plan.SetPlan sp = setPlan(set.name());
    Set<ExperimentStore.Key> planned = new HashSet<>();
    for (Target t : sp.targets()) planned.addAll(plan.units(sp, t));
    List<UnitCost> out = new ArrayList<>();
    for (ExperimentStore.Key k : planned.stream().sorted(Comparator.comparing((ExperimentStore.Key k) -> order(k.step()))
        .thenComparing(k -> PromptFormat.parse(k.format()).ordinal()).thenComparing(ExperimentStore.Key::explainer)
        .thenComparing(ExperimentStore.Key::method).thenComparing(ExperimentStore.Key::target)).toList()) {
      ExperimentStore.Unit u = units.get(k);
      if (u == null || u.cost().model().isEmpty()) continue;
      ExperimentStore.Cost c = u.cost();
      out.add(new UnitCost(Steps.label(k.step()), PromptFormat.parse(k.format()), c.model(), k.target(), c.promptTokens(), c.completionTokens(),
          c.dollars(), c.wallSeconds()));
    }
    return out;
  }

  private static int order(String step) {
    return switch (step) {
      case Steps.EXPLAIN -> 0;
      case Steps.SIMULATE -> 1;
      default -> 2;
    };
  }

  /** The failed units of the current cross product. */
  public List<Failure> failures() {
    Set<ExperimentStore.Key> planned = new HashSet<>(plan.units());
    List<Failure> out = new ArrayList<>();
    for (ExperimentStore.Unit u : units.values().stream().sorted(Comparator.comparing(u -> u.key().toString())).toList()) {
      if (u.done() || !planned.contains(u.key())) continue;
      ExperimentStore.Key k = u.key();
      out.add(new Failure(Steps.label(k.step()), k.set(), k.target(), display(PromptFormat.parse(k.format())),
          k.explainer() + (k.method().isEmpty() ? "" : " / " + k.method()), u.reason()));
    }
    return out;
  }

  private Plan.SetPlan setPlan(String name) {
    return plan.sets.stream().filter(s -> s.set().name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException("no neuron set '" + name + "'"));
  }

  // ---- exports -------------------------------------------------------------------------------

  /** Explanations as the paper's CSVs and simulations as OpenAI's JSON lines, for other tools. */
  private void export(ExperimentStore store) {
    for (SetInfo set : sets()) {
      for (Backend b : spec.explainers()) {
        Path dir = spec.store().resolve("results").resolve(set.name()).resolve(safe(b.label()));
        Map<Target, Map<PromptFormat, List<String>>> all = explanations(set, b);
        if (all.values().stream().allMatch(Map::isEmpty)) continue;
        CsvWriter csv;
        if (set.puzzles()) {
          List<String> header = new ArrayList<>(List.of("Puzzle id", "GT Explanation"));
          header.addAll(formatNames());
          csv = CsvWriter.withHeader(header);
          for (var e : all.entrySet()) {
            int runs = e.getValue().values().stream().mapToInt(List::size).max().orElse(0);
            for (int r = 0; r < runs; r++) {
              List<String> row = new ArrayList<>(List.of(item(e.getKey()), set.references().getOrDefault(e.getKey(), "")));
              for (PromptFormat f : spec.formats()) {
                List<String> texts = e.getValue().getOrDefault(f, List.of());
                row.add(r < texts.size() ? texts.get(r) : "");
              }
              csv.row(row);
            }
          }
        } else {
          List<String> header = new ArrayList<>(List.of("Layer", "Neuron"));
          header.addAll(formatNames());
          csv = CsvWriter.withHeader(header);
          for (var e : all.entrySet()) {
            NeuronId id = ((Target.Neuron) e.getKey()).id();
            List<String> row = new ArrayList<>(List.of(Integer.toString(id.layer()), Integer.toString(id.neuron())));
            for (PromptFormat f : spec.formats()) {
              List<String> texts = e.getValue().getOrDefault(f, List.of());
              row.add(texts.isEmpty() ? "" : texts.getFirst());
            }
            csv.row(row);
          }
        }
        csv.writeTo(dir.resolve("explanations.csv"));
        if (!spec.evaluations().contains(RunSpec.Evaluation.SIMULATE_SCORE)) continue;
        for (RunSpec.SimulatorChoice s : spec.simulators()) {
          for (PromptFormat f : spec.formats()) {
            StringBuilder lines = new StringBuilder();
            for (Target t : set.targets()) {
              store.detail(new ExperimentStore.Key(Steps.SIMULATE, set.name(), t.key(), f.id(), b.label(), s.label()))
                  .ifPresent(line -> lines.append(line).append('\n'));
            }
            if (!lines.isEmpty()) AtomicFiles.writeString(dir.resolve(safe(s.label())).resolve(f.id() + ".simulations.jsonl"), lines.toString());
          }
        }
      }
    }
  }

  /** A label as a folder name. */
  public static String safe(String label) {
    return label.replaceAll("[^A-Za-z0-9._-]+", "_");
  }

  /** Whether every target explained in two or more formats got the same explanations in each: how many such targets, else 0. */
  public int sameInEveryFormat(Map<Target, Map<PromptFormat, List<String>>> all) {
    if (spec.formats().size() < 2) return 0;
    int compared = 0;
    for (Map<PromptFormat, List<String>> byFormat : all.values()) {
      if (byFormat.size() < 2) continue;
      compared++;
      if (new LinkedHashSet<>(byFormat.values()).size() > 1) return 0;
    }
    return compared;
  }
}
