package dev.neuronscribe.prompts;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.activations.QuantileBoundaries;
import dev.neuronscribe.activations.Splits;
import dev.neuronscribe.files.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the explainer prompt: the format's instruction, the pack's few-shot examples as
 * user/assistant turns, and the target neuron's block, which the model completes with its explanation.
 * Structure as in {@code docs/prompt-formats.md}; wording from the {@link PromptPack}.
 */
public final class ExplanationPrompts {
  private ExplanationPrompts() {}

  /**
   * The chat messages for explaining a neuron from {@code target} (at most 26 excerpts).
   *
   * @param cutoff a target token is hot when its raw activation is strictly above this (Summary,
   *     Highlight, Highlight-summary; ignored by Original and AVHS)
   */
  public static List<Message> render(PromptFormat format, PromptPack pack, List<ActivationRecord> target, double cutoff) {
    if (Double.isNaN(cutoff)) throw new IllegalArgumentException("the hot-token cutoff is NaN; give a number");
    if (target.isEmpty()) throw new IllegalArgumentException("there are no excerpts to show the explainer");
    Blocks.checkLetters(target.size());

    List<Message> messages = new ArrayList<>(2 * pack.fewShot().size() + 2);
    messages.add(Message.system(pack.system(format)));
    int k = 1;
    for (FewShotExample example : pack.fewShot()) {
      messages.add(Message.user(Blocks.neuron(format, pack, example.records(), k++, pack.fewShotCutoff())));
      messages.add(Message.assistant(" " + example.explanation() + "."));
    }
    messages.add(Message.user(Blocks.neuron(format, pack, target, k, cutoff)));
    return List.copyOf(messages);
  }

  /**
   * The prompt for a recorded neuron: its explain split (top excerpts 0, 4, 8, 12, 16) with the
   * paper's cutoff, the 90th percentile of the per-excerpt maximum ({@code quantile_boundaries[2]}).
   */
  public static List<Message> forNeuron(PromptFormat format, PromptPack pack, NeuronRecord record) {
    List<ActivationRecord> shown = Splits.explain(record);
    // Original and AVHS scale by the block's maximum: a record without quantiles still renders there.
    double cutoff = format.usesCutoff() ? ninetiethPercentile(record) : Double.POSITIVE_INFINITY;
    return render(format, pack, shown, cutoff);
  }

  /** As {@link #forNeuron(PromptFormat, PromptPack, NeuronRecord)} with the user's hot-token cutoff. */
  public static List<Message> forNeuron(PromptFormat format, PromptPack pack, NeuronRecord record, double cutoffOverride) {
    return render(format, pack, Splits.explain(record), cutoffOverride);
  }

  /** The prompt for a neuron puzzle: all its sentences, cutoff 1 on the 0–10 puzzle activations. */
  public static List<Message> forPuzzle(PromptFormat format, PromptPack pack, Puzzle puzzle) {
    return render(format, pack, puzzle.sentences(), Puzzle.CUTOFF);
  }

  /** For completion-style (non-chat) models: the messages' contents concatenated, no separators. */
  public static String asCompletionPrompt(List<Message> messages) {
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) sb.append(m.content());
    return sb.toString();
  }

  private static double ninetiethPercentile(NeuronRecord record) {
    QuantileBoundaries q = record.quantileBoundaries().orElseThrow(() -> new InvalidInputException("neuron " + record.id(),
        "has no quantile_boundaries, whose 90th percentile is the hot-token cutoff; give the cutoff explicitly (--cutoff)"));
    try {
      return q.ninetiethPercentile();
    } catch (IllegalStateException e) {
      throw new InvalidInputException("neuron " + record.id(), e.getMessage());
    }
  }
}
