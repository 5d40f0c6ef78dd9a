package dev.neuronscribe.cli;

import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.RecordingWriter;
import dev.neuronscribe.subject.Corpus;
import dev.neuronscribe.subject.Gpt2;
import dev.neuronscribe.subject.Gpt2Tokenizer;
import dev.neuronscribe.subject.Recorder;
import dev.neuronscribe.subject.RecordingOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a GPT-2 checkpoint over a corpus and writes an OpenAI-format NeuronRecord per MLP neuron.",
      "Each OUT/<layer>/<neuron>.json holds the top excerpts by max activation, a random sample, random samples per",
      "quantile bin, and the moments of all activations. Interrupted runs resume: rerun the same command."
    })
final class RecordCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  static final String WORK_DIR = ".scribe-recording";

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face GPT-2 directory (config.json + model.safetensors).")
  Path model;

  @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "JSONL with {\"text\": ...} per line, or plain UTF-8 text (one document).")
  Path corpus;

  @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl or text; by default .jsonl/.ndjson/.json files are JSONL, others text.")
  Optional<String> format;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the NeuronRecords go (OUT/<layer>/<neuron>.json).")
  Path out;

  @Option(names = "--layers", paramLabel = "LIST", description = "Layers to record, e.g. 0-11 or 0,5,9 (default: all).")
  Optional<String> layers;

  @Option(names = "--neurons", paramLabel = "LIST", description = {
      "Neuron indices to record in each selected layer, e.g. 0-99,512 (default: all);",
      "or LAYER:NEURON pairs, e.g. 0:1,5:100-110, which name the layers too (then leave out --layers)."})
  Optional<String> neurons;

  @Option(names = "--excerpt-tokens", defaultValue = "64", description = "Tokens per excerpt (default: ${DEFAULT-VALUE}, as OpenAI's GPT-2 records).")
  int excerptTokens;

  @Option(names = "--min-excerpt-tokens", defaultValue = "16", description = "A document's shorter tail is kept as an excerpt when it has at least this many tokens (default: ${DEFAULT-VALUE}).")
  int minExcerptTokens;

  @Option(names = "--batch", defaultValue = "16", description = "Excerpts per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--top", defaultValue = "50", description = "Top-activating excerpts per neuron (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--random", defaultValue = "50", description = "Random excerpts per neuron (default: ${DEFAULT-VALUE}).")
  int random;

  @Option(names = "--per-quantile", defaultValue = "20", description = "Random excerpts per quantile bin, 5 bins (default: ${DEFAULT-VALUE}).")
  int perQuantile;

  @Option(names = "--calibration", defaultValue = "2048", description = "Excerpts, spread over the corpus, that set the quantile boundaries; exact when the corpus has no more (default: ${DEFAULT-VALUE}).")
  int calibration;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--decimals", paramLabel = "N", description = "Round written numbers to N decimals (OpenAI's files: 4). Default: float precision.")
  Integer decimals;

  @Option(names = "--checkpoint-minutes", defaultValue = "5", description = "Save the state for resuming this often (default: ${DEFAULT-VALUE}).")
  double checkpointMinutes;

  @Option(names = "--restart", description = "Discard an unfinished recording in OUT and start over.")
  boolean restart;

  @Override
  public Integer call() {
    RecordingOptions options;
    try {
      options = new RecordingOptions(excerptTokens, minExcerptTokens, batch, top, random, perQuantile, calibration, seed,
          Duration.ofMillis((long) (checkpointMinutes * 60_000)));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage() + " (see --excerpt-tokens, --min-excerpt-tokens, --batch, --top, --random, --per-quantile, --calibration, --checkpoint-minutes)");
    }
    Path work = out.resolve(WORK_DIR);
    if (restart) deleteTree(work);
    Corpus source = format.map(f -> new Corpus(corpus, switch (f.toLowerCase(java.util.Locale.ROOT)) {
      case "jsonl" -> Corpus.Format.JSONL;
      case "text" -> Corpus.Format.TEXT;
      default -> throw new UsageException("--format is jsonl or text, got '" + f + "'");
    })).orElseGet(() -> Corpus.detect(corpus));
    // The options are read before the model is, so that a mistyped range is a usage error, found at once.
    boolean pairs = neurons.isPresent() && neurons.get().contains(":");
    if (pairs && layers.isPresent()) {
      throw new UsageException("--neurons with LAYER:NEURON pairs names the layers itself; leave out --layers (or give --neurons as plain indices)");
    }
    Optional<Recorder.Selection> named = pairs ? Optional.of(Recorder.Selection.neurons(Ranges.parsePairs(neurons.get()))) : Optional.empty();
    Optional<List<Integer>> layerList = layers.map(l -> Ranges.parse(l, "layers"));
    Optional<List<Integer>> neuronList = pairs ? Optional.empty() : neurons.map(n -> Ranges.parse(n, "neurons"));
    try (Gpt2 gpt2 = Gpt2.load(model)) {
      Recorder.Selection selection = named.orElseGet(() -> new Recorder.Selection(
          layerList.orElseGet(() -> IntStream.range(0, gpt2.config().layers()).boxed().toList()), neuronList));
      Recorder recorder = new Recorder(gpt2, new Gpt2Tokenizer(), options);
      // Ctrl-C: let the batch in flight finish and the state be saved, so that a rerun resumes.
      Thread hook = new Thread(() -> recorder.requestStopAndWait(300), "scribe-record-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      Recorder.Result result;
      try {
        result = recorder.record(source, selection, work,
            new RecordingWriter(new NeuronRecordDirectory(out), decimals == null ? OptionalInt.empty() : OptionalInt.of(decimals)), new RecordingProgressBar(spec.commandLine().getErr()));
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running: it is what stopped the recording.
        }
      }
      switch (result.status()) {
        case ALREADY_DONE -> spec.commandLine().getOut().println("Nothing to do: " + out + " already holds a record for every selected neuron.");
        case INTERRUPTED -> {
          // Stopped by a signal: Main says what every command says; this only adds where the recording waits.
          spec.commandLine().getErr().println("scribe: the unfinished recording is kept in " + work + ".");
          return Cli.FAILURE;
        }
        case COMPLETED -> spec.commandLine().getOut().printf("Recorded %,d neurons of layers %s over %,d excerpts (%,d tokens) into %s%n",
            result.neuronsWritten(), selection.layers(), result.excerpts(), result.tokens(), out);
      }
      AtomicFiles.removeLeftovers(out, 1); // records half-written by a run killed before this one
      return Cli.OK;
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + dir + ": " + e.getMessage(), e);
    }
  }
}
