package dev.neuronscribe.llm;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A legacy {@code /completions} reply. */
public record CompletionReply(List<Choice> choices, Usage usage, boolean cached) {

  public CompletionReply {
    choices = List.copyOf(choices);
  }

  public record Choice(String text, String finishReason, Optional<Logprobs> logprobs) {}

  /**
   * The legacy log-probability block, one entry per token (echoed prompt tokens first). JSON nulls —
   * the first token has no log-probability and no alternatives — become NaN and an empty map, so that
   * nothing null crosses this boundary. Tokens are as the server wrote them; a token that is only part of
   * a UTF-8 character is written {@code bytes:\xNN...} by OpenAI-compatible servers.
   */
  public record Logprobs(List<String> tokens, double[] tokenLogprobs, List<Map<String, Double>> topLogprobs, int[] textOffset) {
    public Logprobs {
      tokens = List.copyOf(tokens);
      tokenLogprobs = tokenLogprobs.clone();
      topLogprobs = topLogprobs.stream().map(Map::copyOf).toList();
      textOffset = textOffset.clone();
      if (tokenLogprobs.length != tokens.size() || topLogprobs.size() != tokens.size()) {
        throw new IllegalArgumentException("logprobs lists differ in length: " + tokens.size() + " tokens, "
            + tokenLogprobs.length + " token_logprobs, " + topLogprobs.size() + " top_logprobs");
      }
    }

    @Override
    public double[] tokenLogprobs() {
      return tokenLogprobs.clone();
    }

    @Override
    public int[] textOffset() {
      return textOffset.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Logprobs l && tokens.equals(l.tokens) && Arrays.equals(tokenLogprobs, l.tokenLogprobs)
          && topLogprobs.equals(l.topLogprobs) && Arrays.equals(textOffset, l.textOffset);
    }

    @Override
    public int hashCode() {
      return tokens.hashCode();
    }

    @Override
    public String toString() {
      return "Logprobs[" + tokens.size() + " tokens]";
    }
  }
}
