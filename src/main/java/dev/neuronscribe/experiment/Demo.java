package dev.neuronscribe.experiment;

import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.activations.RecordingInfo;
import dev.neuronscribe.activations.RecordingWriter;
import dev.neuronscribe.files.AtomicFiles;
import dev.neuronscribe.subject.Corpus;
import dev.neuronscribe.subject.Dictionaries;
import dev.neuronscribe.subject.Model;
import dev.neuronscribe.subject.Gpt2Tokenizer;
import dev.neuronscribe.subject.PlantedModel;
import dev.neuronscribe.subject.Recorder;
import dev.neuronscribe.subject.RecordingOptions;
import dev.neuronscribe.subject.RecordingProgress;
import dev.neuronscribe.subject.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The offline demo: plant a small GPT-2 whose chosen neurons fire on known token sets, record it on the
 * corpus shipped with the project, and write the experiment run file that explains the planted neurons,
 * as many unplanted neurons as controls and the built-in puzzles in all five formats, evaluated against
 * the known answers. Running it is an ordinary experiment. Every step skips what is already there, so
 * a second run only re-renders the report.
 *
 * <pre>
 * OUT/model/         config.json, model.safetensors, planted.json (the ground truths)
 * OUT/model/sae/     a sparse autoencoder of the planted model (SAELens layout) with planted latents, planted.json
 * OUT/records/       the NeuronRecords (OUT/records/&lt;layer&gt;/&lt;neuron&gt;.json)
 * OUT/latents/       the dictionary's latents, recorded the same way (OUT/latents/&lt;layer&gt;/&lt;latent&gt;.json)
 * OUT/demo.yaml      the run file (demo-llm.yaml with a model)
 * OUT/demo/          its store and report (report.html, report.md, results/)
 * </pre>
 */
public final class Demo {
  static final String CORPUS_RESOURCE = "/dev/neuronscribe/experiment/demo-corpus.jsonl";
  static final long PLANT_SEED = 0;

  private Demo() {}

  /**
   * @param llm empty: the offline baselines; otherwise this model explains and simulates
   * @param budgetUsd the run's budget with a model, when given
   */
  public record Options(Path out, Optional<Backend> llm, Optional<Double> budgetUsd, RecordingOptions recording) {
    /** The demo's recording: OpenAI's GPT-2 layout (64-token excerpts; 50 top, 50 random, 5 × 20 by quantile). */
    public static RecordingOptions defaultRecording() {
      return RecordingOptions.defaults();
    }
  }

  /** Plants, records and writes the run file (each step only if its output is missing); returns the run. */
  public static RunSpec prepare(Options o, RecordingProgress progress, Consumer<String> say) {
    Path model = o.out().resolve("model");
    List<PlantedModel.PlantedNeuron> planted = plant(model, say);
    Path corpus = corpus(o.out());

    // Controls: the planted neurons' indices in the other layers, which nothing was planted into.
    TreeSet<Integer> layers = new TreeSet<>();
    TreeSet<Integer> indices = new TreeSet<>();
    for (PlantedModel.PlantedNeuron p : planted) {
      layers.add(p.layer());
      indices.add(p.neuron());
    }
    Path records = o.out().resolve("records");
    record(model, corpus, records, new ArrayList<>(layers), new ArrayList<>(indices), o.recording(), progress, say);
    List<String> plantedIds = planted.stream().map(p -> p.layer() + ":" + p.neuron()).toList();
    List<String> controls = new ArrayList<>();
    for (int l : layers) for (int n : indices) if (!plantedIds.contains(l + ":" + n)) controls.add(l + ":" + n);

    // The planted dictionary's latents: its planted ones, and as many unplanted latents as controls.
    Path dictionary = model.resolve(PlantedModel.DICTIONARY);
    List<PlantedModel.PlantedNeuron> plantedLatents = plantDictionary(dictionary, say);
    Path latents = o.out().resolve("latents");
    recordLatents(model, dictionary, corpus, latents, o.recording(), progress, say);
    List<String> latentIds = plantedLatents.stream().map(p -> p.layer() + ":" + p.neuron()).toList();
    List<String> latentControls = new ArrayList<>();
    int layer = plantedLatents.getFirst().layer();
    for (int j = 0; latentControls.size() < latentIds.size(); j++) if (!latentIds.contains(layer + ":" + j)) latentControls.add(layer + ":" + j);

    String name = o.llm().isPresent() ? "demo-llm" : "demo";
    Path runFile = o.out().resolve(name + ".yaml");
    AtomicFiles.writeString(runFile, runFile(name, plantedIds, controls, latentIds, latentControls, o.llm(), o.budgetUsd()));
    say.accept("run file: " + runFile);
    return RunSpec.read(runFile);
  }

  private static List<PlantedModel.PlantedNeuron> plant(Path model, Consumer<String> say) {
    if (Files.isRegularFile(model.resolve("planted.json")) && Files.isRegularFile(model.resolve("model.safetensors"))
        && Files.isRegularFile(model.resolve("config.json"))) {
      say.accept("planted model: " + model + " (already there)");
      return PlantedModel.readManifest(model);
    }
    List<PlantedModel.PlantedNeuron> planted = PlantedModel.write(model, new Gpt2Tokenizer(), PLANT_SEED);
    say.accept("planted model: " + model + " (" + planted.size() + " planted neurons: "
        + String.join(", ", planted.stream().map(p -> p.layer() + ":" + p.neuron() + " " + p.concept()).toList()) + ")");
    return planted;
  }

  private static List<PlantedModel.PlantedNeuron> plantDictionary(Path dir, Consumer<String> say) {
    if (Files.isRegularFile(dir.resolve("planted.json")) && Files.isRegularFile(dir.resolve("sae_weights.safetensors"))) {
      say.accept("planted dictionary: " + dir + " (already there)");
      return PlantedModel.readManifest(dir);
    }
    List<PlantedModel.PlantedNeuron> planted = PlantedModel.writeDictionary(dir, new Gpt2Tokenizer(), PLANT_SEED);
    say.accept("planted dictionary: " + dir + " (" + planted.size() + " planted latents at " + PlantedModel.DICTIONARY_HOOK + ": "
        + String.join(", ", planted.stream().map(p -> p.layer() + ":" + p.neuron() + " " + p.concept()).toList()) + ")");
    return planted;
  }

  /** Records every latent of the planted dictionary, as {@code scribe record --dictionary} does. */
  private static void recordLatents(Path model, Path dictionary, Path corpus, Path latents, RecordingOptions options, RecordingProgress progress,
      Consumer<String> say) {
    try (Model subject = dev.neuronscribe.subject.Models.load(model); Tokenizer tokenizer = dev.neuronscribe.subject.Models.tokenizer(subject);
        Dictionaries d = Dictionaries.open(List.of(dictionary), Optional.empty(), subject)) {
      RecordingInfo.latents(model.toString(), subject.shape().architecture(), d.infos()).write(created(latents));
      record(new Recorder(subject, tokenizer, d::units, options), corpus, latents, Recorder.Selection.allNeurons(d.layers()), progress, say, "latents");
    }
  }

  private static Path created(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The shipped corpus, copied out of the jar once so that the recorder can stream it. */
  private static Path corpus(Path out) {
    Path file = out.resolve("demo-corpus.jsonl");
    byte[] bytes;
    try (InputStream in = Demo.class.getResourceAsStream(CORPUS_RESOURCE)) {
      if (in == null) throw new IllegalStateException("the demo corpus is missing from the build (" + CORPUS_RESOURCE + ")");
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) AtomicFiles.write(file, s -> s.write(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  private static void record(Path model, Path corpus, Path records, List<Integer> layers, List<Integer> neurons, RecordingOptions options,
      RecordingProgress progress, Consumer<String> say) {
    try (Model subject = dev.neuronscribe.subject.Models.load(model); Tokenizer tokenizer = dev.neuronscribe.subject.Models.tokenizer(subject)) {
      record(new Recorder(subject, tokenizer, options), corpus, records, new Recorder.Selection(layers, Optional.of(neurons)),
          progress, say, "neurons");
    }
  }

  private static void record(Recorder recorder, Path corpus, Path records, Recorder.Selection selection, RecordingProgress progress,
      Consumer<String> say, String units) {
    {
      // Ctrl-C: the recorder saves its state after the batch in flight, so that a rerun resumes.
      Thread hook = new Thread(() -> recorder.requestStopAndWait(60), "scribe-demo-record-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      Recorder.Result r;
      try {
        r = recorder.record(Corpus.detect(corpus), selection, records.resolve(".scribe-recording"),
            new RecordingWriter(new NeuronRecordDirectory(records), OptionalInt.empty()), progress);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is what stopped the recording
        }
      }
      switch (r.status()) {
        case ALREADY_DONE -> say.accept("records: " + records + " (already there)");
        case COMPLETED -> say.accept(String.format(java.util.Locale.ROOT, "records: %d %s over %,d excerpts (%,d tokens) in %s",
            r.neuronsWritten(), units, r.excerpts(), r.tokens(), records));
        case INTERRUPTED -> throw new IllegalStateException("interrupted. What was finished is saved; run the same command again to go on from there.");
      }
      AtomicFiles.removeLeftovers(records, 1);
    }
  }

  static String runFile(String name, List<String> planted, List<String> controls, Optional<Backend> llm, Optional<Double> budget) {
    return runFile(name, planted, controls, List.of(), List.of(), llm, budget);
  }

  static String runFile(String name, List<String> planted, List<String> controls, List<String> plantedLatents, List<String> latentControls,
      Optional<Backend> llm, Optional<Double> budget) {
    String backend = llm.map(Backend::label).orElse(Backend.BASELINE);
    StringBuilder s = new StringBuilder();
    s.append("# The NeuronScribe demo as an experiment run file, written by 'scribe demo'.\n")
        .append("# Rerun it with: scribe experiment run ").append(name).append(".yaml   (see docs/experiments.md)\n")
        .append("name: ").append(name).append('\n')
        .append("description: >-\n")
        .append("  A small GPT-2 with planted neurons (model/planted.json names what each one fires on), recorded on the\n")
        .append("  demo corpus shipped with NeuronScribe. Its planted neurons, the same neuron indices in the other layer as\n")
        .append("  controls (nothing was planted there), and NeuronScribe's built-in neuron puzzles are explained in all\n")
        .append("  five prompt formats ").append(llm.isPresent() ? "by " + backend : "by the offline baselines")
        .append(" and evaluated against the known answers.\n")
        .append("store: ").append(name).append('\n')
        .append("neuron_sets:\n")
        .append("  - name: planted          # ground truths from the planted model's manifest\n")
        .append("    records: records\n")
        .append("    neurons: [").append(String.join(", ", planted.stream().map(x -> "\"" + x + "\"").toList())).append("]\n")
        .append("    references: model/planted.json\n");
    if (!controls.isEmpty()) {
      s.append("  - name: controls         # unplanted neurons: random weights, no ground truth\n")
          .append("    records: records\n")
          .append("    neurons: [").append(String.join(", ", controls.stream().map(x -> "\"" + x + "\"").toList())).append("]\n");
    }
    if (!plantedLatents.isEmpty()) {
      s.append("  - name: planted-latents  # the planted dictionary's latents (latents/recording.json says so); ground truths in its manifest\n")
          .append("    records: latents\n")
          .append("    neurons: [").append(String.join(", ", plantedLatents.stream().map(x -> "\"" + x + "\"").toList())).append("]\n")
          .append("    references: model/sae/planted.json\n")
          .append("  - name: latent-controls  # unplanted latents of the same dictionary: random weights, no ground truth\n")
          .append("    records: latents\n")
          .append("    neurons: [").append(String.join(", ", latentControls.stream().map(x -> "\"" + x + "\"").toList())).append("]\n");
    }
    s.append("  - name: puzzles\n")
        .append("    puzzles: builtin\n")
        .append("formats: all\n")
        .append("explainers: [\"").append(backend).append("\"]\n")
        .append("simulators: [\"").append(backend).append("\"]\n")
        .append("evaluations: [simulate-score, similarity, puzzles]\n")
        .append("puzzle_runs: 3\n")
        .append("embeddings: minilm\n");
    budget.ifPresent(b -> s.append("budget_usd: ").append(b).append('\n'));
    return s.toString();
  }
}
