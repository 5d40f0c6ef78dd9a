package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.evaluate.Csv;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.ExplanationsJson;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.CsvWriter;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Explanations (or scores) per method, one row per neuron, from one of two sources:
 * <ul>
 *   <li>a CSV in the paper's layouts: a {@code layer} and a {@code neuron} column, an optional
 *       {@code explainer} column, and one column per method, for example
 *       {@code Layer,Neuron,Original,Summary,Highlight,HighlightSummary,AVHS} (explanations) or
 *       {@code ,layer,neuron,Original,...} with numbers (their scores), or {@code layer,neuron,score,explanation}.
 *       An unnamed first column (a pandas index) is ignored. A column whose every filled cell is a number is
 *       a score column; the others hold explanations. Read with evaluate's CSV reader.
 *   <li>a run directory of {@code scribe explain} ({@link #fromRun(Path)}).
 * </ul>
 */
public record ExplanationTable(String source, List<String> textColumns, List<String> numberColumns, List<Row> rows) {

  public ExplanationTable {
    textColumns = List.copyOf(textColumns);
    numberColumns = List.copyOf(numberColumns);
    rows = List.copyOf(rows);
  }

  /**
   * One neuron's row: where it is in the source (for messages: {@code "line 5"} of a CSV, empty for a run), the
   * explainer when the source names it, and each method column's cell (a column may be absent from a run's row).
   */
  public record Row(String where, NeuronId neuron, Optional<String> explainer, Map<String, String> cells) {
    public Row {
      cells = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cells));
    }
  }

  public static ExplanationTable read(Path csv) {
    Csv file = Csv.read(csv);
    String source = file.source();
    List<String> header = file.header();
    int layerCol = -1;
    int neuronCol = -1;
    int explainerCol = -1;
    List<Integer> methodCols = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      switch (header.get(c).toLowerCase(Locale.ROOT)) {
        case "layer" -> layerCol = c;
        case "neuron" -> neuronCol = c;
        case "explainer" -> explainerCol = c;
        case "" -> {
          if (c != 0) throw new InvalidInputException(source, "column " + (c + 1) + " of the header has no name");
        }
        default -> methodCols.add(c);
      }
    }
    if (layerCol < 0 || neuronCol < 0) {
      throw new InvalidInputException(source, "the header needs a 'layer' and a 'neuron' column (any case), found " + header);
    }
    if (methodCols.isEmpty()) throw new InvalidInputException(source, "has no explanation or score columns besides layer and neuron");

    List<Row> rows = new ArrayList<>();
    for (Csv.Line line : file.lines()) {
      if (line.cells().size() != header.size()) {
        throw new InvalidInputException(source, "line " + line.number() + " has " + line.cells().size() + " fields but the header has " + header.size());
      }
      NeuronId id;
      try {
        id = new NeuronId(Integer.parseInt(line.cell(layerCol).strip()), Integer.parseInt(line.cell(neuronCol).strip()));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(source, "line " + line.number() + ": layer and neuron must be whole numbers >= 0, got '"
            + line.cell(layerCol) + "' and '" + line.cell(neuronCol) + "'");
      }
      Map<String, String> cells = new LinkedHashMap<>();
      for (int c : methodCols) cells.put(header.get(c), line.cell(c).strip());
      Optional<String> explainer = explainerCol < 0 ? Optional.empty() : Optional.of(line.cell(explainerCol).strip()).filter(s -> !s.isEmpty());
      rows.add(new Row("line " + line.number(), id, explainer, cells));
    }
    List<String> textColumns = new ArrayList<>();
    List<String> numberColumns = new ArrayList<>();
    for (int c : methodCols) {
      String name = header.get(c);
      boolean numeric = rows.stream().map(row -> row.cells().get(name)).filter(s -> !s.isEmpty()).allMatch(CsvWriter::isNumber)
          && rows.stream().anyMatch(row -> !row.cells().get(name).isEmpty());
      (numeric ? numberColumns : textColumns).add(name);
    }
    return new ExplanationTable(source, textColumns, numberColumns, rows);
  }

  /**
   * The explanations a run directory of {@code scribe explain} holds, {@code DIR/<format>/explanations.jsonl}
   * read with explain's reader: one column per format present (named by its id, e.g. {@code highlight-summary}),
   * one row per neuron and explainer (the explainer named in the file). A neuron's cell is its first
   * successful sample (the lowest sample number); a format whose samples all failed has no cell, so that a
   * study of that neuron stops with the neuron named instead of leaving it out unseen.
   */
  public static ExplanationTable fromRun(Path dir) {
    String source = dir.toString();
    if (!Files.isDirectory(dir)) throw new InvalidInputException(source, "no such directory");
    record Key(NeuronId neuron, String explainer) {}
    Map<Key, Map<String, Explanation>> byNeuron = new TreeMap<>(
        Comparator.comparing(Key::neuron).thenComparing(Key::explainer));
    List<String> columns = new ArrayList<>();
    boolean puzzles = false;
    for (PromptFormat f : PromptFormat.values()) {
      Path file = dir.resolve(f.id()).resolve("explanations.jsonl");
      if (!Files.isRegularFile(file)) continue;
      columns.add(f.id());
      for (Explanation e : ExplanationsJson.read(file)) {
        if (!(e.target() instanceof Target.Neuron n)) {
          puzzles = true;
          continue;
        }
        Map<String, Explanation> cells = byNeuron.computeIfAbsent(new Key(n.id(), e.explainer()), k -> new LinkedHashMap<>());
        if (e.ok()) cells.merge(f.id(), e, (a, b) -> a.sample() <= b.sample() ? a : b);
      }
    }
    if (columns.isEmpty()) {
      throw new InvalidInputException(source, "is not a run directory of `scribe explain`: there is no <format>/explanations.jsonl in it (formats: "
          + PromptFormat.validIds() + ")");
    }
    if (byNeuron.isEmpty()) {
      throw new InvalidInputException(source, puzzles
          ? "holds explanations of neuron puzzles only; a study rates recorded neurons (run `scribe explain --records DIR`)"
          : "holds no explanations");
    }
    List<Row> rows = new ArrayList<>();
    byNeuron.forEach((key, cells) -> {
      Map<String, String> texts = new LinkedHashMap<>();
      cells.forEach((format, e) -> texts.put(format, e.text().orElseThrow()));
      rows.add(new Row("", key.neuron(), Optional.of(key.explainer()).filter(s -> !s.isBlank()), texts));
    });
    return new ExplanationTable(source, columns, List.of(), rows);
  }
}
