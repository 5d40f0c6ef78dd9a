package dev.neuronscribe.cli;

import dev.neuronscribe.activations.ActivationStoreWriter;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.StorePrecision;
import dev.neuronscribe.subject.NeuronSink;
import dev.neuronscribe.activations.RecordingInfo;
import dev.neuronscribe.activations.RecordingWriter;
import dev.neuronscribe.subject.Corpus;
import dev.neuronscribe.subject.Dictionaries;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.subject.HookPoint;
import dev.neuronscribe.subject.LayerUnits;
import dev.neuronscribe.subject.Model;
import dev.neuronscribe.subject.Models;
import dev.neuronscribe.subject.Recorder;
import dev.neuronscribe.subject.RecordingOptions;
import dev.neuronscribe.subject.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a Hugging Face checkpoint (GPT-2, Llama/Mistral, Qwen2, GPT-NeoX/Pythia, Gemma 2) over a corpus and records its neurons.",
      "It records every MLP neuron asked for (or every dimension of another hook point): top excerpts by max activation, a random sample, random samples",
      "per quantile bin, and the moments of all activations. By default into a compact store (Arrow files, each excerpt's tokens",
      "once; see docs/scale.md); with --output json one OpenAI-format NeuronRecord per unit, OUT/<layer>/<neuron>.json.",
      "Interrupted runs resume: rerun the same command.",
      "With --dictionary, records a sparse autoencoder's or transcoder's latents instead (SAELens, sparsify, Gemma Scope):",
      "each latent is a unit with its own record, and OUT/recording.json names the dictionaries."
    })
final class RecordCommand implements Callable<Integer> {
  static final String WORK_DIR = ".scribe-recording";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model directory: config.json, model.safetensors (or sharded, with model.safetensors.index.json) and, except for GPT-2, tokenizer.json; or a GGUF file (llama, qwen2, gemma2; F32, F16, BF16, Q8_0).")
  Path model;

  @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "JSONL with {\"text\": ...} per line, or plain UTF-8 text (one document).")
  Path corpus;

  @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl or text; by default .jsonl/.ndjson/.json files are JSONL, others text.")
  Optional<String> format;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the records go: a store, or with --output json OUT/<layer>/<neuron>.json.")
  Path out;

  @Option(names = "--output", defaultValue = "store", paramLabel = "KIND", description = "store (compact Arrow files) or json (OpenAI's layout); default: ${DEFAULT-VALUE}.")
  String output;

  @Option(names = "--precision", defaultValue = "f16", paramLabel = "P", description = "Activations in a store: f16 (default) or f32 (every bit the model computed).")
  String precision;

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

  @Option(names = "--hook", paramLabel = "POINT|NAME", description = {
      "Without --dictionary: where the recorded units are read: mlp_act (the MLP's neurons; default), or the dimensions of",
      "resid_pre, mlp_in, mlp_out or resid_post. With --dictionary: where the dictionary reads, when its files do not say",
      "(Gemma Scope outside its folders) or to override them: blocks.L.hook_resid_pre|hook_resid_post|hook_mlp_out|",
      "ln2.hook_normalized|mlp.hook_post, layers.L, layers.L.mlp."})
  String hook;

  @Option(names = "--dictionary", paramLabel = "DIR", description = {
      "Record this dictionary's latents at its hook point instead of the MLP neurons: a SAELens folder (cfg.json + sae_weights.safetensors),",
      "a sparsify folder (layers.N with cfg.json + sae.safetensors, or the run's folder holding several), or a Gemma Scope params.npz.",
      "Repeat for several layers (one dictionary per layer)."})
  List<Path> dictionaries = List.of();

  @Option(names = "--spark", arity = "0..1", fallbackValue = "", paramLabel = "MASTER", description = {
      "Run the forward passes on Apache Spark's executors (e.g. local[2], spark://host:7077; without MASTER, the one",
      "spark-submit set). Same records as without it. The model and OUT must be at the same paths on every executor."})
  Optional<String> spark;

  @Override
  public Integer call() {
    try {
      return record();
    } catch (InvalidInputException e) {
      // A model, tokenizer, corpus or option we cannot use: one line, exit 2, and nothing was written.
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return Cli.USAGE;
    }
  }

  // Parsed from --output and --precision by record() before the recording starts.
  private boolean json;
  private StorePrecision storePrecision;

  private Integer record() {
    String pointName = dictionaries.isEmpty() && hook != null ? hook : "mlp_act";
    HookPoint point = HookPoint.parse(pointName).orElseThrow(() -> new InvalidInputException("--hook",
        "'" + pointName + "' is not a hook point; supported: " + HookPoint.names() + " (or give --dictionary and a dictionary's hook name)"));
    if (spark.isPresent() && !dictionaries.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--spark records neurons and hook-point dimensions; record a dictionary's latents on one machine (leave out --spark)");
    }
    json = switch (output.toLowerCase(java.util.Locale.ROOT)) {
      case "json" -> true;
      case "store" -> false;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--output is store or json, got '" + output + "'");
    };
    if (!json && decimals != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--decimals rounds JSON numbers; a store keeps --precision f16 or f32 (or give --output json)");
    }
    try {
      storePrecision = StorePrecision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
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
    // Connect first: an unreachable master fails before anything is written.
    Optional<Recorder.Shards> shards = spark.map(RecordCommand::connect);
    try {
      return record(options, work, source, point, shards);
    } finally {
      shards.ifPresent(Recorder.Shards::close);
    }
  }

  private int record(RecordingOptions options, Path work, Corpus source, HookPoint point, Optional<Recorder.Shards> shards) {
    // The options are read before the model is, so that a mistyped range is a usage error, found at once.
    boolean pairs = neurons.isPresent() && neurons.get().contains(":");
    if (pairs && layers.isPresent()) {
      throw new UsageException("--neurons with LAYER:NEURON pairs names the layers itself; leave out --layers (or give --neurons as plain indices)");
    }
    Optional<Recorder.Selection> named = pairs ? Optional.of(Recorder.Selection.neurons(Ranges.parsePairs(neurons.get()))) : Optional.empty();
    Optional<List<Integer>> layerList = layers.map(l -> Ranges.parse(l, "layers"));
    Optional<List<Integer>> neuronList = pairs ? Optional.empty() : neurons.map(n -> Ranges.parse(n, "neurons"));
    boolean latents = !dictionaries.isEmpty();
    try (Model subject = Models.load(model); Tokenizer tokenizer = Models.tokenizer(subject);
        Dictionaries dicts = Dictionaries.open(dictionaries, latents ? Optional.ofNullable(hook) : Optional.empty(), subject)) {
      Recorder.Selection selection = named.orElseGet(() -> new Recorder.Selection(
          layerList.orElseGet(() -> latents ? dicts.layers() : IntStream.range(0, subject.shape().layers()).boxed().toList()), neuronList));
      RecordingInfo info = latents
          ? RecordingInfo.latents(model.toString(), subject.shape().architecture(), dicts.infos())
          : RecordingInfo.neurons(model.toString(), subject.shape().architecture(), point.id());
      if (latents) {
        for (int layer : selection.layers()) {
          if (dicts.at(layer).isEmpty()) {
            throw new IllegalArgumentException("layer " + layer + " has no dictionary; the dictionaries read layers " + dicts.layers());
          }
        }
      }
      Optional<RecordingInfo> existing = RecordingInfo.read(out);
      boolean oldNeurons = existing.isEmpty() && Files.isDirectory(out) && hasRecords(out);
      Optional<RecordingInfo> merged = existing.isPresent() ? existing.get().mergedWith(info) : oldNeurons && latents ? Optional.empty() : Optional.of(info);
      if (merged.isEmpty()) {
        RecordingInfo held = existing.orElse(RecordingInfo.neurons("", "", ""));
        spec.commandLine().getErr().println("error: " + out + ": this folder holds " + held.unitName(true) + (held.latents() ? " of other dictionaries at the same layers" : "")
            + "; record the " + info.unitName(true) + " into another folder (--out)");
        return Cli.USAGE;
      }
      info = merged.get();
      // Written first, so that a recording stopped by Ctrl-C already says what its records are.
      boolean fresh = !Files.exists(out), described0 = existing.isPresent();
      info.write(createdDirectory(out));
      RecordingInfo described = info;
      Recorder recorder = latents
          ? new Recorder(subject, tokenizer, dicts::units, options)
          : shards.map(s -> new Recorder(subject, tokenizer, point, options, s))
              .orElseGet(() -> new Recorder(subject, tokenizer, layer -> LayerUnits.neurons(subject, point), options));
      // Ctrl-C: let the batch in flight finish and the state be saved, so that a rerun resumes.
      Thread hook = new Thread(() -> recorder.requestStopAndWait(300), "scribe-record-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      Recorder.Result result;
      NeuronSink sink = json
          ? new RecordingWriter(new NeuronRecordDirectory(out), decimals == null ? OptionalInt.empty() : OptionalInt.of(decimals))
          : ActivationStoreWriter.open(out, storePrecision, Map.of(
              "neuronscribe.unit_kind", described.unit(),
              "neuronscribe.model", model.toAbsolutePath().normalize().toString(),
              "neuronscribe.corpus", corpus.toAbsolutePath().normalize().toString(),
              "neuronscribe.excerpt_tokens", Integer.toString(excerptTokens),
              "neuronscribe.seed", Long.toString(seed)));
      try {
        result = recorder.record(source, selection, work, sink, new RecordingProgressBar(spec.commandLine().getErr()));
      } catch (RuntimeException e) {
        // Bad input found once the recorder reads it (the corpus, say): leave no description of records that do not exist.
        if (!described0 && !hasRecords(out) && !Files.exists(work)) {
          try {
            Files.deleteIfExists(out.resolve(RecordingInfo.FILE));
            if (fresh) Files.deleteIfExists(out);
          } catch (IOException cleanup) {
            e.addSuppressed(cleanup);
          }
        }
        throw e;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running: it is what stopped the recording.
        }
      }
      switch (result.status()) {
        case ALREADY_DONE -> spec.commandLine().getOut().println("Nothing to do: " + out + " already holds a record for every selected " + described.unitName(false) + ".");
        case INTERRUPTED -> {
          // Stopped by a signal: Main says what every command says; this only adds where the recording waits.
          spec.commandLine().getErr().println("scribe: the unfinished recording is kept in " + work + ".");
          return Cli.FAILURE;
        }
        case COMPLETED -> spec.commandLine().getOut().printf("Recorded %,d %s of layers %s over %,d excerpts (%,d tokens) into %s%n",
            result.neuronsWritten(), described.unitName(true), selection.layers(), result.excerpts(), result.tokens(), out);
      }
      AtomicFiles.removeLeftovers(out, 1); // records half-written by a run killed before this one
      return Cli.OK;
    }
  }

  private static Recorder.Shards connect(String master) {
    Recorder.Cluster cluster = java.util.ServiceLoader.load(Recorder.Cluster.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("--spark needs NeuronScribe's Spark module on the classpath: use ./scribe (it adds the module "
            + "when --spark is given) or spark-submit the jar of spark/ (see docs/spark.md)"));
    return cluster.connect(master);
  }

  private static boolean hasRecords(Path dir) {
    try {
      return Files.isDirectory(dir) && !dev.neuronscribe.activations.NeuronRecords.open(dir).list().isEmpty();
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  private static Path createdDirectory(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
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
