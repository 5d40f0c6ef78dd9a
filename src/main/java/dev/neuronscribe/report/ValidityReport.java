package dev.neuronscribe.report;

import dev.neuronscribe.evaluate.ScorerValidity;
import dev.neuronscribe.files.CsvWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The validity table of {@code scribe validate}: printed as text, written as Markdown, HTML and CSV. */
public final class ValidityReport {
  static final List<String> COLUMNS = List.of("scorer", "units", "explanations scored", "AUROC true vs false", "truth beats all false",
      "rank correlation", "re-seed SD", "failed items", "tokens / 1,000 units", "$ / 1,000 units", "seconds / 1,000 units");

  private ValidityReport() {}

  public static List<List<String>> cells(List<ScorerValidity.Row> rows) {
    return cells(rows, false);
  }

  /** For a spreadsheet: plain numbers (no thousands separators, shares as fractions), empty for undefined. */
  private static List<List<String>> cells(List<ScorerValidity.Row> rows, boolean plain) {
    List<List<String>> out = new ArrayList<>();
    for (ScorerValidity.Row r : rows) {
      out.add(List.of(r.scorer(), Integer.toString(r.units()), Integer.toString(r.explanations()), f(r.aurocTrueVsFalse(), 3, plain),
          f(r.truthWins(), 2, plain), f(r.rankCorrelation(), 2, plain), f(r.reseedSd(), 3, plain),
          plain ? String.format(Locale.ROOT, "%.4f", r.failureShare()) : String.format(Locale.ROOT, "%.1f%%", 100 * r.failureShare()),
          String.format(Locale.ROOT, plain ? "%d" : "%,d", r.tokensPer1000()), f(r.dollarsPer1000(), plain ? 4 : 2, plain),
          String.format(Locale.ROOT, "%.0f", r.secondsPer1000())));
    }
    return out;
  }

  /** A fixed-width table for the terminal. */
  public static String text(List<ScorerValidity.Row> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(COLUMNS);
    all.addAll(cells(rows));
    int[] w = new int[COLUMNS.size()];
    for (List<String> r : all) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
    StringBuilder sb = new StringBuilder();
    for (List<String> r : all) {
      for (int i = 0; i < w.length; i++) {
        String cell = r.get(i);
        sb.append(i == 0 ? String.format("%-" + w[i] + "s", cell) : String.format("  %" + w[i] + "s", cell));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  public static Report report(List<ScorerValidity.Row> rows, List<String> recommendations, String groundTruth, String machine) {
    Report.Table table = new Report.Table("Validity of each scorer on ground truth", COLUMNS, cells(rows),
        rows.isEmpty() ? "no scorers" : rows.getFirst().units() + " units with known explanations (" + groundTruth + ")",
        "none beyond the re-seed SD (the spread of the true explanation's score over re-seeded example sets)",
        "every unit's true explanation, its false ones and a too-narrow and a too-broad control are scored; AUROC is, per "
            + "unit, the share of false explanations the true one outscores (ties half), averaged over units; rank correlation is Spearman's between score and quality rank (true 2, "
            + "controls 1, false 0), per unit then averaged; seconds were measured on " + machine);
    List<Report.Block> rec = new ArrayList<>();
    for (String line : recommendations) rec.add(new Report.Paragraph(line));
    return new Report("Which scorers to trust", List.of("Each scorer was run on units whose explanation is known: " + groundTruth + "."),
        List.of(new Report.Section("Validity", List.of(table)), new Report.Section("Recommendation", rec)));
  }

  /** Writes {@code validity.md}, {@code validity.html} and {@code validity.csv} into {@code dir}. */
  public static List<Path> write(Path dir, List<ScorerValidity.Row> rows, List<String> recommendations, String groundTruth, String machine) {
    ReportWriter.Written w = ReportWriter.write(report(rows, recommendations, groundTruth, machine), dir, "validity");
    Path csv = dir.resolve("validity.csv");
    CsvWriter out = CsvWriter.withHeader(COLUMNS);
    for (List<String> r : cells(rows, true)) out.row(r);
    out.writeTo(csv);
    return List.of(w.markdown(), w.html(), csv);
  }

  private static String f(OptionalDouble v, int digits, boolean plain) {
    return v.isPresent() ? String.format(Locale.ROOT, "%." + digits + "f", v.getAsDouble()) : plain ? "" : "—";
  }
}
