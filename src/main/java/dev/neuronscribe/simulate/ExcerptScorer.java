package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.LlmClient;
import java.util.List;

/**
 * Scores an explanation of a unit on a set of its excerpts ({@link ScoringSet}): detection,
 * fuzzing, embedding, intruder or surprisal (see {@code docs/scorers.md}). Each scorer is built for one
 * backend; one that the backend cannot serve is refused when it is built, before any request.
 */
public interface ExcerptScorer {

  /** What a scorer's decisions mean, and so which figures it reports. */
  enum Kind {
    /** Yes/no per item with a confidence: accuracy, precision, recall, F1 and AUROC. */
    CLASSIFY,
    /** A score per item and no threshold: AUROC only. */
    RANK,
    /** One pick among several items: accuracy only. */
    CHOOSE
  }

  /** The method, e.g. {@code "detection"}. */
  String method();

  /** Method and backend, e.g. {@code "detection:openai:gpt-4o-mini"} or {@code "embedding:baseline-minilm"}. */
  String name();

  Kind kind();

  /**
   * Scores one explanation on one unit's examples. Thread-safe. A failed request or an unreadable reply
   * is a recorded failure of the items it covered.
   *
   * @throws dev.neuronscribe.llm.BudgetExceededException when the budget refuses a request (the run stops)
   */
  Verdicts score(String explanation, ScoringSet examples);

  /** The requests scoring would send, each with its estimate (dry runs); empty for the offline baselines. */
  default List<LlmClient.Planned> estimate(String explanation, ScoringSet examples) {
    return List.of();
  }
}
