package dev.neuronscribe.report;

import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.HtmlEscaper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a {@link Report} as Markdown ({@code NAME.md}, charts as SVG files in {@code NAME_files/})
 * and as one self-contained HTML page ({@code NAME.html}: styles and charts inline, no external
 * request of any kind). Every file is written atomically.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /** The files written. */
  public record Written(Path markdown, Path html, List<Path> charts) {}

  public static Written write(Report report, Path dir, String name) {
    Path md = dir.resolve(name + ".md");
    Path html = dir.resolve(name + ".html");
    List<Path> charts = new ArrayList<>();
    int[] counter = {0};
    String markdown = markdown(report, chart -> {
      String file = name + "_files/chart-" + (++counter[0]) + ".svg";
      Path p = dir.resolve(file);
      AtomicFiles.writeString(p, Svg.render(chart));
      charts.add(p);
      return file;
    });
    AtomicFiles.writeString(md, markdown);
    AtomicFiles.writeString(html, html(report));
    return new Written(md, html, List.copyOf(charts));
  }

  /** Saves a chart and returns the path the Markdown should link to. */
  interface ChartSink {
    String save(Report.Chart chart);
  }

  // ---- Markdown ------------------------------------------------------------------------------

  static String markdown(Report r, ChartSink charts) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(r.title()).append("\n\n");
    for (String p : r.introduction()) s.append(p).append("\n\n");
    int tableNo = 0, figureNo = 0;
    for (Report.Section sec : r.sections()) {
      s.append("## ").append(sec.title()).append("\n\n");
      for (Report.Block b : sec.blocks()) {
        switch (b) {
          case Report.Paragraph p -> s.append(p.text()).append("\n\n");
          case Report.Table t -> {
            s.append("**").append(tableLabel(++tableNo)).append(". ").append(t.caption()).append("**\n\n");
            s.append("| ").append(String.join(" | ", t.columns().stream().map(ReportWriter::mdCell).toList())).append(" |\n");
            s.append("|").append(t.columns().stream().map(c -> " --- |").reduce("", String::concat)).append("\n");
            for (List<String> row : t.rows()) s.append("| ").append(String.join(" | ", row.stream().map(ReportWriter::mdCell).toList())).append(" |\n");
            s.append("\n*n:* ").append(t.n()).append(". *Uncertainty:* ").append(t.uncertainty()).append(". *Method:* ").append(t.method()).append("\n\n");
          }
          case Report.Chart c -> {
            s.append("![").append(c.title()).append("](").append(charts.save(c)).append(")\n\n");
            s.append("*").append(figureLabel(++figureNo)).append(". ").append(c.title()).append(".* ").append(c.note()).append("\n\n");
          }
        }
      }
    }
    return s.toString();
  }

  private static String mdCell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  // ---- HTML ------------------------------------------------------------------------------------

  private static final Pattern NUMERIC = Pattern.compile("^[−+\\-]?[\\d.,]+(e[−+\\-]?\\d+)?%?( ± [\\d.]+)?( \\[.*])?$|^—$|^<.*");

  static String html(Report r) {
    StringBuilder s = new StringBuilder();
    s.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(r.title())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
    s.append("<h1>").append(esc(r.title())).append("</h1>\n");
    for (String p : r.introduction()) s.append("<p class=\"lead\">").append(inline(p)).append("</p>\n");
    if (r.sections().size() > 1) {
      s.append("<nav><ol>");
      for (int i = 0; i < r.sections().size(); i++) {
        s.append("<li><a href=\"#s").append(i + 1).append("\">").append(esc(r.sections().get(i).title())).append("</a></li>");
      }
      s.append("</ol></nav>\n");
    }
    int tableNo = 0, figureNo = 0;
    for (int i = 0; i < r.sections().size(); i++) {
      Report.Section sec = r.sections().get(i);
      s.append("<section id=\"s").append(i + 1).append("\">\n<h2>").append(esc(sec.title())).append("</h2>\n");
      for (Report.Block b : sec.blocks()) {
        switch (b) {
          case Report.Paragraph p -> s.append("<p>").append(inline(p.text())).append("</p>\n");
          case Report.Table t -> {
            tableNo++;
            s.append("<figure class=\"table\"><table>\n<caption><span class=\"num\">").append(tableLabel(tableNo)).append(".</span> ")
                .append(inline(t.caption())).append("</caption>\n<thead><tr>");
            for (int c = 0; c < t.columns().size(); c++) {
              int col = c;
              boolean num = c > 0 && !t.rows().isEmpty() && t.rows().stream().allMatch(row -> NUMERIC.matcher(row.get(col)).matches());
              s.append(num ? "<th class=\"n\">" : "<th>").append(esc(t.columns().get(c))).append("</th>");
            }
            s.append("</tr></thead>\n<tbody>\n");
            for (List<String> row : t.rows()) {
              s.append("<tr>");
              for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                boolean num = c > 0 && NUMERIC.matcher(cell).matches();
                s.append(num ? "<td class=\"n\">" : "<td>").append(inline(cell)).append("</td>");
              }
              s.append("</tr>\n");
            }
            s.append("</tbody></table>\n<figcaption><b>n:</b> ").append(inline(t.n())).append(". <b>Uncertainty:</b> ")
                .append(inline(t.uncertainty())).append(". <b>Method:</b> ").append(inline(t.method())).append("</figcaption></figure>\n");
          }
          case Report.Chart c -> {
            figureNo++;
            s.append("<figure class=\"chart\">").append(Svg.render(c)).append("\n<figcaption><span class=\"num\">")
                .append(figureLabel(figureNo)).append(".</span> <b>").append(esc(c.title())).append(".</b> ").append(inline(c.note())).append("</figcaption></figure>\n");
          }
        }
      }
      s.append("</section>\n");
    }
    s.append("</main>\n</body>\n</html>\n");
    return s.toString();
  }

  /**
   * Our own tables and figures are "Table R1", "Figure R1", …, so that they never read as the paper's
   * Table 1–7, which the text cites as "the paper's Table N".
   */
  static String tableLabel(int n) {
    return "Table R" + n;
  }

  static String figureLabel(int n) {
    return "Figure R" + n;
  }

  static String esc(String s) {
    return HtmlEscaper.escape(s);
  }

  /** Escapes text and turns Markdown's {@code **bold**}, {@code *italic*} and {@code `code`} into HTML. */
  static String inline(String s) {
    String e = esc(s);
    e = e.replaceAll("`([^`]+)`", "<code>$1</code>");
    e = e.replaceAll("\\*\\*([^*]+)\\*\\*", "<b>$1</b>");
    e = e.replaceAll("(?<![\\w*])\\*([^*\\s][^*]*)\\*(?![\\w*])", "<i>$1</i>");
    return e;
  }

  private static final String CSS = """
      :root { color-scheme: light; }
      body { margin: 0; background: #f6f7f9; color: #111827;
        font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
      main { max-width: 980px; margin: 0 auto; padding: 32px 28px 64px; background: #ffffff; min-height: 100vh;
        box-shadow: 0 0 0 1px #e5e7eb; }
      h1 { font-size: 28px; margin: 0 0 12px; letter-spacing: -0.01em; }
      h2 { font-size: 21px; margin: 40px 0 12px; padding-top: 12px; border-top: 1px solid #e5e7eb; }
      p { margin: 10px 0; max-width: 78ch; }
      p.lead { color: #374151; }
      nav { background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 18px; margin: 18px 0; }
      nav ol { margin: 0; padding-left: 24px; columns: 2; column-gap: 48px; }
      nav li { break-inside: avoid; }
      nav a { color: #1d4ed8; text-decoration: none; }
      nav a:hover { text-decoration: underline; }
      code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 1px 4px;
        border-radius: 4px; }
      figure { margin: 20px 0 28px; }
      figure.table { overflow-x: auto; }
      table { border-collapse: collapse; width: 100%; font-size: 14px; }
      caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 8px; }
      th, td { padding: 6px 10px; border-bottom: 1px solid #e5e7eb; text-align: left; vertical-align: top; }
      th { background: #f9fafb; font-weight: 600; border-bottom: 2px solid #d1d5db; }
      th.n { text-align: right; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      tbody tr:hover { background: #f9fafb; }
      figcaption { color: #4b5563; font-size: 13px; margin-top: 8px; max-width: 90ch; }
      .num { color: #6b7280; font-weight: 600; }
      figure.chart svg { max-width: 100%; height: auto; border: 1px solid #e5e7eb; border-radius: 8px; }
      """;
}
