package dev.neuronscribe.report;

import dev.neuronscribe.evaluate.ComparisonSettings;
import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.PuzzleScoring;
import dev.neuronscribe.evaluate.RankSummary;
import dev.neuronscribe.evaluate.Summary;
import dev.neuronscribe.evaluate.TokenLookup;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.experiment.Backend;
import dev.neuronscribe.experiment.Experiment;
import dev.neuronscribe.experiment.ExperimentResults;
import dev.neuronscribe.experiment.ExperimentResults.Kind;
import dev.neuronscribe.experiment.ExperimentResults.SetInfo;
import dev.neuronscribe.experiment.RunSpec;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.prompts.PromptFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report of an experiment, made from its store alone ({@link ExperimentResults}): a summary of every
 * evaluation, the explanations, per neuron set, explainer and evaluation the format comparison (mean ±
 * SEM with n, paired comparisons, distributions, means by layer), the puzzles' Table 4 and our
 * discrimination score, the rank summary across evaluations (Table 6), the cost per 1,000 neurons by
 * step and model (Table 7) and the failures, after a few sentences of findings. The report's own tables
 * and figures are numbered R1, R2, …; the paper's are always cited as "paper Table N". Written as {@code STORE/report.md} and {@code STORE/report.html}.
 */
public final class ExperimentReport {
  public static final String NAME = "report";
  private static final int EXPLANATION_ROWS = 20;

  private final ExperimentResults results;
  private final RunSpec spec;
  private final ComparisonSettings settings;

  private ExperimentReport(ExperimentResults results) {
    this.results = results;
    this.spec = results.spec();
    this.settings = new ComparisonSettings(spec.bootstrap(), 0.95, spec.seed());
  }

  public static ReportWriter.Written write(ExperimentResults results) {
    return ReportWriter.write(new ExperimentReport(results).build(), results.spec().store(), NAME);
  }

  /**
   * One evaluation's comparison, for the summary table and the rank table (the paper's Table 6): {@code comparison}
   * over every format, {@code folded} with formats that gave identical explanations as one condition.
   */
  private record Evaluated(String set, String explainer, String evaluation, FormatComparison comparison, FormatComparison folded) {}

  private Report build() {
    List<Report.Section> sections = new ArrayList<>();
    List<Evaluated> evaluated = new ArrayList<>();
    List<Report.Section> detail = new ArrayList<>();
    for (SetInfo set : results.sets()) {
      for (Backend b : spec.explainers()) detail.addAll(setSections(set, b, evaluated));
    }
    sections.add(summary(evaluated));
    // The findings lead the report: they are written last, from everything computed above.
    List<String> intro = introduction();
    intro.add(Math.min(intro.size(), spec.description().isBlank() ? 0 : 1), findings(evaluated));
    for (SetInfo set : results.sets()) {
      for (Backend b : spec.explainers()) sections.add(explanationsSection(set, b));
    }
    sections.addAll(detail);
    sections.addAll(rankSections(evaluated));
    sections.add(costSection());
    failures().ifPresent(sections::add);
    sections.add(method());
    return new Report("Experiment " + spec.name(), intro, sections);
  }

  private List<String> formatNames() {
    return results.formatNames();
  }

  private List<String> introduction() {
    List<String> intro = new ArrayList<>();
    if (!spec.description().isBlank()) intro.add(spec.description());
    List<String> sets = new ArrayList<>();
    for (SetInfo s : results.sets()) {
      String what = s.puzzles()
          ? plural(s.targets().size(), "puzzle") + " (" + s.source().map(f -> "`" + f.getFileName() + "`").orElse("built-in") + ")"
          : plural(s.targets().size(), "neuron") + " from `" + s.source().map(Path::getFileName).map(Path::toString).orElse("") + "`"
              + (s.references().isEmpty() ? "" : ", " + s.references().size() + " with a " + (s.plantedReferences() ? "ground truth" : "reference explanation"));
      sets.add("**" + s.name() + "**: " + what);
    }
    intro.add("Neuron sets: " + String.join("; ", sets) + ". Formats: " + String.join(", ", formatNames()) + ". Explainers: "
        + String.join(", ", spec.explainers().stream().map(Backend::label).toList()) + ". Simulators: "
        + String.join(", ", spec.simulators().stream().map(RunSpec.SimulatorChoice::label).toList()) + ". Evaluations: "
        + String.join(", ", spec.evaluations().stream().sorted().map(RunSpec.Evaluation::id).toList()) + ". "
        + plural(spec.samples(), "explanation") + " per neuron and format, " + plural(spec.puzzleRuns(), "run") + " per puzzle; "
        + "embeddings: " + spec.embeddings().label() + "; prompt pack: " + results.packName() + ".");
    List<Experiment.StepStatus> status = results.status();
    int done = status.stream().mapToInt(Experiment.StepStatus::done).sum();
    int failed = status.stream().mapToInt(Experiment.StepStatus::failed).sum();
    int missing = status.stream().mapToInt(Experiment.StepStatus::missing).sum();
    ExperimentResults.Sessions sessions = results.sessions();
    intro.add(String.format(Locale.ROOT, "Units of work: %d done, %d failed, %d not run yet%s. %s, %.1f s in all, $%.4f paid to model providers "
            + "(replies replayed from the response cache cost nothing). Written %s.",
        done, failed, missing, missing > 0 ? " (rerun the experiment to do them)" : "", plural(sessions.count(), "session"),
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

  private List<Report.Section> setSections(SetInfo set, Backend b, List<Evaluated> evaluated) {
    List<Report.Section> out = new ArrayList<>();
    String name = set.name();
    String explainer = b.label();
    List<String> common = commonNotes(set, b);
    List<List<String>> groups = identicalFormats(set, b);
    if (spec.evaluations().contains(RunSpec.Evaluation.SIMULATE_SCORE)) {
      for (RunSpec.SimulatorChoice s : spec.simulators()) {
        ExperimentResults.Scores t = results.scores(set, b, Kind.SIMULATE_SCORE, Optional.of(s), "ev_correlation_score (simulator " + s.label() + ")");
        String title = name + ": simulate and score" + by(b) + (spec.simulators().size() > 1 ? ", simulator " + s.label() : "");
        List<String> notes = new ArrayList<>(common);
        notes.add("Each " + set.itemKind() + "'s score is the correlation between its true activations and the simulator's predictions over "
            + (set.puzzles() ? "the puzzle's sentences" : "its 10 scoring excerpts (top-activating 2, 6, 10, 14, 18 and random 1, 4, 7, 10, 13)")
            + ", all tokens flattened; with several samples, the mean over them (the paper's Table 2 measure).");
        notes.addAll(missingNotes(set, t, true));
        tokenLookup(set).note().ifPresent(notes::add);
        out.add(comparisonSection(title, t, notes, groups, new Evaluated(name, explainer, "simulate and score"
            + (spec.simulators().size() > 1 ? " (" + s.label() + ")" : ""), null, null), evaluated));
      }
    }
    if (set.puzzles() && spec.evaluations().contains(RunSpec.Evaluation.PUZZLES)) {
      ExperimentResults.Scores sim = results.scores(set, b, Kind.PUZZLE_SIMILARITY, Optional.empty(),
          "cosine similarity to the ground truth (" + results.embeddingName() + ")");
      ExperimentResults.Scores disc = results.scores(set, b, Kind.PUZZLE_DISCRIMINATION, Optional.empty(),
          "share of false explanations farther from the explanation than the ground truth (" + results.embeddingName() + ")");
      List<String> notes = new ArrayList<>(common);
      notes.add("Each puzzle was explained " + spec.puzzleRuns() + " times per format with all its sentences shown (cutoff 1); a puzzle's score is the mean over its runs, "
          + "and n counts puzzles, not runs, because runs of one puzzle are not independent (the paper's Table 4).");
      runNote(set, b).ifPresent(notes::add);
      notes.addAll(missingNotes(set, sim, false));
      out.add(comparisonSection(name + ": similarity to the ground truth (paper Table 4)" + by(b), sim, notes, groups,
          new Evaluated(name, explainer, "similarity to ground truth", null, null), evaluated));
      out.add(comparisonSection(name + ": closer to the ground truth than to the false explanations" + by(b), disc, List.of(
          "For each run and each of the puzzle's false explanations: is the generated explanation more similar to the ground truth than to the false one? "
              + "The score is the share of false explanations so beaten, averaged over runs (beyond the paper: it does not depend on where the "
              + "similarity scale sits)."), groups, new Evaluated(name, explainer, "closer to truth than to false", null, null), evaluated));
      if (sim.scored() > 0) {
        PuzzleScoring.Result r = new PuzzleScoring.Result(sim.table(), disc.table(), results.puzzleRuns(set, b), List.of(), List.of());
        out.add(new Report.Section(name + ": per puzzle" + by(b), List.of(EvaluationSections.puzzleDetail(r))));
      }
    }
    if (!set.puzzles() && spec.evaluations().contains(RunSpec.Evaluation.SIMILARITY) && !set.references().isEmpty()) {
      boolean planted = set.plantedReferences();
      String what = planted ? "ground truth" : "reference explanation";
      ExperimentResults.Scores sim = results.scores(set, b, Kind.SIMILARITY, Optional.empty(), "cosine similarity to the " + what + " (" + results.embeddingName() + ")");
      List<String> notes = new ArrayList<>(common);
      notes.add((planted ? "Ground truths" : "References") + " from `" + set.referenceFile().map(Path::getFileName).map(Path::toString).orElse("") + "`: "
          + set.references().size() + " of the set's " + plural(set.targets().size(), "neuron") + " have one; only those are scored (the paper's Table 3 "
          + "measure, \"AdaCS\" with text-embedding-ada-002).");
      notes.addAll(missingNotes(set, sim, false));
      out.add(comparisonSection(name + ": similarity to the " + (planted ? "ground truth" : "reference explanations") + by(b), sim, notes, groups,
          new Evaluated(name, explainer, planted ? "similarity to ground truth" : "similarity to reference", null, null), evaluated));
    }
    return out;
  }

  /** " — EXPLAINER" in titles, only when the run has several explainers. */
  private String by(Backend b) {
    return spec.explainers().size() > 1 ? " — " + b.label() : "";
  }

  private Report.Section comparisonSection(String title, ExperimentResults.Scores t, List<String> notes, List<List<String>> groups, Evaluated label,
      List<Evaluated> evaluated) {
    if (t.table().rows().isEmpty() || t.scored() == 0) {
      List<Report.Block> blocks = new ArrayList<>();
      notes.forEach(n -> blocks.add(new Report.Paragraph(n)));
      blocks.add(new Report.Paragraph("No results yet: none of its units is done."));
      return new Report.Section(title, blocks);
    }
    FormatComparison c = FormatComparison.of(t.table(), settings);
    FormatGroups.Folded folded = FormatGroups.fold(t.table(), groups);
    FormatComparison f = folded.folds().isEmpty() ? c : FormatComparison.of(folded.table(), settings);
    evaluated.add(new Evaluated(label.set(), label.explainer(), label.evaluation(), c, f));
    List<String> all = new ArrayList<>(notes);
    FormatGroups.note(folded.folds(), t.table().itemKind()).ifPresent(all::add);
    return EvaluationSections.formatComparison(title, f, all);
  }

  private static List<String> missingNotes(SetInfo set, ExperimentResults.Scores t, boolean simulation) {
    List<String> notes = new ArrayList<>();
    String pair = "(" + set.itemKind() + ", format) pairs";
    if (t.failed() > 0) notes.add(t.failed() + " " + pair + " failed and have no score (see Failures; a rerun retries them).");
    if (t.missing() > 0) notes.add(t.missing() + " " + pair + " are not done yet (rerun the experiment).");
    if (t.undefined() > 0) {
      notes.add(t.undefined() + " " + pair + " have an undefined score (" + (simulation
          ? "a constant simulation or constant true activations: the correlation does not exist" : "no false explanations to compare with")
          + "); they count as missing, never as 0.");
    }
    return notes;
  }

  /** Notes every section of a (set, explainer) shares: what the explainer did with the formats. */
  private List<String> commonNotes(SetInfo set, Backend b) {
    List<String> notes = new ArrayList<>();
    int compared = results.sameInEveryFormat(results.explanations(set, b));
    if (compared > 0) {
      notes.add("Explainer " + b.label() + " wrote the same explanations in every format for all " + plural(compared, set.itemKind())
          + " explained in two or more formats: it did not use the format, so differences between formats below are zero by construction"
          + (b.model().equals(dev.neuronscribe.explain.BaselineExplainer.NAME) ? " (" + b.model() + " reads the activations, not the rendered prompt)" : "") + ".");
    }
    return notes;
  }

  /**
   * The findings, in a few sentences ahead of every table: how well explanations simulate per set (and, for
   * a set with no reference explanations, how much of it the current token alone decides), how close they
   * come to the known answers, and whether the formats differ reliably.
   */
  private String findings(List<Evaluated> evaluated) {
    if (evaluated.isEmpty()) return "**Findings.** No evaluation has results yet.";
    List<String> sentences = new ArrayList<>();
    Backend first = spec.explainers().getFirst();
    List<Evaluated> mine = evaluated.stream().filter(e -> e.explainer().equals(first.label())).toList();
    String who = spec.explainers().size() > 1 ? " (explainer " + first.label() + ")" : "";

    List<String> simulated = mine.stream().filter(e -> e.evaluation().startsWith("simulate and score"))
        .map(e -> "*" + e.set() + "* " + spread(e.comparison())).toList();
    if (!simulated.isEmpty()) {
      sentences.add("Simulations from the explanations" + who + " correlate with the true activations at " + FormatGroups.and(simulated)
          + " (mean ev_correlation_score, lowest to highest format).");
    }
    for (SetInfo set : results.sets()) {
      if (set.puzzles() || !set.references().isEmpty()) continue;
      Lookup l = tokenLookup(set);
      Optional<Evaluated> e = mine.stream().filter(x -> x.set().equals(set.name()) && x.evaluation().startsWith("simulate and score")).findFirst();
      if (l.neurons() == 0 || e.isEmpty()) continue;
      sentences.add("The neurons of *" + set.name() + "* have no known meaning yet still score " + spread(e.get().comparison()) + " because the current "
          + "token alone largely decides their activation: a lookup of each token's mean activation, learnt on half of a neuron's random excerpts, "
          + "predicts the other half with a correlation of " + l.range() + ", so naming a neuron's strongest tokens predicts part of it without any concept.");
    }

    List<String> truth = mine.stream().filter(e -> e.evaluation().startsWith("similarity to"))
        .map(e -> "*" + e.set() + "* " + spread(e.comparison())).toList();
    List<String> beaten = mine.stream().filter(e -> e.evaluation().equals("closer to truth than to false"))
        .map(e -> percentSpread(e.comparison()) + " (*" + e.set() + "*)").toList();
    if (!truth.isEmpty()) {
      sentences.add("The explanations' cosine similarity to the " + (mine.stream().anyMatch(e -> e.evaluation().equals("similarity to reference"))
          ? "reference explanations" : "ground truth") + " is " + FormatGroups.and(truth)
          + (beaten.isEmpty() ? "" : ", and an explanation is closer to its ground truth than to a false explanation in " + FormatGroups.and(beaten)
              + " of comparisons") + ".");
    }

    if (spec.formats().size() > 1) {
      Map<String, FormatComparison> byEvaluation = new LinkedHashMap<>();
      mine.forEach(e -> byEvaluation.put(e.set() + ": " + e.evaluation(), e.comparison()));
      RankSummary ranks = RankSummary.of(byEvaluation);
      double bestRank = ranks.rows().stream().mapToDouble(RankSummary.Row::averageRank).min().orElse(Double.NaN);
      double worstRank = ranks.rows().stream().mapToDouble(RankSummary.Row::averageRank).max().orElse(Double.NaN);
      List<String> best = ranks.rows().stream().filter(r -> r.averageRank() == bestRank).map(RankSummary.Row::condition).toList();
      List<String> worst = ranks.rows().stream().filter(r -> r.averageRank() == worstRank).map(RankSummary.Row::condition).toList();
      List<dev.neuronscribe.evaluate.PairedComparison> pairs = mine.stream().flatMap(e -> e.folded().pairs().stream()).toList();
      long reliable = pairs.stream().filter(p -> p.pTHolm() < 0.05).count();
      double smallest = pairs.stream().mapToDouble(dev.neuronscribe.evaluate.PairedComparison::pTHolm).filter(Double::isFinite).min().orElse(Double.NaN);
      String order = bestRank == worstRank ? "All formats rank alike over the " + plural(byEvaluation.size(), "evaluation")
          : "Over the " + plural(byEvaluation.size(), "evaluation") + ", " + FormatGroups.and(best) + " rank" + (best.size() == 1 ? "s" : "")
              + " best (average rank " + Numbers.fixed(bestRank, 2) + ") and " + FormatGroups.and(worst) + " worst (" + Numbers.fixed(worstRank, 2) + ")";
      String reliability = pairs.isEmpty() ? ", and no two formats could be compared"
          : reliable == 0 ? ", but no difference between formats is reliable (smallest Holm-adjusted p over " + plural(pairs.size(), "paired test") + ": "
              + (Double.isNaN(smallest) ? "none defined" : Numbers.p(smallest)) + ")"
          : "; " + reliable + " of " + plural(pairs.size(), "paired difference") + " between formats " + (reliable == 1 ? "is" : "are")
              + " reliable at Holm-adjusted p < 0.05 (see each section)";
      sentences.add(order + reliability + foldClause(first) + ".");
    }
    return "**Findings.** " + String.join(" ", sentences);
  }

  /** "; Original and AVHS gave identical explanations of every item in every set, …" where some did. */
  private String foldClause(Backend b) {
    Map<String, String> bySet = new LinkedHashMap<>();
    for (SetInfo set : results.sets()) {
      List<String> folds = identicalFormats(set, b).stream().filter(g -> g.size() > 1).map(g -> String.join(" = ", g)).toList();
      if (!folds.isEmpty()) bySet.put(set.name(), String.join(", ", folds));
    }
    if (bySet.isEmpty()) return "";
    if (bySet.size() == results.sets().size() && new LinkedHashSet<>(bySet.values()).size() == 1) {
      return "; formats that gave identical explanations of every item (" + bySet.values().iterator().next() + ", in every set) are one row "
          + "in the comparisons";
    }
    List<String> parts = new ArrayList<>();
    bySet.forEach((set, folds) -> parts.add(folds + " in *" + set + "*"));
    return "; formats that gave identical explanations of every item (" + String.join("; ", parts) + ") are one row in the comparisons";
  }

  /** "0.737–0.751": the lowest and highest format mean of a comparison. */
  private static String spread(FormatComparison c) {
    double[] m = c.summaries().stream().mapToDouble(x -> x.summary().mean()).filter(Double::isFinite).toArray();
    if (m.length == 0) return "—";
    double lo = java.util.Arrays.stream(m).min().getAsDouble(), hi = java.util.Arrays.stream(m).max().getAsDouble();
    return Numbers.fixed(lo, 3).equals(Numbers.fixed(hi, 3)) ? Numbers.fixed(lo, 3) : Numbers.fixed(lo, 3) + "–" + Numbers.fixed(hi, 3);
  }

  private static String percentSpread(FormatComparison c) {
    double[] m = c.summaries().stream().mapToDouble(x -> x.summary().mean()).filter(Double::isFinite).toArray();
    if (m.length == 0) return "—";
    long lo = Math.round(100 * java.util.Arrays.stream(m).min().getAsDouble()), hi = Math.round(100 * java.util.Arrays.stream(m).max().getAsDouble());
    return lo == hi ? lo + "%" : lo + "–" + hi + "%";
  }

  /** Formats whose explanations were the same for every item of the set, as groups in the run's format order. */
  private List<List<String>> identicalFormats(SetInfo set, Backend b) {
    Map<Target, Map<PromptFormat, List<String>>> all = results.explanations(set, b);
    return FormatGroups.identical(spec.formats().stream().map(f -> Map.entry(ExperimentResults.display(f), f)).toList(), all);
  }

  /** What a per-token lookup predicts of a neuron set's activations ({@link TokenLookup}), once per set. */
  private record Lookup(int neurons, double min, double median, double max, Optional<String> problem) {
    Optional<String> note() {
      if (problem.isPresent()) return Optional.of("The per-token lookup of these neurons was not computed: " + problem.get() + ".");
      if (neurons == 0) return Optional.empty();
      return Optional.of("How much of these neurons the current token alone decides: a lookup of each token's mean activation, learnt on half of a "
          + "neuron's random excerpts, predicts the other half with a correlation of " + range() + " (" + plural(neurons, "neuron")
          + (neurons > 1 ? ", median " + Numbers.fixed(median, 2) : "") + "). An explanation that only names a neuron's strongest tokens can reach "
          + "part of that without describing any concept.");
    }

    String range() {
      return neurons == 1 || Numbers.fixed(min, 2).equals(Numbers.fixed(max, 2)) ? Numbers.fixed(median, 2)
          : Numbers.fixed(min, 2) + "–" + Numbers.fixed(max, 2);
    }
  }

  private static final int LOOKUP_NEURONS = 100;
  private final Map<String, Lookup> lookups = new LinkedHashMap<>();

  private Lookup tokenLookup(SetInfo set) {
    return lookups.computeIfAbsent(set.name(), k -> {
      if (set.puzzles() || set.source().isEmpty()) return new Lookup(0, Double.NaN, Double.NaN, Double.NaN, Optional.empty());
      NeuronRecordDirectory dir = new NeuronRecordDirectory(set.source().get());
      List<Double> r = new ArrayList<>();
      try {
        for (Target t : set.targets().subList(0, Math.min(LOOKUP_NEURONS, set.targets().size()))) {
          if (t instanceof Target.Neuron n && dir.contains(n.id())) {
            double c = TokenLookup.heldOutCorrelation(dir.read(n.id()));
            if (Double.isFinite(c)) r.add(c);
          }
        }
      } catch (RuntimeException e) {
        return new Lookup(0, Double.NaN, Double.NaN, Double.NaN, Optional.of("cannot read the records in " + set.source().get() + " (" + e.getMessage() + ")"));
      }
      double[] v = r.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      if (v.length == 0) return new Lookup(0, Double.NaN, Double.NaN, Double.NaN, Optional.empty());
      double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new Lookup(v.length, v[0], median, v[v.length - 1], Optional.empty());
    });
  }

  /** Whether a puzzle's runs differ: a deterministic explainer gives identical runs, and the report says so. */
  private Optional<String> runNote(SetInfo set, Backend b) {
    if (spec.puzzleRuns() < 2) return Optional.empty();
    int withRuns = 0;
    boolean identical = true;
    for (Map<PromptFormat, List<String>> byFormat : results.explanations(set, b).values()) {
      for (List<String> runs : byFormat.values()) {
        if (runs.size() < 2) continue;
        withRuns++;
        if (new LinkedHashSet<>(runs).size() > 1) identical = false;
      }
    }
    if (withRuns == 0 || !identical) return Optional.empty();
    return Optional.of("All " + spec.puzzleRuns() + " runs of every puzzle gave the same explanation" + (b.baseline()
        ? ": the offline explainer " + b.model() + " is deterministic." : " (replayed from the response cache, or a deterministic server).")
        + " The mean over runs is over identical runs: no run-to-run variation was measured, and none is implied.");
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
      out.add(new Report.Section("Ranks across evaluations (paper Table 6)" + by(b), List.of(
          new Report.Paragraph("Each format's rank by mean score in each evaluation of explainer " + b.label() + ", and its average rank, as the paper's Table 6 "
              + "summarises its four evaluations. Ranks hide the size of differences: the paired comparisons in each section say which differences are reliable."),
          EvaluationSections.rankSummary(RankSummary.of(byEvaluation)))));
    }
    return out;
  }

  private Report.Section explanationsSection(SetInfo set, Backend b) {
    Map<Target, Map<PromptFormat, List<String>>> all = results.explanations(set, b);
    // Formats that gave identical explanations of every item share one column ("Original = AVHS").
    List<List<String>> groups = identicalFormats(set, b);
    boolean collapse = groups.size() == 1 && spec.formats().size() > 1;
    List<String> columns = new ArrayList<>();
    columns.add(set.puzzles() ? "Puzzle" : "Neuron");
    boolean refs = !set.references().isEmpty();
    boolean truth = set.puzzles() || set.plantedReferences();
    if (refs) columns.add(set.puzzles() ? "Ground truth" : truth ? "Ground truth (planted)" : "Reference");
    if (collapse) columns.add("Explanation (the same in all " + spec.formats().size() + " formats)");
    else groups.forEach(g -> columns.add(String.join(" = ", g)));
    List<List<String>> rows = new ArrayList<>();
    for (var e : all.entrySet()) {
      if (rows.size() >= EXPLANATION_ROWS) break;
      List<String> row = new ArrayList<>();
      row.add(ExperimentResults.item(e.getKey()));
      if (refs) row.add(set.references().getOrDefault(e.getKey(), "—"));
      for (List<String> g : groups) {
        PromptFormat f = spec.formats().get(formatNames().indexOf(g.getFirst()));
        List<String> texts = e.getValue().getOrDefault(f, List.of());
        row.add(texts.isEmpty() ? "—" : texts.getFirst() + (texts.size() > 1 && new LinkedHashSet<>(texts).size() > 1 ? " (+" + (texts.size() - 1) + " more)" : ""));
      }
      rows.add(row);
    }
    List<Report.Block> blocks = new ArrayList<>();
    if (all.size() > EXPLANATION_ROWS) {
      blocks.add(new Report.Paragraph("The first " + EXPLANATION_ROWS + " of " + all.size() + " " + set.itemKind() + "s; all of them are in `results/"
          + set.name() + "/" + ExperimentResults.safe(b.label()) + "/explanations.csv`."));
    }
    if (groups.size() < spec.formats().size() && !collapse) {
      blocks.add(new Report.Paragraph("Formats joined by \"=\" gave the same explanation of every " + set.itemKind() + ": one column shows them."));
    }
    blocks.add(new Report.Table("Explanations by " + b.label() + (refs ? ", beside the " + (truth ? "ground truth" : "reference") : ""), columns, rows,
        plural(Math.min(all.size(), EXPLANATION_ROWS), set.itemKind()) + " shown",
        "none: these are the texts themselves (the first sample of each; \"+k more\" where the other samples differ)",
        "the explainer's answer, cut at its first line, quotes and final period removed; — where it failed or is not done"));
    return new Report.Section(set.name() + ": explanations" + by(b), blocks);
  }

  /** Table 7 per neuron set, from the units' own ledger. */
  private Report.Section costSection() {
    List<Report.Block> blocks = new ArrayList<>();
    blocks.add(new Report.Paragraph("The paper's appendix Table 7, from this run's own ledger: every unit of work records the tokens its model calls "
        + "reported, their price at the price table's rates and its wall time. Steps are split by prompt format (the formats' prompts differ in size). "
        + "Replies replayed from the response cache count with their original tokens (the cost of the work), but take almost no time. Offline "
        + "baselines use no API tokens and cost $0; their time is their turns at this machine's CPU."));
    for (SetInfo set : results.sets()) {
      List<StepCost> costs = stepCosts(set);
      if (costs.isEmpty()) continue;
      blocks.add(new Report.Paragraph("**" + set.name() + "** (" + plural(set.targets().size(), set.itemKind()) + "):"));
      blocks.add(EvaluationSections.costs(costs, set.itemKind()));
    }
    return new Report.Section("Cost per 1,000 " + (results.sets().stream().allMatch(SetInfo::puzzles) ? "puzzles" : "neurons") + " (paper appendix Table 7)", blocks);
  }

  /** The adapter from the experiment's ledger (one row per unit) to Table 7's input. */
  private List<StepCost> stepCosts(SetInfo set) {
    return results.costs(set).stream().map(c -> new StepCost(c.step() + " (" + ExperimentResults.display(c.format()) + ")", c.model(), c.target(),
        c.promptTokens(), c.completionTokens(), c.dollars(), Duration.ofNanos((long) (c.wallSeconds() * 1e9)))).toList();
  }

  private Optional<Report.Section> failures() {
    List<ExperimentResults.Failure> all = results.failures();
    if (all.isEmpty()) return Optional.empty();
    List<List<String>> rows = new ArrayList<>();
    for (ExperimentResults.Failure f : all.subList(0, Math.min(40, all.size()))) {
      rows.add(List.of(f.step(), f.set(), f.target(), f.format(), f.backends(), f.reason().length() > 400 ? f.reason().substring(0, 400) + "…" : f.reason()));
    }
    return Optional.of(new Report.Section("Failures", List.of(
        new Report.Paragraph(plural(all.size(), "unit") + " failed. A failed unit has no score (never a made-up one); rerunning the experiment retries every failed unit."),
        new Report.Table("Failed units" + (all.size() > rows.size() ? " (the first " + rows.size() + ")" : ""),
            List.of("Step", "Set", "Target", "Format", "Backends", "Reason"), rows, plural(all.size(), "failed unit"), "none (a list of failures)",
            "as recorded in the store when the unit ended"))));
  }

  private Report.Section method() {
    return new Report.Section("How this report was made", List.of(new Report.Paragraph("Made by `scribe experiment` from the run file `" + spec.source()
        + "`; every number in this report is read back from the store `" + results.storeFile() + "`, so `scribe experiment report` re-renders it "
        + "without running anything. Statistics: mean ± standard error of the mean over items; paired comparisons on the items scored in both formats "
        + "(paired t-test with Holm's adjustment over all pairs, Wilcoxon signed-rank test, " + spec.bootstrap() + "-resample paired-bootstrap 95% "
        + "interval with seed " + spec.seed() + "). Explanations, simulations and scores in OpenAI's and the paper's file layouts are under `results/`.")));
  }

  static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String fixed(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v);
  }
}
