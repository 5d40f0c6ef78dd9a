package dev.neuronscribe.cli;

import dev.neuronscribe.activations.Interchange;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.NeuronRecords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the records of a store (or of a JSON folder) in OpenAI's neuron-explainer layout.",
      "Each OUT/<layer>/<neuron>.json holds the same excerpts, order, quantile boundaries and moments as a direct JSON recording;",
      "activations at the store's precision.",
      "An interrupted export resumes: rerun the same command."
    })
final class ExportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--records", required = true, paramLabel = "DIR", description = "A store (scribe record's output) or a folder of NeuronRecords.")
  Path records;

  @Option(names = "--format", defaultValue = "openai-json", paramLabel = "FORMAT", description = "openai-json (the only one so far).")
  String format;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the NeuronRecord files go.")
  Path out;

  @Option(names = "--neurons", paramLabel = "L:N,...", split = ",", description = "Only these units (default: all).")
  List<String> neurons = new ArrayList<>();

  @Option(names = "--decimals", paramLabel = "N", description = "Round numbers to N decimals (OpenAI's files: 4). Default: as stored.")
  Integer decimals;

  @Override
  public Integer call() {
    if (!format.equals("openai-json")) throw new CommandLine.ParameterException(spec.commandLine(), "--format is openai-json, got '" + format + "'");
    NeuronRecords from = NeuronRecords.open(records);
    List<NeuronId> ids = neurons.isEmpty() ? from.list() : neurons.stream().map(NeuronId::parse).toList();
    for (NeuronId id : ids) {
      if (!from.contains(id)) throw new CommandLine.ParameterException(spec.commandLine(), records + " holds no unit " + id);
    }
    long t0 = System.nanoTime();
    int written;
    try (ProgressBar bar = ProgressBars.start("exporting", ids.size(), "units")) {
      written = Interchange.exportJson(from, ids, new NeuronRecordDirectory(out), decimals == null ? OptionalInt.empty() : OptionalInt.of(decimals), bar::stepBy);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("Exported %,d units (%,d already there) to %s in %.1f s (%.0f units/s)%n", written, ids.size() - written, out, s, written / Math.max(s, 1e-9));
    return Cli.OK;
  }
}
