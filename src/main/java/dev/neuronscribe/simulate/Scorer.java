package dev.neuronscribe.simulate;

import dev.neuronscribe.explain.Explainee;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.llm.LlmClient;
import java.util.List;

/**
 * A step that scores a target's explanations: the seam where scoring methods plug into the run
 * engine. Today's is simulate-and-score ({@link #simulation}); other scorers (detection, fuzzing,
 * embedding, intruder, surprisal) implement this interface and are run by the same presets, each result
 * stored under the scorer's {@link #name}.
 */
public interface Scorer {

  /** Names the method and model in outputs and store keys, e.g. {@code "all-at-once:vllm:Llama-3.1-8B"}. */
  String name();

  /**
   * Scores every successful explanation of one target. A failure of one explanation (a model error, a
   * reply that cannot be read) is returned as a reason, not thrown; thread-safe.
   *
   * @throws dev.neuronscribe.llm.BudgetExceededException when the budget refuses a request (the engine stops)
   */
  Scored score(Explainee explainee, List<Explanation> explanations) throws InterruptedException;

  /** What scoring these explanation texts would ask of model servers, request by request (dry runs); empty when it sends nothing. */
  default List<LlmClient.Planned> estimate(Explainee explainee, List<String> explanations) {
    return List.of();
  }

  /**
   * What scoring a target's explanations gave: the scored ones (OpenAI's format) and, for each that could
   * not be scored, the reason ({@code sample N ("text"): ...}).
   */
  record Scored(NeuronSimulationResults results, List<String> failures) {
    public Scored {
      failures = List.copyOf(failures);
    }
  }

  /** The paper's simulate-and-score with this simulator, on each target's scoring excerpts. */
  static Scorer simulation(Simulator simulator) {
    return new SimulationScorer(simulator);
  }
}
