package dev.neuronscribe.report;

import dev.neuronscribe.evaluate.FormatComparison;
import dev.neuronscribe.evaluate.PairedComparison;
import java.util.Locale;

/** Results as plain-text tables for a terminal: the same numbers as the report's, in fixed-width columns. */
public final class TextTables {
  private TextTables() {}

  /** A comparison of formats: mean ± SEM, sd and rank per format, then the paired differences with their tests. */
  public static String comparison(String title, FormatComparison c) {
    StringBuilder out = new StringBuilder();
    out.append('\n').append(title).append('\n');
    out.append("  ").append(c.table().metric()).append("; one value per ").append(c.table().itemKind()).append(", ")
        .append(c.table().rows().size()).append(' ').append(c.table().itemKind()).append("s\n");
    out.append(String.format(Locale.ROOT, "  %-18s %5s  %-17s %6s %5s%n", "format", "n", "mean ± SEM", "sd", "rank"));
    for (FormatComparison.ConditionSummary s : c.summaries()) {
      out.append(String.format(Locale.ROOT, "  %-18s %5d  %6.3f ± %-8.3f %6.3f %5s%n", s.condition(), s.summary().n(), s.summary().mean(), s.summary().sem(),
          s.summary().sd(), s.rank() == Math.rint(s.rank()) ? Integer.toString((int) s.rank()) : String.format(Locale.ROOT, "%.1f", s.rank())));
    }
    if (c.pairs().isEmpty()) return out.toString();
    out.append('\n');
    out.append(String.format(Locale.ROOT, "  Paired differences a − b on the same %ss: 95%% paired-bootstrap CI (%d resamples, seed %d),%n", c.table().itemKind(),
        c.settings().bootstrapResamples(), c.settings().seed()));
    out.append(String.format(Locale.ROOT, "  two-sided paired t-test (Holm-adjusted over %d pairs), Wilcoxon signed-rank.%n", c.pairs().size()));
    out.append(String.format(Locale.ROOT, "  %-36s %5s  %-27s %8s %10s %10s %10s%n", "a − b", "n", "mean diff [95% CI]", "t", "p", "p Holm", "p Wilcoxon"));
    for (PairedComparison p : c.pairs()) {
      out.append(String.format(Locale.ROOT, "  %-36s %5d  %+.3f [%+.3f, %+.3f]    %8.2f %10s %10s %10s%n", p.a() + " − " + p.b(), p.n(), p.meanDifference(),
          p.ciLow(), p.ciHigh(), p.t(), p(p.pT()), p(p.pTHolm()), p(p.pWilcoxon())));
    }
    return out.toString();
  }

  /** A p-value: four decimals, scientific below 1e-4, a dash when undefined. */
  static String p(double p) {
    if (Double.isNaN(p)) return "—";
    return p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
  }
}
