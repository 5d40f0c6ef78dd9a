package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's interleaved splits of a NeuronRecord's excerpts, 5 examples per split. The explainer sees
 * {@link #explain}, the simulator is scored on {@link #score}; the four splits never overlap.
 *
 * <pre>
 * explain     = top[0:20:4]                    (letters A–E in this order)
 * score       = top[2:20:4] + random[1:15:3]
 * calibration = top[1:20:4] + random[0:15:3]
 * test        = top[3:20:4] + random[2:15:3]
 * </pre>
 */
public final class Splits {
  /** Examples per split, as in the paper. */
  public static final int EXAMPLES_PER_SPLIT = 5;

  private static final int TOP_NEEDED = 4 * EXAMPLES_PER_SPLIT;
  private static final int RANDOM_NEEDED = 3 * EXAMPLES_PER_SPLIT;

  private Splits() {}

  public static List<ActivationRecord> explain(NeuronRecord record) {
    return top(record, 0);
  }

  public static List<ActivationRecord> score(NeuronRecord record) {
    return concat(top(record, 2), random(record, 1));
  }

  public static List<ActivationRecord> calibration(NeuronRecord record) {
    return concat(top(record, 1), random(record, 0));
  }

  public static List<ActivationRecord> test(NeuronRecord record) {
    return concat(top(record, 3), random(record, 2));
  }

  private static List<ActivationRecord> top(NeuronRecord record, int offset) {
    List<ActivationRecord> top = record.mostPositiveActivationRecords();
    if (top.size() < TOP_NEEDED) {
      throw new InvalidInputException("neuron " + record.id(),
          "has " + top.size() + " top-activating excerpts; the explain/score splits need at least " + TOP_NEEDED
              + " (record more excerpts, e.g. a larger corpus)");
    }
    return every(top, offset, 4);
  }

  private static List<ActivationRecord> random(NeuronRecord record, int offset) {
    List<ActivationRecord> random = record.randomSample();
    if (random.size() < RANDOM_NEEDED) {
      throw new InvalidInputException("neuron " + record.id(),
          "has " + random.size() + " random excerpts; the score/calibration/test splits need at least " + RANDOM_NEEDED
              + " (record more excerpts, e.g. a larger corpus)");
    }
    return every(random, offset, 3);
  }

  private static List<ActivationRecord> every(List<ActivationRecord> list, int offset, int step) {
    List<ActivationRecord> out = new ArrayList<>(EXAMPLES_PER_SPLIT);
    for (int i = 0; i < EXAMPLES_PER_SPLIT; i++) out.add(list.get(offset + i * step));
    return out;
  }

  private static List<ActivationRecord> concat(List<ActivationRecord> a, List<ActivationRecord> b) {
    List<ActivationRecord> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
