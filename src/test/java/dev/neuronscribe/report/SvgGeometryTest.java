package dev.neuronscribe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The charts' geometry, read back from the SVG: the value scale is taken from the chart's own axis (its
 * grid lines and their tick labels), and every bar, point and mean must sit where its value says on that
 * scale. A chart that draws a wrong value, or labels its axis wrongly, fails here.
 */
class SvgGeometryTest {
  /** Positions are written to 0.1 px; allow that rounding twice over. */
  private static final double PX = 0.25;

  @Test
  void barsEndAtTheirValuesOnTheChartsOwnAxis() throws Exception {
    List<Report.BarChart.Bar> bars = List.of(
        new Report.BarChart.Bar("original", 0.412, 0.371, 0.455),
        new Report.BarChart.Bar("summary", 0.268, Double.NaN, Double.NaN),
        new Report.BarChart.Bar("negative", -0.15, -0.2, -0.1),
        new Report.BarChart.Bar("avhs", 0.731, 0.70, 0.76));
    Document svg = parse(Svg.bars(new Report.BarChart("Mean score", "score", bars, "")));
    Scale y = valueScale(svg, true);
    List<Element> rects = withTitle(svg, "rect");
    assertThat(rects).hasSize(bars.size());
    for (int i = 0; i < bars.size(); i++) {
      Report.BarChart.Bar b = bars.get(i);
      Element r = rects.get(i);
      assertThat(title(r)).startsWith(b.label() + ": ");
      double top = num(r, "y"), bottom = top + num(r, "height");
      // A bar runs from zero to its value, upwards for a positive value and downwards for a negative one.
      double valueEnd = b.value() >= 0 ? top : bottom;
      double zeroEnd = b.value() >= 0 ? bottom : top;
      assertThat(y.valueAt(valueEnd)).as(b.label()).isCloseTo(b.value(), within(y.valuePerPixel() * PX));
      assertThat(y.valueAt(zeroEnd)).as(b.label() + " starts at zero").isCloseTo(0.0, within(y.valuePerPixel() * PX));
    }
  }

  @Test
  void layerPointsSitAtTheirValuesAndLayersAreEvenlySpaced() throws Exception {
    List<Report.LayerChart.Point> pts = new ArrayList<>();
    double[] values = {0.11, 0.35, 0.29, 0.52, 0.48, 0.61};
    for (int layer = 0; layer < values.length; layer++) pts.add(new Report.LayerChart.Point(layer, values[layer], Double.NaN, Double.NaN, 10));
    Document svg = parse(Svg.layers(new Report.LayerChart("By layer", "score", List.of(new Report.LayerChart.Line("summary", pts)), "")));
    Scale y = valueScale(svg, true);
    List<Element> circles = withTitle(svg, "circle");
    assertThat(circles).hasSize(values.length);
    double step = Double.NaN;
    for (int layer = 0; layer < values.length; layer++) {
      Element c = circles.get(layer);
      assertThat(title(c)).startsWith("summary, layer " + layer + ": ");
      assertThat(y.valueAt(num(c, "cy"))).as("layer " + layer).isCloseTo(values[layer], within(y.valuePerPixel() * PX));
      if (layer > 0) {
        double dx = num(c, "cx") - num(circles.get(layer - 1), "cx");
        assertThat(dx).isPositive();
        if (layer > 1) assertThat(dx).isCloseTo(step, within(2 * PX));
        step = dx;
      }
    }
  }

  @Test
  void distributionDotsAndMeansSitAtTheirValues() throws Exception {
    double[] a = {0.05, 0.1, 0.2, 0.22, 0.4, 0.41, 0.9};
    double[] b = {-0.3, 0.0, 0.15, 0.5};
    Document svg = parse(Svg.distribution(new Report.Distribution("Scores", "score",
        List.of(new Report.Distribution.Series("original", a), new Report.Distribution.Series("summary", b)), "")));
    Scale x = valueScale(svg, false);
    for (int i = 0; i < 2; i++) {
      double[] values = i == 0 ? a : b;
      String colour = Svg.colour(i == 0 ? "original" : "summary", i); // a series's colour follows its name (formats keep theirs)
      List<Double> drawn = new ArrayList<>();
      NodeList circles = svg.getElementsByTagName("circle");
      for (int k = 0; k < circles.getLength(); k++) {
        Element c = (Element) circles.item(k);
        if (c.getAttribute("fill").equals(colour)) drawn.add(x.valueAt(num(c, "cx")));
      }
      assertThat(drawn).hasSize(values.length);
      double[] sortedDrawn = drawn.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      for (int k = 0; k < sorted.length; k++) assertThat(sortedDrawn[k]).isCloseTo(sorted[k], within(x.valuePerPixel() * PX));
    }
    // The mean markers: a diamond whose first point (its left-right centre) is at the mean.
    List<Element> means = withTitle(svg, "path").stream().filter(p -> title(p).startsWith("mean ")).toList();
    assertThat(means).hasSize(2);
    double[] expected = {Arrays.stream(a).average().orElseThrow(), Arrays.stream(b).average().orElseThrow()};
    for (int i = 0; i < 2; i++) {
      String d = means.get(i).getAttribute("d");
      double mx = Double.parseDouble(d.substring(1).trim().split("\\s+")[0]);
      assertThat(x.valueAt(mx)).isCloseTo(expected[i], within(x.valuePerPixel() * PX));
    }
  }

  @Test
  void theScaleReaderCatchesAChartThatPlotsAWrongValue() throws Exception {
    // The same chart with one bar's rectangle moved by 3 px: the check above must see it.
    String good = Svg.bars(new Report.BarChart("t", "score", List.of(new Report.BarChart.Bar("x", 0.5, Double.NaN, Double.NaN)), ""));
    Document svg = parse(good);
    Element r = withTitle(svg, "rect").getFirst();
    Scale y = valueScale(svg, true);
    double shiftedTop = num(r, "y") - 3;
    assertThat(Math.abs(y.valueAt(shiftedTop) - 0.5)).isGreaterThan(y.valuePerPixel() * PX);
  }

  // ---- reading the SVG ---------------------------------------------------------------------

  /** A linear map from a pixel coordinate to a value, fitted to the axis's ticks. */
  record Scale(double pixel0, double value0, double valuePerPixelSigned) {
    double valueAt(double pixel) {
      return value0 + (pixel - pixel0) * valuePerPixelSigned;
    }

    double valuePerPixel() {
      return Math.abs(valuePerPixelSigned);
    }
  }

  /**
   * The value axis as the chart draws it: grid lines across the plot (horizontal for a vertical axis), each
   * with its tick label beside it. Checks that the ticks themselves are linear before trusting them.
   */
  private static Scale valueScale(Document svg, boolean vertical) {
    List<double[]> grid = new ArrayList<>(); // {pixel, length}
    NodeList lines = svg.getElementsByTagName("line");
    for (int i = 0; i < lines.getLength(); i++) {
      Element l = (Element) lines.item(i);
      double x1 = num(l, "x1"), y1 = num(l, "y1"), x2 = num(l, "x2"), y2 = num(l, "y2");
      if (vertical && y1 == y2) grid.add(new double[] {y1, Math.abs(x2 - x1)});
      if (!vertical && x1 == x2) grid.add(new double[] {x1, Math.abs(y2 - y1)});
    }
    double longest = grid.stream().mapToDouble(g -> g[1]).max().orElseThrow();
    List<double[]> ticks = new ArrayList<>(); // {pixel, value}
    NodeList texts = svg.getElementsByTagName("text");
    for (double[] g : grid) {
      if (g[1] < longest * 0.9) continue; // error bars and whiskers are short; grid lines span the plot
      Element best = null;
      double bestDistance = Double.MAX_VALUE;
      for (int i = 0; i < texts.getLength(); i++) {
        Element t = (Element) texts.item(i);
        if (!t.getTextContent().trim().matches("-?\\d+(\\.\\d+)?")) continue;
        double d = Math.abs((vertical ? num(t, "y") : num(t, "x")) - g[0]);
        boolean besideTheAxis = vertical ? t.getAttribute("text-anchor").equals("end") : t.getAttribute("text-anchor").equals("middle");
        if (besideTheAxis && d < bestDistance) {
          bestDistance = d;
          best = t;
        }
      }
      if (best != null && bestDistance < 8) ticks.add(new double[] {g[0], Double.parseDouble(best.getTextContent().trim())});
    }
    assertThat(ticks).as("the axis has labelled grid lines").hasSizeGreaterThanOrEqualTo(3);
    ticks.sort((p, q) -> Double.compare(p[0], q[0]));
    double[] first = ticks.getFirst(), last = ticks.getLast();
    Scale s = new Scale(first[0], first[1], (last[1] - first[1]) / (last[0] - first[0]));
    for (double[] t : ticks) {
      assertThat(s.valueAt(t[0])).as("tick %s is where the axis says", t[1]).isCloseTo(t[1], within(s.valuePerPixel() * PX));
    }
    return s;
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** The elements of a kind that carry a tooltip: the marks that show data (not the background or the legend). */
  private static List<Element> withTitle(Document svg, String tag) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = svg.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (e.getElementsByTagName("title").getLength() > 0) out.add(e);
    }
    return out;
  }

  private static String title(Element e) {
    return e.getElementsByTagName("title").item(0).getTextContent();
  }

  private static double num(Element e, String attribute) {
    return Double.parseDouble(e.getAttribute(attribute));
  }
}
