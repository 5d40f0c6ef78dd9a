package dev.neuronscribe.simulate;

/**
 * One decision a scorer made. {@code quantile} places the item: 1 for the excerpts where the unit fires
 * hardest, up to the set's number of quantiles, and 0 for a non-activating excerpt. {@code truth} is what
 * the ground truth says (the excerpt activates the unit; the highlighted tokens are the activating ones;
 * the intruder was found by a perfect judge), {@code predicted} what the scorer said, and {@code score} its
 * confidence that the truth is "yes" (a similarity, a log-probability gain, 0/1 for a plain answer;
 * NaN where the scorer gives none, as the intruder scorer does).
 */
public record Judgement(int quantile, boolean truth, boolean predicted, double score) {
  public Judgement {
    if (quantile < 0) throw new IllegalArgumentException("quantile must be 0 (non-activating) or more, got " + quantile);
  }

  public boolean correct() {
    return truth == predicted;
  }
}
