package dev.neuronscribe.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.evaluate.ExplanationSimilarity;
import dev.neuronscribe.evaluate.ExplanationTable;
import dev.neuronscribe.evaluate.NeuronIndex;
import dev.neuronscribe.evaluate.PuzzleExplanations;
import dev.neuronscribe.evaluate.PuzzleScoring;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.ExplanationsJson;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.ScoreSummary;
import dev.neuronscribe.simulate.ScoredExplanation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The small JSON each unit stores as its result, and the one-target evaluations that make it. The
 * numbers come from evaluate/ and simulate/ (the same code as {@code scribe similarity} and
 * {@code scribe score}); undefined values are stored as {@code null}.
 */
final class Results {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Results() {}

  // ---- explain ----

  static String explanationsJson(List<Explanation> explanations) {
    ArrayNode a = JSON.createArrayNode();
    for (Explanation e : explanations) a.add(tree(ExplanationsJson.toJsonLine(e)));
    return a.toString();
  }

  static List<Explanation> explanations(String json, String source) {
    JsonNode a = tree(json);
    if (!a.isArray()) throw new InvalidInputException(source, "the stored explanations are not a list");
    List<Explanation> out = new ArrayList<>();
    for (JsonNode e : a) out.add(ExplanationsJson.parseLine(e.toString(), source));
    return out;
  }

  /** The texts of the successful explanations, in sample order. */
  static List<String> texts(List<Explanation> explanations) {
    return explanations.stream().filter(Explanation::ok).map(e -> e.text().orElseThrow()).toList();
  }

  // ---- simulate and score ----

  /** Per explanation its three scores, and the target's score as the paper counts it (mean ev_correlation over samples). */
  static String simulationJson(NeuronSimulationResults r) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode list = o.putArray("explanations");
    for (ScoredExplanation x : r.scoredExplanations()) {
      ObjectNode e = list.addObject();
      e.put("explanation", x.explanation());
      num(e, "ev_correlation_score", x.scoredSimulation().evCorrelationScore());
      num(e, "rsquared_score", x.scoredSimulation().rsquaredScore());
      num(e, "absolute_dev_explained_score", x.scoredSimulation().absoluteDevExplainedScore());
    }
    num(o, "score", r.scoredExplanations().isEmpty() ? Double.NaN : ScoreSummary.of(List.of(r), 0).mean());
    return o.toString();
  }

  // ---- similarity ----

  /** Cosine similarity of each explanation sample to the neuron's reference; the unit's value is their mean. */
  static String neuronSimilarity(EmbeddingModel model, NeuronId id, String reference, PromptFormat f, List<Explanation> explanations) {
    ExplanationSimilarity similarity = new ExplanationSimilarity(model);
    NeuronIndex refs = new NeuronIndex("references", List.of(new NeuronIndex.Entry(id, OptionalDouble.empty(), Optional.of(reference))));
    ObjectNode o = JSON.createObjectNode();
    ArrayNode values = o.putArray("values");
    double sum = 0;
    int n = 0;
    for (String text : texts(explanations)) {
      ExplanationTable table = new ExplanationTable("experiment", List.of(f.id()), List.of(new ExplanationTable.Row(id, Map.of(f.id(), text))));
      double v = similarity.score(table, refs, k -> {}).table().rows().getFirst().values()[0];
      values.add(v);
      sum += v;
      n++;
    }
    num(o, "similarity", n == 0 ? Double.NaN : sum / n);
    return o.toString();
  }

  /** Table 4's similarity to the ground truth and the share of false explanations beaten, over the runs. */
  static String puzzleSimilarity(EmbeddingModel model, Puzzle puzzle, PromptFormat f, List<Explanation> explanations) {
    PuzzleExplanations.Table table = new PuzzleExplanations.Table("experiment", List.of(f.id()),
        List.of(new PuzzleExplanations(puzzle.name(), Optional.empty(), Map.of(f.id(), texts(explanations)))));
    PuzzleScoring.Result r = new PuzzleScoring(model).score(table, List.of(puzzle), k -> {});
    ObjectNode o = JSON.createObjectNode();
    num(o, "similarity", r.similarity().rows().isEmpty() ? Double.NaN : r.similarity().rows().getFirst().values()[0]);
    num(o, "discrimination", r.discrimination().rows().isEmpty() ? Double.NaN : r.discrimination().rows().getFirst().values()[0]);
    ArrayNode runs = o.putArray("runs");
    for (PuzzleScoring.Run run : r.runs()) {
      runs.addObject().put("run", run.run()).put("explanation", run.explanation()).put("similarity", run.similarity())
          .put("beaten", run.beaten()).put("false_explanations", run.falseExplanations());
    }
    return o.toString();
  }

  static List<PuzzleScoring.Run> puzzleRuns(String json, String puzzle, String format) {
    List<PuzzleScoring.Run> out = new ArrayList<>();
    for (JsonNode r : tree(json).path("runs")) {
      out.add(new PuzzleScoring.Run(puzzle, format, r.path("run").asInt(), r.path("explanation").asText(), r.path("similarity").asDouble(),
          r.path("beaten").asInt(), r.path("false_explanations").asInt()));
    }
    return out;
  }

  /** A number field of a stored result; NaN when absent or null (undefined). */
  static double number(String json, String field) {
    JsonNode v = tree(json).get(field);
    return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
  }

  static OptionalInt layer(String targetKey) {
    if (targetKey.startsWith("puzzle:")) return OptionalInt.empty();
    return OptionalInt.of(NeuronId.parse(targetKey).layer());
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("a stored result is not JSON: " + e.getMessage(), e);
    }
  }

  static void num(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) o.put(field, v);
    else o.putNull(field);
  }
}
