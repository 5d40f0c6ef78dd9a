package dev.neuronscribe.subject;

import java.util.Arrays;
import java.util.List;

/**
 * One excerpt and a neuron's activation on each of its tokens, as recorded (float32, as computed).
 *
 * @param excerpt the excerpt's position in the recorded corpus (a store keeps each excerpt's tokens once, by it)
 */
public record RecordedExcerpt(long excerpt, List<String> tokens, float[] activations) {

  public RecordedExcerpt {
    tokens = List.copyOf(tokens);
    activations = activations.clone();
    if (tokens.size() != activations.length) {
      throw new IllegalArgumentException(tokens.size() + " tokens but " + activations.length + " activations");
    }
  }

  @Override
  public float[] activations() {
    return activations.clone();
  }

  public float activation(int i) {
    return activations[i];
  }

  public int size() {
    return activations.length;
  }

  public float max() {
    float m = Float.NEGATIVE_INFINITY;
    for (float a : activations) m = Math.max(m, a);
    return m;
  }

  /** The position of the highest activation (the first one on a tie). */
  public int argMax() {
    int best = 0;
    for (int i = 1; i < activations.length; i++) if (activations[i] > activations[best]) best = i;
    return best;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordedExcerpt r && excerpt == r.excerpt && tokens.equals(r.tokens) && Arrays.equals(activations, r.activations);
  }

  @Override
  public int hashCode() {
    return 31 * tokens.hashCode() + Arrays.hashCode(activations);
  }

  @Override
  public String toString() {
    return "RecordedExcerpt[" + String.join("", tokens).strip() + ", max " + max() + "]";
  }
}
