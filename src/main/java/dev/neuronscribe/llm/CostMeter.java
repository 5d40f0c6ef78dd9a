package dev.neuronscribe.llm;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this run has spent, shared by every client of the run, and the budget it may not pass. A request
 * reserves its worst-case cost before it is sent (prompt tokens counted locally, completion at its
 * {@code max_tokens}) and settles at the cost its reply reports; a reservation that would pass the budget
 * is refused, and from then on every new request is, so the run winds down cleanly. A meter made
 * {@link #forRun for a run} counts against the budget what earlier invocations of the same run spent, as
 * the ledger recorded it: {@code --budget-usd 5} caps the run directory at $5 however often it is rerun.
 */
public final class CostMeter {
  private final PriceTable prices;
  private final OptionalDouble budgetUsd;
  private final Optional<CostLedger> ledger;
  private final String run;
  private final double earlier;

  private double spent;
  private double reserved;
  private boolean exhausted;
  private long requests;
  private long cachedReplies;
  private long promptTokens;
  private long completionTokens;
  private final Set<String> unpriced = new TreeSet<>();

  /** A meter for one invocation on its own: nothing spent before counts against the budget. */
  public CostMeter(PriceTable prices, OptionalDouble budgetUsd, Optional<CostLedger> ledger) {
    this(prices, budgetUsd, ledger, "", 0);
  }

  private CostMeter(PriceTable prices, OptionalDouble budgetUsd, Optional<CostLedger> ledger, String run, double earlier) {
    this.prices = prices;
    this.budgetUsd = budgetUsd;
    this.ledger = ledger;
    this.run = run;
    this.earlier = earlier;
    if (budgetUsd.isPresent() && !(budgetUsd.getAsDouble() >= 0)) {
      throw new IllegalArgumentException("the budget must be a non-negative number of dollars, got " + budgetUsd.getAsDouble());
    }
  }

  /**
   * A meter for one invocation of a run that may have run before: {@code run} names it in the ledger (a
   * run directory's or store's absolute path), and what the ledger holds for it counts against the budget.
   */
  public static CostMeter forRun(PriceTable prices, OptionalDouble budgetUsd, Optional<CostLedger> ledger, Path run) {
    String key = run.toAbsolutePath().normalize().toString();
    return new CostMeter(prices, budgetUsd, ledger, key, ledger.map(l -> l.spentBy(key)).orElse(0.0));
  }

  /** No budget, no ledger: for offline runs and tests. */
  public static CostMeter unlimited() {
    return new CostMeter(PriceTable.builtIn(), OptionalDouble.empty(), Optional.empty());
  }

  record Reservation(String model, double dollars, boolean priced) {}

  /**
   * @param local a server of one's own (vLLM, llama.cpp, Ollama): unlisted models cost nothing there
   * @throws BudgetExceededException when the worst case would pass the budget
   */
  synchronized Reservation reserve(String model, boolean local, long promptTokens, long maxCompletionTokens) {
    Optional<PriceTable.Price> price = prices.priceOf(model);
    if (price.isEmpty() && !local) {
      if (budgetUsd.isPresent()) {
        throw new IllegalStateException("there is no price for model '" + model + "', so a budget cannot be enforced; "
            + "add the model to a price table and pass it with --prices FILE");
      }
      unpriced.add(model);
    }
    double worst = price.map(p -> p.dollars(new Usage(promptTokens, maxCompletionTokens))).orElse(0.0);
    if (budgetUsd.isPresent()) {
      double limit = budgetUsd.getAsDouble();
      if (exhausted || earlier + spent + reserved + worst > limit) {
        exhausted = true;
        throw new BudgetExceededException(earlier > 0
            ? String.format(Locale.ROOT, "budget of $%.4f reached ($%.4f spent by earlier runs of %s, $%.4f by this one, $%.4f in flight); "
                + "stopped starting new requests; the budget counts every run of this directory, so rerun with a larger --budget-usd to go on",
                limit, earlier, run, spent, reserved)
            : String.format(Locale.ROOT, "budget of $%.4f reached ($%.4f spent, $%.4f in flight); stopped starting new requests; "
                + "the budget counts every run of this directory, so rerun with a larger --budget-usd to go on", limit, spent, reserved));
      }
    }
    reserved += worst;
    return new Reservation(model, worst, price.isPresent());
  }

  synchronized double settle(Reservation r, Usage usage) {
    reserved -= r.dollars();
    double cost = prices.priceOf(r.model()).map(p -> p.dollars(usage)).orElse(0.0);
    spent += cost;
    requests++;
    promptTokens += usage.promptTokens();
    completionTokens += usage.completionTokens();
    return cost;
  }

  synchronized void release(Reservation r) {
    reserved -= r.dollars();
  }

  synchronized void countCached() {
    cachedReplies++;
  }

  void record(String backend, String model, String endpoint, String key, Usage usage, boolean reported, double dollars, boolean priced) {
    ledger.ifPresent(l -> l.record(run, backend, model, endpoint, key, usage, reported, dollars, priced));
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(requests, cachedReplies, promptTokens, completionTokens, spent, Set.copyOf(unpriced), exhausted, earlier);
  }

  /**
   * Paid requests, replies replayed from the cache, tokens and dollars of this invocation so far, and the
   * dollars earlier invocations of the same run spent ({@code earlierDollars}, counted against the budget).
   */
  public record Snapshot(long requests, long cachedReplies, long promptTokens, long completionTokens, double dollars,
      Set<String> unpricedModels, boolean budgetReached, double earlierDollars) {}
}
