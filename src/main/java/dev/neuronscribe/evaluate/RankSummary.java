package dev.neuronscribe.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The paper's Table 6: each condition's rank (1 = best mean) in each evaluation, and its average rank
 * over the evaluations that scored it. A condition absent from an evaluation has no rank there and
 * is averaged over the others; {@link Row#evaluations()} says over how many.
 */
public record RankSummary(List<String> evaluations, List<Row> rows) {

  public record Row(String condition, List<OptionalDouble> ranks, double averageRank, int evaluations) {
    public Row {
      ranks = List.copyOf(ranks);
    }
  }

  public RankSummary {
    evaluations = List.copyOf(evaluations);
    rows = List.copyOf(rows);
  }

  /** Builds the summary from named evaluations, keeping the order in which conditions first appear. */
  public static RankSummary of(Map<String, FormatComparison> byEvaluation) {
    LinkedHashSet<String> conditions = new LinkedHashSet<>();
    byEvaluation.values().forEach(c -> conditions.addAll(c.table().conditions()));
    List<Row> rows = new ArrayList<>();
    for (String condition : conditions) {
      List<OptionalDouble> ranks = new ArrayList<>();
      double sum = 0;
      int count = 0;
      for (FormatComparison c : byEvaluation.values()) {
        OptionalDouble r = c.summaries().stream().filter(s -> s.condition().equals(condition))
            .mapToDouble(FormatComparison.ConditionSummary::rank).filter(Double::isFinite).findFirst();
        ranks.add(r);
        if (r.isPresent()) {
          sum += r.getAsDouble();
          count++;
        }
      }
      rows.add(new Row(condition, ranks, count == 0 ? Double.NaN : sum / count, count));
    }
    return new RankSummary(List.copyOf(new LinkedHashMap<>(byEvaluation).keySet()), rows);
  }
}
