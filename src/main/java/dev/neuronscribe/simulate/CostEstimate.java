package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run's units still to do would send, per step and model: the one dry-run estimate of every
 * preset of the run engine ({@code explain}, {@code simulate}, {@code pipeline}, {@code experiment run}).
 * Requests are built exactly as the run would build them; prompt tokens are counted locally, completions
 * at their {@code max_tokens}, and replies already in the response cache count as free. Nothing is sent.
 */
public record CostEstimate(List<Line> lines, int unitsToDo, int unitsDone, String pricesAsOf) {

  /** One step and model: units to do, requests (of which cached), tokens and the dollar upper bound. */
  public record Line(String step, String model, int units, long requests, long cached, long promptTokens, long maxCompletionTokens,
      double dollars, boolean priced) {}

  public CostEstimate {
    lines = List.copyOf(lines);
  }

  /** A text standing in for an explanation not written yet, of typical length, to size a simulation prompt. */
  public static final String PLACEHOLDER = "words and phrases about a placeholder topic used only to estimate the size of a simulation prompt";

  public double dollars() {
    return lines.stream().mapToDouble(Line::dollars).sum();
  }

  public long requests() {
    return lines.stream().mapToLong(Line::requests).sum();
  }

  public long cached() {
    return lines.stream().mapToLong(Line::cached).sum();
  }

  /** Collects units into an estimate. Not thread-safe: a dry run walks the units in order. */
  public static final class Tally {
    private final PriceTable prices;
    private final Map<List<String>, Acc> acc = new LinkedHashMap<>();
    private int toDo;
    private int done;

    public Tally(PriceTable prices) {
      this.prices = prices;
    }

    /** Units already in the store: nothing to send. */
    public void alreadyDone(int units) {
      done += units;
    }

    /** A unit a step does on this machine ({@code model} names the offline method): no request, no cost. */
    public void offline(String step, String model) {
      toDo++;
      acc.computeIfAbsent(List.of(step, model), k -> new Acc()).units++;
    }

    /** A unit to do and the requests it would send (none: it counts, but adds no line of its own). */
    public void unit(String step, List<LlmClient.Planned> requests) {
      toDo++;
      boolean first = true;
      for (LlmClient.Planned p : requests) {
        Acc a = acc.computeIfAbsent(List.of(step, p.client().name()), k -> new Acc());
        if (first) a.units++;
        first = false;
        a.requests++;
        LlmClient.Estimate est = p.estimate();
        if (est.cached()) {
          a.cached++;
          continue;
        }
        a.promptTokens += est.promptTokens();
        a.maxCompletionTokens += est.maxCompletionTokens();
        Optional<PriceTable.Price> price = prices.priceOf(p.client().model());
        if (price.isPresent()) a.dollars += price.get().dollars(new Usage(est.promptTokens(), est.maxCompletionTokens()));
        else if (!p.client().local()) a.unpriced = true;
      }
    }

    public CostEstimate result() {
      List<Line> lines = new ArrayList<>();
      acc.forEach((k, a) -> lines.add(new Line(k.get(0), k.get(1), a.units, a.requests, a.cached, a.promptTokens, a.maxCompletionTokens,
          a.dollars, !a.unpriced)));
      return new CostEstimate(lines, toDo, done, prices.asOf());
    }

    private static final class Acc {
      int units;
      long requests;
      long cached;
      long promptTokens;
      long maxCompletionTokens;
      double dollars;
      boolean unpriced;
    }
  }
}
