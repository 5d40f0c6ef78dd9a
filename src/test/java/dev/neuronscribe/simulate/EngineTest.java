package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.llm.BudgetExceededException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class EngineTest {

  /** A unit that records that it ran; {@code work} decides what it does. */
  private static Engine.Unit unit(boolean done, List<Integer> ran, int id, IntFunction<Engine.Result> work) {
    return new Engine.Unit() {
      @Override
      public boolean done() {
        return done;
      }

      @Override
      public Engine.Result run(Engine.Control control) {
        if (control.stopping()) return Engine.Result.NOT_STARTED;
        ran.add(id);
        return work.apply(id);
      }
    };
  }

  @Test
  void skipsWhatIsDoneAndCountsDoneAndFailed() {
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<Engine.Unit> units = new ArrayList<>();
    for (int i = 0; i < 10; i++) units.add(unit(i < 3, ran, i, id -> id % 2 == 0 ? Engine.Result.DONE : Engine.Result.FAILED));
    AtomicInteger heard = new AtomicInteger();
    Engine.Summary s = new Engine(4).run(units, new Engine.Listener() {
      @Override
      public void skipped(Engine.Unit u) {
        heard.incrementAndGet();
      }

      @Override
      public void finished(Engine.Unit u, Engine.Result r) {
        heard.incrementAndGet();
      }
    });
    assertThat(s).isEqualTo(new Engine.Summary(10, 3, 3, 4, Optional.empty()));
    assertThat(ran).containsExactlyInAnyOrder(3, 4, 5, 6, 7, 8, 9);
    assertThat(heard).hasValue(10);
  }

  @Test
  void theBudgetStopsTheRunNoUnitStartsAfterIt() {
    // One unit at a time makes the order certain: unit 2 hits the budget, units 3.. never run.
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<Engine.Unit> units = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      units.add(unit(false, ran, i, id -> {
        if (id == 2) throw new BudgetExceededException("the budget of $1.00 is reached");
        return Engine.Result.DONE;
      }));
    }
    Engine.Summary s = new Engine(1).run(units, Engine.Listener.NONE);
    assertThat(ran).containsExactly(0, 1, 2);
    assertThat(s.done()).isEqualTo(2);
    assertThat(s.failed()).isZero();
    assertThat(s.units()).isEqualTo(6);
    assertThat(s.stoppedBecause()).contains("the budget of $1.00 is reached");
  }

  @Test
  void readsAFeedNoFurtherAheadThanTheUnitsInFlight() {
    int parallel = 3;
    AtomicInteger pulled = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger worstLead = new AtomicInteger();
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    Iterable<Engine.Unit> feed = () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return pulled.get() < 50;
      }

      @Override
      public Engine.Unit next() {
        int id = pulled.incrementAndGet();
        // A unit is pulled only when a slot is free: at most `parallel` in flight, plus the one being pulled.
        worstLead.accumulateAndGet(id - finished.get(), Math::max);
        return unit(false, ran, id, x -> {
          finished.incrementAndGet();
          return Engine.Result.DONE;
        });
      }
    };
    Engine.Summary s = new Engine(parallel).run(feed, Engine.Listener.NONE);
    assertThat(s.done()).isEqualTo(50);
    assertThat(worstLead.get()).isLessThanOrEqualTo(parallel + 1);
  }

  @Test
  void aBugInAUnitEndsTheRunWithItsException() {
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<Engine.Unit> units = List.of(unit(false, ran, 0, id -> {
      throw new IllegalStateException("boom");
    }));
    assertThatThrownBy(() -> new Engine(2).run(units, Engine.Listener.NONE)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
  }
}
