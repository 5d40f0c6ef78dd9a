package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.llm.Usage;
import dev.neuronscribe.prompts.ScorerWording;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Detection and fuzzing with a chat model, several items per request. Detection: does this excerpt
 * make the unit respond at all? (activating and non-activating excerpts, mixed). Fuzzing: are the
 * marked tokens the activating ones? (each activating excerpt marked correctly and at random). The
 * model answers yes or no per item; the score behind the AUROC is that answer (0 or 1).
 */
public final class LlmJudgeScorer implements ExcerptScorer {
  public static final int DEFAULT_BATCH = 5;

  /** Which question the judge is asked. */
  public enum Question { DETECTION, FUZZING }

  private final LlmClient client;
  private final ScorerWording wording;
  private final Question question;
  private final int batch;

  public LlmJudgeScorer(LlmClient client, ScorerWording wording, Question question, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
    this.client = client;
    this.wording = wording;
    this.question = question;
    this.batch = batch;
  }

  @Override
  public String method() {
    return question == Question.DETECTION ? "detection" : "fuzzing";
  }

  @Override
  public String name() {
    return method() + ":" + client.name();
  }

  @Override
  public Kind kind() {
    return Kind.CLASSIFY;
  }

  private record Item(String text, int quantile, boolean truth) {}

  private record BatchResult(List<Judgement> judgements, List<String> failures, Usage usage) {}

  List<Item> items(ScoringSet set) {
    List<Item> items = new ArrayList<>();
    if (question == Question.DETECTION) {
      for (ScoringSet.Excerpt e : set.all()) items.add(new Item(ScorerPrompts.text(e.record()), e.quantile(), e.quantile() > 0));
    } else {
      for (Fuzz.Item f : Fuzz.items(set)) items.add(new Item(ScorerPrompts.marked(f.record(), f.marks()), f.quantile(), f.correct()));
    }
    Collections.shuffle(items, new Random(set.seed())); // mix the classes inside each request
    return items;
  }

  /** The requests this scorer would send (for dry runs and tests). */
  public List<ChatRequest> requests(String explanation, ScoringSet set) {
    return Batches.chunks(items(set), batch).stream().map(b -> request(explanation, b)).toList();
  }

  private ChatRequest request(String explanation, List<Item> b) {
    String instruction = question == Question.DETECTION ? wording.detection() : wording.fuzzing();
    return ChatRequest.sample(ScorerPrompts.batch(instruction, explanation, b.stream().map(Item::text).toList(), ScorerPrompts.YES_NO_RULE),
        1, 0, 1, 16 + 8 * b.size());
  }

  @Override
  public List<LlmClient.Planned> estimate(String explanation, ScoringSet set) {
    return requests(explanation, set).stream().map(r -> new LlmClient.Planned(client, client.estimate(r))).toList();
  }

  @Override
  public Verdicts score(String explanation, ScoringSet set) {
    List<List<Item>> batches = Batches.chunks(items(set), batch);
    if (ScorerPrompts.noExplanation(explanation).isPresent()) {
      return new Verdicts(name(), kind(), set.quantiles(), List.of(), List.of("the explanation is empty"), Usage.NONE, 0);
    }
    List<BatchResult> results = Batches.inParallel(batches, b -> judge(explanation, b));
    List<Judgement> js = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Usage usage = Usage.NONE;
    for (BatchResult r : results) {
      js.addAll(r.judgements());
      failures.addAll(r.failures());
      usage = usage.plus(r.usage());
    }
    return new Verdicts(name(), kind(), set.quantiles(), js, failures, usage, batches.size());
  }

  private BatchResult judge(String explanation, List<Item> b) {
    ChatReply reply;
    try {
      reply = client.chat(request(explanation, b));
    } catch (LlmException e) {
      return new BatchResult(List.of(), List.of(b.size() + " items: " + e.kind() + ": " + e.getMessage()), Usage.NONE);
    }
    return switch (ScorerPrompts.yesNo(reply.choices().getFirst().content(), b.size())) {
      case ScorerPrompts.Answer.Unreadable<boolean[]>(String reason) ->
          new BatchResult(List.of(), List.of(b.size() + " items: unreadable answer: " + reason), reply.usage());
      case ScorerPrompts.Answer.Read<boolean[]>(boolean[] yes) -> {
        List<Judgement> js = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) js.add(new Judgement(b.get(i).quantile(), b.get(i).truth(), yes[i], yes[i] ? 1 : 0));
        yield new BatchResult(js, List.of(), reply.usage());
      }
    };
  }
}
