package dev.neuronscribe.llm;

import java.util.concurrent.TimeUnit;

/**
 * Requests per minute and tokens per minute, as two token buckets. A caller takes what it needs at once,
 * driving a bucket negative if it must, then sleeps until the bucket would have refilled to zero: callers
 * are served in arrival order and a steady stream runs at exactly the limit. The request bucket holds one
 * second's worth (a server that counts per minute, or per second, then never sees a burst above its
 * rate); the token bucket a full minute's, since one request may be large.
 */
final class RateLimiter {
  /** Time as the limiter sees it: the system's, or a test's that moves only when someone sleeps. */
  interface Clock {
    long nanoTime();

    void sleep(long nanos) throws InterruptedException;

    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleep(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(nanos);
      }
    };
  }

  private final Clock clock;
  private final Bucket requests;
  private final Bucket tokens;

  /** A limit of 0 means none. */
  RateLimiter(double requestsPerMinute, double tokensPerMinute) {
    this(requestsPerMinute, tokensPerMinute, Clock.SYSTEM);
  }

  RateLimiter(double requestsPerMinute, double tokensPerMinute, Clock clock) {
    this.clock = clock;
    this.requests = requestsPerMinute > 0 ? new Bucket(requestsPerMinute / 60.0, Math.max(1, requestsPerMinute / 60.0), clock) : null;
    this.tokens = tokensPerMinute > 0 ? new Bucket(tokensPerMinute / 60.0, tokensPerMinute, clock) : null;
  }

  void acquire(long estimatedTokens) throws InterruptedException {
    long waitNanos = 0;
    if (requests != null) waitNanos = Math.max(waitNanos, requests.take(1));
    if (tokens != null) waitNanos = Math.max(waitNanos, tokens.take(Math.min(estimatedTokens, (long) tokens.capacity)));
    if (waitNanos > 0) clock.sleep(waitNanos);
  }

  private static final class Bucket {
    private final double perSecond;
    private final double capacity;
    private final Clock clock;
    private double level;
    private long last;

    Bucket(double perSecond, double capacity, Clock clock) {
      this.perSecond = perSecond;
      this.capacity = capacity;
      this.clock = clock;
      this.level = capacity;
      this.last = clock.nanoTime();
    }

    /** Takes n and returns how long the caller must wait before its share has really refilled. */
    synchronized long take(double n) {
      long now = clock.nanoTime();
      level = Math.min(capacity, level + (now - last) / 1e9 * perSecond);
      last = now;
      level -= n;
      return level >= 0 ? 0 : (long) (-level / perSecond * 1e9);
    }
  }
}
