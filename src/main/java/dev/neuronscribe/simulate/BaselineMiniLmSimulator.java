package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.EmbeddingModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An offline baseline, not a language-model simulator: predicts a token's activation from how similar
 * the token is in meaning to the explanation, using the embedded MiniLM sentence model. For each token,
 * {@code s = 0.75·cos(E(token), E(explanation)) + 0.25·cos(E(context), E(explanation))} where context is the
 * token with up to three tokens before it; then {@code prediction = 10 · σ((s − 0.35) / 0.07)}.
 *
 * <p>Why this mapping: MiniLM cosines between a word and an unrelated sentence sit around 0–0.2 and a word
 * named or described by the sentence around 0.45–0.7, so 0.35 splits the two and 0.07 spreads them over
 * most of 0–10 (0.1 → 0.3, 0.6 → 9.7). A sigmoid rather than a clamp keeps predictions distinct, so
 * the correlation score stays defined. The weights favour the token itself, the context only breaks ties
 * between identical tokens.
 */
public final class BaselineMiniLmSimulator implements Simulator {
  public static final String NAME = "baseline-minilm-simulator";
  static final double CENTRE = 0.35;
  static final double SPREAD = 0.07;
  private static final int CONTEXT = 3;
  private static final int MAX_CACHED = 200_000;

  private final EmbeddingModel model;
  // Excerpts are simulated once per explanation and format: their token embeddings are reused.
  private final Map<String, float[]> embeddings = new ConcurrentHashMap<>();

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
    List<String> contexts = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      texts.add(tokens.get(i).strip());
      contexts.add(String.join("", tokens.subList(Math.max(0, i - CONTEXT), i + 1)).strip());
    }
    List<String> wanted = new ArrayList<>(texts);
    wanted.addAll(contexts);
    wanted.add(explanation.strip());
    Map<String, float[]> vectors = vectors(wanted);
    float[] e = vectors.get(explanation.strip());
    double[] predicted = new double[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      double s = 0.75 * EmbeddingModel.cosine(vectors.get(texts.get(i)), e) + 0.25 * EmbeddingModel.cosine(vectors.get(contexts.get(i)), e);
      predicted[i] = 10 / (1 + Math.exp(-(s - CENTRE) / SPREAD));
    }
    return new SimulationOutcome.Simulated(SequenceSimulation.pointEstimates(tokens, predicted));
  }

  private Map<String, float[]> vectors(List<String> texts) {
    Map<String, float[]> out = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String t : texts) {
      float[] v = embeddings.get(t);
      if (v != null) out.put(t, v);
      else if (!out.containsKey(t) && !missing.contains(t)) missing.add(t);
    }
    if (!missing.isEmpty()) {
      List<float[]> computed = model.embed(missing);
      if (embeddings.size() > MAX_CACHED) embeddings.clear();
      for (int i = 0; i < missing.size(); i++) {
        out.put(missing.get(i), computed.get(i));
        embeddings.put(missing.get(i), computed.get(i));
      }
    }
    return out;
  }
}
