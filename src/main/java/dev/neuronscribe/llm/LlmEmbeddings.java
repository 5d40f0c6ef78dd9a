package dev.neuronscribe.llm;

import java.util.List;

/**
 * An OpenAI-compatible {@code /embeddings} endpoint as an {@link EmbeddingModel}, e.g. OpenAI's
 * {@code text-embedding-ada-002} (the paper's "AdaCS"). The client brings retries, rate limits, the
 * budget and the cost ledger; wrap this in the embedding cache so that a text is paid for once.
 */
public final class LlmEmbeddings implements EmbeddingModel {
  private final LlmClient client;

  public LlmEmbeddings(LlmClient client) {
    this.client = client;
  }

  /** The model's own name, so that cached vectors are shared by every endpoint serving the same model. */
  @Override
  public String name() {
    return client.model();
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    if (texts.isEmpty()) return List.of();
    // Some servers reject an empty input string; one space embeds as (almost) nothing, as MiniLM does it.
    List<float[]> vectors = client.embed(texts.stream().map(t -> t.isEmpty() ? " " : t).toList());
    if (vectors.size() != texts.size()) {
      throw new LlmException(LlmException.Kind.MALFORMED_REPLY, "asked " + client.name() + " for " + texts.size() + " embeddings, got " + vectors.size());
    }
    return vectors;
  }
}
