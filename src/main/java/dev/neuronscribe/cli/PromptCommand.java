package dev.neuronscribe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.PuzzleJson;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.ExplanationPrompts;
import dev.neuronscribe.prompts.Message;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.TokenCounter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "prompt",
    mixinStandardHelpOptions = true,
    description = {
      "Renders the explainer prompt for a neuron or a neuron puzzle in one of the five formats.",
      "A neuron's prompt shows its explain split (top excerpts 0, 4, 8, 12, 16); tokens above the 90th percentile"
          + " of the per-excerpt maximum (quantile_boundaries[2]) count as highly activating. A puzzle's prompt shows"
          + " all its sentences with cutoff 1."
    },
    footer = {
      "",
      "Examples:",
      "  scribe prompt --record neurons/1/1.json --format summary",
      "  scribe prompt --puzzle colors --puzzles puzzles.json --format avhs --json",
      "  scribe prompt --record neurons/1/1.json --format highlight --pack my-pack.json --cutoff 1.5"
    })
final class PromptCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--records", paramLabel = "DIR", description = "A store or folder of NeuronRecords; with --neuron L:N names the record (instead of --record).")
  Path records;

  @Option(names = "--neuron", paramLabel = "L:N", description = "The unit of --records to prompt for.")
  String neuron;

  @Option(names = "--record", paramLabel = "FILE", description = "A NeuronRecord (OpenAI's neuron-explainer JSON).")
  Path record;

  @Option(names = "--puzzle", paramLabel = "NAME", description = "A neuron puzzle by name (needs --puzzles).")
  String puzzle;

  @Option(names = "--puzzles", paramLabel = "FILE", description = "The neuron puzzles file (OpenAI's puzzles.json format).")
  Path puzzles;

  @Option(names = "--format", required = true, paramLabel = "FMT", converter = FormatConverter.class,
      description = "One of: original, summary, highlight, highlight-summary (hs), avhs.")
  PromptFormat format;

  @Option(names = "--pack", paramLabel = "FILE", description = "A prompt pack to take the wording from (default: the built-in pack).")
  Path pack;

  @Option(names = "--cutoff", paramLabel = "X",
      description = "Hot-token cutoff on the raw activations of the target, instead of quantile_boundaries[2] (or 1 for a puzzle).")
  Double cutoff;

  @Option(names = "--json", description = "Print the chat messages as JSON: [{\"role\": ..., \"content\": ...}].")
  boolean json;

  @Option(names = "--completion", description = "Print the prompt for completion-style models: the messages concatenated, nothing added.")
  boolean completion;

  @Option(names = "--encoding", paramLabel = "NAME", defaultValue = TokenCounter.DEFAULT_ENCODING,
      description = "Token encoding for the token count shown on stderr: cl100k_base (default), o200k_base, r50k_base.")
  String encoding;

  @Override
  public Integer call() throws JsonProcessingException {
    if ((records == null) != (neuron == null)) throw usage("--records DIR and --neuron L:N go together");
    if ((record == null ? 0 : 1) + (records == null ? 0 : 1) + (puzzle == null ? 0 : 1) != 1) {
      throw usage("give one of --record FILE, --records DIR --neuron L:N, or --puzzle NAME --puzzles FILE");
    }
    if (puzzle != null && puzzles == null) throw usage("--puzzle needs --puzzles FILE (the neuron puzzles file)");
    if (puzzle == null && puzzles != null) throw usage("--puzzles needs --puzzle NAME");
    if (json && completion) throw usage("choose one of --json and --completion");
    if (cutoff != null && !Double.isFinite(cutoff)) throw usage("--cutoff must be a finite number");
    TokenCounter counter = tokenCounter(encoding);

    PromptPack active = Packs.active(pack);
    List<Message> messages = puzzle == null ? forRecord(active) : forPuzzle(active);

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(messagesJson(messages));
    } else if (completion) {
      out.print(ExplanationPrompts.asCompletionPrompt(messages));
    } else {
      for (Message m : messages) {
        out.println("=== " + m.role().wireName() + " ===");
        out.println(m.content());
      }
    }
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    err.println(counter.countChat(messages) + " prompt tokens (" + counter.encodingName() + ", as the chat API bills them; pack '"
        + active.name() + "', format " + format.id() + ")");
    err.flush();
    return Cli.OK;
  }

  private List<Message> forRecord(PromptPack active) {
    NeuronRecord unit;
    String source;
    if (record != null) {
      unit = NeuronRecordJson.read(record);
      source = record.toString();
    } else {
      dev.neuronscribe.activations.NeuronRecords all = dev.neuronscribe.activations.NeuronRecords.open(records);
      dev.neuronscribe.activations.NeuronId id = dev.neuronscribe.activations.NeuronId.parse(neuron);
      if (!all.contains(id)) throw usage(records + " holds no unit " + id);
      unit = all.read(id);
      source = records + " (" + id + ")";
    }
    try {
      return cutoff == null
          ? ExplanationPrompts.forNeuron(format, active, unit)
          : ExplanationPrompts.forNeuron(format, active, unit, cutoff);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(source, e.getMessage(), e);
    }
  }

  private List<Message> forPuzzle(PromptPack active) {
    Puzzle p = PuzzleJson.find(PuzzleJson.read(puzzles), puzzle, puzzles.toString());
    return cutoff == null
        ? ExplanationPrompts.forPuzzle(format, active, p)
        : ExplanationPrompts.render(format, active, p.sentences(), cutoff);
  }

  static String messagesJson(List<Message> messages) throws JsonProcessingException {
    List<Map<String, String>> list = messages.stream().map(m -> {
      Map<String, String> o = new LinkedHashMap<>();
      o.put("role", m.role().wireName());
      o.put("content", m.content());
      return o;
    }).toList();
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  static TokenCounter tokenCounter(String encoding) {
    try {
      return TokenCounter.of(encoding);
    } catch (IllegalArgumentException e) {
      throw UsageException.of("--encoding", e);
    }
  }
}
