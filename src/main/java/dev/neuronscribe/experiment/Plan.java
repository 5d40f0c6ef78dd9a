package dev.neuronscribe.experiment;

import dev.neuronscribe.files.ParseErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.activations.BuiltInPuzzles;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecords;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.evaluate.NeuronIndex;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.NeuronSimulationResultsJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run laid out: each neuron set's targets, their references (ground truths), and the units of work
 * the run file's cross product asks for. Records are read when a target is worked on, not up front, so
 * memory does not grow with the number of neurons.
 */
final class Plan {

  /** One neuron set, its targets in order and, per target, the reference explanation when there is one. */
  record SetPlan(RunSpec.NeuronSet set, List<Target> targets, Map<Target, String> references, Map<String, Puzzle> puzzleByName,
      Optional<NeuronRecords> records) {

    boolean puzzles() {
      return set instanceof RunSpec.PuzzleSet;
    }

    String itemKind() {
      return puzzles() ? "puzzle" : records.map(NeuronRecords::unitKind).orElse("neuron");
    }

    /** What the explainer and simulator work on; reads the record from disk. */
    Explainee explainee(Target t) {
      return switch (t) {
        case Target.Puzzle p -> new Explainee.Puzzle(puzzleByName.get(p.name()));
        case Target.Neuron n -> new Explainee.Neuron(records.orElseThrow().read(n.id()));
      };
    }

    /** Whether this set is scored by similarity in this run, and for which targets. */
    boolean similarity(RunSpec spec, Target t) {
      if (puzzles()) return spec.evaluations().contains(RunSpec.Evaluation.PUZZLES);
      return spec.evaluations().contains(RunSpec.Evaluation.SIMILARITY) && references.containsKey(t);
    }
  }

  final RunSpec spec;
  final List<SetPlan> sets;

  Plan(RunSpec spec) {
    this.spec = spec;
    List<SetPlan> out = new ArrayList<>();
    for (RunSpec.NeuronSet s : spec.sets()) out.add(load(s));
    this.sets = List.copyOf(out);
  }

  /** Every unit the run file asks for, in working order: per target, explain, then its simulations and similarity. */
  List<ExperimentStore.Key> units() {
    List<ExperimentStore.Key> keys = new ArrayList<>();
    for (SetPlan sp : sets) for (Target t : sp.targets()) keys.addAll(units(sp, t));
    return keys;
  }

  List<ExperimentStore.Key> units(SetPlan sp, Target t) {
    List<ExperimentStore.Key> keys = new ArrayList<>();
    for (PromptFormat f : spec.formats()) {
      for (Backend e : spec.explainers()) keys.addAll(chain(sp, t, f, e));
    }
    return keys;
  }

  /** The units of one (target, format, explainer): its explanations and what evaluates them. */
  List<ExperimentStore.Key> chain(SetPlan sp, Target t, PromptFormat f, Backend e) {
    List<ExperimentStore.Key> keys = new ArrayList<>();
    String set = sp.set().name();
    keys.add(new ExperimentStore.Key(Steps.EXPLAIN, set, t.key(), f.id(), e.label(), ""));
    if (spec.evaluations().contains(RunSpec.Evaluation.SIMULATE_SCORE)) {
      for (RunSpec.SimulatorChoice s : spec.simulators()) keys.add(new ExperimentStore.Key(Steps.SIMULATE, set, t.key(), f.id(), e.label(), s.label()));
    }
    if (sp.similarity(spec, t)) keys.add(new ExperimentStore.Key(Steps.SIMILARITY, set, t.key(), f.id(), e.label(), spec.embeddings().label()));
    for (RunSpec.Evaluation ev : RunSpec.Evaluation.values()) {
      if (!ev.scorer() || !spec.evaluations().contains(ev)) continue;
      for (RunSpec.SimulatorChoice s : spec.simulators()) keys.add(new ExperimentStore.Key(ev.id(), set, t.key(), f.id(), e.label(), s.label()));
    }
    return keys;
  }

  int samples(SetPlan sp) {
    return sp.puzzles() ? spec.puzzleRuns() : spec.samples();
  }

  private static SetPlan load(RunSpec.NeuronSet s) {
    return switch (s) {
      case RunSpec.PuzzleSet p -> {
        List<Puzzle> puzzles = p.file().map(PuzzleJson::read).orElseGet(BuiltInPuzzles::load);
        Map<String, Puzzle> byName = new LinkedHashMap<>();
        Map<Target, String> truths = new LinkedHashMap<>();
        List<Target> targets = new ArrayList<>();
        for (Puzzle z : puzzles) {
          if (byName.put(z.name(), z) != null) {
            throw new InvalidInputException(p.file().map(Path::toString).orElse("built-in puzzles"), "puzzle '" + z.name() + "' appears twice");
          }
          Target t = new Target.Puzzle(z.name());
          targets.add(t);
          truths.put(t, z.explanation());
        }
        yield new SetPlan(s, targets, truths, byName, Optional.empty());
      }
      case RunSpec.RecordSet r -> {
        NeuronRecords dir = NeuronRecords.open(r.records());
        LinkedHashSet<NeuronId> ids = new LinkedHashSet<>(r.neurons());
        r.subset().ifPresent(f -> ids.addAll(NeuronIndex.read(f).ids()));
        List<NeuronId> chosen = ids.isEmpty() ? dir.list() : new ArrayList<>(ids);
        if (chosen.isEmpty()) throw new InvalidInputException(r.records().toString(), "holds no NeuronRecords (expected DIR/<layer>/<neuron>.json)");
        List<NeuronId> missing = chosen.stream().filter(id -> !dir.contains(id)).toList();
        if (!missing.isEmpty()) {
          throw new InvalidInputException(r.records().toString(), missing.size() + " of the " + chosen.size() + " neurons of set '" + r.name()
              + "' have no record here (first: " + missing.stream().limit(5).map(NeuronId::toString).toList() + ")"
              + (r.subset().isPresent() ? "; fetch them first, e.g. 'scribe fetch --subset " + r.subset().get() + "'" : ""));
        }
        List<Target> targets = chosen.stream().sorted().<Target>map(Target.Neuron::new).toList();
        Map<Target, String> refs = new LinkedHashMap<>();
        if (r.references().isPresent()) {
          Map<NeuronId, String> all = references(r.references().get());
          for (Target t : targets) {
            String text = all.get(((Target.Neuron) t).id());
            if (text != null) refs.put(t, text);
          }
        }
        yield new SetPlan(s, targets, refs, Map.of(), Optional.of(dir));
      }
    };
  }

  /**
   * Reference explanations by neuron, from a neuron index (CSV or JSON lines with an explanation
   * column), a planted model's manifest ({@code planted.json}) or a directory of OpenAI explanation
   * files ({@code <layer>/<neuron>.jsonl}, the first scored explanation of each).
   */
  static Map<NeuronId, String> references(Path p) {
    Map<NeuronId, String> out = new LinkedHashMap<>();
    if (Files.isDirectory(p)) {
      if (Files.isRegularFile(p.resolve("planted.json"))) return planted(p.resolve("planted.json"));
      try (var layers = Files.list(p)) {
        for (Path layerDir : layers.filter(Files::isDirectory).sorted().toList()) {
          try (var files = Files.list(layerDir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
              for (NeuronSimulationResults r : NeuronSimulationResultsJson.read(f)) {
                if (r.target() instanceof Target.Neuron n && !r.scoredExplanations().isEmpty()) {
                  out.putIfAbsent(n.id(), r.scoredExplanations().getFirst().explanation());
                }
              }
            }
          }
        }
      } catch (IOException e) {
        throw new InvalidInputException(p.toString(), "cannot be listed: " + e.getMessage(), e);
      }
      if (out.isEmpty()) throw new InvalidInputException(p.toString(), "holds no explanation files (<layer>/<neuron>.jsonl) and no planted.json");
      return out;
    }
    if (!Files.isRegularFile(p)) throw new InvalidInputException(p.toString(), "not found (field 'references' of the run file)");
    if (p.getFileName().toString().endsWith(".json")) return planted(p);
    for (NeuronIndex.Entry e : NeuronIndex.read(p).entries()) e.explanation().ifPresent(x -> out.put(e.id(), x));
    if (out.isEmpty()) throw new InvalidInputException(p.toString(), "has no 'explanation' column with text; references need the explanation to compare with");
    return out;
  }

  /** The ground truths of a planted model: {@code {"neurons": [{"layer", "neuron", "explanation"}, ...]}}. */
  static Map<NeuronId, String> planted(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "is not valid JSON: " + ParseErrors.describe(e), e);
    }
    JsonNode neurons = root == null ? null : root.get("neurons");
    if (neurons == null || !neurons.isArray()) throw new InvalidInputException(file.toString(), "field 'neurons' is missing; is this a planted model's planted.json?");
    Map<NeuronId, String> out = new LinkedHashMap<>();
    for (int i = 0; i < neurons.size(); i++) {
      JsonNode n = neurons.get(i);
      if (!n.path("layer").isIntegralNumber() || !n.path("neuron").isIntegralNumber() || !n.path("explanation").isTextual()) {
        throw new InvalidInputException(file.toString(), "field 'neurons[" + i + "]' needs 'layer', 'neuron' and 'explanation'");
      }
      out.put(new NeuronId(n.get("layer").asInt(), n.get("neuron").asInt()), n.get("explanation").asText());
    }
    return out;
  }
}
