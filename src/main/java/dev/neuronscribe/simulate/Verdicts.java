package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.Usage;
import java.util.List;

/**
 * What one scorer made of one explanation of one unit: its decisions, the items it could not decide
 * (each with the reason: an unreadable reply, a failed request), and what the requests consumed. A
 * failure is never turned into a decision.
 */
public record Verdicts(String scorer, ExcerptScorer.Kind kind, int quantiles, List<Judgement> judgements, List<String> failures, Usage usage, int requests) {
  public Verdicts {
    judgements = List.copyOf(judgements);
    failures = List.copyOf(failures);
  }

  public ScorerMetrics metrics() {
    return ScorerMetrics.of(this);
  }
}
