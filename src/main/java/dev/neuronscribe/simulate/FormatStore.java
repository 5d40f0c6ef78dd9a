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
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
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
 * code).
 *
 * <p>While a run goes on the three files are logs ({@link AppendLog}): each change is appended as a line and
 * forced to disk before the unit counts as done, so a kill loses at most the units in flight, and a rerun
 * pays for nothing twice. A later line for a target replaces earlier ones; a simulation line with no scored
 * explanations withdraws the target's simulation (its explanations changed), a failures line with
 * {@code "cleared": true} its failures. Memory holds the explanations (short texts), the failures and, per
 * simulated target, only where its line starts: the simulations, tens of kilobytes each, stay on disk, so
 * tens of thousands of units fit a small heap. {@link #save} (the end of a run, or Ctrl-C) rewrites each
 * changed file as one line per target in target order, what the files of a finished run always hold.
 *
 * <p>Order of writes, so that a kill between two never leaves a simulation that looks current but is not:
 * new explanations first withdraw the old simulation and failures, then append themselves; a simulation's
 * failures are written before the simulation line.
 */
final class FormatStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  final PromptFormat format;
  private final Path dir;
  private final AppendLog explanationsLog, simulationsLog, failuresLog;
  private final Map<Target, List<Explanation>> explanations = new TreeMap<>();
  /** Where each current simulation's line starts in simulations.jsonl. */
  private final TreeMap<Target, Long> results = new TreeMap<>();
  private final Map<Target, List<String>> failures = new TreeMap<>();
  private boolean explanationsChanged, simulationsChanged, failuresChanged;
  /** The target of the log's last simulation line: a line for a target at or before it leaves the log out of order. */
  private Target lastSimulated;
  /** Something was written since the store was opened: a save leaves all three files in place, as a finished run has. */
  private boolean touched;

  FormatStore(Path runDir, PromptFormat format) {
    this.format = format;
    this.dir = runDir.resolve(format.id());
    this.explanationsLog = new AppendLog(explanationsFile());
    this.simulationsLog = new AppendLog(simulationsFile());
    this.failuresLog = new AppendLog(failuresFile());
    readExplanations();
    readSimulations();
    readFailures();
  }

  private void readExplanations() {
    // A group of lines for one target (samples 0, 1, ...) replaces the group before it: a sample number that
    // does not go up starts a new group.
    Target[] last = {null};
    int[] lastSample = {-1};
    int[] lines = {0};
    Map<Target, Integer> groups = new java.util.HashMap<>();
    explanationsLog.scan((text, offset, source, end) -> {
      Explanation e = ExplanationsJson.parseLine(text, source);
      if (e.format() != format) throw new InvalidInputException(source, "holds an explanation for format '" + e.format().id() + "'; files of one format only belong here");
      lines[0]++;
      if (!e.target().equals(last[0]) || e.sample() <= lastSample[0]) {
        // A group out of target order (parallel units finish in any order) is put in order by the next save.
        if (last[0] != null && last[0].compareTo(e.target()) >= 0) explanationsChanged = true;
        explanations.put(e.target(), new ArrayList<>());
        groups.merge(e.target(), 1, Integer::sum);
      }
      explanations.get(e.target()).add(e);
      last[0] = e.target();
      lastSample[0] = e.sample();
    });
    explanations.values().removeIf(List::isEmpty);
    // Replaced groups are compacted away by the next save.
    explanationsChanged |= groups.values().stream().anyMatch(n -> n > 1);
  }

  private void readSimulations() {
    simulationsLog.scan((text, offset, source, end) -> {
      // Only the target and whether anything was scored: the rest stays on disk. The last line is parsed
      // whole, as it is the one an interrupted write may have left damaged.
      NeuronSimulationResultsJson.Head h = end ? NeuronSimulationResultsJson.Head.of(NeuronSimulationResultsJson.parseLine(text, source))
          : NeuronSimulationResultsJson.head(text, source);
      Long before = h.scored() ? results.put(h.target(), offset) : results.remove(h.target());
      if (before != null || !h.scored() || (lastSimulated != null && lastSimulated.compareTo(h.target()) >= 0)) {
        simulationsChanged = true;
      }
      lastSimulated = h.target();
    });
  }

  private void readFailures() {
    failuresLog.scan((text, offset, source, end) -> {
      JsonNode o;
      try {
        o = JSON.readTree(text);
      } catch (IOException e) {
        throw new InvalidInputException(source, "is not JSON: " + e.getMessage());
      }
      Target t = o.hasNonNull("puzzle") ? new Target.Puzzle(o.get("puzzle").asText())
          : new Target.Neuron(new NeuronId(o.path("layer_index").asInt(), o.path("neuron_index").asInt()));
      if (o.path("cleared").asBoolean(false)) {
        failures.remove(t);
        failuresChanged = true;
      } else {
        failures.computeIfAbsent(t, k -> new ArrayList<>()).add(o.path("reason").asText());
      }
    });
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
    // New explanations invalidate an old simulation of this target: withdrawn first (see the class comment).
    if (results.remove(t) != null) {
      simulationsLog.append(NeuronSimulationResultsJson.toJsonLine(new NeuronSimulationResults(t, List.of())));
      simulationsChanged = true;
    }
    clearFailures(t);
    for (Explanation e : es) explanationsLog.append(ExplanationsJson.toJsonLine(e));
    explanations.put(t, List.copyOf(es));
    explanationsChanged = true;
    touched = true;
  }

  synchronized void putSimulation(Target t, NeuronSimulationResults r, List<String> failed) {
    clearFailures(t);
    if (!failed.isEmpty()) {
      for (String reason : failed) failuresLog.append(failureLine(t, reason, false));
      failures.put(t, List.copyOf(failed));
      failuresChanged = true;
    }
    if (r.scoredExplanations().isEmpty()) {
      if (results.remove(t) != null) {
        simulationsLog.append(NeuronSimulationResultsJson.toJsonLine(new NeuronSimulationResults(t, List.of())));
        simulationsChanged = true;
      }
    } else {
      // Lines appended in target order, each target once, already are the file a save would write.
      if (results.put(t, simulationsLog.append(NeuronSimulationResultsJson.toJsonLine(r))) != null
          || (lastSimulated != null && lastSimulated.compareTo(t) >= 0)) {
        simulationsChanged = true;
      }
      lastSimulated = t;
    }
    touched = true;
  }

  private void clearFailures(Target t) {
    if (failures.remove(t) == null) return;
    failuresLog.append(failureLine(t, "", true));
    failuresChanged = true;
  }

  private String failureLine(Target t, String reason, boolean cleared) {
    ObjectNode o = JSON.createObjectNode();
    switch (t) {
      case Target.Neuron n -> o.put("layer_index", n.id().layer()).put("neuron_index", n.id().neuron());
      case Target.Puzzle p -> o.put("puzzle", p.name());
    }
    o.put("format", format.id());
    if (cleared) o.put("cleared", true);
    else o.put("reason", reason);
    return o.toString();
  }

  /** Every current simulation, in target order, read from disk one at a time. */
  synchronized void forEachResult(Consumer<NeuronSimulationResults> each) {
    if (results.isEmpty()) return;
    try (FileChannel ch = FileChannel.open(simulationsFile(), StandardOpenOption.READ)) {
      for (var e : results.entrySet()) {
        each.accept(NeuronSimulationResultsJson.parseLine(AppendLog.read(ch, e.getValue()), simulationsFile() + " at byte " + e.getValue()));
      }
    } catch (IOException e) {
      throw new InvalidInputException(simulationsFile().toString(), "cannot be read: " + e.getMessage(), e);
    }
  }

  /** Every current simulation in memory at once: for small runs and tests ({@link #forEachResult} streams). */
  synchronized List<NeuronSimulationResults> results() {
    List<NeuronSimulationResults> out = new ArrayList<>();
    forEachResult(out::add);
    return out;
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

  /**
   * Rewrites each changed file as one line per target in target order (atomically; the simulations streamed
   * from the log to the new file, never all in memory). Appending after a save starts new logs.
   */
  synchronized void save() {
    explanationsLog.close();
    simulationsLog.close();
    failuresLog.close();
    if (explanationsChanged) {
      List<Explanation> all = new ArrayList<>();
      explanations.values().forEach(all::addAll);
      ExplanationsJson.write(explanationsFile(), all);
      explanationsChanged = false;
    }
    if (simulationsChanged) {
      Map<Target, Long> moved = new TreeMap<>();
      if (results.isEmpty()) {
        AtomicFiles.write(simulationsFile(), out -> {});
        lastSimulated = null;
      } else {
        try (FileChannel ch = FileChannel.open(simulationsFile(), StandardOpenOption.READ)) {
          AtomicFiles.write(simulationsFile(), out -> {
            long at = 0;
            for (var e : results.entrySet()) {
              byte[] line = (AppendLog.read(ch, e.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
              out.write(line);
              moved.put(e.getKey(), at);
              at += line.length;
            }
          });
        } catch (IOException e) {
          throw new UncheckedIOException("could not rewrite " + simulationsFile() + ": " + e.getMessage(), e);
        }
      }
      results.putAll(moved);
      if (!results.isEmpty()) lastSimulated = results.lastKey();
      simulationsChanged = false;
    }
    if (failuresChanged) {
      AtomicFiles.write(failuresFile(), out -> {
        for (var e : failures.entrySet()) {
          for (String reason : e.getValue()) out.write((failureLine(e.getKey(), reason, false) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      });
      failuresChanged = false;
    }
    if (touched) {
      for (Path f : List.of(explanationsFile(), simulationsFile(), failuresFile())) {
        if (!Files.exists(f)) AtomicFiles.write(f, out -> {});
      }
    }
  }
}
