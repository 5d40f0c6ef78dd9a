package dev.neuronscribe.cli;

import dev.neuronscribe.experiment.Backend;
import dev.neuronscribe.explain.BaselineExplainer;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.explain.LlmExplainer;
import dev.neuronscribe.explain.LogitLensExplainer;
import dev.neuronscribe.explain.PromptReaderBaseline;
import dev.neuronscribe.llm.CostLedger;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmEndpoint;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.ResponseCache;
import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.local.LocalLlm;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.SimulatorWording;
import dev.neuronscribe.simulate.AllAtOnceSimulator;
import dev.neuronscribe.simulate.BaselineMiniLmSimulator;
import dev.neuronscribe.simulate.ChatLogprobSimulator;
import dev.neuronscribe.simulate.LogprobFreeSimulator;
import dev.neuronscribe.simulate.Simulator;
import dev.neuronscribe.subject.Gpt2Tokenizer;
import dev.neuronscribe.subject.OutputTokens;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Builds the explainer and simulator a command asked for, with the shared cache, ledger and cost meter. */
final class Backends implements AutoCloseable {
  static final String BASELINE = Backend.BASELINE;

  /** Parses a {@code --llm}-style value with the run files' parser, so both accept the same spellings. */
  private static Backend parse(String option, String text) {
    try {
      return Backend.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + e.getMessage());
    }
  }

  private final LlmOptions o;
  final CostMeter meter;
  final PriceTable prices;
  private final Optional<ResponseCache> cache;
  private final Optional<CostLedger> ledger;
  final List<OpenAiCompatibleClient> clients = new ArrayList<>();
  final Backend explainerSpec;
  final Backend simulatorSpec;
  final String simulatorMethod;

  /** @param runDir the run directory, which the budget and the ledger count spending for */
  Backends(LlmOptions o, Path runDir) {
    this.o = o;
    this.explainerSpec = parse("--llm", o.llm);
    this.simulatorSpec = parse(o.simulatorLlm.isPresent() ? "--simulator-llm" : "--llm", o.simulatorLlm.orElse(o.llm));
    this.simulatorMethod = o.simulator.orElseGet(() -> Backend.defaultMethod(simulatorSpec));
    if (!List.of("all-at-once", "chat-logprobs", "logprob-free", BASELINE).contains(simulatorMethod)) {
      throw new UsageException("--simulator takes all-at-once, chat-logprobs, logprob-free or baseline, got '" + simulatorMethod + "'");
    }
    if (!simulatorMethod.equals(BASELINE) && simulatorSpec.baseline()) {
      throw new UsageException("--simulator " + simulatorMethod + " needs a model: give --simulator-llm PRESET:MODEL");
    }
    if (!(o.rpm >= 0) || !(o.tpm >= 0)) throw new UsageException("--rpm and --tpm cannot be negative (0: no limit), got " + o.rpm + " and " + o.tpm);
    if (o.concurrency < 1 || o.attempts < 1) throw new UsageException("--concurrency and --attempts must be at least 1, got " + o.concurrency + " and " + o.attempts);
    if (!(o.timeoutSeconds > 0)) throw new UsageException("--timeout must be a positive number of seconds, got " + o.timeoutSeconds);
    if (o.budgetUsd.isPresent() && !(o.budgetUsd.get() >= 0)) throw new UsageException("--budget-usd must be a non-negative number of dollars, got " + o.budgetUsd.get());
    this.prices = o.prices.map(PriceTable::load).orElseGet(PriceTable::builtIn);
    boolean anyLlm = !explainerSpec.baseline() || !simulatorMethod.equals(BASELINE);
    this.cache = anyLlm && !o.noCache ? Optional.of(ResponseCache.open(o.cache.orElse(LlmOptions.home().resolve("llm-cache.sqlite")))) : Optional.empty();
    this.ledger = anyLlm && !o.dryRun ? Optional.of(CostLedger.open(o.ledger.orElse(LlmOptions.home().resolve("llm-ledger.sqlite")))) : Optional.empty();
    this.meter = CostMeter.forRun(prices, o.budgetUsd.map(OptionalDouble::of).orElse(OptionalDouble.empty()), ledger, runDir);
  }

  private LlmClient client(Backend s, Optional<URI> baseUrl, Optional<String> keyEnv) {
    Preset p = s.preset().orElseThrow();
    if (p == Preset.LOCAL && (baseUrl.isPresent() || keyEnv.isPresent())) {
      throw new UsageException("local:PATH runs the model in this process: it takes no --base-url or --api-key-env "
          + "(for a model served by `scribe llm serve`, use vllm:MODEL --base-url http://127.0.0.1:PORT/v1)");
    }
    LlmEndpoint e = new LlmEndpoint(p, baseUrl.orElse(p.baseUrl()), s.model(), keyEnv.orElse(p.keyEnv()));
    LlmSettings settings = LlmSettings.defaults().withLimits(o.rpm, o.tpm).withConcurrency(o.concurrency)
        .withTimeout(Duration.ofMillis((long) (o.timeoutSeconds * 1000)))
        .withRetries(o.attempts, LlmSettings.defaults().firstBackoff(), LlmSettings.defaults().maxBackoff());
    // Explainer and simulator on the same endpoint share one client: one rate limit, one concurrency bound.
    for (OpenAiCompatibleClient c : clients) if (c.endpoint().equals(e)) return c;
    OpenAiCompatibleClient c;
    try {
      c = LocalLlm.connect(e, settings, cache, meter, o.dryRun, o.chatTemplate);
    } catch (InvalidInputException bad) {
      throw new UsageException(bad.getMessage()); // a model file it cannot use: one line, exit 2
    }
    clients.add(c);
    return c;
  }

  LlmClient explainerClient() {
    return client(explainerSpec, o.baseUrl, o.apiKeyEnv);
  }

  LlmClient simulatorClient() {
    boolean same = simulatorSpec.preset().equals(explainerSpec.preset());
    return client(simulatorSpec, o.simulatorBaseUrl.or(() -> same ? o.baseUrl : Optional.empty()),
        o.simulatorApiKeyEnv.or(() -> same ? o.apiKeyEnv : Optional.empty()));
  }

  private Optional<OutputTokens> outputTokens = Optional.empty();

  Explainer explainer(PromptPack pack) {
    if (!explainerSpec.baseline()) {
      LlmClient c = explainerClient();
      requireChat(explainerSpec);
      return new LlmExplainer(c, pack);
    }
    if (explainerSpec.model().equals(LogitLensExplainer.NAME)) {
      Path dir = o.model.orElseThrow(() -> new IllegalArgumentException("--llm logit-lens reads the model's weights: give --model DIR"));
      if (outputTokens.isEmpty()) outputTokens = Optional.of(OutputTokens.open(dir, new Gpt2Tokenizer()));
      return new LogitLensExplainer(outputTokens.get());
    }
    return explainerSpec.model().equals(BaselineExplainer.NAME) ? new BaselineExplainer() : new PromptReaderBaseline(pack);
  }

  Simulator simulator(PromptPack pack) {
    if (simulatorMethod.equals(BASELINE)) return new BaselineMiniLmSimulator(new MiniLmEmbeddings());
    SimulatorWording w = pack.simulator().orElseThrow(() -> new IllegalArgumentException(
        "the prompt pack '" + pack.name() + "' has no simulator wording; use a pack that has one (the built-in pack does)"));
    LlmClient c = simulatorClient();
    if (!simulatorMethod.equals("all-at-once")) requireChat(simulatorSpec);
    return switch (simulatorMethod) {
      case "all-at-once" -> new AllAtOnceSimulator(c, w);
      case "chat-logprobs" -> new ChatLogprobSimulator(c, w);
      default -> new LogprobFreeSimulator(c, w);
    };
  }

  // A local model that will chat needs a chat template: without one, stop now with how to pass it.
  private void requireChat(Backend b) {
    if (b.preset().orElseThrow() != Preset.LOCAL) return;
    try {
      LocalLlm.requireChat(LocalLlm.endpoint(b.model()), o.dryRun, o.chatTemplate);
    } catch (InvalidInputException bad) {
      throw new UsageException(bad.getMessage());
    }
  }

  @Override
  public void close() {
    outputTokens.ifPresent(OutputTokens::close);
    cache.ifPresent(ResponseCache::close);
    ledger.ifPresent(CostLedger::close);
  }
}
