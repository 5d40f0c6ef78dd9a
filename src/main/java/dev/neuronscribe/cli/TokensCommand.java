package dev.neuronscribe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.prompts.ExplanationPrompts;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.TokenCounter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = {
      "Counts the explainer's prompt tokens per format for the given neurons (the paper's Table 1).",
      "Tokens are counted as the chat API bills them (sum over messages of 3 + tokens of the content, plus 3);"
          + " the table shows the mean per format and how much cheaper each format is than Original."
          + " The paper's Table 1 adds the completion's tokens.",
    },
    footer = {
      "",
      "Examples:",
      "  scribe tokens --record neurons/1/1.json",
      "  scribe tokens --record neurons/ --json     # all neurons of a record directory"
    })
final class TokensCommand implements Callable<Integer> {
  /** Below this many neurons the count is over before a progress bar would be read. */
  private static final int PROGRESS_FROM = 20;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--record", required = true, arity = "1..*", paramLabel = "FILE",
      description = "NeuronRecord files (OpenAI's neuron-explainer JSON), or directories of them (DIR/<layer>/<neuron>.json).")
  List<Path> records;

  @Option(names = "--pack", paramLabel = "FILE", description = "A prompt pack to take the wording from (default: the built-in pack).")
  Path pack;

  @Option(names = "--encoding", paramLabel = "NAME", defaultValue = TokenCounter.DEFAULT_ENCODING,
      description = "cl100k_base (gpt-3.5-turbo, gpt-4; default), o200k_base (gpt-4o and later), r50k_base (GPT-2).")
  String encoding;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  private record Neuron(Path file, NeuronId id, Map<PromptFormat, Integer> tokens) {}

  @Override
  public Integer call() throws Exception {
    TokenCounter counter = PromptCommand.tokenCounter(encoding);
    PromptPack active = Packs.active(pack);
    List<Path> files = expand(records);

    List<Neuron> neurons = new ArrayList<>(files.size());
    try (ProgressBar bar = files.size() >= PROGRESS_FROM ? progress(files.size()) : null) {
      for (Path file : files) {
        neurons.add(count(file, active, counter));
        if (bar != null) bar.step();
      }
    }

    Map<PromptFormat, Double> mean = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) {
      mean.put(f, neurons.stream().mapToInt(n -> n.tokens().get(f)).average().orElseThrow());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? json(active, counter, neurons, mean) : table(active, counter, neurons.size(), mean));
    out.flush();
    return Cli.OK;
  }

  private static Neuron count(Path file, PromptPack pack, TokenCounter counter) {
    NeuronRecord record = NeuronRecordJson.read(file);
    Map<PromptFormat, Integer> tokens = new EnumMap<>(PromptFormat.class);
    for (PromptFormat f : PromptFormat.values()) {
      try {
        tokens.put(f, counter.countChat(ExplanationPrompts.forNeuron(f, pack, record)));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(file.toString(), e.getMessage(), e);
      }
    }
    return new Neuron(file, record.id(), tokens);
  }

  private static List<Path> expand(List<Path> given) {
    List<Path> files = new ArrayList<>();
    for (Path p : given) {
      if (Files.isDirectory(p)) {
        NeuronRecordDirectory dir = new NeuronRecordDirectory(p);
        List<NeuronId> ids = dir.list();
        if (ids.isEmpty()) throw new InvalidInputException(p.toString(), "holds no NeuronRecords (expected DIR/<layer>/<neuron>.json)");
        ids.forEach(id -> files.add(dir.pathOf(id)));
      } else {
        files.add(p);
      }
    }
    return files;
  }

  private static ProgressBar progress(int total) {
    return new ProgressBarBuilder().setTaskName("counting").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
        .setUnit(" neurons", 1).showSpeed().continuousUpdate().build();
  }

  private static String table(PromptPack pack, TokenCounter counter, int n, Map<PromptFormat, Double> mean) {
    double original = mean.get(PromptFormat.ORIGINAL);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Explainer prompt tokens, mean over %d neuron%s (%s, chat billing; pack '%s')%n",
        n, n == 1 ? "" : "s", counter.encodingName(), pack.name()));
    sb.append(String.format(Locale.ROOT, "%-18s %12s %14s %8s%n", "format", "mean tokens", "vs original", "saving"));
    for (PromptFormat f : PromptFormat.values()) {
      double m = mean.get(f);
      sb.append(String.format(Locale.ROOT, "%-18s %12.1f %13.2fx %7.1f%%%n", f.id(), m, original / m, 100 * (1 - m / original)));
    }
    return sb.toString();
  }

  private static String json(PromptPack pack, TokenCounter counter, List<Neuron> neurons, Map<PromptFormat, Double> mean) throws Exception {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    double original = mean.get(PromptFormat.ORIGINAL);
    ObjectNode root = nodes.objectNode();
    root.put("encoding", counter.encodingName());
    root.put("pack", pack.name());
    root.put("counting", "prompt tokens as the chat API bills them: sum over messages of (3 + tokens of the content) + 3");
    ArrayNode ns = root.putArray("neurons");
    for (Neuron n : neurons) ns.addObject().put("file", n.file().toString()).put("neuron", n.id().toString());
    ArrayNode formats = root.putArray("formats");
    for (PromptFormat f : PromptFormat.values()) {
      double m = mean.get(f);
      ObjectNode o = formats.addObject();
      o.put("format", f.id());
      o.put("mean_prompt_tokens", m);
      o.put("times_cheaper_than_original", original / m);
      o.put("saving_vs_original", 1 - m / original);
      ArrayNode per = o.putArray("prompt_tokens");
      for (Neuron n : neurons) per.add(n.tokens().get(f));
    }
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + System.lineSeparator();
  }
}
