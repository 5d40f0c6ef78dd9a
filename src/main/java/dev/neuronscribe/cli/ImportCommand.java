package dev.neuronscribe.cli;

import dev.neuronscribe.activations.ActivationStoreWriter;
import dev.neuronscribe.activations.DelphiCache;
import dev.neuronscribe.activations.Interchange;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecords;
import dev.neuronscribe.activations.StorePrecision;
import dev.neuronscribe.subject.Gpt2Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Turns records made elsewhere into a store.",
      "They come from a folder in OpenAI's layout (e.g. what 'scribe fetch' downloads), or a hook point's folder of a delphi",
      "latent cache (<start>_<end>.safetensors with locations, activations and tokens; GPT-2 token ids).",
      "An interrupted import resumes: rerun the same command."
    })
final class ImportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "KIND", description = "openai-json or delphi.")
  String from;

  @Option(names = "--in", required = true, paramLabel = "DIR", description = "The folder to import.")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The store to write (or resume).")
  Path out;

  @Option(names = "--precision", defaultValue = "f16", paramLabel = "P", description = "f16 (default) or f32.")
  String precision;

  @Option(names = "--layer", paramLabel = "N", description = "delphi: the layer the latents belong to (default: the first number in the folder's name).")
  Integer layer;

  @Option(names = "--excerpt-tokens", defaultValue = "64", description = "delphi: tokens per excerpt cut from each cached row (default: ${DEFAULT-VALUE}).")
  int excerptTokens;

  @Option(names = "--top", defaultValue = "50", description = "delphi: top-activating excerpts per latent (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--random", defaultValue = "50", description = "delphi: random excerpts per latent (default: ${DEFAULT-VALUE}).")
  int random;

  @Option(names = "--per-quantile", defaultValue = "20", description = "delphi: random excerpts per quantile bin (default: ${DEFAULT-VALUE}).")
  int perQuantile;

  @Option(names = "--seed", defaultValue = "0", description = "delphi: seed of the random samples (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    StorePrecision p;
    try {
      p = StorePrecision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    long t0 = System.nanoTime();
    int written;
    switch (from) {
      case "openai-json" -> {
        NeuronRecords source = NeuronRecords.open(in);
        List<NeuronId> ids = source.list();
        Map<String, String> meta = new LinkedHashMap<>(source.metadata());
        meta.putIfAbsent("neuronscribe.unit_kind", "neuron");
        meta.put("neuronscribe.imported_from", "openai-json " + in.toAbsolutePath().normalize());
        try (ActivationStoreWriter w = ActivationStoreWriter.open(out, p, meta);
            ProgressBar bar = ProgressBars.start("importing", ids.size(), "units")) {
          written = Interchange.importRecords(source, ids, w, bar::stepBy);
        }
      }
      case "delphi" -> {
        int l = Optional.ofNullable(layer).or(() -> DelphiCache.layerOf(in)).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
            "the folder name " + in.getFileName() + " names no layer; give --layer N"));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("neuronscribe.unit_kind", "latent");
        meta.put("neuronscribe.imported_from", "delphi " + in.toAbsolutePath().normalize());
        DelphiCache.modelName(in).ifPresent(m -> meta.put("neuronscribe.model", m));
        meta.put("neuronscribe.excerpt_tokens", Integer.toString(excerptTokens));
        meta.put("neuronscribe.seed", Long.toString(seed));
        Gpt2Tokenizer tokenizer = new Gpt2Tokenizer();
        try (ActivationStoreWriter w = ActivationStoreWriter.open(out, p, meta);
            ProgressBar bar = ProgressBars.start("importing", DelphiCache.splits(in).size(), "splits")) {
          written = DelphiCache.importInto(in, l, new DelphiCache.Options(excerptTokens, top, random, perQuantile, seed), id -> {
            if (id < 0 || id >= Gpt2Tokenizer.VOCABULARY_SIZE) {
              throw new IllegalArgumentException(in + ": token id " + id + " is outside GPT-2's vocabulary; this import decodes delphi caches of GPT-2-tokenised data only");
            }
            return tokenizer.token(id);
          }, w, bar::stepBy);
        }
      }
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--from is openai-json or delphi, got '" + from + "'");
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("Imported %,d units into %s in %.1f s (%.0f units/s)%n", written, out, s, written / Math.max(s, 1e-9));
    return Cli.OK;
  }
}
