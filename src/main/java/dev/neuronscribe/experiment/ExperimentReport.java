package dev.neuronscribe.experiment;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.evaluate.ComparisonSettings;
import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.PuzzleScoring;
import dev.neuronscribe.evaluate.RankSummary;
import dev.neuronscribe.evaluate.ScoreTable;
import dev.neuronscribe.evaluate.Summary;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.report.EvaluationSections;
import dev.neuronscribe.report.Report;
import dev.neuronscribe.report.ReportWriter;
import dev.neuronscribe.report.StepCost;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The report of an experiment, made from its store alone: per neuron set, explainer and evaluation the
 * format comparison (mean ± SEM with n, paired comparisons, distributions, means by layer), the puzzles'
 * Table 4 and our discrimination score, the rank summary across evaluations (Table 6), the explanations
 * themselves, the cost per 1,000 neurons by step and model (Table 7) and the failures. Also exports the
 * explanations (the paper's CSV layouts) and simulations (OpenAI's JSON lines) under {@code STORE/results/}.
 */
final class ExperimentReport {
  static final String NAME = "report";
  private static final int EXPLANATION_ROWS = 20;

  private final RunSpec spec;
  private final Plan plan;
  private final ExperimentStore store;
  private final PromptPack pack;
  private final Map<ExperimentStore.Key, ExperimentStore.Unit> units = new HashMap<>();
  private final ComparisonSettings settings;

  private ExperimentReport(RunSpec spec, Plan plan, ExperimentStore store, PromptPack pack) {
    this.spec = spec;
    this.plan = plan;
    this.store = store;
    this.pack = pack;
    store.units().forEach(u -> units.put(u.key(), u));
    this.settings = new ComparisonSettings(spec.bootstrap(), 0.95, spec.seed());
  }

  static ReportWriter.Written write(RunSpec spec, Plan plan, ExperimentStore store, PromptPack pack) {
    ExperimentReport r = new ExperimentReport(spec, plan, store, pack);
    r.export();
    return ReportWriter.write(r.build(), spec.store(), NAME);
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
  static String display(PromptFormat f) {
    return switch (f) {
      case ORIGINAL -> "Original";
      case SUMMARY -> "Summary";
      case HIGHLIGHT -> "Highlight";
      case HIGHLIGHT_SUMMARY -> "HighlightSummary";
      case AVHS -> "AVHS";
    };
  }

  private List<String> formatNames() {
    return spec.formats().stream().map(ExperimentReport::display).toList();
  }

  // ---- building ------------------------------------------------------------------------------

  /** One evaluation's comparison, for the summary table and Table 6. */
  private record Evaluated(String set, String explainer, String evaluation, FormatComparison comparison) {}

  private Report build() {
    List<Report.Section> sections = new ArrayList<>();
    List<Evaluated> evaluated = new ArrayList<>();
    List<Report.Section> detail = new ArrayList<>();
    for (Plan.SetPlan sp : plan.sets) {
      for (Backend b : spec.explainers()) detail.addAll(setSections(sp, b, evaluated));
    }
    sections.add(summary(evaluated));
    for (Plan.SetPlan sp : plan.sets) {
      for (Backend b : spec.explainers()) sections.add(explanationsSection(sp, b));
    }
    sections.addAll(detail);
    sections.addAll(rankSections(evaluated));
    sections.add(costSection());
    failures().ifPresent(sections::add);
    sections.add(method());
    return new Report("Experiment " + spec.name(), introduction(), sections);
  }

  private List<String> introduction() {
    List<String> intro = new ArrayList<>();
    if (!spec.description().isBlank()) intro.add(spec.description());
    List<String> sets = new ArrayList<>();
    for (Plan.SetPlan sp : plan.sets) {
      String what = switch (sp.set()) {
        case RunSpec.PuzzleSet p -> plural(sp.targets().size(), "puzzle") + " (" + p.file().map(f -> "`" + f.getFileName() + "`").orElse("built-in") + ")";
        case RunSpec.RecordSet r -> plural(sp.targets().size(), "neuron") + " from `" + r.records().getFileName() + "`"
            + (sp.references().isEmpty() ? "" : ", " + sp.references().size() + " with a reference explanation");
      };
      sets.add("**" + sp.set().name() + "**: " + what);
    }
    intro.add("Neuron sets: " + String.join("; ", sets) + ". Formats: " + String.join(", ", formatNames()) + ". Explainers: "
        + String.join(", ", spec.explainers().stream().map(Backend::label).toList()) + ". Simulators: "
        + String.join(", ", spec.simulators().stream().map(RunSpec.SimulatorChoice::label).toList()) + ". Evaluations: "
        + String.join(", ", spec.evaluations().stream().sorted().map(RunSpec.Evaluation::id).toList()) + ". "
        + spec.samples() + " explanation" + (spec.samples() == 1 ? "" : "s") + " per neuron and format, " + spec.puzzleRuns() + " runs per puzzle; "
        + "embeddings: " + spec.embeddings().label() + "; prompt pack: " + pack.name() + ".");
    List<Experiment.StepStatus> status = status(plan.units(), units);
    int done = status.stream().mapToInt(Experiment.StepStatus::done).sum();
    int failed = status.stream().mapToInt(Experiment.StepStatus::failed).sum();
    int missing = status.stream().mapToInt(Experiment.StepStatus::missing).sum();
    ExperimentStore.Sessions sessions = store.sessions();
    intro.add(String.format(Locale.ROOT, "Units of work: %d done, %d failed, %d not run yet%s. %d session%s, %.1f s in all, $%.4f paid to model providers "
            + "(replies replayed from the response cache cost nothing). Written %s.",
        done, failed, missing, missing > 0 ? " (rerun the experiment to do them)" : "", sessions.count(), sessions.count() == 1 ? "" : "s",
        sessions.elapsedSeconds(), sessions.dollars(), ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))));
    return intro;
  }

  private Report.Section summary(List<Evaluated> evaluated) {
    boolean explainers = spec.explainers().size() > 1;
    List<String> columns = new ArrayList<>(List.of("Set"));
    if (explainers) columns.add("Explainer");
    columns.addAll(List.of("Evaluation", "n"));
    columns.addAll(formatNames());
    List<List<String>> rows = new ArrayList<>();
    for (Evaluated e : evaluated) {
      List<String> row = new ArrayList<>(List.of(e.set()));
      if (explainers) row.add(e.explainer());
      row.add(e.evaluation());
      int n = formatNames().stream().mapToInt(f -> e.comparison().summary(f).summary().n()).max().orElse(0);
      row.add(Integer.toString(n));
      for (String f : formatNames()) {
        Summary s = e.comparison().summary(f).summary();
        row.add(s.n() == 0 ? "—" : fixed(s.mean()) + (Double.isNaN(s.sem()) ? "" : " ± " + fixed(s.sem())) + (s.n() == n ? "" : " [n=" + s.n() + "]"));
      }
      rows.add(row);
    }
    List<Report.Block> blocks = new ArrayList<>();
    if (rows.isEmpty()) {
      blocks.add(new Report.Paragraph("No evaluation has results yet."));
    } else {
      blocks.add(new Report.Table("Mean score per format in every evaluation", columns, rows,
          "column n: the neurons or puzzles scored; a format scored on fewer says so in brackets, [n=…]",
          "± standard error of the mean over neurons or puzzles (sample SD / √n); blank where n < 2",
          "per-item scores averaged over items; simulate and score: ev_correlation_score of the simulation (mean over an item's samples); "
              + "similarity: cosine similarity of embeddings; puzzles: similarity to the ground truth and share of false explanations beaten; "
              + "each evaluation's section has the paired tests"));
    }
    return new Report.Section("Summary", blocks);
  }

  private List<Report.Section> setSections(Plan.SetPlan sp, Backend b, List<Evaluated> evaluated) {
    List<Report.Section> out = new ArrayList<>();
    String set = sp.set().name();
    String explainer = b.label();
    List<String> common = commonNotes(sp, b);
    if (spec.evaluations().contains(RunSpec.Evaluation.SIMULATE_SCORE)) {
      for (RunSpec.SimulatorChoice s : spec.simulators()) {
        Table t = table(sp, b, Steps.SIMULATE, s.label(), "score", "ev_correlation_score (simulator " + s.label() + ")");
        String title = set + ": simulate and score" + by(b) + (spec.simulators().size() > 1 ? ", simulator " + s.label() : "");
        List<String> notes = new ArrayList<>(common);
        notes.add("Each " + sp.itemKind() + "'s score is the correlation between its true activations and the simulator's predictions over "
            + (sp.puzzles() ? "the puzzle's sentences" : "its 10 scoring excerpts (top-activating 2, 6, 10, 14, 18 and random 1, 4, 7, 10, 13)")
            + ", all tokens flattened; with several samples, the mean over them (the paper's Table 2 measure).");
        notes.addAll(t.notes());
        out.add(comparisonSection(title, t, notes, new Evaluated(set, explainer, "simulate and score"
            + (spec.simulators().size() > 1 ? " (" + s.label() + ")" : ""), null), evaluated));
      }
    }
    if (sp.puzzles() && spec.evaluations().contains(RunSpec.Evaluation.PUZZLES)) {
      String method = spec.embeddings().label();
      Table sim = table(sp, b, Steps.SIMILARITY, method, "similarity", "cosine similarity to the ground truth (" + embeddingName() + ")");
      Table disc = table(sp, b, Steps.SIMILARITY, method, "discrimination",
          "share of false explanations farther from the explanation than the ground truth (" + embeddingName() + ")");
      List<String> notes = new ArrayList<>(common);
      notes.add("Each puzzle was explained " + spec.puzzleRuns() + " times per format with all its sentences shown (cutoff 1); a puzzle's score is the mean over its runs, "
          + "and n counts puzzles, not runs, because runs of one puzzle are not independent (the paper's Table 4).");
      runNote(sp, b).ifPresent(notes::add);
      notes.addAll(sim.notes());
      out.add(comparisonSection(set + ": similarity to the ground truth (Table 4)" + by(b), sim, notes,
          new Evaluated(set, explainer, "puzzles: similarity to ground truth", null), evaluated));
      out.add(comparisonSection(set + ": closer to the ground truth than to the false explanations" + by(b), disc, List.of(
          "For each run and each of the puzzle's false explanations: is the generated explanation more similar to the ground truth than to the false one? "
              + "The score is the share of false explanations so beaten, averaged over runs (beyond the paper: it does not depend on where the "
              + "similarity scale sits)."), new Evaluated(set, explainer, "puzzles: closer to truth than to false", null), evaluated));
      puzzleDetail(sp, b, sim, disc).ifPresent(d -> out.add(new Report.Section(set + ": per puzzle" + by(b), List.of(d))));
    }
    if (!sp.puzzles() && spec.evaluations().contains(RunSpec.Evaluation.SIMILARITY) && !sp.references().isEmpty()) {
      boolean planted = referenceName(sp).startsWith("Ground truth");
      String what = planted ? "ground truth" : "reference explanation";
      Table sim = table(sp, b, Steps.SIMILARITY, spec.embeddings().label(), "similarity", "cosine similarity to the " + what + " (" + embeddingName() + ")");
      List<String> notes = new ArrayList<>(common);
      RunSpec.RecordSet r = (RunSpec.RecordSet) sp.set();
      notes.add((planted ? "Ground truths" : "References") + " from `" + r.references().map(Path::getFileName).map(Path::toString).orElse("") + "`: "
          + sp.references().size() + " of the set's " + plural(sp.targets().size(), "neuron") + " have one; only those are scored (the paper's Table 3 "
          + "measure, \"AdaCS\" with text-embedding-ada-002).");
      notes.addAll(sim.notes());
      out.add(comparisonSection(set + ": similarity to the " + (planted ? "ground truth" : "reference explanations") + by(b), sim, notes,
          new Evaluated(set, explainer, planted ? "similarity to ground truth" : "similarity to reference", null), evaluated));
    }
    return out;
  }

  /** " — EXPLAINER" in titles, only when the run has several explainers. */
  private String by(Backend b) {
    return spec.explainers().size() > 1 ? " — " + b.label() : "";
  }

  private Report.Section comparisonSection(String title, Table t, List<String> notes, Evaluated label, List<Evaluated> evaluated) {
    if (t.table().rows().isEmpty() || t.scored() == 0) {
      List<Report.Block> blocks = new ArrayList<>();
      notes.forEach(n -> blocks.add(new Report.Paragraph(n)));
      blocks.add(new Report.Paragraph("No results yet: none of its units is done."));
      return new Report.Section(title, blocks);
    }
    FormatComparison c = FormatComparison.of(t.table(), settings);
    evaluated.add(new Evaluated(label.set(), label.explainer(), label.evaluation(), c));
    return EvaluationSections.formatComparison(title, c, notes);
  }

  /** One evaluation's scores as a table (items × formats), and notes on what is missing and why. */
  private record Table(ScoreTable table, int scored, List<String> notes) {}

  private Table table(Plan.SetPlan sp, Backend b, String step, String method, String field, String metric) {
    List<ScoreTable.Row> rows = new ArrayList<>();
    int failed = 0, missing = 0, undefined = 0, scored = 0;
    for (Target t : sp.targets()) {
      if (step.equals(Steps.SIMILARITY) && !sp.similarity(spec, t)) continue;
      double[] v = new double[spec.formats().size()];
      for (int i = 0; i < v.length; i++) {
        ExperimentStore.Unit u = units.get(new ExperimentStore.Key(step, sp.set().name(), t.key(), spec.formats().get(i).id(), b.label(), method));
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
    List<String> notes = new ArrayList<>();
    if (failed > 0) notes.add(failed + " (" + sp.itemKind() + ", format) pairs failed and have no score (see Failures; a rerun retries them).");
    if (missing > 0) notes.add(missing + " (" + sp.itemKind() + ", format) pairs are not done yet (rerun the experiment).");
    if (undefined > 0) {
      notes.add(undefined + " (" + sp.itemKind() + ", format) pairs have an undefined score (" + (step.equals(Steps.SIMULATE)
          ? "a constant simulation or constant true activations: the correlation does not exist" : "no false explanations to compare with")
          + "); they count as missing, never as 0.");
    }
    return new Table(new ScoreTable(metric, sp.itemKind(), formatNames(), rows), scored, notes);
  }

  private static String item(Target t) {
    return switch (t) {
      case Target.Neuron n -> n.id().toString();
      case Target.Puzzle p -> p.name();
    };
  }

  private String embeddingName() {
    return spec.embeddings().endpoint().map(Backend::model).orElse(dev.neuronscribe.llm.MiniLmEmbeddings.NAME);
  }

  /** The first explanation of each (target, format) that has one. */
  private Map<Target, Map<PromptFormat, List<String>>> explanations(Plan.SetPlan sp, Backend b) {
    Map<Target, Map<PromptFormat, List<String>>> out = new LinkedHashMap<>();
    for (Target t : sp.targets()) {
      Map<PromptFormat, List<String>> byFormat = new LinkedHashMap<>();
      for (PromptFormat f : spec.formats()) {
        ExperimentStore.Unit u = units.get(new ExperimentStore.Key(Steps.EXPLAIN, sp.set().name(), t.key(), f.id(), b.label(), ""));
        if (u == null) continue;
        List<Explanation> es = Results.explanations(u.result(), store.file().toString());
        byFormat.put(f, Results.texts(es));
      }
      out.put(t, byFormat);
    }
    return out;
  }

  /** How many targets were explained in two or more formats, when all of them got the same explanations in every format; else 0. */
  private int sameInEveryFormat(Map<Target, Map<PromptFormat, List<String>>> all) {
    if (spec.formats().size() < 2) return 0;
    int compared = 0;
    for (Map<PromptFormat, List<String>> byFormat : all.values()) {
      if (byFormat.size() < 2) continue;
      compared++;
      if (new LinkedHashSet<>(byFormat.values()).size() > 1) return 0;
    }
    return compared;
  }

  /** Notes every section of a (set, explainer) shares: what the explainer did with the formats. */
  private List<String> commonNotes(Plan.SetPlan sp, Backend b) {
    List<String> notes = new ArrayList<>();
    int compared = sameInEveryFormat(explanations(sp, b));
    if (compared > 0) {
      notes.add("Explainer " + b.label() + " wrote the same explanations in every format for all " + compared + " " + sp.itemKind()
          + "s explained in two or more formats: it did not use the format, so differences between formats below are zero by construction"
          + (b.baseline() ? " (the offline baseline explainer reads the activations, not the rendered prompt)" : "") + ".");
    }
    return notes;
  }

  /** Whether a puzzle's runs differ: a deterministic explainer gives identical runs, and the report says so. */
  private Optional<String> runNote(Plan.SetPlan sp, Backend b) {
    if (spec.puzzleRuns() < 2) return Optional.empty();
    int withRuns = 0;
    boolean identical = true;
    for (Map<PromptFormat, List<String>> byFormat : explanations(sp, b).values()) {
      for (List<String> runs : byFormat.values()) {
        if (runs.size() < 2) continue;
        withRuns++;
        if (new LinkedHashSet<>(runs).size() > 1) identical = false;
      }
    }
    if (withRuns == 0 || !identical) return Optional.empty();
    return Optional.of("All " + spec.puzzleRuns() + " runs of every puzzle gave the same explanation" + (b.baseline()
        ? ": the offline baseline explainer is deterministic." : " (replayed from the response cache, or a deterministic server).")
        + " The mean over runs is over identical runs: no run-to-run variation was measured, and none is implied.");
  }

  private Optional<Report.Table> puzzleDetail(Plan.SetPlan sp, Backend b, Table sim, Table disc) {
    if (sim.scored() == 0) return Optional.empty();
    List<PuzzleScoring.Run> runs = new ArrayList<>();
    for (Target t : sp.targets()) {
      for (PromptFormat f : spec.formats()) {
        ExperimentStore.Unit u = units.get(new ExperimentStore.Key(Steps.SIMILARITY, sp.set().name(), t.key(), f.id(), b.label(), spec.embeddings().label()));
        if (u != null && u.done()) runs.addAll(Results.puzzleRuns(u.result(), item(t), display(f)));
      }
    }
    PuzzleScoring.Result r = new PuzzleScoring.Result(sim.table(), disc.table(), runs, List.of(), List.of());
    return Optional.of(EvaluationSections.puzzleDetail(r));
  }

  private List<Report.Section> rankSections(List<Evaluated> evaluated) {
    List<Report.Section> out = new ArrayList<>();
    if (spec.formats().size() < 2) return out;
    for (Backend b : spec.explainers()) {
      Map<String, FormatComparison> byEvaluation = new LinkedHashMap<>();
      for (Evaluated e : evaluated) {
        if (e.explainer().equals(b.label())) byEvaluation.put(e.set() + ": " + e.evaluation(), e.comparison());
      }
      if (byEvaluation.size() < 2) continue;
      out.add(new Report.Section("Ranks across evaluations (Table 6)" + by(b), List.of(
          new Report.Paragraph("Each format's rank by mean score in each evaluation of explainer " + b.label() + ", and its average rank, as the paper's Table 6 "
              + "summarises its four evaluations. Ranks hide the size of differences: the paired comparisons in each section say which differences are reliable."),
          EvaluationSections.rankSummary(RankSummary.of(byEvaluation)))));
    }
    return out;
  }

  private Report.Section explanationsSection(Plan.SetPlan sp, Backend b) {
    Map<Target, Map<PromptFormat, List<String>>> all = explanations(sp, b);
    // Identical in every format (an explainer that ignores the format): one column says it once.
    boolean collapse = sameInEveryFormat(all) > 0 && all.values().stream().allMatch(m -> m.size() == spec.formats().size());
    List<String> columns = new ArrayList<>();
    columns.add(sp.puzzles() ? "Puzzle" : "Neuron");
    boolean refs = !sp.references().isEmpty();
    if (refs) columns.add(sp.puzzles() ? "Ground truth" : referenceName(sp));
    if (collapse) columns.add("Explanation (the same in all " + spec.formats().size() + " formats)");
    else columns.addAll(formatNames());
    List<List<String>> rows = new ArrayList<>();
    for (var e : all.entrySet()) {
      if (rows.size() >= EXPLANATION_ROWS) break;
      List<String> row = new ArrayList<>();
      row.add(item(e.getKey()));
      if (refs) row.add(sp.references().getOrDefault(e.getKey(), "—"));
      for (PromptFormat f : collapse ? spec.formats().subList(0, 1) : spec.formats()) {
        List<String> texts = e.getValue().getOrDefault(f, List.of());
        row.add(texts.isEmpty() ? "—" : texts.getFirst() + (texts.size() > 1 && new LinkedHashSet<>(texts).size() > 1 ? " (+" + (texts.size() - 1) + " more)" : ""));
      }
      rows.add(row);
    }
    List<Report.Block> blocks = new ArrayList<>();
    if (all.size() > EXPLANATION_ROWS) {
      blocks.add(new Report.Paragraph("The first " + EXPLANATION_ROWS + " of " + all.size() + " " + sp.itemKind() + "s; all of them are in `results/"
          + sp.set().name() + "/" + safe(b.label()) + "/explanations.csv`."));
    }
    boolean truth = sp.puzzles() || referenceName(sp).startsWith("Ground truth");
    blocks.add(new Report.Table("Explanations by " + b.label() + (refs ? ", beside the " + (truth ? "ground truth" : "reference") : ""), columns, rows,
        Math.min(all.size(), EXPLANATION_ROWS) + " " + sp.itemKind() + "s shown",
        "none: these are the texts themselves (the first sample of each; \"+k more\" where the other samples differ)",
        "the explainer's answer, cut at its first line, quotes and final period removed; — where it failed or is not done"));
    return new Report.Section(sp.set().name() + ": explanations" + by(b), blocks);
  }

  private static String referenceName(Plan.SetPlan sp) {
    String file = ((RunSpec.RecordSet) sp.set()).references().map(p -> p.getFileName().toString()).orElse("");
    return file.equals("planted.json") || file.isEmpty() ? "Ground truth (planted)" : "Reference";
  }

  /** Table 7 per neuron set, from the units' own ledger. */
  private Report.Section costSection() {
    List<Report.Block> blocks = new ArrayList<>();
    blocks.add(new Report.Paragraph("The paper's appendix Table 7, from this run's own ledger: every unit of work records the tokens its model calls "
        + "reported, their price at the price table's rates and its wall time. Steps are split by prompt format (the formats' prompts differ in size). "
        + "Replies replayed from the response cache count with their original tokens (the cost of the work), but take almost no time. Offline "
        + "baselines use no API tokens and cost $0; their wall time is the CPU time of this machine."));
    for (Plan.SetPlan sp : plan.sets) {
      List<StepCost> costs = stepCosts(sp);
      if (costs.isEmpty()) continue;
      blocks.add(new Report.Paragraph("**" + sp.set().name() + "** (" + sp.targets().size() + " " + sp.itemKind() + "s):"));
      blocks.add(EvaluationSections.costs(costs, sp.itemKind()));
    }
    return new Report.Section("Cost per 1,000 " + (plan.sets.stream().allMatch(Plan.SetPlan::puzzles) ? "puzzles" : "neurons") + " (Table 7)", blocks);
  }

  /** The adapter from the experiment's ledger (one row per unit) to Table 7's input. */
  List<StepCost> stepCosts(Plan.SetPlan sp) {
    List<StepCost> out = new ArrayList<>();
    Set<ExperimentStore.Key> planned = new java.util.HashSet<>();
    for (Target t : sp.targets()) planned.addAll(plan.units(sp, t));
    for (ExperimentStore.Key k : planned.stream().sorted(java.util.Comparator.comparing((ExperimentStore.Key k) -> order(k.step()))
        .thenComparing(k -> PromptFormat.parse(k.format()).ordinal()).thenComparing(ExperimentStore.Key::target)).toList()) {
      ExperimentStore.Unit u = units.get(k);
      if (u == null || u.cost().model().isEmpty()) continue;
      ExperimentStore.Cost c = u.cost();
      out.add(new StepCost(Steps.label(k.step()) + " (" + display(PromptFormat.parse(k.format())) + ")", c.model(), k.target(), c.promptTokens(),
          c.completionTokens(), c.dollars(), Duration.ofNanos((long) (c.wallSeconds() * 1e9))));
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

  private Optional<Report.Section> failures() {
    Set<ExperimentStore.Key> planned = new java.util.HashSet<>(plan.units());
    List<List<String>> rows = new ArrayList<>();
    int total = 0;
    for (ExperimentStore.Unit u : units.values().stream().sorted(java.util.Comparator.comparing(u -> u.key().toString())).toList()) {
      if (u.done() || !planned.contains(u.key())) continue;
      total++;
      if (rows.size() < 40) {
        ExperimentStore.Key k = u.key();
        rows.add(List.of(Steps.label(k.step()), k.set(), k.target(), display(PromptFormat.parse(k.format())), k.explainer() + (k.method().isEmpty() ? "" : " / " + k.method()),
            u.reason().length() > 400 ? u.reason().substring(0, 400) + "…" : u.reason()));
      }
    }
    if (total == 0) return Optional.empty();
    return Optional.of(new Report.Section("Failures", List.of(
        new Report.Paragraph(total + " units failed. A failed unit has no score (never a made-up one); rerunning the experiment retries every failed unit."),
        new Report.Table("Failed units" + (total > rows.size() ? " (the first " + rows.size() + ")" : ""), List.of("Step", "Set", "Target", "Format", "Backends", "Reason"),
            rows, total + " failed units", "none (a list of failures)", "as recorded in the store when the unit ended"))));
  }

  private Report.Section method() {
    List<Report.Block> blocks = new ArrayList<>();
    blocks.add(new Report.Paragraph("Made by `scribe experiment` from the run file `" + spec.source() + "`; every number in this report is read back "
        + "from the store `" + store.file() + "`, so `scribe experiment report` re-renders it without running anything. Statistics: mean ± standard error "
        + "of the mean over items; paired comparisons on the items scored in both formats (paired t-test with Holm's adjustment over all pairs, Wilcoxon "
        + "signed-rank test, " + spec.bootstrap() + "-resample paired-bootstrap 95% interval with seed " + spec.seed() + "). Explanations, simulations and "
        + "scores in OpenAI's and the paper's file layouts are under `results/`."));
    return new Report.Section("How this report was made", blocks);
  }

  // ---- exports -------------------------------------------------------------------------------

  /** Explanations as the paper's CSVs and simulations as OpenAI's JSON lines, for other tools. */
  private void export() {
    for (Plan.SetPlan sp : plan.sets) {
      for (Backend b : spec.explainers()) {
        Path dir = spec.store().resolve("results").resolve(sp.set().name()).resolve(safe(b.label()));
        Map<Target, Map<PromptFormat, List<String>>> all = explanations(sp, b);
        if (all.values().stream().allMatch(Map::isEmpty)) continue;
        StringBuilder csv = new StringBuilder();
        if (sp.puzzles()) {
          csv.append("Puzzle id,GT Explanation");
          for (String f : formatNames()) csv.append(',').append(f);
          csv.append('\n');
          for (var e : all.entrySet()) {
            int runs = e.getValue().values().stream().mapToInt(List::size).max().orElse(0);
            for (int r = 0; r < runs; r++) {
              csv.append(cell(item(e.getKey()))).append(',').append(cell(sp.references().getOrDefault(e.getKey(), "")));
              for (PromptFormat f : spec.formats()) {
                List<String> texts = e.getValue().getOrDefault(f, List.of());
                csv.append(',').append(cell(r < texts.size() ? texts.get(r) : ""));
              }
              csv.append('\n');
            }
          }
        } else {
          csv.append("Layer,Neuron");
          for (String f : formatNames()) csv.append(',').append(f);
          csv.append('\n');
          for (var e : all.entrySet()) {
            NeuronId id = ((Target.Neuron) e.getKey()).id();
            csv.append(id.layer()).append(',').append(id.neuron());
            for (PromptFormat f : spec.formats()) {
              List<String> texts = e.getValue().getOrDefault(f, List.of());
              csv.append(',').append(cell(texts.isEmpty() ? "" : texts.getFirst()));
            }
            csv.append('\n');
          }
        }
        AtomicFiles.writeString(dir.resolve("explanations.csv"), csv.toString());
        if (!spec.evaluations().contains(RunSpec.Evaluation.SIMULATE_SCORE)) continue;
        for (RunSpec.SimulatorChoice s : spec.simulators()) {
          for (PromptFormat f : spec.formats()) {
            StringBuilder lines = new StringBuilder();
            for (Target t : sp.targets()) {
              store.detail(new ExperimentStore.Key(Steps.SIMULATE, sp.set().name(), t.key(), f.id(), b.label(), s.label()))
                  .ifPresent(line -> lines.append(line).append('\n'));
            }
            if (!lines.isEmpty()) AtomicFiles.writeString(dir.resolve(safe(s.label())).resolve(f.id() + ".simulations.jsonl"), lines.toString());
          }
        }
      }
    }
  }

  static String safe(String label) {
    return label.replaceAll("[^A-Za-z0-9._-]+", "_");
  }

  private static String cell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String fixed(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v);
  }
}
