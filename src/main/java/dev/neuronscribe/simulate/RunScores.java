package dev.neuronscribe.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.prompts.PromptFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code score} preset: recomputes every stored simulation's scores from the stored activations
 * (so a file from another tool is scored as ours are) and summarises them per format as the paper does,
 * writing OUT/&lt;format&gt;/scores.json. It calls no model, so it needs no engine.
 */
public final class RunScores {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunScores() {}

  /** One format's summary. */
  public record FormatScore(PromptFormat format, ScoreSummary summary) {}

  /**
   * Scores every format of a run directory that has simulations and writes its scores.json; formats
   * without a simulations file are left out.
   */
  public static List<FormatScore> scoreRun(Path runDir, List<PromptFormat> formats) {
    List<FormatScore> out = new ArrayList<>();
    for (PromptFormat f : formats) {
      if (!Files.exists(Pipeline.simulationsFile(runDir, f))) continue;
      // One simulation at a time from disk; only its scores are kept (a run can hold tens of thousands).
      List<NeuronSimulationResults> rs = new ArrayList<>();
      new FormatStore(runDir, f).forEachResult(r -> rs.add(scoresOnly(rescore(List.of(r)).get(0))));
      // Failed: targets with no score because their explanation or every simulation of it failed.
      Set<Target> scored = new HashSet<>();
      rs.forEach(r -> scored.add(r.target()));
      Map<Target, List<String>> failures = new TreeMap<>(Pipeline.failures(runDir, f));
      int failed = (int) failures.keySet().stream().filter(t -> !scored.contains(t)).count();
      ScoreSummary s = ScoreSummary.of(rs, failed);
      write(runDir.resolve(f.id()).resolve("scores.json"), f, s, rs, failures);
      out.add(new FormatScore(f, s));
    }
    return out;
  }

  /** Scores a NeuronSimulationResults file (ours or OpenAI's) without writing anything. */
  public static ScoreSummary scoreFile(Path results) {
    return ScoreSummary.of(rescore(NeuronSimulationResultsJson.read(results)), 0);
  }

  /** The result with its scores and no per-token simulations: what the summary and scores.json need. */
  private static NeuronSimulationResults scoresOnly(NeuronSimulationResults r) {
    return new NeuronSimulationResults(r.target(), r.scoredExplanations().stream().map(e -> new ScoredExplanation(e.explanation(),
        new ScoredSimulation(List.of(), e.scoredSimulation().evCorrelationScore(), e.scoredSimulation().rsquaredScore(),
            e.scoredSimulation().absoluteDevExplainedScore()))).toList());
  }

  private static List<NeuronSimulationResults> rescore(List<NeuronSimulationResults> rs) {
    List<NeuronSimulationResults> out = new ArrayList<>();
    for (NeuronSimulationResults r : rs) {
      out.add(new NeuronSimulationResults(r.target(), r.scoredExplanations().stream()
          .map(e -> new ScoredExplanation(e.explanation(), Scoring.rescore(e.scoredSimulation()))).toList()));
    }
    return out;
  }

  private static void write(Path file, PromptFormat f, ScoreSummary s, List<NeuronSimulationResults> rs, Map<Target, List<String>> failures) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", f.id());
    o.put("targets", s.neurons()).put("scored", s.scored()).put("undefined", s.undefined()).put("failed", s.failed());
    num(o, "mean_ev_correlation_score", s.mean());
    num(o, "standard_error", s.standardError());
    num(o, "mean_rsquared_score", s.meanRSquared());
    num(o, "mean_absolute_dev_explained_score", s.meanAbsoluteDevExplained());
    ArrayNode per = o.putArray("per_target");
    for (NeuronSimulationResults r : rs) {
      for (ScoredExplanation e : r.scoredExplanations()) {
        ObjectNode x = per.addObject();
        x.put("target", r.target().key()).put("explanation", e.explanation());
        num(x, "ev_correlation_score", e.scoredSimulation().evCorrelationScore());
        num(x, "rsquared_score", e.scoredSimulation().rsquaredScore());
        num(x, "absolute_dev_explained_score", e.scoredSimulation().absoluteDevExplainedScore());
      }
    }
    ArrayNode failed = o.putArray("failures");
    failures.forEach((t, reasons) -> reasons.forEach(reason -> failed.addObject().put("target", t.key()).put("reason", reason)));
    AtomicFiles.writeString(file, o.toPrettyString() + "\n");
  }

  /** Undefined is JSON null here (scores.json is for any JSON reader, unlike OpenAI's NaN-bearing files). */
  private static void num(ObjectNode o, String field, double v) {
    if (Double.isNaN(v)) o.putNull(field);
    else o.put(field, v);
  }
}
