package dev.neuronscribe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a reader sees of the charts: colours, axes that end where the measure does, labels inside, boxes that mean something. */
class SvgLayoutTest {
  static final List<String> FORMATS = List.of("Original", "Summary", "Highlight", "HighlightSummary", "AVHS");

  @Test
  void noTwoFormatsShareAColourOrLookAlikeAndEachKeepsItsOwnInEveryChart() {
    List<String> colours = FORMATS.stream().map(f -> Svg.colour(f, 0)).toList();
    assertThat(colours).doesNotHaveDuplicates();
    for (int i = 0; i < colours.size(); i++) {
      for (int j = i + 1; j < colours.size(); j++) {
        assertThat(deltaE(colours.get(i), colours.get(j))).as(FORMATS.get(i) + " vs " + FORMATS.get(j)).isGreaterThan(30);
      }
    }
    // The same format has the same colour whatever its position; a folded series takes its first format's.
    assertThat(Svg.colour("AVHS", 0)).isEqualTo(Svg.colour("AVHS", 4));
    assertThat(Svg.colour("Original = AVHS", 2)).isEqualTo(Svg.colour("Original", 0));
    // A chart with all five formats fills five different colours.
    String svg = Svg.bars(new Report.BarChart("t", "mean score", FORMATS.stream().map(f -> new Report.BarChart.Bar(f, 0.5, 0.4, 0.6)).toList(), "n"));
    assertThat(attributes(svg, "rect", "fill").stream().filter(c -> !c.equals("#ffffff")).distinct()).hasSize(5);
  }

  @Test
  void aShareNearOneGetsAnAxisThatEndsAtOneAndALongLabelStaysInside() {
    String label = "mean share of false explanations farther from the explanation than the ground truth";
    List<Report.BarChart.Bar> bars = List.of(new Report.BarChart.Bar("Original", 0.929, 0.877, 0.981), new Report.BarChart.Bar("Summary", 0.952, 0.904, 1.0),
        new Report.BarChart.Bar("Highlight", 0.976, 0.952, 1.024));
    String svg = Svg.bars(new Report.BarChart("t", label, bars, "n", Report.Range.SHARE));
    assertThat(numericLabels(svg)).contains(1.0).allMatch(v -> v <= 1.0);
    assertTextInside(svg);
    // Every word of the label is shown, over as many lines as it needs.
    assertThat(String.join(" ", texts(svg))).contains("ground truth");
    // Without a bound the axis may go past 1, as before.
    assertThat(numericLabels(Svg.bars(new Report.BarChart("t", "mean", bars, "n")))).anyMatch(v -> v > 1.0);
  }

  @Test
  void boxesOnlyWhereThereAreEnoughValuesWithASpread() {
    Report.Distribution d = new Report.Distribution("t", "share of false explanations farther from the explanation than the ground truth", List.of(
        new Report.Distribution.Series("Original", new double[] {1, 1, 1, 1, 1, 1, 1, 0.67}),
        new Report.Distribution.Series("Summary", new double[] {0.2, 0.5, 0.9}),
        new Report.Distribution.Series("Highlight", new double[] {0.1, 0.3, 0.5, 0.7, 0.9, 0.95})), "n", Report.Range.SHARE);
    String svg = Svg.distribution(d);
    // Only Highlight (6 values, spread) gets a box; Original's quartiles all sit at 1, Summary has 3 values.
    assertThat(count(svg, "<rect class=\"box\"")).isEqualTo(1);
    assertThat(attributes(svg, "rect class=\"box\"", "width").stream().map(Double::parseDouble)).allMatch(w -> w > 5);
    // Every value is a visible dot, and none sits on the frame.
    List<String> r = attributes(svg, "circle", "r");
    assertThat(r).hasSize(17).allMatch(x -> Double.parseDouble(x) >= 3);
    assertThat(numericLabels(svg)).allMatch(v -> v <= 1.0);
    assertTextInside(svg);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Each text's estimated box (CHAR_PX per character; rotated labels vertical) lies within the picture. */
  static void assertTextInside(String svg) {
    Matcher size = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
    assertThat(size.find()).isTrue();
    double w = Double.parseDouble(size.group(1)), h = Double.parseDouble(size.group(2));
    Matcher m = Pattern.compile("<text x=\"([-\\d.]+)\" y=\"([-\\d.]+)\" text-anchor=\"(\\w+)\"([^>]*)>([^<]*)</text>").matcher(svg);
    while (m.find()) {
      double x = Double.parseDouble(m.group(1)), y = Double.parseDouble(m.group(2));
      double len = m.group(5).length() * Svg.CHAR_PX;
      double from = switch (m.group(3)) {
        case "middle" -> -len / 2;
        case "end" -> -len;
        default -> 0;
      };
      boolean rotated = m.group(4).contains("rotate(-90");
      if (rotated) {
        assertThat(y - from).as("rotated text '" + m.group(5) + "' bottom").isLessThanOrEqualTo(h);
        assertThat(y - from - len).as("rotated text '" + m.group(5) + "' top").isGreaterThanOrEqualTo(0);
        assertThat(x - 12).as("rotated text '" + m.group(5) + "' left").isGreaterThanOrEqualTo(0);
      } else {
        assertThat(x + from).as("text '" + m.group(5) + "' left").isGreaterThanOrEqualTo(0);
        assertThat(x + from + len).as("text '" + m.group(5) + "' right").isLessThanOrEqualTo(w);
        assertThat(y - 12).as("text '" + m.group(5) + "' top").isGreaterThanOrEqualTo(0);
        assertThat(y).as("text '" + m.group(5) + "' bottom").isLessThanOrEqualTo(h);
      }
    }
  }

  static List<String> texts(String svg) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<text [^>]*>([^<]*)</text>").matcher(svg);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  /** The axis' tick labels (texts that are plain numbers with one or two decimals, not the bars' 3-decimal values). */
  static List<Double> numericLabels(String svg) {
    return texts(svg).stream().filter(t -> t.matches("-?\\d+\\.\\d{1,2}")).map(Double::parseDouble).toList();
  }

  static List<String> attributes(String svg, String element, String attribute) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<" + Pattern.quote(element) + "\\b[^>]*?\\b" + attribute + "=\"([^\"]*)\"").matcher(svg);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  static int count(String s, String needle) {
    return (s.length() - s.replace(needle, "").length()) / needle.length();
  }

  /** CIE76 colour difference of two sRGB colours. */
  static double deltaE(String a, String b) {
    double[] x = lab(a), y = lab(b);
    return Math.sqrt(Math.pow(x[0] - y[0], 2) + Math.pow(x[1] - y[1], 2) + Math.pow(x[2] - y[2], 2));
  }

  static double[] lab(String hex) {
    double[] c = new double[3];
    for (int i = 0; i < 3; i++) {
      double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
      c[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
    double x = (0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.95047;
    double y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    double z = (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.08883;
    return new double[] {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
  }

  private static double f(double t) {
    return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
  }
}
