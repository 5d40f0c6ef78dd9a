package dev.neuronscribe.study;

import dev.neuronscribe.activations.InvalidDataException;
import dev.neuronscribe.activations.NeuronId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A CSV in the paper's layouts: one row per neuron, a {@code layer} and a {@code neuron} column, an
 * optional {@code explainer} column, and one column per method, for example
 * {@code Layer,Neuron,Original,Summary,Highlight,HighlightSummary,AVHS} (explanations) or
 * {@code ,layer,neuron,Original,...} with numbers (their scores), or {@code layer,neuron,score,explanation}.
 * An unnamed first column (a pandas index) is ignored. A column whose every filled cell is a number is a
 * score column; the others hold explanations.
 */
public record ExplanationTable(String source, List<String> textColumns, List<String> numberColumns, List<Row> rows) {

  public ExplanationTable {
    textColumns = List.copyOf(textColumns);
    numberColumns = List.copyOf(numberColumns);
    rows = List.copyOf(rows);
  }

  /** One neuron's row: the explainer (when the file has that column) and each method column's cell. */
  public record Row(int line, NeuronId neuron, Optional<String> explainer, Map<String, String> cells) {
    public Row {
      cells = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cells));
    }
  }

  public static ExplanationTable read(Path csv) {
    String source = csv.toString();
    String text;
    try {
      text = Files.readString(csv);
    } catch (NoSuchFileException e) {
      throw new InvalidDataException(source, "no such file");
    } catch (IOException e) {
      throw new InvalidDataException(source, "cannot be read: " + e.getMessage(), e);
    }
    return parse(text, source);
  }

  static ExplanationTable parse(String text, String source) {
    List<List<String>> lines = Csv.parse(text, source);
    if (lines.isEmpty()) throw new InvalidDataException(source, "is empty; expected a header such as Layer,Neuron,Original,Summary,...");
    List<String> header = lines.getFirst();
    int layerCol = -1;
    int neuronCol = -1;
    int explainerCol = -1;
    List<Integer> methodCols = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).strip();
      switch (name.toLowerCase(Locale.ROOT)) {
        case "layer" -> layerCol = c;
        case "neuron" -> neuronCol = c;
        case "explainer" -> explainerCol = c;
        case "" -> {
          if (c != 0) throw new InvalidDataException(source, "column " + (c + 1) + " of the header has no name");
        }
        default -> methodCols.add(c);
      }
    }
    if (layerCol < 0 || neuronCol < 0) {
      throw new InvalidDataException(source, "the header needs a 'layer' and a 'neuron' column (any case), found " + header);
    }
    if (methodCols.isEmpty()) throw new InvalidDataException(source, "has no explanation or score columns besides layer and neuron");

    List<Row> rows = new ArrayList<>();
    for (int r = 1; r < lines.size(); r++) {
      List<String> line = lines.get(r);
      if (line.size() == 1 && line.getFirst().isBlank()) continue;
      if (line.size() != header.size()) {
        throw new InvalidDataException(source, "row " + (r + 1) + " has " + line.size() + " fields but the header has " + header.size());
      }
      NeuronId id;
      try {
        id = new NeuronId(Integer.parseInt(line.get(layerCol).strip()), Integer.parseInt(line.get(neuronCol).strip()));
      } catch (IllegalArgumentException e) {
        throw new InvalidDataException(source, "row " + (r + 1) + ": layer and neuron must be whole numbers >= 0, got '"
            + line.get(layerCol) + "' and '" + line.get(neuronCol) + "'");
      }
      Map<String, String> cells = new LinkedHashMap<>();
      for (int c : methodCols) cells.put(header.get(c).strip(), line.get(c).strip());
      Optional<String> explainer = explainerCol < 0 ? Optional.empty() : Optional.of(line.get(explainerCol).strip()).filter(s -> !s.isEmpty());
      rows.add(new Row(r + 1, id, explainer, cells));
    }
    List<String> textColumns = new ArrayList<>();
    List<String> numberColumns = new ArrayList<>();
    for (int c : methodCols) {
      String name = header.get(c).strip();
      boolean numeric = rows.stream().map(row -> row.cells().get(name)).filter(s -> !s.isEmpty()).allMatch(Csv::isNumber)
          && rows.stream().anyMatch(row -> !row.cells().get(name).isEmpty());
      (numeric ? numberColumns : textColumns).add(name);
    }
    return new ExplanationTable(source, textColumns, numberColumns, rows);
  }
}
