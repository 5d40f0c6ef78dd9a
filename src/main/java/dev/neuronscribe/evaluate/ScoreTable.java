package dev.neuronscribe.evaluate;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.files.CsvWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One evaluation's raw scores: a value per item (a neuron or a puzzle) and condition (a prompt
 * format, or any other arm of a comparison). NaN marks a score that does not exist (a missing or
 * failed explanation, an undefined correlation); it is counted as missing, never as a number.
 *
 * @param metric what the values are, e.g. "cosine similarity to reference (all-minilm-l6-v2)"
 * @param itemKind what an item is, e.g. "neuron" or "puzzle", for table headings
 */
public record ScoreTable(String metric, String itemKind, List<String> conditions, List<Row> rows) {

  /** One item's scores, in the order of {@link #conditions()}. {@code layer} is known for neurons. */
  public record Row(String item, OptionalInt layer, double[] values) {
    public Row {
      values = values.clone();
    }

    @Override
    public double[] values() {
      return values.clone();
    }

    double value(int condition) {
      return values[condition];
    }
  }

  public ScoreTable {
    conditions = List.copyOf(conditions);
    rows = List.copyOf(rows);
    if (conditions.isEmpty()) throw new IllegalArgumentException("a score table needs at least one condition");
    if (new HashSet<>(conditions).size() != conditions.size()) throw new IllegalArgumentException("conditions repeat: " + conditions);
    Set<String> items = new HashSet<>();
    for (Row r : rows) {
      if (r.values.length != conditions.size()) {
        throw new IllegalArgumentException("row " + r.item() + " has " + r.values.length + " values for " + conditions.size() + " conditions");
      }
      if (!items.add(r.item())) throw new IllegalArgumentException("item " + r.item() + " appears twice");
    }
  }

  /** The scores as CSV: neurons as layer,neuron, other items by name, one column per condition; an empty cell for a missing score. */
  public void writeCsv(Path file) {
    boolean neurons = itemKind.equals("neuron");
    List<String> header = new ArrayList<>(neurons ? List.of("layer", "neuron") : List.of(itemKind));
    header.addAll(conditions);
    CsvWriter csv = CsvWriter.withHeader(header);
    for (Row r : rows) {
      List<String> row = new ArrayList<>();
      if (neurons) {
        NeuronId id = NeuronId.parse(r.item());
        row.add(Integer.toString(id.layer()));
        row.add(Integer.toString(id.neuron()));
      } else {
        row.add(r.item());
      }
      for (double v : r.values) row.add(Double.isNaN(v) ? "" : Double.toString(v));
      csv.row(row);
    }
    csv.writeTo(file);
  }

  public int indexOf(String condition) {
    int i = conditions.indexOf(condition);
    if (i < 0) throw new IllegalArgumentException("no condition '" + condition + "'; there are " + conditions);
    return i;
  }

  /** All values of one condition, NaN where missing. */
  public double[] column(String condition) {
    int c = indexOf(condition);
    return rows.stream().mapToDouble(r -> r.value(c)).toArray();
  }

  /** a − b over the items where both have a score. */
  public double[] differences(String a, String b) {
    int ia = indexOf(a), ib = indexOf(b);
    List<Double> d = new ArrayList<>();
    for (Row r : rows) {
      double x = r.value(ia), y = r.value(ib);
      if (Double.isFinite(x) && Double.isFinite(y)) d.add(x - y);
    }
    return d.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** How many items lack a score for the condition. */
  public int missing(String condition) {
    int c = indexOf(condition);
    return (int) rows.stream().filter(r -> !Double.isFinite(r.value(c))).count();
  }
}
