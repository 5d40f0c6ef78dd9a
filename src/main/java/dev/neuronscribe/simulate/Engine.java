package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.BudgetExceededException;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one run engine: works through units of work, each on its own virtual thread, at most {@code
 * parallel} at once, skipping the ones already done (so a rerun resumes), and stopping cleanly when the
 * budget refuses a request: no new unit starts, the units in flight finish (or notice {@link
 * Control#stopping} between their steps), and the caller saves what was done. Every command that runs
 * work over targets is a preset of it: {@code explain}, {@code simulate} and {@code pipeline} over a
 * run directory ({@link Pipeline}), and {@code experiment run} over an experiment store.
 *
 * <p>Units are pulled from an {@link Iterable} one at a time, only when a slot is free, so a lazy feed
 * (records read from disk as they are reached) keeps memory bounded by {@code parallel} units, not by the
 * size of the run.
 *
 * <p>What a unit does is its own business: typically a chain of steps (explain, then each scorer), each
 * step skipped when already stored and each checking {@link Control#stopping} before it starts.
 */
public final class Engine {

  /** One unit of work: what it is for progress and errors, whether it is already done, and the work. */
  public interface Unit {
    /** True when the store already holds everything this unit would produce: it is skipped, never run. */
    boolean done();

    /**
     * Does the work, storing what it produces as it goes. A {@link BudgetExceededException} stops the
     * run (what the unit stored before stays); any other exception is a bug or a fault the unit should
     * have recorded as its failure, and ends the run after the units in flight finish.
     */
    Result run(Control control) throws InterruptedException;
  }

  /** How a unit ended: its work all done, some of it failed (the reasons stored), or not started because the run is stopping. */
  public enum Result { DONE, FAILED, NOT_STARTED }

  /** What a unit can ask of the run while working. */
  public interface Control {
    /** True once the run is stopping (budget reached, interrupted): start no new step. */
    boolean stopping();

    /** Stops the run for this reason (the first reason given is the one reported). */
    void stop(String reason);
  }

  /** Hears about units as they end (from the units' threads; must be thread-safe). */
  public interface Listener {
    void skipped(Unit unit);

    void finished(Unit unit, Result result);

    Listener NONE = new Listener() {
      @Override
      public void skipped(Unit unit) {}

      @Override
      public void finished(Unit unit, Result result) {}
    };
  }

  /** How a run ended: units seen, skipped as already done, done, failed, and why it stopped early if it did. */
  public record Summary(int units, int skipped, int done, int failed, Optional<String> stoppedBecause) {}

  private final int parallel;

  public Engine(int parallel) {
    this.parallel = Math.max(1, parallel);
  }

  public Summary run(Iterable<? extends Unit> units, Listener listener) {
    AtomicReference<String> stop = new AtomicReference<>();
    AtomicReference<RuntimeException> fault = new AtomicReference<>();
    AtomicInteger seen = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Control control = new Control() {
      @Override
      public boolean stopping() {
        return stop.get() != null || fault.get() != null;
      }

      @Override
      public void stop(String reason) {
        stop.compareAndSet(null, reason);
      }
    };
    Semaphore slots = new Semaphore(parallel);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Iterator<? extends Unit> it = units.iterator();
      while (it.hasNext()) {
        Unit unit = it.next();
        seen.incrementAndGet();
        if (unit.done()) {
          skipped.incrementAndGet();
          listener.skipped(unit);
          continue;
        }
        // Take the slot before starting the thread: the feed is then read no faster than units finish.
        try {
          slots.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          control.stop("interrupted");
          break;
        }
        if (control.stopping()) {
          slots.release();
          continue; // counted as seen, neither done nor failed: a rerun does it
        }
        pool.submit(() -> {
          try {
            Result r = unit.run(control);
            switch (r) {
              case DONE -> done.incrementAndGet();
              case FAILED -> failed.incrementAndGet();
              case NOT_STARTED -> {}
            }
            if (r != Result.NOT_STARTED) listener.finished(unit, r);
          } catch (BudgetExceededException e) {
            control.stop(e.getMessage());
          } catch (InterruptedException e) {
            control.stop("interrupted");
          } catch (RuntimeException e) {
            fault.compareAndSet(null, e);
          } finally {
            slots.release();
          }
          return null;
        });
      }
    }
    if (fault.get() != null) throw fault.get();
    return new Summary(seen.get(), skipped.get(), done.get(), failed.get(), Optional.ofNullable(stop.get()));
  }
}
