package dev.neuronscribe.cli;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecords;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** What to work on and where the outputs go. */
final class InputOptions {
  @Option(names = "--records", paramLabel = "DIR", description = "A store (scribe record's output) or a directory of NeuronRecords (DIR/<layer>/<neuron>.json).")
  Optional<Path> records;

  @Option(names = "--neurons", paramLabel = "L:N,...", split = ",", description = "Only these neurons of --records (default: all).")
  List<String> neurons = new ArrayList<>();

  @Option(names = "--puzzles", paramLabel = "FILE", description = "A neuron puzzles file (OpenAI's puzzles.json format).")
  Optional<Path> puzzles;

  @Option(names = "--formats", defaultValue = "all", paramLabel = "F,...",
      description = "Prompt formats: all, or a comma list of original, summary, highlight, highlight-summary, avhs (default ${DEFAULT-VALUE}).")
  String formats;

  @Option(names = "--samples", defaultValue = "1", paramLabel = "N", description = "Explanations per neuron and format (default ${DEFAULT-VALUE}; the paper used 3 for puzzles).")
  int samples;

  @Option(names = "--pack", paramLabel = "FILE", description = "Prompt pack (wording and few-shot examples; default: the built-in pack).")
  Optional<Path> pack;

  @Option(names = {"--out", "-o"}, required = true, paramLabel = "DIR", description = "Run directory: OUT/<format>/explanations.jsonl, simulations.jsonl, failures.jsonl, scores.json.")
  Path out;

  @Option(names = "--parallel", defaultValue = "32", paramLabel = "N", description = "Neurons worked on at once (default ${DEFAULT-VALUE}).")
  int parallel;

  List<PromptFormat> formats() {
    if (formats.equalsIgnoreCase("all")) return List.of(PromptFormat.values());
    try {
      List<PromptFormat> out = Arrays.stream(formats.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(PromptFormat::parse).distinct().toList();
      if (out.isEmpty()) throw new IllegalArgumentException("name at least one format, or all");
      return out;
    } catch (IllegalArgumentException e) {
      throw UsageException.of("--formats", e);
    }
  }

  PromptPack pack() {
    return pack.map(PromptPack::load).orElseGet(PromptPack::builtIn);
  }

  List<Explainee> explainees() {
    if (records.isPresent() == puzzles.isPresent()) {
      throw new UsageException("give exactly one of --records DIR and --puzzles FILE");
    }
    if (samples < 1) throw new UsageException("--samples must be at least 1, got " + samples);
    if (parallel < 1) throw new UsageException("--parallel must be at least 1, got " + parallel);
    if (puzzles.isPresent()) {
      List<Explainee> out = new ArrayList<>();
      for (Puzzle p : PuzzleJson.read(puzzles.get())) out.add(new Explainee.Puzzle(p));
      return out;
    }
    NeuronRecords dir = NeuronRecords.open(records.get());
    List<NeuronId> ids;
    try {
      ids = neurons.isEmpty() ? dir.list() : neurons.stream().map(NeuronId::parse).toList();
    } catch (InvalidInputException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw UsageException.of("--neurons", e);
    }
    if (ids.isEmpty()) throw new InvalidInputException(records.get().toString(), "holds no NeuronRecords (expected DIR/<layer>/<neuron>.json)");
    for (NeuronId id : ids) {
      if (!dir.contains(id)) throw new InvalidInputException(dir.where(id), "no such NeuronRecord (neuron " + id + " was asked for)");
    }
    // Read each record when the run reaches it, and keep none: memory follows the units in flight, not the store's size.
    return new java.util.AbstractList<>() {
      @Override
      public Explainee get(int i) {
        return new Explainee.Neuron(dir.read(ids.get(i)));
      }

      @Override
      public int size() {
        return ids.size();
      }
    };
  }
}
