package dev.neuronscribe.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limiter on a clock that moves only when told to (or when the limiter sleeps): no real time, nothing to flake. */
class RateLimiterTest {

  /** A clock whose time advances by exactly what is slept, and by what the test says passed. */
  private static final class FakeClock implements RateLimiter.Clock {
    long now = 1_000_000_000L;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(long nanos) {
      sleeps.add(nanos);
      now += nanos;
    }

    void pass(double seconds) {
      now += (long) (seconds * 1e9);
    }
  }

  private static final long SECOND = 1_000_000_000L;

  @Test
  void requestsPerMinuteAllowOneSecondsWorthAtOnceThenExactlyTheRate() throws Exception {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(120, 0, clock); // 2 per second, a burst of 2
    limiter.acquire(0);
    limiter.acquire(0);
    assertThat(clock.sleeps).isEmpty();
    limiter.acquire(0); // the third in the same instant waits half a second
    assertThat(clock.sleeps).containsExactly(SECOND / 2);
    for (int i = 0; i < 10; i++) limiter.acquire(0);
    // A steady stream runs at the limit: every further request waits exactly 1/rate after the last.
    assertThat(clock.sleeps.subList(1, clock.sleeps.size())).allSatisfy(s -> assertThat(s.doubleValue()).isCloseTo(SECOND / 2.0, within(2.0)));
  }

  @Test
  void callersArrivingTogetherAreServedInArrivalOrder() throws Exception {
    // Callers that take before anyone sleeps queue up: each waits one interval longer than the one before.
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(60, 0, new RateLimiter.Clock() {
      @Override
      public long nanoTime() {
        return clock.now; // time stands still while they arrive
      }

      @Override
      public void sleep(long nanos) {
        clock.sleeps.add(nanos);
      }
    });
    for (int i = 0; i < 4; i++) limiter.acquire(0);
    assertThat(clock.sleeps).containsExactly(SECOND, 2 * SECOND, 3 * SECOND);
  }

  @Test
  void aTokenBudgetOfAMinuteRefillsAtItsRate() throws Exception {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(0, 600, clock); // 10 tokens per second, a minute's worth at once
    limiter.acquire(600);
    assertThat(clock.sleeps).isEmpty();
    limiter.acquire(100); // 100 tokens at 10/s
    assertThat(clock.sleeps).containsExactly(10 * SECOND);
    clock.pass(60); // a quiet minute refills the bucket, but never above its capacity
    limiter.acquire(600);
    limiter.acquire(50);
    assertThat(clock.sleeps).containsExactly(10 * SECOND, 5 * SECOND);
  }

  @Test
  void aRequestLargerThanAMinutesTokensWaitsForAFullBucketNotForever() throws Exception {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(0, 600, clock);
    limiter.acquire(1_000_000);
    limiter.acquire(1_000_000);
    assertThat(clock.sleeps).containsExactly(60 * SECOND);
  }

  @Test
  void theSlowerOfTheTwoLimitsDecides() throws Exception {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(60, 600, clock); // 1 request/s (burst 1); 10 tokens/s (burst 600)
    limiter.acquire(10); // both buckets have room
    limiter.acquire(10); // the request bucket is empty: 1 s; tokens 580 left
    limiter.acquire(600); // requests: 1 s; tokens: 590 after the refill, 10 short = 1 s
    limiter.acquire(300); // requests: 1 s; tokens: 300 short at 10/s = 30 s, the slower one
    assertThat(clock.sleeps).containsExactly(SECOND, SECOND, 30 * SECOND);
  }

  @Test
  void noLimitsNeverWait() throws Exception {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(0, 0, clock);
    for (int i = 0; i < 1000; i++) limiter.acquire(1_000_000);
    assertThat(clock.sleeps).isEmpty();
  }
}
