package dev.neuronscribe.cli;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.activations.NeuronRecords;
import dev.neuronscribe.files.InvalidInputException;
import java.nio.file.Files;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.PromptTokens;
import dev.neuronscribe.prompts.TokenCounter;
import dev.neuronscribe.report.PromptTokensTables;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
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
      "  scribe tokens --record neurons/ --json     # all neurons of a record directory or store"
    })
final class TokensCommand implements Callable<Integer> {
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

  @Override
  public Integer call() {
    TokenCounter counter = PromptCommand.tokenCounter(encoding);
    PromptPack active = Packs.active(pack);
    List<Source> files = expand(records);

    List<PromptTokens.Neuron> neurons = new ArrayList<>(files.size());
    try (ProgressBar bar = ProgressBars.start("counting", files.size(), "neurons")) {
      for (Source file : files) {
        neurons.add(PromptTokens.count(file.name(), file.read().get(), active, counter));
        bar.step();
      }
    }
    PromptTokens table = new PromptTokens(counter.encodingName(), active.name(), neurons);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? PromptTokensTables.json(table) : PromptTokensTables.text(table));
    out.flush();
    return Cli.OK;
  }

  /** One record to count: a JSON file, or a unit of a store (read when counted). */
  private record Source(String name, java.util.function.Supplier<NeuronRecord> read) {}

  /** Files as they are; a directory (JSON folder or store) as every record in it. */
  private static List<Source> expand(List<Path> given) {
    List<Source> files = new ArrayList<>();
    for (Path p : given) {
      if (Files.isDirectory(p)) {
        NeuronRecords dir = NeuronRecords.open(p);
        List<NeuronId> ids = dir.list();
        if (ids.isEmpty()) throw new InvalidInputException(p.toString(), "holds no NeuronRecords (expected DIR/<layer>/<neuron>.json, or a store)");
        ids.forEach(id -> files.add(new Source(dir.where(id), () -> dir.read(id))));
      } else {
        files.add(new Source(p.toString(), () -> NeuronRecordJson.read(p)));
      }
    }
    return files;
  }
}
