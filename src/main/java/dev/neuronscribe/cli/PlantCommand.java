package dev.neuronscribe.cli;

import dev.neuronscribe.subject.Gpt2Tokenizer;
import dev.neuronscribe.subject.PlantedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "plant",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a small GPT-2 whose chosen neurons fire on known tokens: a subject with known answers.",
      "The planted neurons fire on colour words, digits, closing brackets and month names; planted.json names each one",
      "with its ground-truth explanation. Beside it, in OUT/sae, a sparse autoencoder in SAELens' layout whose planted",
      "latents fire on known tokens too (OUT/sae/planted.json), for recording latents with 'scribe record --dictionary OUT/sae'."
    })
final class PlantCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write config.json, model.safetensors and planted.json into.")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the random (unplanted) weights (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    List<PlantedModel.PlantedNeuron> planted = PlantedModel.write(out, new Gpt2Tokenizer(), seed);
    var c = PlantedModel.CONFIG;
    spec.commandLine().getOut().printf("Wrote a GPT-2 with %d layers, width %d, %d neurons per layer, to %s%n", c.layers(), c.width(), c.mlpWidth(), out);
    spec.commandLine().getOut().println("Planted neurons (layer:neuron, tokens, ground truth):");
    for (PlantedModel.PlantedNeuron p : planted) {
      spec.commandLine().getOut().printf("  %d:%-4d %5d tokens  %s%n", p.layer(), p.neuron(), p.tokens().size(), p.explanation());
    }
    List<PlantedModel.PlantedNeuron> latents = PlantedModel.writeDictionary(out.resolve(PlantedModel.DICTIONARY), new Gpt2Tokenizer(), seed);
    spec.commandLine().getOut().printf("Wrote a sparse autoencoder (SAELens layout) reading %s to %s%n", PlantedModel.DICTIONARY_HOOK, out.resolve(PlantedModel.DICTIONARY));
    spec.commandLine().getOut().println("Planted latents (layer:latent, tokens, ground truth):");
    for (PlantedModel.PlantedNeuron p : latents) {
      spec.commandLine().getOut().printf("  %d:%-4d %5d tokens  %s%n", p.layer(), p.neuron(), p.tokens().size(), p.explanation());
    }
    spec.commandLine().getOut().println("Record it with: scribe record --model " + out + " --corpus CORPUS.jsonl --out RECORDS");
    spec.commandLine().getOut().println("and its latents with: scribe record --model " + out + " --dictionary " + out.resolve(PlantedModel.DICTIONARY)
        + " --corpus CORPUS.jsonl --out LATENTS");
    return Cli.OK;
  }
}
