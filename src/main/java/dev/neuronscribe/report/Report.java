package dev.neuronscribe.report;

import java.util.List;

/**
 * A report as plain values: sections of paragraphs, tables and charts, rendered to Markdown and to one
 * self-contained HTML page by {@link ReportWriter}. Builders of sections (e.g. {@link EvaluationSections})
 * turn evaluation results into these values; nothing here computes statistics.
 */
public record Report(String title, List<String> introduction, List<Section> sections) {
  public Report {
    if (title.isBlank()) throw new IllegalArgumentException("a report needs a title");
    introduction = List.copyOf(introduction);
    sections = List.copyOf(sections);
  }

  public record Section(String title, List<Block> blocks) {
    public Section {
      blocks = List.copyOf(blocks);
    }
  }

  /** What a section holds. */
  public sealed interface Block permits Paragraph, Table, Chart {}

  public record Paragraph(String text) implements Block {}

  /**
   * A table. Every table states how many items it rests on ({@code n}), what its uncertainty is
   * ({@code uncertainty}, e.g. "± standard error of the mean") and how it was computed
   * ({@code method}); the constructor refuses a table without them.
   */
  public record Table(String caption, List<String> columns, List<List<String>> rows, String n, String uncertainty, String method)
      implements Block {
    public Table {
      columns = List.copyOf(columns);
      rows = rows.stream().map(List::copyOf).toList();
      for (List<String> r : rows) {
        if (r.size() != columns.size()) throw new IllegalArgumentException("table '" + caption + "': a row has " + r.size() + " cells for " + columns.size() + " columns");
      }
      if (n.isBlank() || uncertainty.isBlank() || method.isBlank()) {
        throw new IllegalArgumentException("table '" + caption + "' must state its n, its uncertainty and its method");
      }
    }
  }

  /** A chart; its {@code note} says what the points and bars are, n, and what the error bars show. */
  public sealed interface Chart extends Block permits BarChart, Distribution, LayerChart {
    String title();

    String note();

    /** The values the measure can take, so that an axis never runs past them (a share beyond 1). */
    Range range();
  }

  /** The values a measure can take; an infinite end where it has none. */
  public record Range(double min, double max) {
    public static final Range ANY = new Range(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    public static final Range CORRELATION = new Range(-1, 1);
    public static final Range SHARE = new Range(0, 1);

    public Range {
      if (!(min < max)) throw new IllegalArgumentException("a range needs min < max: " + min + ", " + max);
    }
  }

  /** One bar per category with an error bar from {@code low} to {@code high} (NaN: none). */
  public record BarChart(String title, String yLabel, List<Bar> bars, String note, Range range) implements Chart {
    public record Bar(String label, double value, double low, double high) {}

    public BarChart {
      bars = List.copyOf(bars);
    }

    public BarChart(String title, String yLabel, List<Bar> bars, String note) {
      this(title, yLabel, bars, note, Range.ANY);
    }
  }

  /**
   * The spread of each series' values: the points, and a box plot (quartiles, 1.5·IQR whiskers) where a
   * series has enough values with a spread to make one.
   */
  public record Distribution(String title, String valueLabel, List<Series> series, String note, Range range) implements Chart {
    public record Series(String name, double[] values) {
      public Series {
        values = values.clone();
      }

      @Override
      public double[] values() {
        return values.clone();
      }
    }

    public Distribution {
      series = List.copyOf(series);
    }

    public Distribution(String title, String valueLabel, List<Series> series, String note) {
      this(title, valueLabel, series, note, Range.ANY);
    }
  }

  /** A line per series over the layers, each point with an error bar. */
  public record LayerChart(String title, String yLabel, List<Line> lines, String note, Range range) implements Chart {
    public record Point(int layer, double value, double low, double high, int n) {}

    public record Line(String name, List<Point> points) {
      public Line {
        points = List.copyOf(points);
      }
    }

    public LayerChart {
      lines = List.copyOf(lines);
    }

    public LayerChart(String title, String yLabel, List<Line> lines, String note) {
      this(title, yLabel, lines, note, Range.ANY);
    }
  }
}
