package dev.neuronscribe.evaluate;

/** How a comparison computes its intervals: bootstrap resamples, confidence level and seed. */
public record ComparisonSettings(int bootstrapResamples, double confidence, long seed) {
  public static final ComparisonSettings DEFAULT = new ComparisonSettings(10_000, 0.95, 20231010L);

  public ComparisonSettings {
    if (bootstrapResamples < 100) throw new IllegalArgumentException("use at least 100 bootstrap resamples, got " + bootstrapResamples);
    if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
  }
}
