package dev.neuronscribe.llm;

import java.util.List;

/** A {@code /chat/completions} reply: one choice per sample, and what it cost. */
public record ChatReply(List<Choice> choices, Usage usage, boolean cached) {

  public ChatReply {
    choices = List.copyOf(choices);
  }

  /** One sample; {@code logprobs} is empty unless log-probabilities were asked for. */
  public record Choice(String content, String finishReason, List<TokenLogprob> logprobs) {
    public Choice {
      logprobs = List.copyOf(logprobs);
    }
  }

  /**
   * A generated token with its log-probability and the most likely alternatives at its position.
   * {@code bytes} are the token's UTF-8 bytes as the server reported them (empty when it did not):
   * a token that is only part of a character has no faithful text of its own.
   */
  public record TokenLogprob(String token, double logprob, byte[] bytes, List<TopLogprob> top) {
    public TokenLogprob {
      bytes = bytes.clone();
      top = List.copyOf(top);
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  public record TopLogprob(String token, double logprob) {}
}
