package dev.neuronscribe.explain;

import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.prompts.Message;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The paper's explainer: the format's prompt (pack wording, the neuron's explain split or a puzzle's
 * sentences) sent to a chat model with temperature 1, top_p 1 and max_tokens 60; all samples in one
 * request ({@code n}).
 */
public final class LlmExplainer implements Explainer {
  public static final double TEMPERATURE = 1.0;
  public static final double TOP_P = 1.0;
  public static final int MAX_TOKENS = 60;

  private final LlmClient client;
  private final PromptPack pack;
  private final TokenCounter counter = TokenCounter.of("cl100k_base");

  public LlmExplainer(LlmClient client, PromptPack pack) {
    this.client = client;
    this.pack = pack;
  }

  @Override
  public String name() {
    return client.name();
  }

  public List<Message> prompt(PromptFormat format, Explainee e) {
    return e.prompt(format, pack);
  }

  public ChatRequest request(PromptFormat format, Explainee e, int samples) {
    return ChatRequest.sample(prompt(format, e), samples, TEMPERATURE, TOP_P, MAX_TOKENS);
  }

  @Override
  public Optional<LlmClient.Planned> estimate(PromptFormat format, Explainee e, int samples) {
    return Optional.of(new LlmClient.Planned(client, client.estimate(request(format, e, samples))));
  }

  @Override
  public List<Explanation> explain(PromptFormat format, Explainee e, int samples) {
    ChatRequest request = request(format, e, samples);
    long promptTokens = counter.countChat(request.messages());
    Target target = e.target();
    List<Explanation> out = new ArrayList<>();
    ChatReply reply;
    try {
      reply = client.chat(request);
    } catch (LlmException ex) {
      for (int s = 0; s < samples; s++) out.add(Explanation.failed(target, format, s, name(), ex.kind() + ": " + ex.getMessage(), promptTokens));
      return out;
    }
    for (int s = 0; s < samples; s++) {
      if (s >= reply.choices().size()) {
        out.add(Explanation.failed(target, format, s, name(), "the server returned " + reply.choices().size() + " of " + samples
            + " samples (it may not support n > 1; run with --samples 1)", promptTokens));
        continue;
      }
      ChatReply.Choice c = reply.choices().get(s);
      String text = ExplanationCleanup.clean(c.content());
      if (text.isEmpty()) {
        out.add(Explanation.failed(target, format, s, name(), "empty explanation (finish_reason " + c.finishReason() + ")", promptTokens));
      } else if (ExplanationCleanup.blank(text)) {
        out.add(Explanation.failed(target, format, s, name(), "blank explanation: only whitespace or replacement characters (U+FFFD) "
            + "in the reply's first line (finish_reason " + c.finishReason() + ")", promptTokens));
      } else {
        out.add(Explanation.of(target, format, s, name(), text, promptTokens, counter.count(c.content())));
      }
    }
    return out;
  }
}
