package dev.neuronscribe.simulate;

import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmException;
import dev.neuronscribe.prompts.SimulatorWording;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * For chat models that return {@code logprobs}/{@code top_logprobs} on generated tokens (OpenAI's chat
 * models, vLLM, OpenRouter for some providers): the model writes {@code token<TAB>digit} lines, validated
 * as strictly as {@link LogprobFreeSimulator}'s, and each token's expected value comes from the top
 * alternatives at the position where its number starts. Where the server gave no alternatives there,
 * the written number is the prediction, with probability 1.
 */
public final class ChatLogprobSimulator implements Simulator {
  public static final int TOP_LOGPROBS = 15;

  private final LlmClient client;
  private final SimulatorWording wording;

  public ChatLogprobSimulator(LlmClient client, SimulatorWording wording) {
    this.client = client;
    this.wording = wording;
  }

  @Override
  public String name() {
    return "chat-logprobs:" + client.name();
  }

  public ChatRequest request(String explanation, List<String> tokens) {
    return new ChatRequest(SimulatorPrompt.chat(wording, explanation, tokens), 1, 0, 1, LogprobFreeSimulator.maxTokens(tokens), true, TOP_LOGPROBS);
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
    ChatReply.Choice choice = reply.choices().getFirst();
    String answer = choice.content();
    List<ChatLines.Line> lines;
    switch (ChatLines.parse(answer, tokens)) {
      case ChatLines.Invalid(String reason) -> {
        return new SimulationOutcome.Failed("invalid answer: " + reason);
      }
      case ChatLines.Parsed(List<ChatLines.Line> parsed) -> lines = parsed;
    }
    List<ChatReply.TokenLogprob> lps = choice.logprobs();
    if (lps.isEmpty()) {
      return new SimulationOutcome.Failed("the server returned no log-probabilities for the answer; use --simulator logprob-free");
    }
    // Byte offsets of the generated tokens, to find the token where each number starts.
    ByteArrayOutputStream spelled = new ByteArrayOutputStream();
    int[] begin = new int[lps.size()];
    List<byte[]> tokenBytes = new ArrayList<>();
    for (int i = 0; i < lps.size(); i++) {
      byte[] b = lps.get(i).bytes().length > 0 ? lps.get(i).bytes() : lps.get(i).token().getBytes(StandardCharsets.UTF_8);
      begin[i] = spelled.size();
      spelled.writeBytes(b);
      tokenBytes.add(b);
    }
    byte[] answerBytes = answer.getBytes(StandardCharsets.UTF_8);
    if (!java.util.Arrays.equals(spelled.toByteArray(), answerBytes)) {
      return new SimulationOutcome.Failed("the log-probability tokens do not spell the answer; cannot locate the numbers");
    }
    double[] ev = new double[tokens.size()];
    List<double[]> values = new ArrayList<>();
    List<double[]> probs = new ArrayList<>();
    int t = 0;
    for (int j = 0; j < lines.size(); j++) {
      ChatLines.Line line = lines.get(j);
      int at = answer.substring(0, line.valueOffset()).getBytes(StandardCharsets.UTF_8).length;
      while (t + 1 < lps.size() && begin[t + 1] <= at) t++;
      String prefix = new String(answerBytes, begin[t], at - begin[t], StandardCharsets.UTF_8);
      Map<String, Double> top = new LinkedHashMap<>();
      for (ChatReply.TopLogprob alt : lps.get(t).top()) {
        if (alt.token().startsWith(prefix)) top.merge(alt.token().substring(prefix.length()).stripTrailing(), alt.logprob(), Math::max);
      }
      Distribution d = Distribution.fromTopLogprobs(top);
      if (d.values().length == 0) d = new Distribution(new double[] {line.value()}, new double[] {1}, line.value());
      ev[j] = d.expectedValue();
      values.add(d.values());
      probs.add(d.probabilities());
    }
    return new SimulationOutcome.Simulated(new SequenceSimulation(tokens, ev, values, probs));
  }
}
