package dev.neuronscribe.explain;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.Splits;
import dev.neuronscribe.prompts.ExplanationPrompts;
import dev.neuronscribe.prompts.Message;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import java.util.List;

/** What the pipeline works on: a recorded neuron or a neuron puzzle, with the excerpts each stage uses. */
public sealed interface Explainee {

  Target target();

  /** The excerpts the explainer is shown. */
  List<ActivationRecord> shown();

  /** The excerpts the simulator is scored on. */
  List<ActivationRecord> scoring();

  /** The explainer prompt in this format: a neuron's explain split at its 90th-percentile cutoff, or a puzzle's sentences at cutoff 1. */
  default List<Message> prompt(PromptFormat format, PromptPack pack) {
    return switch (this) {
      case Neuron n -> ExplanationPrompts.forNeuron(format, pack, n.record());
      case Puzzle p -> ExplanationPrompts.forPuzzle(format, pack, p.puzzle());
    };
  }

  /** A recorded neuron: explained on top[0:20:4], scored on top[2:20:4] + random[1:15:3]. */
  record Neuron(NeuronRecord record) implements Explainee {
    @Override
    public Target target() {
      return new Target.Neuron(record.id());
    }

    @Override
    public List<ActivationRecord> shown() {
      return Splits.explain(record);
    }

    @Override
    public List<ActivationRecord> scoring() {
      return Splits.score(record);
    }
  }

  /** A puzzle: every sentence is shown to the explainer, and the same sentences score the simulation. */
  record Puzzle(dev.neuronscribe.activations.Puzzle puzzle) implements Explainee {
    @Override
    public Target target() {
      return new Target.Puzzle(puzzle.name());
    }

    @Override
    public List<ActivationRecord> shown() {
      return puzzle.sentences();
    }

    @Override
    public List<ActivationRecord> scoring() {
      return puzzle.sentences();
    }
  }
}
