package dev.neuronscribe.llm;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.List;

/**
 * The embedded, offline embedding model: sentence-transformers' all-MiniLM-L6-v2 (384 dimensions), run
 * with ONNX Runtime from inside the jar. No network, no key. Loading takes about a second, so one
 * instance should be shared; it is safe to use from several threads. Blank texts (nothing but
 * whitespace or control characters, see {@link EmbeddingModel#blank(String)}) are refused with the
 * index of the text rather than langchain4j's bare "text cannot be null or blank".
 */
public final class MiniLmEmbeddings implements EmbeddingModel {
  public static final String NAME = "all-minilm-l6-v2";

  private final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    if (texts.isEmpty()) return List.of();
    EmbeddingModel.requireNotBlank(texts);
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    return model.embedAll(segments).content().stream().map(Embedding::vector).toList();
  }
}
