package dev.neuronscribe.cli;

import dev.neuronscribe.simulate.CostEstimate;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints a dry run's estimate, the same table for every command that has {@code --dry-run}. */
final class Estimates {
  private Estimates() {}

  static void print(CostEstimate e, PrintWriter out) {
    out.printf(Locale.ROOT, "dry run: %d units to do (%d already done)%n", e.unitsToDo(), e.unitsDone());
    out.printf(Locale.ROOT, "  %-20s %-44s %7s %9s %8s %14s %14s %12s%n", "step", "model", "units", "requests", "cached", "prompt tok", "max compl tok", "at most $");
    for (CostEstimate.Line l : e.lines()) {
      boolean offline = l.requests() == 0;
      out.printf(Locale.ROOT, "  %-20s %-44s %7d %9s %8s %,14d %,14d %12s%n", l.step(), l.model(), l.units(), offline ? "offline" : Long.toString(l.requests()),
          offline ? "" : Long.toString(l.cached()), l.promptTokens(), l.maxCompletionTokens(), l.priced() ? String.format(Locale.ROOT, "%.4f", l.dollars()) : "unpriced");
    }
    out.printf(Locale.ROOT, "in all: %d requests (%d already in the cache), at most $%.4f at the prices of %s. Nothing was sent.%n",
        e.requests(), e.cached(), e.dollars(), e.pricesAsOf());
    out.flush();
  }
}
