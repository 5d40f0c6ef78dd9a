package dev.neuronscribe.llm;

/**
 * One legacy {@code /completions} request. With {@code echo} and {@code maxTokens == 0} it asks only for
 * the log-probabilities of the prompt's own tokens, which is how the paper's simulator reads its
 * predictions (vLLM and llama.cpp's server support it; OpenAI's hosted models no longer do).
 */
public record CompletionRequest(String prompt, int maxTokens, boolean echo, int logprobs, double temperature) {

  public CompletionRequest {
    if (prompt.isEmpty()) throw new IllegalArgumentException("a completion request needs a prompt");
    if (maxTokens < 0) throw new IllegalArgumentException("max_tokens cannot be negative, got " + maxTokens);
    if (logprobs < 0 || logprobs > 20) throw new IllegalArgumentException("logprobs must be 0–20, got " + logprobs);
    if (!echo && maxTokens == 0) throw new IllegalArgumentException("max_tokens 0 asks for nothing unless echo is on");
  }

  /** The paper's simulator request: prompt log-probabilities only, with the top {@code logprobs} alternatives. */
  public static CompletionRequest promptLogprobs(String prompt, int logprobs) {
    return new CompletionRequest(prompt, 0, true, logprobs, 0);
  }
}
