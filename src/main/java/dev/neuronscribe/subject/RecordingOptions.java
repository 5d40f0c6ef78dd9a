package dev.neuronscribe.subject;

import java.time.Duration;

/**
 * How a corpus is recorded.
 *
 * @param excerptTokens tokens per excerpt (OpenAI's GPT-2 records: 64)
 * @param minExcerptTokens the shortest document tail kept as an excerpt of its own
 * @param batchSize excerpts run through the model together
 * @param topCount {@code most_positive_activation_records} per neuron, by each excerpt's max activation
 * @param randomCount excerpts in the uniform {@code random_sample}
 * @param perQuantileCount excerpts per bin of {@code random_sample_by_quantile} (5 bins)
 * @param calibrationExcerpts excerpts, spread evenly over the corpus, whose per-excerpt maxima set the
 *     quantile boundaries (exact quantiles when the corpus has no more excerpts than this)
 * @param seed fixes every random choice; the same seed, corpus and model give the same records
 * @param checkpointEvery how often the aggregation state is saved so that a rerun resumes
 */
public record RecordingOptions(
    int excerptTokens, int minExcerptTokens, int batchSize, int topCount, int randomCount, int perQuantileCount,
    int calibrationExcerpts, long seed, Duration checkpointEvery) {

  /** OpenAI's quantiles of the per-excerpt maximum that bound the bins of {@code random_sample_by_quantile}. */
  public static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
  public static final int BINS = QUANTILES.length + 1;

  public RecordingOptions {
    if (excerptTokens < 1) throw new IllegalArgumentException("excerpts need at least 1 token, got " + excerptTokens);
    if (minExcerptTokens < 1 || minExcerptTokens > excerptTokens) {
      throw new IllegalArgumentException("the shortest excerpt must have between 1 and " + excerptTokens + " tokens, got " + minExcerptTokens);
    }
    if (batchSize < 1) throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
    if (topCount < 1 || randomCount < 0 || perQuantileCount < 0) {
      throw new IllegalArgumentException("at least 1 top excerpt and no negative sample sizes, got top " + topCount
          + ", random " + randomCount + ", per quantile " + perQuantileCount);
    }
    if (calibrationExcerpts < 1) throw new IllegalArgumentException("at least 1 calibration excerpt is needed, got " + calibrationExcerpts);
    if (checkpointEvery.isNegative()) throw new IllegalArgumentException("the checkpoint interval cannot be negative");
  }

  /** OpenAI's GPT-2 settings: 64-token excerpts, top 50, random 50, 5 quantile bins of 20. */
  public static RecordingOptions defaults() {
    return new RecordingOptions(64, 16, 16, 50, 50, 20, 2048, 0, Duration.ofMinutes(5));
  }

  public RecordingOptions withSeed(long s) {
    return new RecordingOptions(excerptTokens, minExcerptTokens, batchSize, topCount, randomCount, perQuantileCount, calibrationExcerpts, s, checkpointEvery);
  }

  public RecordingOptions withExcerptTokens(int tokens, int minTokens) {
    return new RecordingOptions(tokens, minTokens, batchSize, topCount, randomCount, perQuantileCount, calibrationExcerpts, seed, checkpointEvery);
  }

  public RecordingOptions withBatchSize(int b) {
    return new RecordingOptions(excerptTokens, minExcerptTokens, b, topCount, randomCount, perQuantileCount, calibrationExcerpts, seed, checkpointEvery);
  }

  public RecordingOptions withSampleSizes(int top, int random, int perQuantile) {
    return new RecordingOptions(excerptTokens, minExcerptTokens, batchSize, top, random, perQuantile, calibrationExcerpts, seed, checkpointEvery);
  }

  public RecordingOptions withCalibrationExcerpts(int c) {
    return new RecordingOptions(excerptTokens, minExcerptTokens, batchSize, topCount, randomCount, perQuantileCount, c, seed, checkpointEvery);
  }

  public RecordingOptions withCheckpointEvery(Duration d) {
    return new RecordingOptions(excerptTokens, minExcerptTokens, batchSize, topCount, randomCount, perQuantileCount, calibrationExcerpts, seed, d);
  }

  /** Kept excerpts per neuron: what the aggregation holds in memory for each neuron. */
  int keptPerNeuron() {
    return topCount + randomCount + BINS * perQuantileCount;
  }
}
