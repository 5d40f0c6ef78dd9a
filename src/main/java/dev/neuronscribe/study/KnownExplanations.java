package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.ExplanationsJson;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.NeuronSimulationResultsJson;
import dev.neuronscribe.simulate.ScoredExplanation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every explanation the viewer knows for each neuron, with its scores, gathered from results files:
 * OpenAI's {@code NeuronSimulationResults} JSON lines ({@code *.jsonl}), the paper's CSVs ({@code *.csv}),
 * and run directories of {@code scribe explain}/{@code simulate} ({@code OUT/<format>/simulations.jsonl}
 * and {@code explanations.jsonl}), where the directory names the format and the explanations file the
 * explainer. A run's explanation that has no simulation yet is shown without a score.
 *
 * <p>In a CSV, explanation columns become explanations named after the column (the prompt format);
 * number columns are scores. A file with one explanation column attaches its number columns to it
 * ({@code layer,neuron,score,explanation}); a file of numbers only ({@code ...results_score.csv}) gives
 * each method of the same name, from any file, a score named after the file.
 */
final class KnownExplanations {
  private static final String SIMULATIONS = "simulations.jsonl";
  private static final String EXPLANATIONS = "explanations.jsonl";

  /** One explanation: where it came from, its method (format) when known, and named scores (NaN = undefined). */
  record Known(String source, String method, String explainer, String text, Map<String, Double> scores) {}

  private final Map<NeuronId, List<Known>> byNeuron;
  private final List<String> sources;

  private KnownExplanations(Map<NeuronId, List<Known>> byNeuron, List<String> sources) {
    this.byNeuron = byNeuron;
    this.sources = List.copyOf(sources);
  }

  /**
   * Reads the given files and run directories; inside any other given directory, its {@code *.jsonl} and
   * {@code *.csv} files and its subdirectories that are run directories.
   */
  static KnownExplanations load(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    List<Path> runs = new ArrayList<>();
    for (Path p : paths) {
      if (isRun(p)) {
        runs.add(p);
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f : s.sorted().toList()) {
            if (isRun(f)) runs.add(f);
            else if (Files.isRegularFile(f) && (f.toString().endsWith(".jsonl") || f.toString().endsWith(".csv"))) files.add(f);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new InvalidInputException(p.toString(), "no such results file or directory");
      }
    }
    Map<NeuronId, List<Known>> byNeuron = new HashMap<>();
    // Scores from number-only CSVs: neuron -> method -> (score name -> value), joined after all files are read.
    Map<NeuronId, Map<String, Map<String, Double>>> looseScores = new HashMap<>();
    List<String> sources = new ArrayList<>();
    for (Path run : runs) readRun(run, byNeuron, sources);
    for (Path f : files) {
      String name = f.getFileName().toString();
      sources.add(name);
      if (name.endsWith(".jsonl")) {
        for (NeuronSimulationResults r : NeuronSimulationResultsJson.read(f)) {
          if (!(r.target() instanceof Target.Neuron n)) continue; // a puzzle has no neuron page
          for (ScoredExplanation e : r.scoredExplanations()) {
            byNeuron.computeIfAbsent(n.id(), k -> new ArrayList<>()).add(new Known(name, "", "", e.explanation().strip(), evScore(e)));
          }
        }
      } else if (name.endsWith(".csv")) {
        ExplanationTable table = ExplanationTable.read(f);
        String stem = name.substring(0, name.length() - ".csv".length());
        for (ExplanationTable.Row row : table.rows()) {
          if (table.textColumns().isEmpty()) {
            for (String col : table.numberColumns()) {
              String v = row.cells().get(col);
              if (v.isEmpty()) continue;
              looseScores.computeIfAbsent(row.neuron(), k -> new HashMap<>()).computeIfAbsent(col, k -> new LinkedHashMap<>()).put(stem, Double.parseDouble(v));
            }
            continue;
          }
          for (String col : table.textColumns()) {
            String text = row.cells().get(col);
            if (text.isBlank()) continue;
            Map<String, Double> scores = new LinkedHashMap<>();
            if (table.textColumns().size() == 1) {
              for (String num : table.numberColumns()) {
                String v = row.cells().get(num);
                if (!v.isEmpty()) scores.put(num, Double.parseDouble(v));
              }
            }
            String method = table.textColumns().size() == 1 && col.equalsIgnoreCase("explanation") ? "" : col;
            byNeuron.computeIfAbsent(row.neuron(), k -> new ArrayList<>())
                .add(new Known(name, method, row.explainer().orElse(""), text.strip(), scores));
          }
        }
      }
    }
    looseScores.forEach((neuron, byMethod) -> {
      List<Known> known = byNeuron.get(neuron);
      if (known == null) return;
      for (int i = 0; i < known.size(); i++) {
        Known k = known.get(i);
        Map<String, Double> extra = byMethod.get(k.method());
        if (extra == null || k.method().isEmpty()) continue;
        Map<String, Double> scores = new LinkedHashMap<>(k.scores());
        scores.putAll(extra);
        known.set(i, new Known(k.source(), k.method(), k.explainer(), k.text(), scores));
      }
    });
    Map<NeuronId, List<Known>> frozen = new HashMap<>();
    byNeuron.forEach((id, list) -> frozen.put(id, List.copyOf(list)));
    return new KnownExplanations(frozen, sources);
  }

  /** A directory that {@code scribe explain} or {@code simulate} wrote: {@code DIR/<format>/explanations.jsonl} or {@code simulations.jsonl}. */
  static boolean isRun(Path dir) {
    for (PromptFormat f : PromptFormat.values()) {
      Path d = dir.resolve(f.id());
      if (Files.isRegularFile(d.resolve(SIMULATIONS)) || Files.isRegularFile(d.resolve(EXPLANATIONS))) return true;
    }
    return false;
  }

  /**
   * One run directory: per format, every scored explanation with its correlation score, named by the
   * explainer the explanations file gives for it; explanations not simulated (yet) without a score.
   */
  private static void readRun(Path run, Map<NeuronId, List<Known>> byNeuron, List<String> sources) {
    String runName = run.toAbsolutePath().normalize().getFileName() + "/";
    for (PromptFormat f : PromptFormat.values()) {
      Path dir = run.resolve(f.id());
      Path simulations = dir.resolve(SIMULATIONS);
      Path explanations = dir.resolve(EXPLANATIONS);
      // Explainer per (neuron, text); several samples may share a text.
      Map<NeuronId, Map<String, String>> explainers = new LinkedHashMap<>();
      for (Explanation e : ExplanationsJson.read(explanations)) {
        if (e.target() instanceof Target.Neuron n && e.text().isPresent()) {
          explainers.computeIfAbsent(n.id(), k -> new LinkedHashMap<>()).putIfAbsent(e.text().get(), e.explainer());
        }
      }
      if (Files.isRegularFile(explanations)) sources.add(runName + f.id() + "/" + EXPLANATIONS);
      Map<NeuronId, Set<String>> scored = new HashMap<>();
      if (Files.isRegularFile(simulations)) {
        String source = runName + f.id() + "/" + SIMULATIONS;
        sources.add(source);
        for (NeuronSimulationResults r : NeuronSimulationResultsJson.read(simulations)) {
          if (!(r.target() instanceof Target.Neuron n)) continue;
          for (ScoredExplanation e : r.scoredExplanations()) {
            String explainer = explainers.getOrDefault(n.id(), Map.of()).getOrDefault(e.explanation(), "");
            byNeuron.computeIfAbsent(n.id(), k -> new ArrayList<>()).add(new Known(source, f.id(), explainer, e.explanation().strip(), evScore(e)));
            scored.computeIfAbsent(n.id(), k -> new HashSet<>()).add(e.explanation());
          }
        }
      }
      String source = runName + f.id() + "/" + EXPLANATIONS;
      explainers.forEach((id, texts) -> texts.forEach((text, explainer) -> {
        if (scored.getOrDefault(id, Set.of()).contains(text)) return;
        byNeuron.computeIfAbsent(id, k -> new ArrayList<>()).add(new Known(source, f.id(), explainer, text.strip(), Map.of()));
      }));
    }
  }

  private static Map<String, Double> evScore(ScoredExplanation e) {
    return Map.of("ev_correlation_score", e.scoredSimulation().evCorrelationScore());
  }

  List<Known> of(NeuronId neuron) {
    return byNeuron.getOrDefault(neuron, List.of());
  }

  int count(NeuronId neuron) {
    return of(neuron).size();
  }

  /** The file names read, for the index page. */
  List<String> sources() {
    return sources;
  }
}
