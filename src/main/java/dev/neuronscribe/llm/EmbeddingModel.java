package dev.neuronscribe.llm;

import java.util.List;

/**
 * Turns texts into vectors whose cosine similarity reflects similarity of meaning. Implemented by the
 * embedded MiniLM model (offline) and by OpenAI-compatible {@code /v1/embeddings} endpoints.
 */
public interface EmbeddingModel {

  /** A stable name for reports and cache keys, e.g. {@code "all-minilm-l6-v2"} or {@code "text-embedding-ada-002"}. */
  String name();

  /** One vector per text, in order. */
  List<float[]> embed(List<String> texts);

  default float[] embed(String text) {
    return embed(List.of(text)).getFirst();
  }

  /** Cosine similarity of two vectors of equal length (0 when either is all zeros). */
  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("vectors differ in length: " + a.length + " vs " + b.length);
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
