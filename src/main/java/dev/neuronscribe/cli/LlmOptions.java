package dev.neuronscribe.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How to reach the models: backends, limits, cache, ledger, prices, budget. */
final class LlmOptions {
  @Option(names = "--llm", defaultValue = "baseline", paramLabel = "BACKEND",
      description = "Explainer: 'baseline' (offline, default: baseline-prompt-reader, which reads the rendered prompt; baseline-explainer reads the activations and ignores the format; logit-lens names the tokens each neuron promotes through the unembedding, from --model's weights) or PRESET:MODEL, PRESET one of openai, openrouter, vllm, llamacpp, ollama (e.g. openai:gpt-4o-mini, vllm:meta-llama/Llama-3.1-8B-Instruct), or local:PATH, a model run in this process (a Hugging Face directory or a .gguf file; see docs/local-llm.md).")
  String llm;

  @Option(names = "--model", paramLabel = "DIR", description = "The subject model (a GPT-2 directory with model.safetensors), for --llm logit-lens.")
  Optional<Path> model = Optional.empty();

  @Option(names = "--base-url", paramLabel = "URL", description = "Server base URL for --llm (default: the preset's, e.g. http://localhost:8000/v1 for vllm).")
  Optional<URI> baseUrl;

  @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the key for --llm (default: the preset's, e.g. OPENAI_API_KEY). Keys are never taken on the command line.")
  Optional<String> apiKeyEnv;

  @Option(names = "--chat-template", paramLabel = "FILE",
      description = "For local:PATH: a Jinja chat template to use instead of the model's own (for a model that has none).")
  Optional<Path> chatTemplate = Optional.empty();

  @Option(names = "--simulator", paramLabel = "METHOD",
      description = "all-at-once (the paper's; needs prompt logprobs: vllm, llamacpp), chat-logprobs, logprob-free or baseline (offline MiniLM). Default: baseline for --simulator-llm baseline, all-at-once for vllm/llamacpp/local, chat-logprobs for openai/openrouter, logprob-free for ollama.")
  Optional<String> simulator;

  @Option(names = "--simulator-llm", paramLabel = "BACKEND", description = "Simulator backend, same syntax as --llm (default: --llm).")
  Optional<String> simulatorLlm;

  @Option(names = "--simulator-base-url", paramLabel = "URL", description = "Server base URL for --simulator-llm (default: --base-url when the backends are the same preset).")
  Optional<URI> simulatorBaseUrl;

  @Option(names = "--simulator-api-key-env", paramLabel = "VAR", description = "Key variable for --simulator-llm.")
  Optional<String> simulatorApiKeyEnv;

  @Option(names = "--rpm", defaultValue = "0", paramLabel = "N", description = "Requests per minute per backend (0: no limit; default ${DEFAULT-VALUE}).")
  double rpm;

  @Option(names = "--tpm", defaultValue = "0", paramLabel = "N", description = "Tokens per minute per backend (0: no limit).")
  double tpm;

  @Option(names = "--concurrency", defaultValue = "16", paramLabel = "N", description = "Requests in flight per backend at most (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "Per-request timeout (default ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--attempts", defaultValue = "8", paramLabel = "N", description = "Attempts per request before it counts as failed (default ${DEFAULT-VALUE}).")
  int attempts;

  @Option(names = "--cache", paramLabel = "FILE", description = "Response cache (SQLite; default $NEURONSCRIBE_HOME/llm-cache.sqlite, NEURONSCRIBE_HOME defaulting to ~/.neuronscribe).")
  Optional<Path> cache;

  @Option(names = "--no-cache", description = "Neither read nor write the response cache.")
  boolean noCache;

  @Option(names = "--ledger", paramLabel = "FILE", description = "Cost ledger (SQLite; default $NEURONSCRIBE_HOME/llm-ledger.sqlite).")
  Optional<Path> ledger;

  @Option(names = "--prices", paramLabel = "FILE", description = "Price table (JSON, dollars per 1M tokens; default: the built-in, dated table).")
  Optional<Path> prices;

  @Option(names = "--budget-usd", paramLabel = "DOLLARS", description = "Stop starting requests before the run directory's spending, this run and earlier ones together (as the ledger recorded it), would pass this many dollars.")
  Optional<Double> budgetUsd;

  @Option(names = "--dry-run", description = "Estimate requests, tokens and dollars, and send nothing.")
  boolean dryRun;

  static Path home() {
    String env = System.getenv("NEURONSCRIBE_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".neuronscribe");
  }
}
