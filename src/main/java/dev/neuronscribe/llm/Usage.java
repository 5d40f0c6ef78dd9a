package dev.neuronscribe.llm;

/** The tokens a reply says it consumed ({@code usage.prompt_tokens}, {@code usage.completion_tokens}). */
public record Usage(long promptTokens, long completionTokens) {
  public static final Usage NONE = new Usage(0, 0);

  public Usage {
    if (promptTokens < 0 || completionTokens < 0) throw new IllegalArgumentException("token counts cannot be negative");
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  public Usage plus(Usage other) {
    return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
  }
}
