package dev.neuronscribe.experiment;

import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.CompletionReply;
import dev.neuronscribe.llm.CompletionRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.Usage;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Counts what one unit of work asked of a model: the usage each reply reports and its price. The
 * shared client below still does the caching, rate limiting, budget and the run's ledger; this only
 * attributes calls to the unit (the llm ledger knows neither steps nor neurons), which is what Table 7
 * needs. A reply replayed from the response cache counts with its tokens — they are what the work costs
 * — and is counted as cached.
 */
final class UnitMeter {
  private final PriceTable prices;
  private long promptTokens;
  private long completionTokens;
  private double dollars;
  private boolean unpriced;
  private int calls;
  private int cached;
  private long busyNanos;

  UnitMeter(PriceTable prices) {
    this.prices = prices;
  }

  /** The client, seen through this meter. {@code local}: a server of one's own, free unless priced. */
  LlmClient wrap(LlmClient inner, boolean local) {
    return new LlmClient() {
      @Override
      public String name() {
        return inner.name();
      }

      @Override
      public String model() {
        return inner.model();
      }

      @Override
      public boolean local() {
        return local;
      }

      @Override
      public ChatReply chat(ChatRequest request) {
        ChatReply r = inner.chat(request);
        add(inner.model(), local, r.usage(), r.cached());
        return r;
      }

      @Override
      public CompletionReply complete(CompletionRequest request) {
        CompletionReply r = inner.complete(request);
        add(inner.model(), local, r.usage(), r.cached());
        return r;
      }

      @Override
      public List<float[]> embed(List<String> texts) {
        throw new UnsupportedOperationException("embeddings are metered by the similarity step");
      }

      @Override
      public Estimate estimate(ChatRequest request) {
        return inner.estimate(request);
      }

      @Override
      public Estimate estimate(CompletionRequest request) {
        return inner.estimate(request);
      }
    };
  }

  synchronized void add(String model, boolean local, Usage usage, boolean fromCache) {
    calls++;
    if (fromCache) cached++;
    promptTokens += usage.promptTokens();
    completionTokens += usage.completionTokens();
    Optional<PriceTable.Price> p = prices.priceOf(model);
    if (p.isPresent()) dollars += p.get().dollars(usage);
    else if (!local) unpriced = true;
  }

  /** Time spent in a turn of a shared resource (the CPU-bound offline models), waiting excluded. */
  synchronized void addBusy(long nanos) {
    busyNanos += nanos;
  }

  synchronized double busySeconds() {
    return busyNanos / 1e9;
  }

  synchronized ExperimentStore.Cost cost(String model, double wallSeconds) {
    return new ExperimentStore.Cost(model, promptTokens, completionTokens, unpriced ? OptionalDouble.empty() : OptionalDouble.of(dollars),
        wallSeconds, calls, cached);
  }
}
