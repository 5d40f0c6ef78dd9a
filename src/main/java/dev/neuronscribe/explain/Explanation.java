package dev.neuronscribe.explain;

import dev.neuronscribe.prompts.PromptFormat;
import java.util.Optional;

/**
 * One explanation sample, or the reason it could not be had. {@code promptTokens} is the prompt counted
 * the paper's way (cl100k, chat overhead included), {@code completionTokens} the raw answer's tokens.
 */
public record Explanation(
    Target target, PromptFormat format, int sample, String explainer, Optional<String> text, Optional<String> error,
    long promptTokens, long completionTokens) {

  public Explanation {
    if (text.isPresent() == error.isPresent()) throw new IllegalArgumentException("an explanation has either a text or an error");
    if (sample < 0) throw new IllegalArgumentException("sample index must be >= 0");
  }

  public static Explanation of(Target target, PromptFormat format, int sample, String explainer, String text, long promptTokens, long completionTokens) {
    return new Explanation(target, format, sample, explainer, Optional.of(text), Optional.empty(), promptTokens, completionTokens);
  }

  public static Explanation failed(Target target, PromptFormat format, int sample, String explainer, String error, long promptTokens) {
    return new Explanation(target, format, sample, explainer, Optional.empty(), Optional.of(error), promptTokens, 0);
  }

  public boolean ok() {
    return text.isPresent();
  }
}
