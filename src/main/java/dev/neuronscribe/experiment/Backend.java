package dev.neuronscribe.experiment;

import dev.neuronscribe.explain.BaselineExplainer;
import dev.neuronscribe.explain.LogitLensExplainer;
import dev.neuronscribe.explain.PromptReaderBaseline;
import dev.neuronscribe.llm.Preset;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A model a run talks to, as a run file names it: {@code baseline} (the offline backends; as an explainer
 * the default offline explainer, {@code baseline-prompt-reader}, and {@code baseline-explainer} by its
 * name) or {@code PRESET:MODEL} (an OpenAI-compatible server; only the first colon separates the two, so
 * model names may contain colons), with an optional base URL and key variable. For an offline backend
 * {@code model} is the offline explainer's name.
 */
public record Backend(Optional<Preset> preset, String model, Optional<URI> baseUrl, Optional<String> apiKeyEnv) {
  public static final String BASELINE = "baseline";

  /** Parses {@code baseline} or {@code PRESET:MODEL}; the message of the exception says what is accepted. */
  public static Backend parse(String text) {
    String t = text.strip();
    for (String b : List.of(BASELINE, PromptReaderBaseline.NAME, BaselineExplainer.NAME, LogitLensExplainer.NAME)) {
      if (t.equalsIgnoreCase(b)) {
        return new Backend(Optional.empty(), b.equals(BASELINE) ? PromptReaderBaseline.NAME : b, Optional.empty(), Optional.empty());
      }
    }
    int colon = t.indexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("takes 'baseline' (= " + PromptReaderBaseline.NAME + "), " + BaselineExplainer.NAME
          + ", " + LogitLensExplainer.NAME + " (with --model DIR) or PRESET:MODEL (PRESET one of " + Preset.ids() + "), got '" + text + "'");
    }
    Preset p = Preset.byId(t.substring(0, colon)).orElseThrow(() -> new IllegalArgumentException(
        "unknown backend preset '" + t.substring(0, colon) + "'; use one of " + Preset.ids() + ", or baseline"));
    return new Backend(Optional.of(p), t.substring(colon + 1), Optional.empty(), Optional.empty());
  }

  public boolean baseline() {
    return preset.isEmpty();
  }

  /** {@code preset:model}, or the offline explainer's name: how outputs, stores and reports name it. */
  public String label() {
    return preset.map(p -> p.id() + ":" + model).orElse(model);
  }

  Backend with(Optional<URI> url, Optional<String> keyEnv) {
    return new Backend(preset, model, url, keyEnv);
  }

  /** The simulation method a preset supports best: prompt logprobs where the server has them. */
  public static String defaultMethod(Backend b) {
    if (b.baseline()) return BASELINE;
    return switch (b.preset().orElseThrow()) {
      case VLLM, LLAMACPP, LOCAL -> "all-at-once";
      case OPENAI, OPENROUTER -> "chat-logprobs";
      case OLLAMA -> "logprob-free";
    };
  }
}
