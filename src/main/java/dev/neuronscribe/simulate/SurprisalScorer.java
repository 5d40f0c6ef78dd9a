package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.CompletionReply;
import dev.neuronscribe.llm.CompletionRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.llm.Usage;
import dev.neuronscribe.prompts.ScorerWording;
import java.util.ArrayList;
import java.util.List;

/**
 * Surprisal: does reading the explanation first make a language model find the activating excerpts
 * less surprising than the non-activating ones? For each excerpt, the mean log-probability of its tokens
 * after the pack's surprisal prefix (with the explanation) minus the same without any prefix; the figure
 * is the AUROC of that gain, activating against non-activating. Needs prompt log-probabilities
 * ({@code /completions} with {@code echo}), so a backend without them is refused when the scorer is built.
 */
public final class SurprisalScorer implements ExcerptScorer {
  private final LlmClient client;
  private final ScorerWording wording;

  public SurprisalScorer(LlmClient client, ScorerWording wording) {
    if (!client.promptLogprobs()) {
      throw new IllegalArgumentException("the surprisal scorer needs prompt log-probabilities (/completions with echo), which " + client.name()
          + " does not return; use a vllm or llamacpp backend, or another scorer");
    }
    this.client = client;
    this.wording = wording;
  }

  @Override
  public String method() {
    return "surprisal";
  }

  @Override
  public String name() {
    return "surprisal:" + client.name();
  }

  @Override
  public Kind kind() {
    return Kind.RANK;
  }

  private record Result(List<Judgement> judgement, List<String> failure, Usage usage, int requests) {}

  @Override
  public List<LlmClient.Planned> estimate(String explanation, ScoringSet set) {
    String prefix = wording.surprisalPrefix(explanation);
    List<LlmClient.Planned> out = new ArrayList<>();
    for (ScoringSet.Excerpt e : set.all()) {
      if (e.record().text().isBlank()) continue;
      for (String p : List.of(prefix, "")) {
        out.add(new LlmClient.Planned(client, client.estimate(CompletionRequest.promptLogprobs(p + e.record().text(), 1))));
      }
    }
    return out;
  }

  @Override
  public Verdicts score(String explanation, ScoringSet set) {
    if (ScorerPrompts.noExplanation(explanation).isPresent()) {
      return new Verdicts(name(), kind(), set.quantiles(), List.of(), List.of("the explanation is empty"), Usage.NONE, 0);
    }
    String prefix = wording.surprisalPrefix(explanation);
    List<Result> results = Batches.inParallel(set.all(), e -> gain(prefix, e));
    List<Judgement> js = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Usage usage = Usage.NONE;
    int requests = 0;
    for (Result r : results) {
      js.addAll(r.judgement());
      failures.addAll(r.failure());
      usage = usage.plus(r.usage());
      requests += r.requests();
    }
    return new Verdicts(name(), kind(), set.quantiles(), js, failures, usage, requests);
  }

  private Result gain(String prefix, ScoringSet.Excerpt e) {
    String text = e.record().text();
    if (text.isBlank()) return new Result(List.of(), List.of("an excerpt has no visible text"), Usage.NONE, 0);
    Usage usage = Usage.NONE;
    double[] means = new double[2];
    String[] prefixes = {prefix, ""};
    for (int k = 0; k < 2; k++) {
      CompletionReply reply;
      try {
        reply = client.complete(CompletionRequest.promptLogprobs(prefixes[k] + text, 1));
      } catch (LlmException ex) {
        return new Result(List.of(), List.of("an excerpt: " + ex.kind() + ": " + ex.getMessage()), usage, k + 1);
      }
      usage = usage.plus(reply.usage());
      var lp = reply.choices().getFirst().logprobs();
      if (lp.isEmpty()) return new Result(List.of(), List.of("an excerpt: the server returned no prompt log-probabilities"), usage, k + 1);
      double mean = meanFrom(lp.get(), prefixes[k].length());
      if (Double.isNaN(mean)) {
        return new Result(List.of(), List.of("an excerpt: no token of the reply starts inside the excerpt; cannot read its log-probabilities"), usage, k + 1);
      }
      means[k] = mean;
    }
    boolean truth = e.quantile() > 0;
    return new Result(List.of(new Judgement(e.quantile(), truth, truth, means[0] - means[1])), List.of(), usage, 2);
  }

  /**
   * Mean log-probability of the tokens that start at or after {@code from} (the excerpt's first character;
   * offsets as the server counts them), leaving out the first of them: without a prefix the first token
   * of a prompt has no log-probability, so both readings are judged from the excerpt's second token on.
   */
  static double meanFrom(CompletionReply.Logprobs lp, int from) {
    double[] values = lp.tokenLogprobs();
    int[] offsets = lp.textOffset();
    double sum = 0;
    int n = 0;
    boolean first = true;
    for (int i = 0; i < values.length && i < offsets.length; i++) {
      if (offsets[i] < from) continue;
      if (first) {
        first = false;
        continue;
      }
      if (!Double.isNaN(values[i])) {
        sum += values[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
