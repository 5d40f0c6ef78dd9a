package dev.neuronscribe.cli;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.OpenAiPublicData;
import dev.neuronscribe.evaluate.NeuronIndex;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scribe fetch}: OpenAI's public GPT-2 XL NeuronRecords and explanations, into a local cache. */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Downloads OpenAI's public GPT-2 XL neuron data into a local cache.",
      "",
      "For each neuron: collated-activations/{layer}/{neuron}.json (NeuronRecords)",
      "and explanations/{layer}/{neuron}.jsonl, into CACHE with the same layout. Files already in the cache are kept (resume).",
      "Exits 1 when any file could not be had, after listing each one and why."
    },
    sortOptions = false)
public final class FetchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--neurons", split = ",", paramLabel = "L:N", description = "Neurons as LAYER:NEURON, comma-separated, e.g. 0:1,5:123.")
    List<String> neurons;

    @Option(names = "--subset", paramLabel = "FILE", description = "A neuron index or subset (CSV with layer,neuron or JSON lines), e.g. from 'scribe subset'.")
    Path subset;
  }

  @Option(names = "--what", split = ",", defaultValue = "records,explanations", paramLabel = "KIND",
      description = "records, explanations or both. Default: ${DEFAULT-VALUE}.")
  List<String> what;

  @Option(names = "--base-url", paramLabel = "URL", description = "Where the data lives. Default: " + "https://openaipublic.blob.core.windows.net/neuron-explainer/data/")
  URI base;

  @Option(names = "--cache", paramLabel = "DIR", description = "Local copy of the data. Default: ~/.cache/neuronscribe/openai-public.")
  Path cache;

  @Option(names = "--jobs", defaultValue = "8", paramLabel = "N", description = "Downloads at once. Default: ${DEFAULT-VALUE}.")
  int jobs;

  @Option(names = "--attempts", defaultValue = "4", paramLabel = "N", description = "Tries per file for transient failures. Default: ${DEFAULT-VALUE}.")
  int attempts;

  @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "Time allowed for one file. Default: ${DEFAULT-VALUE}.")
  int timeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (jobs < 1 || attempts < 1 || timeout < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--jobs, --attempts and --timeout must be at least 1");
    }
    Set<OpenAiPublicData.Kind> kinds = EnumSet.noneOf(OpenAiPublicData.Kind.class);
    for (String w : what) {
      switch (w.trim().toLowerCase(Locale.ROOT)) {
        case "records", "record" -> kinds.add(OpenAiPublicData.Kind.RECORD);
        case "explanations", "explanation" -> kinds.add(OpenAiPublicData.Kind.EXPLANATIONS);
        default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--what takes records and/or explanations, not '" + w + "'");
      }
    }
    List<NeuronId> ids = new ArrayList<>();
    if (which.neurons != null) {
      for (String n : which.neurons) {
        try {
          ids.add(NeuronId.parse(n));
        } catch (IllegalArgumentException e) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
      }
    } else {
      ids.addAll(NeuronIndex.read(which.subset).ids());
    }
    ids = List.copyOf(new LinkedHashSet<>(ids));
    Path dir = cache != null ? cache : defaultCache();
    OpenAiPublicData data = new OpenAiPublicData(new OpenAiPublicData.Settings(base != null ? base : OpenAiPublicData.DEFAULT_BASE, dir, jobs, attempts,
        Duration.ofSeconds(timeout), Duration.ofSeconds(1)));
    List<OpenAiPublicData.Outcome> outcomes;
    try (ProgressBar bar = ProgressBars.start("fetching", (long) ids.size() * kinds.size(), "files")) {
      outcomes = data.fetch(ids, kinds, o -> bar.step());
    }
    long downloaded = outcomes.stream().filter(o -> o.status() == OpenAiPublicData.Status.DOWNLOADED).count();
    long cached = outcomes.stream().filter(o -> o.status() == OpenAiPublicData.Status.CACHED).count();
    List<OpenAiPublicData.Outcome> failed = outcomes.stream().filter(o -> o.status() == OpenAiPublicData.Status.FAILED).toList();
    out.printf(Locale.ROOT, "%d neurons: %d files downloaded, %d already in the cache, %d failed.%n", ids.size(), downloaded, cached, failed.size());
    if (kinds.contains(OpenAiPublicData.Kind.RECORD)) out.println("NeuronRecords: " + data.records().root());
    if (kinds.contains(OpenAiPublicData.Kind.EXPLANATIONS)) out.println("Explanations:  " + dir.resolve("explanations"));
    if (!failed.isEmpty()) {
      err.println("Could not fetch:");
      for (OpenAiPublicData.Outcome o : failed) {
        err.println("  " + o.id() + " " + (o.kind() == OpenAiPublicData.Kind.RECORD ? "record" : "explanations") + ": " + o.detail());
      }
      err.println("Run the same command again to retry only these; files already fetched are kept.");
      return Cli.FAILURE;
    }
    return Cli.OK;
  }

  static Path defaultCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("neuronscribe").resolve("openai-public");
  }
}
