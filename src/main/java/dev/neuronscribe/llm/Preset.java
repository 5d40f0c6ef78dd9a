package dev.neuronscribe.llm;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * The OpenAI-compatible servers people use, with their usual base URL, the environment variable that
 * usually holds the key, and what they support. {@code local} servers cost nothing per token.
 */
public enum Preset {
  OPENAI("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", true, false, false),
  OPENROUTER("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true, false, false),
  VLLM("vllm", "http://localhost:8000/v1", "VLLM_API_KEY", false, true, true),
  LLAMACPP("llamacpp", "http://localhost:8080/v1", "LLAMA_API_KEY", false, true, true),
  OLLAMA("ollama", "http://localhost:11434/v1", "OLLAMA_API_KEY", false, true, false),
  /**
   * A model run inside this process ({@code local:PATH}, package {@code local}): no server and no key; the
   * base URL only names it in the response cache's keys.
   */
  LOCAL("local", "http://127.0.0.1/in-process/v1", "NEURONSCRIBE_LOCAL_API_KEY", false, true, true);

  private final String id;
  private final URI baseUrl;
  private final String keyEnv;
  private final boolean keyRequired;
  private final boolean local;
  private final boolean promptLogprobs;

  Preset(String id, String baseUrl, String keyEnv, boolean keyRequired, boolean local, boolean promptLogprobs) {
    this.id = id;
    this.baseUrl = URI.create(baseUrl);
    this.keyEnv = keyEnv;
    this.keyRequired = keyRequired;
    this.local = local;
    this.promptLogprobs = promptLogprobs;
  }

  public String id() {
    return id;
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** The variable the key is read from unless another is named. */
  public String keyEnv() {
    return keyEnv;
  }

  public boolean keyRequired() {
    return keyRequired;
  }

  public boolean local() {
    return local;
  }

  /** Whether {@code /completions} with {@code echo} and {@code logprobs} returns prompt log-probabilities. */
  public boolean promptLogprobs() {
    return promptLogprobs;
  }

  public static Optional<Preset> byId(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equalsIgnoreCase(id)).findFirst();
  }

  public static String ids() {
    return String.join(", ", Arrays.stream(values()).map(Preset::id).toList());
  }
}
