package dev.neuronscribe.report;

import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.PairedComparison;
import dev.neuronscribe.evaluate.PuzzleScoring;
import dev.neuronscribe.evaluate.RankSummary;
import dev.neuronscribe.evaluate.ScoreTable;
import dev.neuronscribe.evaluate.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns evaluation results into report sections: the format comparison (the paper's Tables 2–5 and
 * Figure 3), the rank summary (Table 6) and the cost table (appendix Table 7). Pure functions.
 */
public final class EvaluationSections {
  private EvaluationSections() {}

  /**
   * A format comparison: means ± SEM with a bar chart, the score distributions, all paired
   * comparisons and, when the items are neurons, the means by layer.
   */
  public static Report.Section formatComparison(String title, FormatComparison c, List<String> notes) {
    ScoreTable t = c.table();
    String items = t.itemKind() + "s";
    List<Report.Block> blocks = new ArrayList<>();
    notes.forEach(n -> blocks.add(new Report.Paragraph(n)));

    List<List<String>> rows = new ArrayList<>();
    List<Report.BarChart.Bar> bars = new ArrayList<>();
    for (FormatComparison.ConditionSummary s : c.summaries()) {
      Summary m = s.summary();
      rows.add(List.of(s.condition(), Integer.toString(m.n()), Numbers.fixed(m.mean(), 3) + " ± " + Numbers.fixed(m.sem(), 3),
          Numbers.fixed(m.sd(), 3), Integer.toString(s.missing()), Numbers.rank(s.rank())));
      bars.add(new Report.BarChart.Bar(s.condition(), m.mean(), m.mean() - m.sem(), m.mean() + m.sem()));
    }
    int total = t.rows().size();
    blocks.add(new Report.Table("Mean " + t.metric() + " per format", List.of("Format", "n", "Mean ± SEM", "SD", "Missing", "Rank"), rows,
        total + " " + items + "; each row's n counts the " + items + " with a score for that format (Missing = " + total + " − n)",
        "± standard error of the mean (sample SD / √n)",
        "per-" + t.itemKind() + " " + t.metric() + ", averaged over " + items + "; rank 1 = highest mean, ties share the average rank"));
    Report.Range range = range(t.metric());
    blocks.add(new Report.BarChart("Mean " + t.metric() + " by format", "mean " + shortMetric(t.metric()), bars,
        "Bars are means over " + items + " (n per format in the table above); error bars are ± 1 SEM"
            + (range.equals(Report.Range.ANY) ? "" : ", cut where the measure ends (" + Numbers.fixed(range.max(), 0) + ")") + ".", range));
    List<Report.Distribution.Series> series = new ArrayList<>();
    for (String f : t.conditions()) series.add(new Report.Distribution.Series(f, t.column(f)));
    blocks.add(new Report.Distribution("Distribution of " + shortMetric(t.metric()) + " per " + t.itemKind(), shortMetric(t.metric()), series,
        "One dot per " + t.itemKind() + "; the bar is the median, the diamond the mean; where a format has at least " + Svg.MIN_BOX
            + " values with a spread, a box spans the quartiles and whiskers reach the furthest point within 1.5 × IQR (with fewer, or with most "
            + "values equal, the dots alone show the spread).", range));

    blocks.add(pairedTable(c));
    layerChart(t).ifPresent(blocks::add);
    return new Report.Section(title, blocks);
  }

  static Report.Table pairedTable(FormatComparison c) {
    ScoreTable t = c.table();
    List<List<String>> rows = new ArrayList<>();
    int minN = Integer.MAX_VALUE, maxN = 0;
    int level = (int) Math.round(c.settings().confidence() * 100);
    for (PairedComparison p : c.pairs()) {
      minN = Math.min(minN, p.n());
      maxN = Math.max(maxN, p.n());
      rows.add(List.of(operand(p.a()) + " − " + operand(p.b()), Integer.toString(p.n()),
          Numbers.signed(p.meanDifference(), 3) + " [" + Numbers.signed(p.ciLow(), 3) + ", " + Numbers.signed(p.ciHigh(), 3) + "]",
          Double.isNaN(p.t()) ? "—" : Numbers.fixed(p.t(), 2) + " (" + p.df() + ")", Numbers.p(p.pT()), Numbers.p(p.pTHolm()),
          Numbers.p(p.pWilcoxon())));
    }
    String n = c.pairs().isEmpty() ? "no pairs (one format)"
        : (minN == maxN ? minN + " " : minN + "–" + maxN + " ") + t.itemKind() + "s per pair (those scored in both formats)";
    return new Report.Table("Paired comparisons of " + shortMetric(t.metric()) + " between formats, on the same " + t.itemKind() + "s",
        List.of("Pair (a − b)", "n", "Mean difference [" + level + "% CI]", "t (df)", "p", "p (Holm)", "p (Wilcoxon)"), rows, n,
        level + "% paired-bootstrap percentile interval of the mean difference (" + c.settings().bootstrapResamples() + " resamples, seed "
            + c.settings().seed() + ")",
        "per-" + t.itemKind() + " differences a − b; two-sided paired t-test; p (Holm) adjusts the t-test p-values for the " + c.pairs().size()
            + " pairs by Holm's step-down method; Wilcoxon signed-rank test with zero differences dropped (exact for ≤ 50 untied differences, "
            + "otherwise the normal approximation with tie correction)");
  }

  /** A folded condition ("Original = AVHS") in brackets, so that a pair reads as one difference. */
  private static String operand(String condition) {
    return condition.contains(" = ") ? "(" + condition + ")" : condition;
  }

  static java.util.Optional<Report.Chart> layerChart(ScoreTable t) {
    if (t.rows().isEmpty() || t.rows().stream().anyMatch(r -> r.layer().isEmpty())) return java.util.Optional.empty();
    TreeSet<Integer> layers = new TreeSet<>();
    t.rows().forEach(r -> layers.add(r.layer().getAsInt()));
    if (layers.size() < 2) return java.util.Optional.empty();
    List<Report.LayerChart.Line> lines = new ArrayList<>();
    int minN = Integer.MAX_VALUE, maxN = 0;
    for (String f : t.conditions()) {
      int ci = t.indexOf(f);
      List<Report.LayerChart.Point> points = new ArrayList<>();
      for (int layer : layers) {
        double[] v = t.rows().stream().filter(r -> r.layer().getAsInt() == layer).mapToDouble(r -> r.values()[ci]).toArray();
        Summary s = Summary.of(v);
        minN = Math.min(minN, s.n());
        maxN = Math.max(maxN, s.n());
        points.add(new Report.LayerChart.Point(layer, s.mean(), s.mean() - s.sem(), s.mean() + s.sem(), s.n()));
      }
      lines.add(new Report.LayerChart.Line(f, points));
    }
    return java.util.Optional.of(new Report.LayerChart("Mean " + shortMetric(t.metric()) + " by layer", "mean " + shortMetric(t.metric()), lines,
        "Each point is the mean over the neurons of one layer (" + (minN == maxN ? "n = " + minN : "n = " + minN + "–" + maxN)
            + " per point); error bars are ± 1 SEM. Points of different formats are shifted sideways slightly so that they do not overlap.",
        range(t.metric())));
  }

  /**
   * The paper's Table 6: ranks per evaluation and the average rank. One row per evaluation and one column
   * per format, so that the table keeps its width however many evaluations a run has.
   */
  public static Report.Table rankSummary(RankSummary r) {
    List<String> columns = new ArrayList<>();
    columns.add("Evaluation");
    r.rows().forEach(row -> columns.add(row.condition()));
    List<List<String>> rows = new ArrayList<>();
    for (int e = 0; e < r.evaluations().size(); e++) {
      List<String> cells = new ArrayList<>();
      cells.add(r.evaluations().get(e));
      for (RankSummary.Row row : r.rows()) {
        var x = row.ranks().get(e);
        cells.add(x.isPresent() ? Numbers.rank(x.getAsDouble()) : "—");
      }
      rows.add(cells);
    }
    List<String> average = new ArrayList<>();
    average.add("Average rank");
    for (RankSummary.Row row : r.rows()) {
      average.add(Numbers.fixed(row.averageRank(), 2) + (row.evaluations() < r.evaluations().size() ? " (of " + row.evaluations() + ")" : ""));
    }
    rows.add(average);
    return new Report.Table("Rank of each format in each evaluation (1 = best) and average rank", columns, rows,
        r.evaluations().size() + " evaluations",
        "none for ranks themselves; whether two formats differ reliably is in each evaluation's paired comparisons",
        "formats ranked by mean score within each evaluation, ties sharing the average rank; the average is over the evaluations that scored the format");
  }

  /**
   * The paper's appendix Table 7 from a cost ledger: tokens, dollars and wall time per 1,000 items for
   * each step and model, with the SEM over items.
   */
  public static Report.Table costs(List<StepCost> ledger, String itemKind) {
    Map<List<String>, Map<String, double[]>> byStepModel = new LinkedHashMap<>();
    for (StepCost c : ledger) {
      double[] acc = byStepModel.computeIfAbsent(List.of(c.step(), c.model()), k -> new TreeMap<>()).computeIfAbsent(c.item(), k -> new double[5]);
      acc[0] += c.promptTokens();
      acc[1] += c.completionTokens();
      if (c.dollars().isPresent()) acc[2] += c.dollars().getAsDouble();
      else acc[4] = 1;
      acc[3] += c.wall().toNanos() / 1e9;
    }
    List<List<String>> rows = new ArrayList<>();
    for (var e : byStepModel.entrySet()) {
      List<double[]> items = new ArrayList<>(e.getValue().values());
      boolean unpriced = items.stream().anyMatch(a -> a[4] == 1);
      rows.add(List.of(e.getKey().get(0), e.getKey().get(1), Integer.toString(items.size()),
          per1000(items, 0, 0), per1000(items, 1, 0), unpriced ? "—" : "$" + per1000(items, 2, 2), per1000Minutes(items)));
    }
    int n = byStepModel.values().stream().mapToInt(Map::size).max().orElse(0);
    return new Report.Table("Cost per 1,000 " + itemKind + "s by step and model", List.of("Step", "Model", itemKind + "s", "Prompt tokens",
        "Completion tokens", "Dollars", "Wall time (min)"), rows,
        "up to " + n + " " + itemKind + "s per row (column " + itemKind + "s)",
        "± SEM over " + itemKind + "s, scaled to 1,000",
        "all ledger entries of a step and model summed per " + itemKind + ", averaged over " + itemKind + "s and multiplied by 1,000; dollars at the prices "
            + "the ledger recorded (— where a model has no price); wall time is the time the calls took, not the run's elapsed time when calls ran in parallel");
  }

  private static String per1000(List<double[]> items, int field, int decimals) {
    Summary s = Summary.of(items.stream().mapToDouble(a -> a[field]).toArray());
    String mean = decimals == 0 ? Numbers.grouped(1000 * s.mean()) : Numbers.fixed(1000 * s.mean(), decimals);
    String sem = Double.isNaN(s.sem()) ? "" : " ± " + (decimals == 0 ? Numbers.grouped(1000 * s.sem()) : Numbers.fixed(1000 * s.sem(), decimals));
    return mean + sem;
  }

  private static String per1000Minutes(List<double[]> items) {
    Summary s = Summary.of(items.stream().mapToDouble(a -> a[3] / 60).toArray());
    return Numbers.fixed(1000 * s.mean(), 1) + (Double.isNaN(s.sem()) ? "" : " ± " + Numbers.fixed(1000 * s.sem(), 1));
  }

  /** Per-puzzle detail: mean similarity to the ground truth and share of false explanations beaten, per format. */
  public static Report.Table puzzleDetail(PuzzleScoring.Result r) {
    ScoreTable sim = r.similarity(), disc = r.discrimination();
    List<String> columns = new ArrayList<>();
    columns.add("Puzzle");
    for (String f : sim.conditions()) columns.add(f);
    List<List<String>> rows = new ArrayList<>();
    Map<String, Integer> runsPerPuzzle = new LinkedHashMap<>();
    r.runs().forEach(x -> runsPerPuzzle.merge(x.puzzle() + "\u0000" + x.format(), 1, Integer::sum));
    for (int i = 0; i < sim.rows().size(); i++) {
      List<String> cells = new ArrayList<>();
      cells.add(sim.rows().get(i).item());
      double[] s = sim.rows().get(i).values(), d = disc.rows().get(i).values();
      for (int f = 0; f < s.length; f++) cells.add(Numbers.fixed(s[f], 3) + (Double.isNaN(d[f]) ? "" : " (" + Numbers.fixed(100 * d[f], 0) + "%)"));
      rows.add(cells);
    }
    int minRuns = runsPerPuzzle.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    int maxRuns = runsPerPuzzle.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return new Report.Table("Per puzzle: similarity to the ground truth (share of false explanations beaten)", columns, rows,
        sim.rows().size() + " puzzles; runs per puzzle and format: " + (minRuns == maxRuns ? minRuns : minRuns + "–" + maxRuns),
        "none per cell (a mean of few runs); see the format comparison for SEM over puzzles",
        "cosine similarity of each run's explanation to the ground truth, averaged over runs; in brackets, the share of the puzzle's false "
            + "explanations to which the run's explanation is less similar than to the ground truth, averaged over runs");
  }

  /**
   * The values a metric can take, from its name: correlations and cosine similarities lie in [−1, 1],
   * shares in [0, 1]; anything else is unbounded.
   */
  static Report.Range range(String metric) {
    String m = metric.toLowerCase(java.util.Locale.ROOT);
    if (m.startsWith("share")) return Report.Range.SHARE;
    if (m.contains("correlation") || m.contains("cosine")) return Report.Range.CORRELATION;
    return Report.Range.ANY;
  }

  /** "cosine similarity to X (model)" → "cosine similarity" for axis labels. */
  static String shortMetric(String metric) {
    int cut = metric.indexOf(" to ");
    return cut > 0 ? metric.substring(0, cut) : metric.replaceAll(" \\(.*\\)$", "");
  }
}
