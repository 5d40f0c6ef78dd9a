package dev.neuronscribe.evaluate;

import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.llm.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Scores explanations of neuron puzzles two ways:
 *
 * <ul>
 *   <li><b>similarity</b> — cosine similarity of the generated explanation to the puzzle's ground
 *       truth (the paper's Table 4), averaged over the runs of a puzzle;
 *   <li><b>discrimination</b> — beyond the paper: for each of the puzzle's false explanations, whether
 *       the generated explanation is closer to the ground truth than to that false explanation; the
 *       share of false explanations so beaten, averaged over runs (1 = always closer to the truth).
 * </ul>
 *
 * Items are puzzles; the n of every summary is the number of puzzles, not of runs, because runs of
 * one puzzle are not independent.
 */
public final class PuzzleScoring {
  private final EmbeddingModel model;

  public PuzzleScoring(EmbeddingModel model) {
    this.model = model;
  }

  /** One run's scores, for the detail table. {@code beaten} of {@code falseExplanations}. */
  public record Run(String puzzle, String format, int run, String explanation, double similarity, int beaten, int falseExplanations) {}

  public record Result(ScoreTable similarity, ScoreTable discrimination, List<Run> runs, List<String> puzzlesWithoutGroundTruth,
      List<String> puzzlesWithoutFalseExplanations) {
    public Result {
      runs = List.copyOf(runs);
      puzzlesWithoutGroundTruth = List.copyOf(puzzlesWithoutGroundTruth);
      puzzlesWithoutFalseExplanations = List.copyOf(puzzlesWithoutFalseExplanations);
    }
  }

  /**
   * Scores the explanations. The ground truth comes from the explanations' own column when present,
   * otherwise from the puzzle of that name in {@code puzzles}; false explanations always come from
   * {@code puzzles}. Puzzles with no ground truth are left out and listed; puzzles with no false
   * explanations have no discrimination score (NaN) and are listed.
   */
  /** How many distinct texts scoring will embed (for a progress bar's total). */
  public static long textsToEmbed(PuzzleExplanations.Table t, List<Puzzle> puzzles) {
    Set<String> texts = new HashSet<>();
    t.puzzles().forEach(p -> {
      p.groundTruth().ifPresent(texts::add);
      p.runsByFormat().values().forEach(texts::addAll);
    });
    Set<String> names = new HashSet<>(t.puzzles().stream().map(PuzzleExplanations::puzzle).toList());
    puzzles.stream().filter(p -> names.contains(p.name())).forEach(p -> {
      texts.add(p.explanation());
      texts.addAll(p.falseExplanations());
    });
    return texts.size();
  }

  /**
   * What a reader should know about a puzzle scoring: how many puzzles, where the false explanations
   * came from ({@code puzzlesSource}; {@code builtIn} when they are the built-in puzzles), and the puzzles
   * left out of each evaluation.
   */
  public static List<String> notes(PuzzleExplanations.Table table, Result r, Path results, String puzzlesSource, boolean builtIn) {
    List<String> notes = new ArrayList<>();
    notes.add(table.puzzles().size() + " puzzles in " + results + "; false explanations from " + puzzlesSource + ".");
    if (!r.puzzlesWithoutGroundTruth().isEmpty()) {
      notes.add(r.puzzlesWithoutGroundTruth().size() + " puzzles have no ground truth (no GT column and not in the puzzles file) and are left out: "
          + String.join(", ", r.puzzlesWithoutGroundTruth()) + ".");
    }
    if (!r.puzzlesWithoutFalseExplanations().isEmpty()) {
      notes.add(r.puzzlesWithoutFalseExplanations().size() + " puzzles have no false explanations in the puzzles file, so no discrimination score: "
          + String.join(", ", r.puzzlesWithoutFalseExplanations()) + (builtIn ? " (pass --puzzles with the file they come from)" : "") + ".");
    }
    return notes;
  }

  public Result score(PuzzleExplanations.Table explanations, List<Puzzle> puzzles, IntConsumer progress) {
    Map<String, Puzzle> byName = new HashMap<>();
    puzzles.forEach(p -> byName.put(p.name(), p));
    LinkedHashSet<String> texts = new LinkedHashSet<>();
    List<String> noTruth = new ArrayList<>();
    List<String> noFalse = new ArrayList<>();
    Map<String, String> truths = new HashMap<>();
    for (PuzzleExplanations p : explanations.puzzles()) {
      Optional<Puzzle> known = Optional.ofNullable(byName.get(p.puzzle()));
      Optional<String> truth = p.groundTruth().or(() -> known.map(Puzzle::explanation));
      if (truth.isEmpty()) {
        noTruth.add(p.puzzle());
        continue;
      }
      truths.put(p.puzzle(), truth.get());
      texts.add(truth.get());
      p.runsByFormat().values().forEach(texts::addAll);
      List<String> falses = known.map(Puzzle::falseExplanations).orElse(List.of());
      if (falses.isEmpty()) noFalse.add(p.puzzle());
      texts.addAll(falses);
    }
    Map<String, float[]> v = ExplanationSimilarity.embedAll(model, new ArrayList<>(texts), progress);

    List<String> formats = explanations.formats();
    List<ScoreTable.Row> simRows = new ArrayList<>();
    List<ScoreTable.Row> discRows = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    for (PuzzleExplanations p : explanations.puzzles()) {
      String truth = truths.get(p.puzzle());
      if (truth == null) continue;
      List<String> falses = Optional.ofNullable(byName.get(p.puzzle())).map(Puzzle::falseExplanations).orElse(List.of());
      double[] sim = new double[formats.size()];
      double[] disc = new double[formats.size()];
      for (int f = 0; f < formats.size(); f++) {
        List<String> generated = p.runsByFormat().getOrDefault(formats.get(f), List.of());
        double simSum = 0, discSum = 0;
        for (int r = 0; r < generated.size(); r++) {
          float[] g = v.get(generated.get(r));
          double s = EmbeddingModel.cosine(g, v.get(truth));
          int beaten = 0;
          for (String fe : falses) {
            if (s > EmbeddingModel.cosine(g, v.get(fe))) beaten++;
          }
          runs.add(new Run(p.puzzle(), formats.get(f), r + 1, generated.get(r), s, beaten, falses.size()));
          simSum += s;
          discSum += falses.isEmpty() ? Double.NaN : (double) beaten / falses.size();
        }
        sim[f] = generated.isEmpty() ? Double.NaN : simSum / generated.size();
        disc[f] = generated.isEmpty() ? Double.NaN : discSum / generated.size();
      }
      simRows.add(new ScoreTable.Row(p.puzzle(), OptionalInt.empty(), sim));
      discRows.add(new ScoreTable.Row(p.puzzle(), OptionalInt.empty(), disc));
    }
    ScoreTable similarity = new ScoreTable("cosine similarity to the ground truth (" + model.name() + ")", "puzzle", formats, simRows);
    ScoreTable discrimination = new ScoreTable("share of false explanations farther from the explanation than the ground truth ("
        + model.name() + ")", "puzzle", formats, discRows);
    return new Result(similarity, discrimination, runs, noTruth, noFalse);
  }
}
