package dev.neuronscribe.testing;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.explain.PromptReaderBaseline;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.simulate.BaselineMiniLmSimulator;
import dev.neuronscribe.simulate.Pipeline;
import dev.neuronscribe.simulate.Scorer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Run directories made the way {@code scribe pipeline --records DIR --out OUT} makes them offline (the
 * same {@link Pipeline}, the default offline explainer {@code baseline-prompt-reader}, the MiniLM
 * baseline simulator), over synthetic records, for tests of the code that reads them. (Tests of the
 * command line run {@code scribe pipeline} itself.)
 */
public final class OfflineRuns {
  private OfflineRuns() {}

  /** Writes synthetic NeuronRecords (with quantiles, so every format renders) for the ids. */
  public static NeuronRecordDirectory records(Path dir, List<NeuronId> ids) {
    NeuronRecordDirectory d = new NeuronRecordDirectory(dir);
    for (NeuronId id : ids) d.write(SyntheticRecords.neuron(id, 31L * id.layer() + id.neuron(), true));
    return d;
  }

  /** Runs the stages over every record in {@code records}, all five formats, into {@code out}; fails on any failed unit. */
  public static void run(NeuronRecordDirectory records, Path out, Pipeline.Stages stages) {
    run(records, out, new PromptReaderBaseline(PromptPack.builtIn()), stages);
  }

  public static void run(NeuronRecordDirectory records, Path out, Explainer explainer, Pipeline.Stages stages) {
    List<Explainee> explainees = records.list().stream().map(id -> (Explainee) new Explainee.Neuron(records.read(id))).toList();
    Optional<BaselineMiniLmSimulator> simulator = stages == Pipeline.Stages.EXPLAIN
        ? Optional.empty() : Optional.of(new BaselineMiniLmSimulator(new MiniLmEmbeddings()));
    Pipeline.Summary s = new Pipeline(out, Optional.of(explainer), simulator.map(Scorer::simulation), 1, 4)
        .run(explainees, List.of(PromptFormat.values()), stages, t -> {});
    if (s.failed() > 0 || s.stoppedBecause().isPresent()) throw new IllegalStateException("the offline run into " + out + " failed: " + s);
  }
}
