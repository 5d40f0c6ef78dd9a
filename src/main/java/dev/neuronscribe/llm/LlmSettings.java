package dev.neuronscribe.llm;

import java.time.Duration;

/**
 * How a client talks to its server: limits (0 = none), concurrency, per-request timeout and retries.
 * Retries back off exponentially from {@code firstBackoff} to {@code maxBackoff} with jitter, and wait at
 * least as long as a {@code Retry-After} / {@code retry-after-ms} header asks.
 */
public record LlmSettings(
    double requestsPerMinute, double tokensPerMinute, int maxConcurrency, Duration timeout, int maxAttempts,
    Duration firstBackoff, Duration maxBackoff) {

  public LlmSettings {
    if (requestsPerMinute < 0 || tokensPerMinute < 0) throw new IllegalArgumentException("rate limits cannot be negative");
    if (maxConcurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, got " + maxConcurrency);
    if (maxAttempts < 1) throw new IllegalArgumentException("attempts must be at least 1, got " + maxAttempts);
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("the timeout must be positive");
  }

  public static LlmSettings defaults() {
    return new LlmSettings(0, 0, 16, Duration.ofSeconds(120), 8, Duration.ofMillis(500), Duration.ofSeconds(60));
  }

  public LlmSettings withLimits(double rpm, double tpm) {
    return new LlmSettings(rpm, tpm, maxConcurrency, timeout, maxAttempts, firstBackoff, maxBackoff);
  }

  public LlmSettings withConcurrency(int n) {
    return new LlmSettings(requestsPerMinute, tokensPerMinute, n, timeout, maxAttempts, firstBackoff, maxBackoff);
  }

  public LlmSettings withTimeout(Duration t) {
    return new LlmSettings(requestsPerMinute, tokensPerMinute, maxConcurrency, t, maxAttempts, firstBackoff, maxBackoff);
  }

  public LlmSettings withRetries(int attempts, Duration first, Duration max) {
    return new LlmSettings(requestsPerMinute, tokensPerMinute, maxConcurrency, timeout, attempts, first, max);
  }
}
