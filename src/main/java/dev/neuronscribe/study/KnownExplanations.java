package dev.neuronscribe.study;

import dev.neuronscribe.activations.InvalidDataException;
import dev.neuronscribe.activations.NeuronId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every explanation the viewer knows for each neuron, with its scores, gathered from results files:
 * OpenAI's {@code NeuronSimulationResults} JSON lines ({@code *.jsonl}) and the paper's CSVs ({@code *.csv}).
 *
 * <p>In a CSV, explanation columns become explanations named after the column (the prompt format);
 * number columns are scores. A file with one explanation column attaches its number columns to it
 * ({@code layer,neuron,score,explanation}); a file of numbers only ({@code ...results_score.csv}) gives
 * each method of the same name, from any file, a score named after the file.
 */
final class KnownExplanations {
  /** One explanation: where it came from, its method (format) when known, and named scores (NaN = undefined). */
  record Known(String source, String method, String explainer, String text, Map<String, Double> scores) {}

  private final Map<NeuronId, List<Known>> byNeuron;
  private final List<String> sources;

  private KnownExplanations(Map<NeuronId, List<Known>> byNeuron, List<String> sources) {
    this.byNeuron = byNeuron;
    this.sources = List.copyOf(sources);
  }

  /** Reads the given files, and the {@code *.jsonl} / {@code *.csv} files directly inside given directories. */
  static KnownExplanations load(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".jsonl") || f.toString().endsWith(".csv")).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new InvalidDataException(p.toString(), "no such results file or directory");
      }
    }
    Map<NeuronId, List<Known>> byNeuron = new HashMap<>();
    // Scores from number-only CSVs: neuron -> method -> (score name -> value), joined after all files are read.
    Map<NeuronId, Map<String, Map<String, Double>>> looseScores = new HashMap<>();
    List<String> sources = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      sources.add(name);
      if (name.endsWith(".jsonl")) {
        for (SimulationResultsFile.Scored s : SimulationResultsFile.read(f)) {
          Map<String, Double> scores = Map.of("ev_correlation_score", s.evCorrelationScore().isPresent() ? s.evCorrelationScore().getAsDouble() : Double.NaN);
          byNeuron.computeIfAbsent(s.neuron(), k -> new ArrayList<>()).add(new Known(name, "", "", s.explanation().strip(), scores));
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
