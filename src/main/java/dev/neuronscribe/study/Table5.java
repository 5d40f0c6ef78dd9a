package dev.neuronscribe.study;

import dev.neuronscribe.files.CsvWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's Table 5 for one or more explainer models: per prompt format, the mean human rating (1–5)
 * with its standard error, and how often raters chose that format's explanation as the best.
 *
 * <p>Every (rater, item, explanation) rating is one observation; the SEM is the sample standard
 * deviation over them divided by √n. "% best" is over the answered (rater, item) pairs.
 */
public record Table5(List<Row> rows) {
  public Table5 {
    rows = List.copyOf(rows);
  }

  /** One line: an explainer model and a format. {@code sem} is NaN with fewer than two ratings. */
  public record Row(String explainerModel, String format, int ratings, double mean, double sem, int answers, int chosenBest) {
    public double percentBest() {
      return answers == 0 ? Double.NaN : 100.0 * chosenBest / answers;
    }
  }

  public List<String> explainerModels() {
    List<String> models = new ArrayList<>();
    for (Row r : rows) if (!models.contains(r.explainerModel())) models.add(r.explainerModel());
    return models;
  }

  public List<Row> rowsFor(String explainerModel) {
    return rows.stream().filter(r -> r.explainerModel().equals(explainerModel)).toList();
  }

  /**
   * The table as CSV, one row per (explainer, format): numbers in full precision so that nothing is lost
   * to rounding before a paper's table is typeset from it.
   */
  public String toCsv() {
    CsvWriter out = CsvWriter.forSpreadsheets(
        List.of("explainer_model", "format", "n_ratings", "mean_rating", "sem", "n_answers", "n_chosen_best", "percent_chosen_best"));
    for (Row r : rows) {
      out.row(r.explainerModel(), r.format(), Integer.toString(r.ratings()), number(r.mean()), number(r.sem()),
          Integer.toString(r.answers()), Integer.toString(r.chosenBest()), number(r.percentBest()));
    }
    return out.text();
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
  }

  /** Mean and SEM of ratings given as a count, a sum and a sum of squares (what SQL aggregates give). */
  static Row row(String explainer, String format, int n, long sum, long sumSquares, int answers, int best) {
    double mean = n == 0 ? Double.NaN : (double) sum / n;
    double sem = Double.NaN;
    if (n >= 2) {
      double variance = (sumSquares - (double) sum * sum / n) / (n - 1);
      sem = Math.sqrt(Math.max(0, variance) / n);
    }
    return new Row(explainer, format, n, mean, sem, answers, best);
  }
}
