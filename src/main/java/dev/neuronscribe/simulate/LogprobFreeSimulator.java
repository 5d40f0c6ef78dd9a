package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.prompts.SimulatorWording;
import java.util.List;
import java.util.Optional;

/**
 * For servers without log-probabilities: the model writes {@code token<TAB>integer} lines and the
 * integer is the prediction. Any missing, reordered or out-of-range line fails the excerpt with the reason.
 */
public final class LogprobFreeSimulator implements Simulator {
  private final LlmClient client;
  private final SimulatorWording wording;

  public LogprobFreeSimulator(LlmClient client, SimulatorWording wording) {
    this.client = client;
    this.wording = wording;
  }

  @Override
  public String name() {
    return "logprob-free:" + client.name();
  }

  public ChatRequest request(String explanation, List<String> tokens) {
    // Deterministic: one answer per excerpt, room for a short line per token.
    return ChatRequest.sample(SimulatorPrompt.chat(wording, explanation, tokens), 1, 0, 1, maxTokens(tokens));
  }

  static int maxTokens(List<String> tokens) {
    return 32 + 8 * tokens.size();
  }

  @Override
  public Optional<LlmClient.Planned> estimate(String explanation, List<String> tokens) {
    return Optional.of(new LlmClient.Planned(client, client.estimate(request(explanation, tokens))));
  }

  @Override
  public SimulationOutcome simulate(String explanation, List<String> tokens) {
    ChatReply reply;
    try {
      reply = client.chat(request(explanation, tokens));
    } catch (LlmException e) {
      return new SimulationOutcome.Failed(e.kind() + ": " + e.getMessage());
    }
    String answer = reply.choices().getFirst().content();
    return switch (ChatLines.parse(answer, tokens)) {
      case ChatLines.Invalid(String reason) -> new SimulationOutcome.Failed("invalid answer: " + reason);
      case ChatLines.Parsed(List<ChatLines.Line> lines) -> {
        double[] ev = new double[tokens.size()];
        for (int i = 0; i < ev.length; i++) ev[i] = lines.get(i).value();
        yield new SimulationOutcome.Simulated(SequenceSimulation.pointEstimates(tokens, ev));
      }
    };
  }
}
