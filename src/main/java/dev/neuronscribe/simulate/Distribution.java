package dev.neuronscribe.simulate;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The simulator model's belief about one token's activation: the answers "0".."10" among its top
 * alternatives, their probabilities renormalised over those answers, and the expected value.
 */
record Distribution(double[] values, double[] probabilities, double expectedValue) {
  static final Distribution EMPTY = new Distribution(new double[0], new double[0], 0);

  /**
   * From a position's top log-probabilities, keeping only entries whose text is exactly an integer
   * 0–10 (the spec: no digit among them gives expected value 0 and an empty distribution).
   */
  static Distribution fromTopLogprobs(Map<String, Double> top) {
    TreeMap<Integer, Double> kept = new TreeMap<>();
    for (var e : top.entrySet()) {
      int v = digit(e.getKey());
      if (v >= 0 && !e.getValue().isNaN()) kept.merge(v, Math.exp(e.getValue()), Double::sum);
    }
    double total = kept.values().stream().mapToDouble(Double::doubleValue).sum();
    if (kept.isEmpty() || total <= 0) return EMPTY;
    double[] values = new double[kept.size()];
    double[] probs = new double[kept.size()];
    double ev = 0;
    int i = 0;
    for (var e : kept.entrySet()) {
      values[i] = e.getKey();
      probs[i] = e.getValue() / total;
      ev += values[i] * probs[i];
      i++;
    }
    return new Distribution(values, probs, ev);
  }

  /** Float rounding on a server can leave a certain token a hair above log 1 = 0; more than this is an error. */
  private static final double ROUNDING = 1e-6;

  /**
   * Why a position's top log-probabilities cannot be read as a belief, if they cannot: none at all (the
   * server left the slot empty), or a value that is no log-probability (NaN, ±Infinity, positive). A
   * simulator fails the excerpt with this reason rather than turning the value into a number.
   */
  static Optional<String> problem(Map<String, Double> top) {
    if (top.isEmpty()) return Optional.of("the server returned no top log-probabilities there");
    for (var e : top.entrySet()) {
      double v = e.getValue();
      if (Double.isNaN(v) || Double.isInfinite(v) || v > ROUNDING) {
        return Optional.of("the log-probability of \"" + e.getKey() + "\" is " + v + ", which no probability has (log-probabilities are finite and at most 0)");
      }
    }
    return Optional.empty();
  }

  /** The integer 0–10 the text is exactly, or -1. */
  static int digit(String text) {
    return switch (text) {
      case "0" -> 0; case "1" -> 1; case "2" -> 2; case "3" -> 3; case "4" -> 4; case "5" -> 5;
      case "6" -> 6; case "7" -> 7; case "8" -> 8; case "9" -> 9; case "10" -> 10;
      default -> -1;
    };
  }
}
