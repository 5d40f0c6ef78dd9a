package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.ScorerWording;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds a scorer by method name for a backend, or refuses with the reason before any request: a
 * method the backend cannot serve (surprisal without prompt log-probabilities, surprisal offline), or a
 * pack without the wording the method needs. Offline (no client), detection, fuzzing and intruder use
 * the MiniLM baseline judge and simulation the MiniLM baseline simulator; embedding uses MiniLM always.
 */
public final class Scorers {
  /** Excerpts per detection/fuzzing request unless asked otherwise. */
  public static final int DEFAULT_BATCH = 5;
  /** Quantiles of a neuron's activating excerpts unless asked otherwise. */
  public static final int DEFAULT_QUANTILES = 3;

  public static final List<String> METHODS = List.of("simulation", "detection", "fuzzing", "embedding", "intruder", "surprisal");

  private Scorers() {}

  /**
   * @param client the language model, empty for the offline baselines
   * @param simulator the simulator behind {@code simulation} (the caller's choice of method)
   * @param miniLm the shared MiniLM model (loaded once, on first use); the embedding scorer always uses it
   *     (a chat model's server is no embedding model; build an {@link EmbeddingScorer} on an endpoint to use one)
   */
  public static ExcerptScorer create(String method, Optional<LlmClient> client, PromptPack pack, Supplier<Simulator> simulator,
      Supplier<EmbeddingModel> miniLm, int batch) {
    if (!METHODS.contains(method)) throw new IllegalArgumentException("unknown scorer '" + method + "'; the scorers are " + String.join(", ", METHODS));
    if (method.equals("simulation")) return new SimulationExcerptScorer(simulator.get());
    if (method.equals("embedding")) return new EmbeddingScorer(miniLm.get());
    if (client.isEmpty()) {
      if (method.equals("surprisal")) {
        throw new IllegalArgumentException("the surprisal scorer has no offline baseline: it needs a model's prompt log-probabilities "
            + "(give --scorer-llm vllm:MODEL or llamacpp:MODEL)");
      }
      return new MiniLmJudge(new BaselineMiniLmSimulator(miniLm.get()), method);
    }
    ScorerWording w = pack.scorers().orElseThrow(() -> new IllegalArgumentException("the prompt pack '" + pack.name()
        + "' has no scorer wording (a 'scorers' section); add one (`scribe pack export` prints the built-in pack's) or use the built-in pack"));
    LlmClient c = client.get();
    return switch (method) {
      case "detection" -> new LlmJudgeScorer(c, w, LlmJudgeScorer.Question.DETECTION, batch);
      case "fuzzing" -> new LlmJudgeScorer(c, w, LlmJudgeScorer.Question.FUZZING, batch);
      case "intruder" -> new LlmIntruderScorer(c, w);
      default -> new SurprisalScorer(c, w);
    };
  }

  /** Comma list of method names, checked. */
  public static List<String> parse(String list) {
    List<String> out = java.util.Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    if (list.strip().equalsIgnoreCase("all")) return METHODS;
    for (String m : out) if (!METHODS.contains(m)) throw new IllegalArgumentException("unknown scorer '" + m + "'; the scorers are " + String.join(", ", METHODS));
    if (out.isEmpty()) throw new IllegalArgumentException("name at least one scorer: " + String.join(", ", METHODS));
    return out;
  }

  /**
   * The one figure by which explanations are compared and selected: AUROC for scorers that give a score
   * per item, accuracy for intruder. Empty when it cannot be computed.
   */
  public static java.util.OptionalDouble headline(Verdicts s) {
    ScorerMetrics m = s.metrics();
    return s.kind() == ExcerptScorer.Kind.CHOOSE ? m.accuracy() : m.auroc();
  }
}
