package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.llm.Usage;
import dev.neuronscribe.prompts.ScorerWording;
import java.util.ArrayList;
import java.util.List;

/**
 * Intruder with a chat model: given the explanation and a few excerpts of which all but one activate
 * the unit, which one does not fit? One group per request; the figure is the share found. Unlike
 * delphi's intruder test this one shows the explanation, so that it scores the explanation and not only
 * the unit.
 */
public final class LlmIntruderScorer implements ExcerptScorer {
  private final LlmClient client;
  private final ScorerWording wording;

  public LlmIntruderScorer(LlmClient client, ScorerWording wording) {
    this.client = client;
    this.wording = wording;
  }

  @Override
  public String method() {
    return "intruder";
  }

  @Override
  public String name() {
    return "intruder:" + client.name();
  }

  @Override
  public Kind kind() {
    return Kind.CHOOSE;
  }

  private record Result(List<Judgement> judgement, List<String> failure, Usage usage) {}

  public ChatRequest request(String explanation, List<String> excerpts) {
    return ChatRequest.sample(ScorerPrompts.batch(wording.intruder(), explanation, excerpts, ScorerPrompts.CHOICE_RULE), 1, 0, 1, 8);
  }

  @Override
  public List<LlmClient.Planned> estimate(String explanation, ScoringSet set) {
    return Intruders.groups(set).stream()
        .map(g -> new LlmClient.Planned(client, client.estimate(request(explanation, g.excerpts().stream().map(ScorerPrompts::text).toList()))))
        .toList();
  }

  @Override
  public Verdicts score(String explanation, ScoringSet set) {
    List<Intruders.Group> groups = Intruders.groups(set);
    List<String> failures = new ArrayList<>();
    if (groups.isEmpty()) failures.add("no intruder groups: the unit has no non-activating excerpts");
    if (ScorerPrompts.noExplanation(explanation).isPresent()) {
      return new Verdicts(name(), kind(), set.quantiles(), List.of(), List.of("the explanation is empty"), Usage.NONE, 0);
    }
    List<Result> results = Batches.inParallel(groups, g -> pick(explanation, g));
    List<Judgement> js = new ArrayList<>();
    Usage usage = Usage.NONE;
    for (Result r : results) {
      js.addAll(r.judgement());
      failures.addAll(r.failure());
      usage = usage.plus(r.usage());
    }
    return new Verdicts(name(), kind(), set.quantiles(), js, failures, usage, groups.size());
  }

  private Result pick(String explanation, Intruders.Group g) {
    ChatReply reply;
    try {
      reply = client.chat(request(explanation, g.excerpts().stream().map(ScorerPrompts::text).toList()));
    } catch (LlmException e) {
      return new Result(List.of(), List.of("a group: " + e.kind() + ": " + e.getMessage()), Usage.NONE);
    }
    return switch (ScorerPrompts.choice(reply.choices().getFirst().content(), g.excerpts().size())) {
      case ScorerPrompts.Answer.Unreadable<Integer>(String reason) -> new Result(List.of(), List.of("a group: unreadable answer: " + reason), reply.usage());
      case ScorerPrompts.Answer.Read<Integer>(Integer k) ->
          new Result(List.of(new Judgement(g.quantile(), true, k - 1 == g.intruder(), Double.NaN)), List.of(), reply.usage());
    };
  }
}
