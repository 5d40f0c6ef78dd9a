package dev.neuronscribe.evaluate;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.activations.NeuronId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Generated explanations, one column per prompt format, one row per neuron: the paper's layout
 * {@code Layer,Neuron,Original,Summary,Highlight,HighlightSummary,AVHS}. A blank cell is a missing
 * explanation (kept as such, never scored as anything).
 */
public record ExplanationTable(String source, List<String> formats, List<Row> rows) {

  public record Row(NeuronId id, Map<String, String> explanations) {
    public Row {
      explanations = Map.copyOf(explanations);
    }

    public Optional<String> explanation(String format) {
      return Optional.ofNullable(explanations.get(format));
    }
  }

  /** The paper's five format columns, under the names its files and ours use. */
  static final Set<String> KNOWN_FORMATS = Set.of("original", "summary", "highlight", "highlightsummary", "highlight-summary",
      "highlight_summary", "hs", "avhs");

  public ExplanationTable {
    formats = List.copyOf(formats);
    rows = List.copyOf(rows);
  }

  /**
   * Reads the table. {@code formats} names the explanation columns to use; empty means every column
   * named like one of the five formats.
   */
  public static ExplanationTable read(Path file, List<String> formats) {
    Csv csv = Csv.read(file);
    int layer = csv.requireColumn("layer", "layer", "layer_index");
    int neuron = csv.requireColumn("neuron", "neuron", "neuron_index");
    Map<String, Integer> columns = formatColumns(csv, formats);
    List<Row> rows = new ArrayList<>();
    Map<NeuronId, Integer> seen = new HashMap<>();
    for (Csv.Line line : csv.lines()) {
      NeuronId id = new NeuronId(csv.integer(line, layer, "layer"), csv.integer(line, neuron, "neuron"));
      Integer before = seen.put(id, line.number());
      if (before != null) throw new InvalidInputException(csv.source(), "neuron " + id + " appears twice (lines " + before + " and " + line.number() + ")");
      Map<String, String> explanations = new LinkedHashMap<>();
      columns.forEach((format, c) -> {
        String text = line.cell(c);
        if (!EmbeddingModel.blank(text)) explanations.put(format, text);
      });
      rows.add(new Row(id, explanations));
    }
    return new ExplanationTable(csv.source(), List.copyOf(columns.keySet()), rows);
  }

  /** Format name → column, either the requested ones (all must exist) or the known ones found. */
  static Map<String, Integer> formatColumns(Csv csv, List<String> requested) {
    Map<String, Integer> columns = new LinkedHashMap<>();
    if (requested.isEmpty()) {
      for (int i = 0; i < csv.header().size(); i++) {
        if (KNOWN_FORMATS.contains(Csv.lower(csv.header().get(i)))) columns.put(csv.header().get(i), i);
      }
      if (columns.isEmpty()) {
        throw new InvalidInputException(csv.source(), "has no explanation columns named like a prompt format (Original, Summary, Highlight, "
            + "HighlightSummary, AVHS); name the columns to use with --formats. Its columns are: " + String.join(", ", csv.header()));
      }
    } else {
      for (String f : requested) columns.put(csv.header().get(csv.requireColumn("format '" + f + "'", f)), csv.column(f));
    }
    return columns;
  }
}
