package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.llm.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Embedding: how well does the explanation, as a query, retrieve the activating excerpts from among the
 * non-activating ones? Each excerpt's score is the cosine similarity of its embedding to the
 * explanation's; the figure is the AUROC of activating against non-activating excerpts. Runs offline
 * with the embedded MiniLM model (the default) or on any {@code /embeddings} endpoint.
 */
public final class EmbeddingScorer implements ExcerptScorer {
  private static final int SETS_KEPT = 64;

  private final EmbeddingModel model;
  // Explanations of one unit are scored on the same excerpts: each recent set's excerpts are embedded once.
  private final Map<List<String>, List<float[]>> recent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<String>, List<float[]>> eldest) {
      return size() > SETS_KEPT;
    }
  };

  public EmbeddingScorer(EmbeddingModel model) {
    this.model = model;
  }

  @Override
  public String method() {
    return "embedding";
  }

  @Override
  public String name() {
    return "embedding:" + (model.name().equals(MiniLmEmbeddings.NAME) ? "baseline-minilm" : model.name());
  }

  @Override
  public Kind kind() {
    return Kind.RANK;
  }

  @Override
  public Verdicts score(String explanation, ScoringSet set) {
    if (EmbeddingModel.blank(explanation)) return new Verdicts(name(), kind(), set.quantiles(), List.of(), List.of("the explanation is empty"), Usage.NONE, 0);
    List<ScoringSet.Excerpt> usable = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (ScoringSet.Excerpt e : set.all()) {
      if (EmbeddingModel.blank(e.record().text())) failures.add("an excerpt has no visible text to embed");
      else usable.add(e);
    }
    List<String> texts = usable.stream().map(e -> e.record().text()).toList();
    float[] query;
    List<float[]> vectors;
    try {
      query = model.embed(explanation.strip());
      vectors = excerpts(texts);
    } catch (LlmException e) {
      failures.add(usable.size() + " excerpts: " + e.kind() + ": " + e.getMessage());
      return new Verdicts(name(), kind(), set.quantiles(), List.of(), failures, Usage.NONE, 1);
    }
    List<Judgement> js = new ArrayList<>();
    for (int i = 0; i < usable.size(); i++) {
      double s = EmbeddingModel.cosine(vectors.get(i), query);
      boolean truth = usable.get(i).quantile() > 0;
      js.add(new Judgement(usable.get(i).quantile(), truth, truth, s)); // RANK: no threshold, so no prediction of its own
    }
    return new Verdicts(name(), kind(), set.quantiles(), js, failures, Usage.NONE, 1);
  }

  private List<float[]> excerpts(List<String> texts) {
    synchronized (recent) {
      List<float[]> known = recent.get(texts);
      if (known != null) return known;
    }
    List<float[]> vectors = model.embed(texts);
    synchronized (recent) {
      recent.put(texts, vectors);
    }
    return vectors;
  }
}
