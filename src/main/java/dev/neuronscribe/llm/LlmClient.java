package dev.neuronscribe.llm;

import java.util.List;

/**
 * An OpenAI-compatible model server, as the pipeline sees it. Every call either returns a complete,
 * well-formed reply or throws {@link LlmException} (or {@link BudgetExceededException}); transient faults
 * are retried inside.
 */
public interface LlmClient {

  /** Backend and model, e.g. {@code "openai:gpt-4o-mini"}; written into every output. */
  String name();

  String model();

  ChatReply chat(ChatRequest request);

  CompletionReply complete(CompletionRequest request);

  /** One vector per text, via {@code /embeddings}. */
  List<float[]> embed(List<String> texts);

  /** What the request would cost, without sending it (for dry runs). */
  Estimate estimate(ChatRequest request);

  Estimate estimate(CompletionRequest request);

  /**
   * A request's estimated size: prompt tokens counted locally, the most completion tokens it may produce,
   * and whether the cache already holds its reply (then it is free).
   */
  record Estimate(long promptTokens, long maxCompletionTokens, boolean cached) {}

  /** A server of one's own (vLLM, llama.cpp, Ollama…): free unless the price table names its model. */
  default boolean local() {
    return false;
  }

  /** A request a step would send, estimated, with the client that would send it (for pricing in dry runs). */
  record Planned(LlmClient client, Estimate estimate) {}
}
