package dev.neuronscribe.evaluate;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Explanations generated for neuron puzzles: per puzzle, per format, one explanation per run. Read
 * from the paper's puzzle results layout, {@code Puzzle id,GT Explanation,<formats>} (its published
 * file names the columns {@code puzzle_name,answer}; both are accepted, and a leading unnamed index
 * column is ignored). A puzzle that appears on several rows has several runs.
 *
 * @param groundTruth the file's ground-truth column, when it has one
 */
public record PuzzleExplanations(String puzzle, Optional<String> groundTruth, Map<String, List<String>> runsByFormat) {

  public PuzzleExplanations {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    runsByFormat.forEach((f, runs) -> copy.put(f, List.copyOf(runs)));
    runsByFormat = java.util.Collections.unmodifiableMap(copy);
  }

  /** The file's puzzles in order of first appearance, and the format columns used. */
  public record Table(String source, List<String> formats, List<PuzzleExplanations> puzzles) {
    public Table {
      formats = List.copyOf(formats);
      puzzles = List.copyOf(puzzles);
    }
  }

  public static Table read(Path file, List<String> formats) {
    Csv csv = Csv.read(file);
    int id = csv.requireColumn("puzzle id", "Puzzle id", "puzzle_id", "puzzle_name", "puzzle", "name");
    int gt = csv.column("GT Explanation", "gt_explanation", "answer", "ground_truth", "explanation");
    Map<String, Integer> columns = ExplanationTable.formatColumns(csv, formats);
    Map<String, Optional<String>> truths = new LinkedHashMap<>();
    Map<String, Map<String, List<String>>> runs = new LinkedHashMap<>();
    for (Csv.Line line : csv.lines()) {
      String name = line.cell(id).trim();
      if (name.isEmpty()) throw new InvalidInputException(csv.source(), "line " + line.number() + " has no puzzle id");
      Optional<String> truth = gt < 0 || EmbeddingModel.blank(line.cell(gt)) ? Optional.empty() : Optional.of(line.cell(gt));
      Optional<String> before = truths.putIfAbsent(name, truth);
      if (before != null && !before.equals(truth)) {
        throw new InvalidInputException(csv.source(), "line " + line.number() + ": puzzle '" + name + "' has a different ground truth than on an earlier row");
      }
      Map<String, List<String>> byFormat = runs.computeIfAbsent(name, k -> new LinkedHashMap<>());
      columns.forEach((format, c) -> {
        List<String> list = byFormat.computeIfAbsent(format, k -> new ArrayList<>());
        if (!EmbeddingModel.blank(line.cell(c))) list.add(line.cell(c));
      });
    }
    List<PuzzleExplanations> puzzles = new ArrayList<>();
    runs.forEach((name, byFormat) -> puzzles.add(new PuzzleExplanations(name, truths.get(name), byFormat)));
    return new Table(csv.source(), List.copyOf(columns.keySet()), puzzles);
  }
}
