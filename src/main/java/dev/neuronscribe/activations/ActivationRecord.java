package dev.neuronscribe.activations;

import java.util.Arrays;
import java.util.List;

/**
 * One text excerpt and the neuron's activation on each of its tokens (OpenAI's {@code ActivationRecord}).
 * Tokens are stored as the subject model's tokenizer decodes them, leading spaces included ({@code " the"}).
 * Immutable: the activations are copied in and out.
 */
public record ActivationRecord(List<String> tokens, double[] activations) {

  public ActivationRecord {
    tokens = List.copyOf(tokens);
    activations = activations.clone();
    if (tokens.size() != activations.length) {
      throw new IllegalArgumentException(
          "an activation record needs one activation per token, got "
              + tokens.size() + " tokens and " + activations.length + " activations");
    }
    for (int i = 0; i < activations.length; i++) {
      if (!Double.isFinite(activations[i])) {
        throw new IllegalArgumentException(
            "activation " + i + " (token " + quote(tokens.get(i)) + ") is " + activations[i] + "; activations must be finite numbers");
      }
    }
  }

  /** A copy of the activations; use {@link #activation(int)} in loops. */
  @Override
  public double[] activations() {
    return activations.clone();
  }

  public int size() {
    return tokens.size();
  }

  public String token(int i) {
    return tokens.get(i);
  }

  public double activation(int i) {
    return activations[i];
  }

  /** The largest activation, or negative infinity for an empty record. */
  public double max() {
    double max = Double.NEGATIVE_INFINITY;
    for (double a : activations) max = Math.max(max, a);
    return max;
  }

  /** The excerpt's text: its tokens joined with nothing in between. */
  public String text() {
    return String.join("", tokens);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationRecord r && tokens.equals(r.tokens) && Arrays.equals(activations, r.activations);
  }

  @Override
  public int hashCode() {
    return 31 * tokens.hashCode() + Arrays.hashCode(activations);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ActivationRecord[");
    for (int i = 0; i < tokens.size(); i++) {
      if (i > 0) sb.append(", ");
      sb.append(quote(tokens.get(i))).append('=').append(activations[i]);
    }
    return sb.append(']').toString();
  }

  static String quote(String token) {
    return "\"" + token.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\"", "\\\"") + "\"";
  }
}
