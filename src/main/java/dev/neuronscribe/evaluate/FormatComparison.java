package dev.neuronscribe.evaluate;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one evaluation says about its conditions: each condition's mean ± SEM with its n and
 * rank, and every pair compared on the items both have (paired t with Holm's adjustment over the
 * pairs, Wilcoxon signed-rank, paired-bootstrap interval of the mean difference).
 */
public record FormatComparison(ScoreTable table, List<ConditionSummary> summaries, List<PairedComparison> pairs, ComparisonSettings settings) {

  /** One condition: its summary, how many items lack a score, and its rank by mean (1 = best). */
  public record ConditionSummary(String condition, Summary summary, int missing, double rank) {}

  public FormatComparison {
    summaries = List.copyOf(summaries);
    pairs = List.copyOf(pairs);
  }

  /** Compares all conditions of the table; higher scores are better. */
  public static FormatComparison of(ScoreTable table, ComparisonSettings settings) {
    List<String> conditions = table.conditions();
    double[] means = new double[conditions.size()];
    List<Summary> sums = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      Summary s = Summary.of(table.column(conditions.get(i)));
      sums.add(s);
      means[i] = s.mean();
    }
    double[] ranks = Statistics.ranksHighestFirst(means);
    List<ConditionSummary> summaries = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      summaries.add(new ConditionSummary(conditions.get(i), sums.get(i), table.missing(conditions.get(i)), ranks[i]));
    }

    List<PairedComparison> raw = new ArrayList<>();
    int pairIndex = 0;
    for (int i = 0; i < conditions.size(); i++) {
      for (int j = i + 1; j < conditions.size(); j++) {
        raw.add(compare(table, conditions.get(i), conditions.get(j), settings, settings.seed() + 7919L * pairIndex++));
      }
    }
    double[] holm = Statistics.holm(raw.stream().mapToDouble(PairedComparison::pT).toArray());
    List<PairedComparison> pairs = new ArrayList<>();
    for (int k = 0; k < raw.size(); k++) pairs.add(raw.get(k).withHolm(holm[k]));
    return new FormatComparison(table, summaries, pairs, settings);
  }

  static PairedComparison compare(ScoreTable table, String a, String b, ComparisonSettings settings, long seed) {
    double[] d = table.differences(a, b);
    Summary s = Summary.of(d);
    Statistics.Test t = Statistics.pairedT(d);
    Statistics.Test w = Statistics.wilcoxon(d);
    double[] ci = Statistics.bootstrapMeanInterval(d, settings.bootstrapResamples(), settings.confidence(), seed);
    return new PairedComparison(a, b, s.n(), s.mean(), s.sem(), t.statistic(), Math.max(0, s.n() - 1), t.p(), Double.NaN,
        w.statistic(), w.p(), w.method(), ci[0], ci[1]);
  }

  public ConditionSummary summary(String condition) {
    return summaries.stream().filter(s -> s.condition().equals(condition)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no condition '" + condition + "'"));
  }
}
