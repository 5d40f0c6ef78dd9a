package dev.neuronscribe.evaluate;

/**
 * Mean and spread of one set of scores. {@code sem} is the standard error of the mean, the sample
 * standard deviation (n − 1 in the denominator) over √n; undefined (NaN) below two values.
 */
public record Summary(int n, double mean, double sd, double sem) {

  /** Summarises the finite values; NaN entries (undefined scores) are not counted. */
  public static Summary of(double[] values) {
    int n = 0;
    double sum = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        n++;
        sum += v;
      }
    }
    if (n == 0) return new Summary(0, Double.NaN, Double.NaN, Double.NaN);
    double mean = sum / n;
    if (n == 1) return new Summary(1, mean, Double.NaN, Double.NaN);
    double ss = 0;
    for (double v : values) {
      if (Double.isFinite(v)) ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / (n - 1));
    return new Summary(n, mean, sd, sd / Math.sqrt(n));
  }
}
