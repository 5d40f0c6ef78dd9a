package dev.neuronscribe.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.ExplanationsJson;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outputs of one prompt format in a run directory, {@code OUT/<format>/}: {@code explanations.jsonl},
 * {@code simulations.jsonl} (OpenAI's {@code NeuronSimulationResults}) and {@code failures.jsonl}
 * (simulations that failed, with the reason; kept apart so that the results stay readable by OpenAI's
 * code). Held in memory, saved atomically whole — at most every two seconds while a run goes on and
 * at its end — so a killed run leaves complete files and loses only what was not saved yet, whose
 * paid replies the response cache still holds.
 */
final class FormatStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SAVE_EVERY_NANOS = 2_000_000_000L;

  final PromptFormat format;
  private final Path dir;
  private final Map<Target, List<Explanation>> explanations = new TreeMap<>();
  private final Map<Target, NeuronSimulationResults> results = new TreeMap<>();
  private final Map<Target, List<String>> failures = new TreeMap<>();
  private boolean dirty;
  private long savedAt = System.nanoTime();

  FormatStore(Path runDir, PromptFormat format) {
    this.format = format;
    this.dir = runDir.resolve(format.id());
    for (Explanation e : ExplanationsJson.read(explanationsFile())) {
      if (e.format() != format) throw new InvalidInputException(explanationsFile().toString(), "holds an explanation for format '" + e.format().id() + "'; files of one format only belong here");
      explanations.computeIfAbsent(e.target(), t -> new ArrayList<>()).add(e);
    }
    if (Files.exists(simulationsFile())) {
      for (NeuronSimulationResults r : NeuronSimulationResultsJson.read(simulationsFile())) results.put(r.target(), r);
    }
    if (Files.exists(failuresFile())) readFailures();
  }

  Path explanationsFile() {
    return dir.resolve("explanations.jsonl");
  }

  Path simulationsFile() {
    return dir.resolve("simulations.jsonl");
  }

  Path failuresFile() {
    return dir.resolve("failures.jsonl");
  }

  /** Explained: every sample has an explanation (none failed). */
  synchronized boolean explained(Target t, int samples) {
    List<Explanation> es = explanations.get(t);
    return es != null && es.size() >= samples && es.stream().allMatch(Explanation::ok);
  }

  synchronized List<Explanation> explanations(Target t) {
    return List.copyOf(explanations.getOrDefault(t, List.of()));
  }

  /** Simulated: results saved and no failure recorded. */
  synchronized boolean simulated(Target t) {
    return results.containsKey(t) && !failures.containsKey(t);
  }

  synchronized void putExplanations(Target t, List<Explanation> es) {
    explanations.put(t, List.copyOf(es));
    // New explanations invalidate an old simulation of this target.
    results.remove(t);
    failures.remove(t);
    changed();
  }

  synchronized void putSimulation(Target t, NeuronSimulationResults r, List<String> failed) {
    if (r.scoredExplanations().isEmpty()) results.remove(t);
    else results.put(t, r);
    if (failed.isEmpty()) failures.remove(t);
    else failures.put(t, List.copyOf(failed));
    changed();
  }

  synchronized List<NeuronSimulationResults> results() {
    return List.copyOf(results.values());
  }

  /**
   * Every target with something that failed, and why: a simulation (from {@code failures.jsonl}) or an
   * explanation that could not be had (an error in {@code explanations.jsonl}, e.g. the explainer's 401),
   * which leaves nothing to simulate and so no line in {@code failures.jsonl}.
   */
  synchronized Map<Target, List<String>> failures() {
    Map<Target, List<String>> out = new TreeMap<>();
    failures.forEach((t, reasons) -> out.put(t, new ArrayList<>(reasons)));
    explanations.forEach((t, es) -> es.stream().filter(e -> !e.ok()).forEach(e ->
        out.computeIfAbsent(t, k -> new ArrayList<>()).add("sample " + e.sample() + ": no explanation: " + e.error().orElseThrow())));
    return Map.copyOf(out);
  }

  private void changed() {
    dirty = true;
    if (System.nanoTime() - savedAt > SAVE_EVERY_NANOS) save();
  }

  synchronized void save() {
    if (!dirty) return;
    List<Explanation> all = new ArrayList<>();
    explanations.values().forEach(all::addAll);
    ExplanationsJson.write(explanationsFile(), all);
    NeuronSimulationResultsJson.write(simulationsFile(), List.copyOf(results.values()));
    AtomicFiles.write(failuresFile(), out -> {
      for (var e : failures.entrySet()) {
        for (String reason : e.getValue()) {
          ObjectNode o = JSON.createObjectNode();
          switch (e.getKey()) {
            case Target.Neuron n -> o.put("layer_index", n.id().layer()).put("neuron_index", n.id().neuron());
            case Target.Puzzle p -> o.put("puzzle", p.name());
          }
          o.put("format", format.id()).put("reason", reason);
          out.write((o + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    });
    dirty = false;
    savedAt = System.nanoTime();
  }

  private void readFailures() {
    try {
      List<String> lines = Files.readAllLines(failuresFile(), StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) continue;
        JsonNode o = JSON.readTree(lines.get(i));
        Target t = o.hasNonNull("puzzle") ? new Target.Puzzle(o.get("puzzle").asText())
            : new Target.Neuron(new NeuronId(o.path("layer_index").asInt(), o.path("neuron_index").asInt()));
        failures.computeIfAbsent(t, k -> new ArrayList<>()).add(o.path("reason").asText());
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(failuresFile().toString(), "cannot be read: " + e.getMessage());
    }
  }
}
