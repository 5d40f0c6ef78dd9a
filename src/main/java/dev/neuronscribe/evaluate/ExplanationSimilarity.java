package dev.neuronscribe.evaluate;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.llm.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Embedding similarity of generated explanations to reference explanations (the paper's "AdaCS" when
 * the model is text-embedding-ada-002): the cosine of the two embeddings, per neuron and format.
 * Texts are embedded exactly as given, as the paper did (no trimming, no added or removed period).
 */
public final class ExplanationSimilarity {
  /** Texts sent to the embedding model per call. */
  static final int BATCH = 64;

  private final EmbeddingModel model;

  public ExplanationSimilarity(EmbeddingModel model) {
    this.model = model;
  }

  /** How the explanations and references lined up, so that nothing is dropped unannounced. */
  public record Join(int explanationRows, int referenceRows, int matched, List<NeuronId> explanationsWithoutReference,
      int referencesWithoutExplanation, List<NeuronId> referencesWithoutText, Map<String, Integer> missingExplanations) {
    public Join {
      explanationsWithoutReference = List.copyOf(explanationsWithoutReference);
      referencesWithoutText = List.copyOf(referencesWithoutText);
      missingExplanations = Map.copyOf(missingExplanations);
    }

    /** What a reader should know about the join, one sentence each; the files are named as given. */
    public List<String> notes(Path explanations, Path references) {
      List<String> notes = new ArrayList<>();
      notes.add(matched + " of " + explanationRows + " explanation rows joined to a reference on (layer, neuron).");
      if (!explanationsWithoutReference.isEmpty()) {
        notes.add(explanationsWithoutReference.size() + " explanation rows of " + explanations + " have no reference in " + references
            + " and are not scored (first: " + explanationsWithoutReference.stream().limit(5).map(Object::toString).toList() + ").");
      }
      if (!referencesWithoutText.isEmpty()) {
        notes.add(referencesWithoutText.size() + " references have an empty explanation; their neurons are not scored.");
      }
      if (referencesWithoutExplanation > 0) {
        notes.add(referencesWithoutExplanation + " of " + referenceRows + " reference rows have no explanation row (not used).");
      }
      missingExplanations.forEach((f, k) -> {
        if (k > 0) notes.add(k + " joined neurons have no " + f + " explanation (blank cell); they count as missing for " + f + ".");
      });
      return notes;
    }
  }

  /** How many distinct texts scoring will embed (for a progress bar's total). */
  public static long textsToEmbed(ExplanationTable e, NeuronIndex refs) {
    Set<String> texts = new HashSet<>();
    Set<NeuronId> ids = new HashSet<>(e.rows().stream().map(ExplanationTable.Row::id).toList());
    refs.entries().stream().filter(x -> ids.contains(x.id())).forEach(x -> x.explanation().ifPresent(texts::add));
    e.rows().forEach(r -> texts.addAll(r.explanations().values()));
    return texts.size();
  }

  public record Result(ScoreTable table, Join join) {}

  /**
   * Scores every explanation against its neuron's reference. Neurons without a reference (or whose
   * reference has no text) are left out of the table and listed in {@link Join}; blank explanations
   * are NaN in the table. {@code progress} hears the number of texts embedded after each batch.
   */
  public Result score(ExplanationTable explanations, NeuronIndex references, IntConsumer progress) {
    Map<NeuronId, NeuronIndex.Entry> refs = new HashMap<>();
    references.entries().forEach(e -> refs.put(e.id(), e));
    List<NeuronId> withoutReference = new ArrayList<>();
    List<NeuronId> withoutText = new ArrayList<>();
    List<ExplanationTable.Row> matched = new ArrayList<>();
    for (ExplanationTable.Row row : explanations.rows()) {
      NeuronIndex.Entry ref = refs.get(row.id());
      if (ref == null) withoutReference.add(row.id());
      else if (ref.explanation().isEmpty()) withoutText.add(row.id());
      else matched.add(row);
    }
    if (matched.isEmpty()) {
      // Nothing to compare is an error, not a table of NaN.
      boolean anyText = references.entries().stream().anyMatch(e -> e.explanation().isPresent());
      throw new InvalidInputException(references.source(), anyText
          ? "none of its " + references.entries().size() + " neurons has a row among the " + explanations.rows().size()
              + " explanations (first: " + explanations.rows().stream().limit(3).map(r -> r.id().toString()).toList() + "); check that both files cover the same neurons"
          : "has no reference explanations: it needs an 'explanation' column with text (e.g. OpenAI's explanations, as in the paper's neurons_to_evaluate.csv)");
    }
    Map<String, Integer> missing = new LinkedHashMap<>();
    for (String f : explanations.formats()) {
      missing.put(f, (int) matched.stream().filter(r -> r.explanation(f).isEmpty()).count());
    }
    LinkedHashSet<String> texts = new LinkedHashSet<>();
    for (ExplanationTable.Row row : matched) {
      texts.add(refs.get(row.id()).explanation().orElseThrow());
      texts.addAll(row.explanations().values());
    }
    Map<String, float[]> vectors = embedAll(model, new ArrayList<>(texts), progress);

    List<ScoreTable.Row> rows = new ArrayList<>();
    for (ExplanationTable.Row row : matched) {
      float[] ref = vectors.get(refs.get(row.id()).explanation().orElseThrow());
      double[] values = new double[explanations.formats().size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.explanation(explanations.formats().get(i)).map(t -> EmbeddingModel.cosine(vectors.get(t), ref)).orElse(Double.NaN);
      }
      rows.add(new ScoreTable.Row(row.id().toString(), OptionalInt.of(row.id().layer()), values));
    }
    java.util.Set<NeuronId> explained = new java.util.HashSet<>(explanations.rows().stream().map(ExplanationTable.Row::id).toList());
    int referencesUsed = (int) references.entries().stream().filter(e -> explained.contains(e.id())).count();
    Join join = new Join(explanations.rows().size(), references.entries().size(), matched.size(), withoutReference,
        references.entries().size() - referencesUsed, withoutText, missing);
    ScoreTable table = new ScoreTable("cosine similarity to the reference explanation (" + model.name() + ")", "neuron", explanations.formats(), rows);
    return new Result(table, join);
  }

  /** Embeds distinct texts in batches; the map keys are the texts themselves. */
  static Map<String, float[]> embedAll(EmbeddingModel model, List<String> texts, IntConsumer progress) {
    Map<String, float[]> out = new HashMap<>();
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      List<float[]> vectors = model.embed(batch);
      if (vectors.size() != batch.size()) {
        throw new IllegalStateException("embedding model " + model.name() + " returned " + vectors.size() + " vectors for " + batch.size() + " texts");
      }
      for (int i = 0; i < batch.size(); i++) out.put(batch.get(i), vectors.get(i));
      progress.accept(batch.size());
    }
    return out;
  }
}
