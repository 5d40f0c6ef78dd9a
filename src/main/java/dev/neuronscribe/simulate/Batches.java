package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.BudgetExceededException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs a scorer's requests for one unit at once (the client bounds real concurrency), results in order. */
final class Batches {
  private Batches() {}

  static <T, R> List<R> inParallel(List<T> tasks, Function<T, R> work) {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<R>> futures = new ArrayList<>();
      for (T t : tasks) futures.add(pool.submit(() -> work.apply(t)));
      List<R> out = new ArrayList<>();
      for (Future<R> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof BudgetExceededException b) throw b;
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while scoring", e);
        }
      }
      return out;
    }
  }

  static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
    return out;
  }
}
