package dev.neuronscribe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.NeuronSimulationResultsJson;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.simulate.ScoreSummary;
import dev.neuronscribe.simulate.ScoredExplanation;
import dev.neuronscribe.simulate.Scoring;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Score simulations: recompute ev_correlation (Pearson over all scoring tokens), r² and absolute deviation explained from the stored activations, "
        + "and summarise per format as the paper does (mean of per-neuron scores ± standard error). Writes OUT/<format>/scores.json.")
final class ScoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = {"--out", "-o"}, paramLabel = "DIR", description = "A run directory written by explain/simulate/pipeline.")
  Optional<Path> out;

  @Option(names = "--formats", defaultValue = "all", paramLabel = "F,...", description = "Formats to score (default: every format present).")
  String formats;

  @Option(names = "--results", paramLabel = "FILE", description = "Score a NeuronSimulationResults JSONL file instead (e.g. one of OpenAI's).")
  Optional<Path> results;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    if (results.isPresent() == out.isPresent()) throw new UsageException("give exactly one of --out DIR and --results FILE");
    if (results.isPresent()) {
      List<NeuronSimulationResults> rs = rescore(NeuronSimulationResultsJson.read(results.get()));
      header(pw);
      row(pw, results.get().getFileName().toString(), ScoreSummary.of(rs, 0));
      pw.flush();
      return Cli.OK;
    }
    List<PromptFormat> fs;
    try {
      fs = formats.equalsIgnoreCase("all") ? List.of(PromptFormat.values())
          : Arrays.stream(formats.split(",")).map(String::trim).map(PromptFormat::parse).toList();
    } catch (IllegalArgumentException e) {
      throw UsageException.of("--formats", e);
    }
    return scoreRun(out.get(), fs, pw);
  }

  /** Scores every format of a run that has simulations; prints the table and writes scores.json. */
  static int scoreRun(Path runDir, List<PromptFormat> formats, PrintWriter pw) {
    if (!Files.isDirectory(runDir)) throw new IllegalArgumentException(runDir + ": not found (--out names the run directory of 'scribe simulate')");
    header(pw);
    int found = 0;
    for (PromptFormat f : formats) {
      if (!Files.exists(Pipeline.simulationsFile(runDir, f))) continue;
      found++;
      List<NeuronSimulationResults> rs = rescore(Pipeline.results(runDir, f));
      // Failed: targets with no score because their explanation or every simulation of it failed.
      Set<Target> scored = new HashSet<>();
      rs.forEach(r -> scored.add(r.target()));
      Map<Target, List<String>> failures = new TreeMap<>(Pipeline.failures(runDir, f));
      int failed = (int) failures.keySet().stream().filter(t -> !scored.contains(t)).count();
      ScoreSummary s = ScoreSummary.of(rs, failed);
      row(pw, f.id(), s);
      write(runDir.resolve(f.id()).resolve("scores.json"), f, s, rs, failures);
    }
    pw.flush();
    if (found == 0) throw new IllegalArgumentException("no simulations under " + runDir + " (expected <format>/simulations.jsonl); run 'scribe simulate' first");
    return Cli.OK;
  }

  private static List<NeuronSimulationResults> rescore(List<NeuronSimulationResults> rs) {
    List<NeuronSimulationResults> out = new ArrayList<>();
    for (NeuronSimulationResults r : rs) {
      out.add(new NeuronSimulationResults(r.target(), r.scoredExplanations().stream()
          .map(e -> new ScoredExplanation(e.explanation(), Scoring.rescore(e.scoredSimulation()))).toList()));
    }
    return out;
  }

  private static void header(PrintWriter pw) {
    pw.printf("%-20s %7s %7s %9s %6s %10s %8s %8s %8s%n", "format", "targets", "scored", "undefined", "failed", "mean corr", "± s.e.", "r²", "abs.dev");
  }

  private static void row(PrintWriter pw, String name, ScoreSummary s) {
    pw.printf("%-20s %7d %7d %9d %6d %10s %8s %8s %8s%n", name, s.neurons(), s.scored(), s.undefined(), s.failed(),
        fmt(s.mean()), fmt(s.standardError()), fmt(s.meanRSquared()), fmt(s.meanAbsoluteDevExplained()));
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "undef" : String.format("%.4f", v);
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
