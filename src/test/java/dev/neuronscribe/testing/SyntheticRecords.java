package dev.neuronscribe.testing;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.QuantileBoundaries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * Small NeuronRecords made up for tests that must run on a fresh clone (no {@code ../shared}): GPT-2
 * style tokens with leading spaces, GELU-like activations (small negatives, a few positive peaks).
 */
public final class SyntheticRecords {
  private static final List<String> WORDS = List.of(
      " the", " river", " bank", " was", " flooded", " after", " heavy", " rain", ",", " and", " the", " town",
      " council", " met", " on", " Friday", ".", " Prices", " rose", " again", " in", " March");

  private SyntheticRecords() {}

  /** 20 top excerpts (sorted by their maximum, highest first) and 15 random ones; q90 = 1.0. */
  public static NeuronRecord neuron(NeuronId id, long seed, boolean withQuantiles) {
    Random random = new Random(seed);
    List<ActivationRecord> top = new ArrayList<>();
    for (int i = 0; i < 20; i++) top.add(excerpt(random, 0.5 + 3 * random.nextDouble()));
    top.sort(Comparator.comparingDouble(ActivationRecord::max).reversed());
    List<ActivationRecord> rnd = new ArrayList<>();
    for (int i = 0; i < 15; i++) rnd.add(excerpt(random, 0.3 * random.nextDouble()));
    return new NeuronRecord(id, top, rnd, Optional.empty(),
        withQuantiles ? Optional.of(QuantileBoundaries.openAi(-0.004, 1.0, 2.5, 3.2)) : Optional.empty(),
        OptionalDouble.of(-0.05), OptionalDouble.of(0.04), OptionalDouble.of(9.1), OptionalDouble.of(180.2));
  }

  private static ActivationRecord excerpt(Random random, double peak) {
    int n = 8 + random.nextInt(6);
    List<String> tokens = new ArrayList<>();
    double[] acts = new double[n];
    int start = random.nextInt(WORDS.size());
    for (int i = 0; i < n; i++) {
      tokens.add(WORDS.get((start + i) % WORDS.size()));
      // GELU outputs: mostly just below zero, never below about -0.17.
      acts[i] = Math.round(-0.17 * random.nextDouble() * 1e4) / 1e4;
    }
    acts[random.nextInt(n)] = Math.round(peak * 1e4) / 1e4;
    acts[random.nextInt(n)] = Math.round(peak * 0.4 * 1e4) / 1e4;
    return new ActivationRecord(tokens, acts);
  }
}
