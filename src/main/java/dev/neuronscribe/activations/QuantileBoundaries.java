package dev.neuronscribe.activations;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The edges of the bins of {@code random_sample_by_quantile}, as OpenAI stores them: six entries,
 * {@code [null, q0.5, q0.9, q0.99, q0.999, null]}, quantiles of the per-excerpt maximum activation.
 * The open ends are kept as empty entries so that index 2 stays the 90th percentile, the cutoff the
 * paper's Summary/Highlight formats use to call a token "highly activating".
 */
public record QuantileBoundaries(List<OptionalDouble> values) {

  /** The quantiles OpenAI's GPT-2 data bins by, lowest first. */
  public static final List<Double> OPENAI_QUANTILES = List.of(0.5, 0.9, 0.99, 0.999);

  public QuantileBoundaries {
    values = Collections.unmodifiableList(new ArrayList<>(values));
    for (int i = 0; i < values.size(); i++) {
      OptionalDouble v = values.get(i);
      if (v == null) throw new IllegalArgumentException("quantile boundary " + i + " is a Java null; use OptionalDouble.empty()");
      if (v.isPresent() && !Double.isFinite(v.getAsDouble())) {
        throw new IllegalArgumentException("quantile boundary " + i + " is " + v.getAsDouble() + "; boundaries must be finite numbers");
      }
    }
  }

  /** OpenAI's layout: open ends around the four quantiles q0.5, q0.9, q0.99, q0.999. */
  public static QuantileBoundaries openAi(double q50, double q90, double q99, double q999) {
    return new QuantileBoundaries(
        List.of(OptionalDouble.empty(), OptionalDouble.of(q50), OptionalDouble.of(q90), OptionalDouble.of(q99),
            OptionalDouble.of(q999), OptionalDouble.empty()));
  }

  public OptionalDouble get(int index) {
    return index >= 0 && index < values.size() ? values.get(index) : OptionalDouble.empty();
  }

  public int size() {
    return values.size();
  }

  /**
   * The 90th percentile of the per-excerpt maximum (index 2), the paper's "highly activating" cutoff.
   *
   * @throws IllegalStateException if the list has no value at index 2
   */
  public double ninetiethPercentile() {
    OptionalDouble q = get(2);
    if (q.isEmpty()) {
      throw new IllegalStateException(
          "quantile_boundaries has no value at index 2 (the 90th percentile); give the cutoff explicitly (--cutoff)");
    }
    return q.getAsDouble();
  }
}
