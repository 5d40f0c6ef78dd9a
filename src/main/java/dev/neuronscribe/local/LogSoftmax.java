package dev.neuronscribe.local;

/** Log-probabilities from logits, in double so that the small ones keep their digits, and the top k of them. */
final class LogSoftmax {
  private LogSoftmax() {}

  /** {@code log softmax} of {@code logits[offset .. offset+n)}. */
  static double[] of(float[] logits, int offset, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) max = Math.max(max, logits[offset + i]);
    double sum = 0;
    for (int i = 0; i < n; i++) sum += Math.exp(logits[offset + i] - max);
    double log = max + Math.log(sum);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = logits[offset + i] - log;
    return out;
  }

  /** The ids of the {@code k} largest values, largest first; among equals the smaller id first. */
  static int[] topK(double[] values, int k) {
    k = Math.min(k, values.length);
    if (k <= 0) return new int[0];
    int[] ids = new int[k];
    int size = 0;
    // Insertion into a short sorted list: k is at most 20, and most values fail the first comparison.
    for (int i = 0; i < values.length; i++) {
      double x = values[i];
      if (size == k && !(x > values[ids[k - 1]])) continue;
      int at = size == k ? k - 1 : size++;
      while (at > 0 && x > values[ids[at - 1]]) {
        ids[at] = ids[at - 1];
        at--;
      }
      ids[at] = i;
    }
    return ids;
  }
}
