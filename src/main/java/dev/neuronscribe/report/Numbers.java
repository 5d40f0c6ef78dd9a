package dev.neuronscribe.report;

import java.util.Locale;

/** How numbers are written in reports: fixed decimals, p-values readable at every size. */
final class Numbers {
  private Numbers() {}

  static String fixed(double v, int decimals) {
    if (Double.isNaN(v)) return "—";
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String signed(double v, int decimals) {
    if (Double.isNaN(v)) return "—";
    return String.format(Locale.ROOT, "%+." + decimals + "f", v);
  }

  static String p(double p) {
    if (Double.isNaN(p)) return "—";
    if (p < 1e-4) return String.format(Locale.ROOT, "%.1e", p);
    if (p < 0.01) return String.format(Locale.ROOT, "%.4f", p);
    return String.format(Locale.ROOT, "%.3f", p);
  }

  static String rank(double r) {
    if (Double.isNaN(r)) return "—";
    return r == Math.rint(r) ? Integer.toString((int) r) : fixed(r, 1);
  }

  static String grouped(double v) {
    if (Double.isNaN(v)) return "—";
    return String.format(Locale.ROOT, "%,.0f", v);
  }
}
