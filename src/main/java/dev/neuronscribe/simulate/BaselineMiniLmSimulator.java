package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.EmbeddingModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An offline baseline, not a language-model simulator: predicts a token's activation from how similar
 * the token is in meaning to the explanation, using the embedded MiniLM sentence model:
 * {@code s = cos(E(token), E(explanation))}, then {@code prediction = 10 · σ((s − 0.35) / 0.07)}. The token is
 * embedded without its surrounding spaces; a token with nothing visible in it (whitespace or control
 * characters only, such as the puzzles' {@code "\x00"}) is embedded as a word for it ("newline", "tab",
 * otherwise "space"). Context is deliberately left out: embedding each token with its neighbours
 * smeared the prediction over them and cost twice the time.
 *
 * <p>Why this mapping: MiniLM cosines between a word and an unrelated sentence sit around 0–0.2 and a word
 * named or described by the sentence around 0.45–0.7, so 0.35 splits the two and 0.07 spreads them over
 * most of 0–10 (0.1 → 0.3, 0.6 → 9.7). A sigmoid rather than a clamp keeps predictions distinct, so
 * the correlation score stays defined.
 */
public final class BaselineMiniLmSimulator implements Simulator {
  public static final String NAME = "baseline-minilm-simulator";
  static final double CENTRE = 0.35;
  static final double SPREAD = 0.07;

  private final EmbeddingModel model;
  // Excerpts are simulated once per explanation and format, and tokens repeat: each text is embedded once.
  private final Map<String, CompletableFuture<float[]>> embeddings = new ConcurrentHashMap<>();

  public BaselineMiniLmSimulator(EmbeddingModel model) {
    this.model = model;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SimulationOutcome simulate(String explanation, List<String> tokens) {
    if (explanation.isBlank()) return new SimulationOutcome.Failed("the explanation is empty");
    List<String> texts = new ArrayList<>();
    for (String t : tokens) texts.add(text(t));
    List<String> wanted = new ArrayList<>(texts);
    wanted.add(explanation.strip());
    Map<String, float[]> vectors = vectors(wanted);
    float[] e = vectors.get(explanation.strip());
    double[] predicted = new double[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      double s = EmbeddingModel.cosine(vectors.get(texts.get(i)), e);
      predicted[i] = 10 / (1 + Math.exp(-(s - CENTRE) / SPREAD));
    }
    return new SimulationOutcome.Simulated(SequenceSimulation.pointEstimates(tokens, predicted));
  }

  /** What is embedded for a token: never a blank text, which the embedding model refuses. */
  static String text(String token) {
    if (!EmbeddingModel.blank(token)) return token.strip();
    if (token.contains("\n")) return "newline";
    if (token.contains("\t")) return "tab";
    return "space";
  }

  private Map<String, float[]> vectors(List<String> texts) {
    List<String> mine = new ArrayList<>();
    Map<String, CompletableFuture<float[]>> futures = new LinkedHashMap<>();
    for (String t : texts) {
      if (futures.containsKey(t)) continue;
      CompletableFuture<float[]> fresh = new CompletableFuture<>();
      CompletableFuture<float[]> known = embeddings.putIfAbsent(t, fresh);
      futures.put(t, known == null ? fresh : known);
      if (known == null) mine.add(t);
    }
    if (!mine.isEmpty()) {
      try {
        List<float[]> computed = model.embed(mine);
        for (int i = 0; i < mine.size(); i++) embeddings.get(mine.get(i)).complete(computed.get(i));
      } catch (RuntimeException ex) {
        for (String t : mine) {
          embeddings.remove(t).completeExceptionally(ex);
        }
        throw ex;
      }
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    futures.forEach((t, f) -> out.put(t, f.join()));
    return out;
  }
}
