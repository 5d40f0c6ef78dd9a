package dev.neuronscribe.simulate;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.explain.Explainee;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The examples the scorers other than simulation judge for one unit: activating excerpts, each placed
 * in a quantile of the unit's activation (1 = strongest), and non-activating excerpts (quantile 0). A
 * token counts as activating at or above {@code threshold}; an excerpt is activating when its maximum
 * is, non-activating when it stays below. {@code seed} fixes every random choice a scorer makes (order,
 * random highlights, intruder places), so a rescore with another seed measures re-seed variance.
 */
public record ScoringSet(List<Excerpt> activating, List<Excerpt> nonActivating, int quantiles, double threshold, long seed) {

  /** For recorded neurons: tokens at or above this fraction of the unit's top activation are activating. */
  public static final double ACTIVATING_FRACTION = 0.25;

  public ScoringSet {
    activating = List.copyOf(activating);
    nonActivating = List.copyOf(nonActivating);
    if (quantiles < 1) throw new IllegalArgumentException("quantiles must be at least 1, got " + quantiles);
  }

  /** One excerpt and its quantile (0 for a non-activating one). */
  public record Excerpt(ActivationRecord record, int quantile) {}

  /** Activating excerpts first, then the non-activating ones. */
  public List<Excerpt> all() {
    List<Excerpt> all = new ArrayList<>(activating);
    all.addAll(nonActivating);
    return List.copyOf(all);
  }

  public boolean hot(ActivationRecord r, int token) {
    return r.activation(token) >= threshold;
  }

  /**
   * Two disjoint halves, every other excerpt of each quantile and of the non-activating ones: choosing
   * among explanations on one half and reporting on the other keeps the choice from flattering itself.
   */
  public List<ScoringSet> halves() {
    List<List<Excerpt>> act = List.of(new ArrayList<>(), new ArrayList<>());
    for (int q = 1; q <= quantiles; q++) {
      int k = 0;
      for (Excerpt e : activating) if (e.quantile() == q) act.get(k++ % 2).add(e);
    }
    List<List<Excerpt>> non = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < nonActivating.size(); i++) non.get(i % 2).add(nonActivating.get(i));
    return List.of(new ScoringSet(act.get(0), non.get(0), quantiles, threshold, seed), new ScoringSet(act.get(1), non.get(1), quantiles, threshold, seed));
  }

  /** The same examples with another seed. */
  public ScoringSet reseeded(long newSeed) {
    return new ScoringSet(activating, nonActivating, quantiles, threshold, newSeed);
  }

  /** A recorded neuron or a puzzle, as {@link #forNeuron} and {@link #forPuzzle} build them. */
  public static ScoringSet of(Explainee e, int quantiles, long seed) {
    return switch (e) {
      case Explainee.Neuron n -> forNeuron(n.record(), quantiles, seed);
      case Explainee.Puzzle p -> forPuzzle(p.puzzle(), seed);
    };
  }

  /**
   * A recorded neuron: every top-activating excerpt except those the explainer was shown (top[0:20:4])
   * is an activating example, split into {@code quantiles} groups of (nearly) equal size by maximum
   * activation; non-activating examples are drawn from the random sample, those whose maximum stays
   * below {@link #ACTIVATING_FRACTION} of the top activation, as many as there are activating ones
   * (fewer when the sample has fewer), so that the two classes are balanced.
   */
  public static ScoringSet forNeuron(NeuronRecord record, int quantiles, long seed) {
    double threshold = ACTIVATING_FRACTION * record.maxActivation();
    if (!(threshold > 0)) {
      throw new IllegalArgumentException("neuron " + record.id() + " never activates above 0 in its top excerpts; there is nothing to detect");
    }
    List<ActivationRecord> top = record.mostPositiveActivationRecords();
    List<ActivationRecord> hot = new ArrayList<>();
    for (int i = 0; i < top.size(); i++) {
      boolean shown = i < 20 && i % 4 == 0; // the explain split; scoring on it would reward copying
      if (!shown && top.get(i).max() >= threshold) hot.add(top.get(i));
    }
    hot.sort((a, b) -> Double.compare(b.max(), a.max()));
    List<Excerpt> activating = new ArrayList<>();
    for (int i = 0; i < hot.size(); i++) activating.add(new Excerpt(hot.get(i), 1 + (int) ((long) i * quantiles / hot.size())));
    List<ActivationRecord> cold = new ArrayList<>(record.randomSample().stream().filter(r -> r.max() < threshold).toList());
    Collections.shuffle(cold, new Random(seed));
    List<Excerpt> non = cold.stream().limit(activating.size()).map(r -> new Excerpt(r, 0)).toList();
    return new ScoringSet(activating, non, quantiles, threshold, seed);
  }

  /** A puzzle: sentences with a token at or above the puzzle cutoff are activating (one quantile), the rest not. */
  public static ScoringSet forPuzzle(Puzzle puzzle, long seed) {
    List<Excerpt> activating = new ArrayList<>();
    List<Excerpt> non = new ArrayList<>();
    for (ActivationRecord r : puzzle.sentences()) {
      if (r.max() >= Puzzle.CUTOFF) activating.add(new Excerpt(r, 1));
      else non.add(new Excerpt(r, 0));
    }
    return new ScoringSet(activating, non, 1, Puzzle.CUTOFF, seed);
  }
}
