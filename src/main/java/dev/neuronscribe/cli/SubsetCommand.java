package dev.neuronscribe.cli;

import dev.neuronscribe.evaluate.NeuronIndex;
import dev.neuronscribe.evaluate.Subsets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scribe subset}: a reproducible neuron subset from an index of explanations and scores. */
@Command(
    name = "subset",
    mixinStandardHelpOptions = true,
    description = {
      "Chooses a reproducible subset of neurons from an index.",
      "",
      "The index is CSV (layer,neuron[,score][,explanation]) or JSON lines with the same fields.",
      "Kinds: random-per-layer (n per layer), random-interpretable (n per layer with score > --threshold),",
      "top-per-layer (n best per layer), top-k (n best overall). The output is an index too (CSV or .jsonl)."
    },
    sortOptions = false)
public final class SubsetCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", required = true, paramLabel = "FILE", description = "Index of neurons (CSV or .jsonl).")
  Path index;

  @Option(names = "--kind", required = true, paramLabel = "KIND", description = "random-per-layer, random-interpretable, top-per-layer or top-k.")
  String kind;

  @Option(names = "--n", required = true, paramLabel = "N", description = "Neurons per layer (per-layer kinds) or in all (top-k).")
  int n;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the random kinds. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--threshold", defaultValue = "0.35", paramLabel = "SCORE",
      description = "Score a neuron must exceed to count as interpretable. Default: ${DEFAULT-VALUE} (the paper's).")
  double threshold;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the subset (CSV, or JSON lines for .jsonl).")
  Path out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Subsets.Kind k;
    try {
      k = Subsets.Kind.parse(kind);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (n < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--n must be at least 1");
    NeuronIndex idx = NeuronIndex.read(index);
    Subsets.Selection s = Subsets.select(idx, k, n, seed, threshold);
    new NeuronIndex(out.toString(), s.entries()).write(out);
    if (s.withoutScore() > 0) err.println("note: " + s.withoutScore() + " index entries have no score and were not candidates");
    s.shortfalls().forEach(x -> err.println("note: " + x));
    long layers = s.entries().stream().map(e -> e.id().layer()).distinct().count();
    err.printf(Locale.ROOT, "wrote %d neurons from %d layers (%s, n=%d%s) to %s%n", s.entries().size(), layers, k.label, n,
        k == Subsets.Kind.RANDOM_PER_LAYER || k == Subsets.Kind.RANDOM_INTERPRETABLE ? ", seed " + seed : "", out);
    return Cli.OK;
  }
}
