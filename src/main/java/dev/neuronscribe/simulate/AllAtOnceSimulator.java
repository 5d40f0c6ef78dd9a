package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.CompletionReply;
import dev.neuronscribe.llm.CompletionRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.prompts.ExplanationPrompts;
import dev.neuronscribe.prompts.SimulatorWording;
import java.util.List;
import java.util.Optional;

/**
 * The paper's simulator: one {@code /completions} request per excerpt with {@code echo}, {@code logprobs:
 * 15} and {@code max_tokens: 0}, reading each token's expected activation from the log-probabilities of
 * "0".."10" at its {@code unknown} slot. Needs a server that returns prompt log-probabilities (vLLM,
 * llama.cpp's server).
 */
public final class AllAtOnceSimulator implements Simulator {
  /** How many alternatives per position the paper asked for. */
  public static final int TOP_LOGPROBS = 15;

  private final LlmClient client;
  private final SimulatorWording wording;

  public AllAtOnceSimulator(LlmClient client, SimulatorWording wording) {
    this.client = client;
    this.wording = wording;
  }

  @Override
  public String name() {
    return "all-at-once:" + client.name();
  }

  /** The request this simulator sends for an excerpt (for dry runs and tests). */
  public CompletionRequest request(String explanation, List<String> tokens) {
    return CompletionRequest.promptLogprobs(ExplanationPrompts.asCompletionPrompt(SimulatorPrompt.allAtOnce(wording, explanation, tokens)), TOP_LOGPROBS);
  }

  @Override
  public Optional<LlmClient.Planned> estimate(String explanation, List<String> tokens) {
    return Optional.of(new LlmClient.Planned(client, client.estimate(request(explanation, tokens))));
  }

  @Override
  public SimulationOutcome simulate(String explanation, List<String> tokens) {
    CompletionReply reply;
    try {
      reply = client.complete(request(explanation, tokens));
    } catch (LlmException e) {
      return new SimulationOutcome.Failed(e.kind() + ": " + e.getMessage());
    }
    var lp = reply.choices().getFirst().logprobs();
    if (lp.isEmpty()) {
      return new SimulationOutcome.Failed("the server returned no prompt log-probabilities (it may not support echo with logprobs); "
          + "use --simulator chat-logprobs or --simulator logprob-free");
    }
    return EchoParser.parse(lp.get(), tokens);
  }
}
