package dev.neuronscribe.llm;

import dev.neuronscribe.prompts.Message;
import java.util.List;

/**
 * One {@code /chat/completions} request, model aside (the client knows its model). {@code topLogprobs}
 * matters only with {@code logprobs}; OpenAI allows 0–20.
 */
public record ChatRequest(
    List<Message> messages, int n, double temperature, double topP, int maxTokens, boolean logprobs, int topLogprobs) {

  public ChatRequest {
    messages = List.copyOf(messages);
    if (messages.isEmpty()) throw new IllegalArgumentException("a chat request needs at least one message");
    if (n < 1) throw new IllegalArgumentException("n must be at least 1, got " + n);
    if (maxTokens < 1) throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
    if (topLogprobs < 0 || topLogprobs > 20) throw new IllegalArgumentException("top_logprobs must be 0–20, got " + topLogprobs);
    if (temperature < 0 || temperature > 2) throw new IllegalArgumentException("temperature must be 0–2, got " + temperature);
    if (topP <= 0 || topP > 1) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
  }

  /** Sampling without log-probabilities. */
  public static ChatRequest sample(List<Message> messages, int n, double temperature, double topP, int maxTokens) {
    return new ChatRequest(messages, n, temperature, topP, maxTokens, false, 0);
  }
}
