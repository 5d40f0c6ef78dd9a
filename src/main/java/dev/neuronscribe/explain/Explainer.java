package dev.neuronscribe.explain;

import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.prompts.PromptFormat;
import java.util.List;
import java.util.Optional;

/** Writes explanations of what a neuron does. */
public interface Explainer {

  /** Names the explainer in every output, e.g. {@code "openai:gpt-4o-mini"} or {@code "baseline-explainer"}. */
  String name();

  /**
   * {@code samples} explanations (failed ones carry their reason). Thread-safe.
   *
   * @throws dev.neuronscribe.llm.BudgetExceededException when the run's budget does not allow the request
   */
  List<Explanation> explain(PromptFormat format, Explainee explainee, int samples);

  /** What explaining would ask of a model server, without sending it (dry runs); empty when nothing is sent. */
  default Optional<LlmClient.Planned> estimate(PromptFormat format, Explainee explainee, int samples) {
    return Optional.empty();
  }
}
