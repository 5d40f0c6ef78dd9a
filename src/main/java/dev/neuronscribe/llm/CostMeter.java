package dev.neuronscribe.llm;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this run has spent, shared by every client of the run, and the budget it may not pass. A request
 * reserves its worst-case cost before it is sent (prompt tokens counted locally, completion at its
 * {@code max_tokens}) and settles at the cost its reply reports; a reservation that would pass the budget
 * is refused, and from then on every new request is, so the run winds down cleanly.
 */
public final class CostMeter {
  private final PriceTable prices;
  private final OptionalDouble budgetUsd;
  private final Optional<CostLedger> ledger;

  private double spent;
  private double reserved;
  private boolean exhausted;
  private long requests;
  private long cachedReplies;
  private long promptTokens;
  private long completionTokens;
  private final Set<String> unpriced = new TreeSet<>();

  public CostMeter(PriceTable prices, OptionalDouble budgetUsd, Optional<CostLedger> ledger) {
    this.prices = prices;
    this.budgetUsd = budgetUsd;
    this.ledger = ledger;
    if (budgetUsd.isPresent() && !(budgetUsd.getAsDouble() >= 0)) {
      throw new IllegalArgumentException("the budget must be a non-negative number of dollars, got " + budgetUsd.getAsDouble());
    }
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
      if (exhausted || spent + reserved + worst > limit) {
        exhausted = true;
        throw new BudgetExceededException(String.format(
            "budget of $%.4f reached ($%.4f spent, $%.4f in flight); stopped starting new requests — rerun with a larger --budget-usd to go on",
            limit, spent, reserved));
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
    ledger.ifPresent(l -> l.record(backend, model, endpoint, key, usage, reported, dollars, priced));
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(requests, cachedReplies, promptTokens, completionTokens, spent, Set.copyOf(unpriced), exhausted);
  }

  /** Paid requests, replies replayed from the cache, tokens and dollars of this run so far. */
  public record Snapshot(long requests, long cachedReplies, long promptTokens, long completionTokens, double dollars,
      Set<String> unpricedModels, boolean budgetReached) {}
}
