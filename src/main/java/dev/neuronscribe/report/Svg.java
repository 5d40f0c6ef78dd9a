package dev.neuronscribe.report;

import dev.neuronscribe.files.HtmlEscaper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Draws the report's charts as SVG by hand: crisp at any zoom, searchable text, no external requests,
 * a few kilobytes each, and identical bytes for identical data (jitter comes from a fixed seed).
 */
final class Svg {
  private Svg() {}

  /**
   * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. The first five belong
   * to the five prompt formats, in every chart, whatever the order or number of series; their sky blue
   * (too close to the blue to tell Original from AVHS) comes after them, for series that are not formats.
   */
  static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#999999", "#000000"};
  private static final List<String> FORMATS = List.of("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");
  /** Average width of a character of the 12 px sans-serif font, to keep labels inside the picture. */
  static final double CHAR_PX = 7.0;
  private static final int Y_LABEL_LINES = 3;
  private static final String FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\"";

  static String render(Report.Chart chart) {
    return switch (chart) {
      case Report.BarChart b -> bars(b);
      case Report.Distribution d -> distribution(d);
      case Report.LayerChart l -> layers(l);
    };
  }

  static String colour(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /**
   * A series' colour: a format's own (a folded series "Original = AVHS" takes its first format's);
   * other series take the colours after the formats', by position.
   */
  static String colour(String series, int i) {
    int f = FORMATS.indexOf(series.split(" = ", 2)[0]);
    return f >= 0 ? PALETTE[f] : PALETTE[FORMATS.size() + i % (PALETTE.length - FORMATS.size())];
  }

  /** A label broken into at most two lines of at most {@code maxPx}; a longer one ends with "…". */
  static List<String> wrap(String label, double maxPx) {
    return wrap(label, maxPx, 2);
  }

  /** A label broken into at most {@code maxLines} lines of at most {@code maxPx}; a longer one ends with "…". */
  static List<String> wrap(String label, double maxPx, int maxLines) {
    int max = Math.max(8, (int) (maxPx / CHAR_PX));
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : label.split(" ")) {
      if (!line.isEmpty() && line.length() + 1 + word.length() > max) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) line.append(' ');
      line.append(word);
    }
    if (!line.isEmpty()) lines.add(line.toString());
    if (lines.size() > maxLines) {
      String rest = String.join(" ", lines.subList(maxLines - 1, lines.size()));
      lines = new ArrayList<>(lines.subList(0, maxLines - 1));
      lines.add(rest.substring(0, Math.max(0, max - 1)).stripTrailing() + "…");
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).length() > max) lines.set(i, lines.get(i).substring(0, max - 1) + "…");
    }
    return lines;
  }

  // ---- axes -------------------------------------------------------------------------------

  /** A readable axis: bounds and tick step rounded to 1, 2 or 5 × 10^k. */
  record Axis(double min, double max, double step) {
    static Axis nice(double lo, double hi, int targetTicks) {
      if (!(hi > lo)) {
        double pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
        lo -= pad;
        hi += pad;
      }
      double raw = (hi - lo) / targetTicks;
      double mag = Math.pow(10, Math.floor(Math.log10(raw)));
      double step = Arrays.stream(new double[] {1, 2, 2.5, 5, 10}).map(m -> m * mag).filter(s -> s >= raw).findFirst().orElse(10 * mag);
      return new Axis(Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step, step);
    }

    /** A nice axis for data in [lo, hi] that stays within what the measure can take. */
    static Axis within(double lo, double hi, int targetTicks, Report.Range range) {
      Axis a = nice(lo, hi, targetTicks);
      double min = a.min < range.min() && lo >= range.min() ? range.min() : a.min;
      double max = a.max > range.max() && hi <= range.max() ? range.max() : a.max;
      return new Axis(min, max, a.step);
    }

    List<Double> ticks() {
      List<Double> t = new ArrayList<>();
      for (double v = min; v <= max + step * 1e-6; v += step) t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
      return t;
    }

    double scale(double v, double from, double to) {
      return from + (v - min) / (max - min) * (to - from);
    }

    String label(double v) {
      int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
      if (step * Math.pow(10, decimals) % 1 > 1e-6) decimals++;
      return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
  }

  static String esc(String s) {
    return HtmlEscaper.escape(s);
  }

  static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static StringBuilder open(int w, int h, String title) {
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(w).append(' ').append(h)
        .append("\" width=\"").append(w).append("\" height=\"").append(h).append("\" role=\"img\" ").append(FONT)
        .append(" font-size=\"12\">");
    s.append("<title>").append(esc(title)).append("</title>");
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    return s;
  }

  private static void text(StringBuilder s, double x, double y, String anchor, String extra, String content) {
    s.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" text-anchor=\"").append(anchor).append('"')
        .append(extra.isEmpty() ? "" : " " + extra).append('>').append(esc(content)).append("</text>");
  }

  private static void line(StringBuilder s, double x1, double y1, double x2, double y2, String stroke, double width) {
    s.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2)).append("\" y2=\"")
        .append(f(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(width).append("\"/>");
  }

  /** Horizontal grid and labels of a vertical value axis. */
  private static void yAxis(StringBuilder s, Axis axis, double left, double right, double top, double bottom, String label) {
    for (double t : axis.ticks()) {
      double y = axis.scale(t, bottom, top);
      line(s, left, y, right, y, t == 0 ? "#888888" : "#e5e7eb", 1);
      text(s, left - 6, y + 4, "end", "fill=\"#374151\"", axis.label(t));
    }
    List<String> lines = wrap(label, bottom - top, Y_LABEL_LINES);
    for (int i = 0; i < lines.size(); i++) {
      double x = 14 + 14 * i;
      text(s, x, (top + bottom) / 2, "middle", "fill=\"#374151\" transform=\"rotate(-90 " + f(x) + " " + f((top + bottom) / 2) + ")\"", lines.get(i));
    }
  }


  // ---- bar chart ---------------------------------------------------------------------------

  static String bars(Report.BarChart c) {
    int w = 720, h = 360;
    double top = 30, bottom = h - 48, right = w - 20;
    double left = 52 + 14 * wrap(c.yLabel(), bottom - top, Y_LABEL_LINES).size();
    Report.Range range = c.range();
    double lo = 0, hi = 0;
    for (Report.BarChart.Bar b : c.bars()) {
      if (!Double.isFinite(b.value())) continue;
      lo = Math.min(lo, within(finiteOr(b.low(), b.value()), range));
      hi = Math.max(hi, within(finiteOr(b.high(), b.value()), range));
    }
    // Room above the tallest error bar for its value label, but never past what the measure can take.
    Axis axis = Axis.within(lo, Math.min(hi * 1.08, Math.max(hi, range.max())), 6, range);
    StringBuilder s = open(w, h, c.title());
    yAxis(s, axis, left, right, top, bottom, c.yLabel());
    int n = c.bars().size();
    double slot = (right - left) / Math.max(1, n);
    double bw = Math.min(90, slot * 0.62);
    for (int i = 0; i < n; i++) {
      Report.BarChart.Bar b = c.bars().get(i);
      double cx = left + slot * (i + 0.5);
      double y0 = axis.scale(Math.max(axis.min(), 0), bottom, top), y1 = axis.scale(b.value(), bottom, top);
      if (Double.isFinite(b.value())) {
        s.append("<rect x=\"").append(f(cx - bw / 2)).append("\" y=\"").append(f(Math.min(y0, y1))).append("\" width=\"").append(f(bw))
            .append("\" height=\"").append(f(Math.abs(y0 - y1))).append("\" fill=\"").append(colour(b.label(), i)).append("\" fill-opacity=\"0.85\" rx=\"2\">")
            .append("<title>").append(esc(b.label() + ": " + Numbers.fixed(b.value(), 3)
                + (Double.isFinite(b.low()) ? " [" + Numbers.fixed(b.low(), 3) + ", " + Numbers.fixed(b.high(), 3) + "]" : ""))).append("</title></rect>");
      }
      boolean errorBar = Double.isFinite(b.low()) && Double.isFinite(b.high());
      if (errorBar) {
        // An error bar stops where the measure does (a mean of shares ± SEM can pass 1 on paper).
        double yl = axis.scale(within(b.low(), range), bottom, top), yh = axis.scale(within(b.high(), range), bottom, top);
        line(s, cx, yl, cx, yh, "#111827", 1.5);
        line(s, cx - 8, yl, cx + 8, yl, "#111827", 1.5);
        line(s, cx - 8, yh, cx + 8, yh, "#111827", 1.5);
      }
      double labelY = Math.max(top - 8, (errorBar ? axis.scale(within(b.high(), range), bottom, top) : y1) - 6);
      text(s, cx, labelY, "middle", "fill=\"#111827\" font-weight=\"600\"", Numbers.fixed(b.value(), 3));
      List<String> name = wrap(b.label(), slot - 4);
      for (int k = 0; k < name.size(); k++) text(s, cx, bottom + 18 + 14 * k, "middle", "fill=\"#111827\"", name.get(k));
    }
    return s.append("</svg>").toString();
  }

  private static double within(double v, Report.Range r) {
    return Math.max(r.min(), Math.min(r.max(), v));
  }

  private static double finiteOr(double v, double fallback) {
    return Double.isFinite(v) ? v : fallback;
  }

  // ---- distribution -------------------------------------------------------------------------

  /** A box needs this many values: with fewer, quartiles say less than the points themselves. */
  static final int MIN_BOX = 5;

  static String distribution(Report.Distribution c) {
    int rowH = 56;
    int w = 720;
    double left = 210, right = w - 24, top = 16;
    List<String> valueLabel = wrap(c.valueLabel(), right - left);
    int h = 44 + 14 * valueLabel.size() + rowH * Math.max(1, c.series().size());
    double bottom = top + rowH * Math.max(1, c.series().size());
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (Report.Distribution.Series ser : c.series()) {
      for (double v : ser.values()) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!Double.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    Axis axis = Axis.within(lo, hi, 8, c.range());
    // Points at the axis' ends stay clear of the frame.
    double from = left + 10, to = right - 10;
    StringBuilder s = open(w, h, c.title());
    for (double t : axis.ticks()) {
      double x = axis.scale(t, from, to);
      line(s, x, top, x, bottom, "#e5e7eb", 1);
      text(s, x, bottom + 16, "middle", "fill=\"#374151\"", axis.label(t));
    }
    for (int k = 0; k < valueLabel.size(); k++) text(s, (left + right) / 2, bottom + 34 + 14 * k, "middle", "fill=\"#374151\"", valueLabel.get(k));
    SplittableRandom jitter = new SplittableRandom(17);
    for (int i = 0; i < c.series().size(); i++) {
      Report.Distribution.Series ser = c.series().get(i);
      double[] v = Arrays.stream(ser.values()).filter(Double::isFinite).sorted().toArray();
      double cy = top + rowH * (i + 0.5);
      List<String> name = wrap(ser.name() + " (n=" + v.length + ")", left - 16);
      for (int k = 0; k < name.size(); k++) text(s, left - 10, cy + 4 + 14 * (k - (name.size() - 1) / 2.0), "end", "fill=\"#111827\"", name.get(k));
      if (v.length == 0) continue;
      String col = colour(ser.name(), i);
      for (double x : v) {
        double jy = cy + (jitter.nextDouble() - 0.5) * rowH * 0.6;
        s.append("<circle cx=\"").append(f(axis.scale(x, from, to))).append("\" cy=\"").append(f(jy))
            .append("\" r=\"3\" fill=\"").append(col).append("\" fill-opacity=\"0.6\"/>");
      }
      double q1 = quantile(v, 0.25), med = quantile(v, 0.5), q3 = quantile(v, 0.75), iqr = q3 - q1;
      double bh = rowH * 0.42;
      if (v.length >= MIN_BOX && iqr > 0) {
        double wl = v[0], wh = v[v.length - 1];
        for (double x : v) {
          if (x >= q1 - 1.5 * iqr) {
            wl = x;
            break;
          }
        }
        for (int k = v.length - 1; k >= 0; k--) {
          if (v[k] <= q3 + 1.5 * iqr) {
            wh = v[k];
            break;
          }
        }
        line(s, axis.scale(wl, from, to), cy, axis.scale(q1, from, to), cy, "#111827", 1.2);
        line(s, axis.scale(q3, from, to), cy, axis.scale(wh, from, to), cy, "#111827", 1.2);
        line(s, axis.scale(wl, from, to), cy - bh / 4, axis.scale(wl, from, to), cy + bh / 4, "#111827", 1.2);
        line(s, axis.scale(wh, from, to), cy - bh / 4, axis.scale(wh, from, to), cy + bh / 4, "#111827", 1.2);
        s.append("<rect class=\"box\" x=\"").append(f(axis.scale(q1, from, to))).append("\" y=\"").append(f(cy - bh / 2)).append("\" width=\"")
            .append(f(axis.scale(q3, from, to) - axis.scale(q1, from, to))).append("\" height=\"").append(f(bh))
            .append("\" fill=\"").append(col).append("\" fill-opacity=\"0.2\" stroke=\"#111827\" stroke-width=\"1.2\"/>");
      }
      // The median is drawn even without a box: with half or more of the values equal it is where they pile up.
      line(s, axis.scale(med, from, to), cy - bh / 2, axis.scale(med, from, to), cy + bh / 2, "#111827", 2.2);
      double mean = Arrays.stream(v).average().orElse(Double.NaN);
      double mx = axis.scale(mean, from, to);
      s.append("<path d=\"M").append(f(mx)).append(' ').append(f(cy - 6)).append(" L").append(f(mx + 6)).append(' ').append(f(cy))
          .append(" L").append(f(mx)).append(' ').append(f(cy + 6)).append(" L").append(f(mx - 6)).append(' ').append(f(cy))
          .append(" Z\" fill=\"#ffffff\" stroke=\"#111827\" stroke-width=\"1.5\"><title>mean ").append(Numbers.fixed(mean, 3)).append("</title></path>");
    }
    return s.append("</svg>").toString();
  }

  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  // ---- layers -------------------------------------------------------------------------------

  static String layers(Report.LayerChart c) {
    int w = 860, h = 400;
    double top = 44, bottom = h - 48, right = w - 20;
    double left = 52 + 14 * wrap(c.yLabel(), bottom - top, Y_LABEL_LINES).size();
    int minL = Integer.MAX_VALUE, maxL = Integer.MIN_VALUE;
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (Report.LayerChart.Line l : c.lines()) {
      for (Report.LayerChart.Point p : l.points()) {
        minL = Math.min(minL, p.layer());
        maxL = Math.max(maxL, p.layer());
        for (double v : new double[] {p.value(), p.low(), p.high()}) {
          if (Double.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
    }
    if (minL > maxL) {
      minL = 0;
      maxL = 1;
    }
    if (!Double.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    Axis y = Axis.within(lo, hi, 6, c.range());
    StringBuilder s = open(w, h, c.title());
    yAxis(s, y, left, right, top, bottom, c.yLabel());
    double span = Math.max(1, maxL - minL);
    double pad = (right - left) / (span + 1) / 2;
    int labelEvery = Math.max(1, (int) Math.ceil((span + 1) / 24.0));
    for (int layer = minL; layer <= maxL; layer++) {
      double x = left + pad + (layer - minL) / span * (right - left - 2 * pad);
      if ((layer - minL) % labelEvery == 0) text(s, x, bottom + 16, "middle", "fill=\"#374151\"", Integer.toString(layer));
    }
    text(s, (left + right) / 2, h - 8, "middle", "fill=\"#374151\"", "layer");
    int k = c.lines().size();
    double legendX = left + 8;
    double dodge = Math.min(4, (right - left - 2 * pad) / (span + 1) / (k + 1));
    for (int i = 0; i < k; i++) {
      Report.LayerChart.Line l = c.lines().get(i);
      String col = colour(l.name(), i);
      double off = (i - (k - 1) / 2.0) * dodge;
      StringBuilder path = new StringBuilder();
      for (Report.LayerChart.Point p : l.points()) {
        if (!Double.isFinite(p.value())) continue;
        double x = left + pad + (p.layer() - minL) / span * (right - left - 2 * pad) + off;
        path.append(path.isEmpty() ? "M" : " L").append(f(x)).append(' ').append(f(y.scale(p.value(), bottom, top)));
      }
      s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(col).append("\" stroke-width=\"1.8\" stroke-opacity=\"0.9\"/>");
      for (Report.LayerChart.Point p : l.points()) {
        if (!Double.isFinite(p.value())) continue;
        double x = left + pad + (p.layer() - minL) / span * (right - left - 2 * pad) + off;
        if (Double.isFinite(p.low()) && Double.isFinite(p.high())) {
          s.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(f(y.scale(p.low(), bottom, top))).append("\" x2=\"").append(f(x))
              .append("\" y2=\"").append(f(y.scale(p.high(), bottom, top))).append("\" stroke=\"").append(col).append("\" stroke-opacity=\"0.55\"/>");
        }
        s.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y.scale(p.value(), bottom, top))).append("\" r=\"2.6\" fill=\"")
            .append(col).append("\"><title>").append(esc(l.name() + ", layer " + p.layer() + ": " + Numbers.fixed(p.value(), 3) + " (n=" + p.n() + ")"))
            .append("</title></circle>");
      }
      double lx = legendX;
      legendX += 34 + CHAR_PX * l.name().length();
      s.append("<rect x=\"").append(f(lx)).append("\" y=\"12\" width=\"14\" height=\"10\" fill=\"").append(col).append("\"/>");
      text(s, lx + 20, 21, "start", "fill=\"#111827\"", l.name());
    }
    return s.append("</svg>").toString();
  }
}
