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

  /** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
  static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#000000"};
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
    text(s, 14, (top + bottom) / 2, "middle", "fill=\"#374151\" transform=\"rotate(-90 14 " + f((top + bottom) / 2) + ")\"", label);
  }

  // ---- bar chart ---------------------------------------------------------------------------

  static String bars(Report.BarChart c) {
    int w = 720, h = 360;
    double left = 70, right = w - 20, top = 24, bottom = h - 48;
    double lo = 0, hi = 0;
    for (Report.BarChart.Bar b : c.bars()) {
      lo = Math.min(lo, finiteOr(b.low(), b.value()));
      hi = Math.max(hi, finiteOr(b.high(), b.value()));
      lo = Math.min(lo, b.value());
      hi = Math.max(hi, b.value());
    }
    Axis axis = Axis.nice(lo, hi * 1.08, 6);
    StringBuilder s = open(w, h, c.title());
    yAxis(s, axis, left, right, top, bottom, c.yLabel());
    int n = c.bars().size();
    double slot = (right - left) / Math.max(1, n);
    double bw = Math.min(90, slot * 0.62);
    for (int i = 0; i < n; i++) {
      Report.BarChart.Bar b = c.bars().get(i);
      double cx = left + slot * (i + 0.5);
      double y0 = axis.scale(0, bottom, top), y1 = axis.scale(b.value(), bottom, top);
      if (Double.isFinite(b.value())) {
        s.append("<rect x=\"").append(f(cx - bw / 2)).append("\" y=\"").append(f(Math.min(y0, y1))).append("\" width=\"").append(f(bw))
            .append("\" height=\"").append(f(Math.abs(y0 - y1))).append("\" fill=\"").append(colour(i)).append("\" fill-opacity=\"0.85\" rx=\"2\">")
            .append("<title>").append(esc(b.label() + ": " + Numbers.fixed(b.value(), 3)
                + (Double.isFinite(b.low()) ? " [" + Numbers.fixed(b.low(), 3) + ", " + Numbers.fixed(b.high(), 3) + "]" : ""))).append("</title></rect>");
      }
      if (Double.isFinite(b.low()) && Double.isFinite(b.high())) {
        double yl = axis.scale(b.low(), bottom, top), yh = axis.scale(b.high(), bottom, top);
        line(s, cx, yl, cx, yh, "#111827", 1.5);
        line(s, cx - 8, yl, cx + 8, yl, "#111827", 1.5);
        line(s, cx - 8, yh, cx + 8, yh, "#111827", 1.5);
      }
      double labelY = Double.isFinite(b.high()) ? axis.scale(b.high(), bottom, top) - 6 : y1 - 6;
      text(s, cx, labelY, "middle", "fill=\"#111827\" font-weight=\"600\"", Numbers.fixed(b.value(), 3));
      text(s, cx, bottom + 18, "middle", "fill=\"#111827\"", b.label());
    }
    return s.append("</svg>").toString();
  }

  private static double finiteOr(double v, double fallback) {
    return Double.isFinite(v) ? v : fallback;
  }

  // ---- distribution -------------------------------------------------------------------------

  static String distribution(Report.Distribution c) {
    int rowH = 56;
    int w = 720, h = 56 + rowH * Math.max(1, c.series().size());
    double left = 210, right = w - 24, top = 16, bottom = h - 40;
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
    Axis axis = Axis.nice(lo, hi, 8);
    StringBuilder s = open(w, h, c.title());
    for (double t : axis.ticks()) {
      double x = axis.scale(t, left, right);
      line(s, x, top, x, bottom, "#e5e7eb", 1);
      text(s, x, bottom + 16, "middle", "fill=\"#374151\"", axis.label(t));
    }
    text(s, (left + right) / 2, h - 6, "middle", "fill=\"#374151\"", c.valueLabel());
    SplittableRandom jitter = new SplittableRandom(17);
    for (int i = 0; i < c.series().size(); i++) {
      Report.Distribution.Series ser = c.series().get(i);
      double[] v = Arrays.stream(ser.values()).filter(Double::isFinite).sorted().toArray();
      double cy = top + rowH * (i + 0.5);
      text(s, left - 10, cy + 4, "end", "fill=\"#111827\"", ser.name() + " (n=" + v.length + ")");
      if (v.length == 0) continue;
      String col = colour(i);
      for (double x : v) {
        double jy = cy + (jitter.nextDouble() - 0.5) * rowH * 0.55;
        s.append("<circle cx=\"").append(f(axis.scale(x, left, right))).append("\" cy=\"").append(f(jy))
            .append("\" r=\"2\" fill=\"").append(col).append("\" fill-opacity=\"0.35\"/>");
      }
      double q1 = quantile(v, 0.25), med = quantile(v, 0.5), q3 = quantile(v, 0.75), iqr = q3 - q1;
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
      double bh = rowH * 0.42;
      line(s, axis.scale(wl, left, right), cy, axis.scale(q1, left, right), cy, "#111827", 1.2);
      line(s, axis.scale(q3, left, right), cy, axis.scale(wh, left, right), cy, "#111827", 1.2);
      line(s, axis.scale(wl, left, right), cy - bh / 4, axis.scale(wl, left, right), cy + bh / 4, "#111827", 1.2);
      line(s, axis.scale(wh, left, right), cy - bh / 4, axis.scale(wh, left, right), cy + bh / 4, "#111827", 1.2);
      s.append("<rect x=\"").append(f(axis.scale(q1, left, right))).append("\" y=\"").append(f(cy - bh / 2)).append("\" width=\"")
          .append(f(Math.max(1, axis.scale(q3, left, right) - axis.scale(q1, left, right)))).append("\" height=\"").append(f(bh))
          .append("\" fill=\"").append(col).append("\" fill-opacity=\"0.25\" stroke=\"#111827\" stroke-width=\"1.2\"/>");
      line(s, axis.scale(med, left, right), cy - bh / 2, axis.scale(med, left, right), cy + bh / 2, "#111827", 2.2);
      double mean = Arrays.stream(v).average().orElse(Double.NaN);
      double mx = axis.scale(mean, left, right);
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
    double left = 70, right = w - 20, top = 44, bottom = h - 48;
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
    Axis y = Axis.nice(lo, hi, 6);
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
      String col = colour(i);
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
      legendX += 34 + 7 * l.name().length();
      s.append("<rect x=\"").append(f(lx)).append("\" y=\"12\" width=\"14\" height=\"10\" fill=\"").append(col).append("\"/>");
      text(s, lx + 20, 21, "start", "fill=\"#111827\"", l.name());
    }
    return s.append("</svg>").toString();
  }
}
