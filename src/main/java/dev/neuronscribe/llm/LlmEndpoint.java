package dev.neuronscribe.llm;

import java.net.URI;
import java.util.Optional;

/**
 * Where a model is served: a preset (for its defaults), a base URL ending before {@code /chat/completions},
 * the model name, and the name of the environment variable holding the key. The key itself is read
 * from the environment when the client is built and is never part of this value, a log or a file.
 */
public record LlmEndpoint(Preset preset, URI baseUrl, String model, String apiKeyEnv) {

  public LlmEndpoint {
    if (model.isBlank()) throw new IllegalArgumentException("a model name is needed, e.g. " + preset.id() + ":MODEL");
    String s = baseUrl.toString();
    if (!s.startsWith("http://") && !s.startsWith("https://")) {
      throw new IllegalArgumentException("the base URL must start with http:// or https://, got '" + s + "'");
    }
    if (s.endsWith("/")) baseUrl = URI.create(s.substring(0, s.length() - 1));
  }

  public static LlmEndpoint of(Preset preset, String model) {
    return new LlmEndpoint(preset, preset.baseUrl(), model, preset.keyEnv());
  }

  /** {@code preset:model}, the name written into outputs. */
  public String name() {
    return preset.id() + ":" + model;
  }

  /** The key from the environment when it is set; nothing is required of an endpoint that will not be sent to. */
  Optional<String> apiKeyIfSet() {
    String key = System.getenv(apiKeyEnv);
    return key == null || key.isBlank() ? Optional.empty() : Optional.of(key);
  }

  /** The key from the environment; required for hosted presets. */
  Optional<String> apiKey() {
    String key = System.getenv(apiKeyEnv);
    if ((key == null || key.isBlank()) && preset.keyRequired()) {
      throw new IllegalStateException(preset.id() + " needs an API key: set the environment variable " + apiKeyEnv
          + " (or name another variable with --api-key-env); keys are never taken on the command line");
    }
    return key == null || key.isBlank() ? Optional.empty() : Optional.of(key);
  }
}
