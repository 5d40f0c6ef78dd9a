package dev.neuronscribe.experiment;

import dev.neuronscribe.evaluate.CachedEmbeddings;
import dev.neuronscribe.explain.BaselineExplainer;
import dev.neuronscribe.explain.LogitLensExplainer;
import dev.neuronscribe.explain.Explainer;
import dev.neuronscribe.explain.LlmExplainer;
import dev.neuronscribe.explain.PromptReaderBaseline;
import dev.neuronscribe.llm.CostLedger;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.EmbeddingModel;
import dev.neuronscribe.llm.LlmClient;
import dev.neuronscribe.llm.LlmEmbeddings;
import dev.neuronscribe.llm.LlmEndpoint;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.MiniLmEmbeddings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.ResponseCache;
import dev.neuronscribe.llm.Usage;
import dev.neuronscribe.local.LocalLlm;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.SimulatorWording;
import dev.neuronscribe.prompts.TokenCounter;
import dev.neuronscribe.simulate.Verdicts;
import dev.neuronscribe.simulate.ScoringSet;
import dev.neuronscribe.simulate.Scorers;
import dev.neuronscribe.simulate.ExcerptScorer;
import dev.neuronscribe.simulate.AllAtOnceSimulator;
import dev.neuronscribe.simulate.BaselineMiniLmSimulator;
import dev.neuronscribe.simulate.ChatLogprobSimulator;
import dev.neuronscribe.simulate.LogprobFreeSimulator;
import dev.neuronscribe.simulate.Simulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The models of one run: one client per endpoint (explainer and simulator on the same server share its
 * rate limit and concurrency bound), the response cache, the cost ledger and the budget shared by all,
 * the embedded MiniLM loaded once, and the embedding model of the similarity evaluations behind its cache.
 */
final class Models implements AutoCloseable {
  final PriceTable prices;
  final CostMeter meter;
  final PromptPack pack;
  private final RunSpec spec;
  private final boolean dryRun;
  private final Optional<ResponseCache> cache;
  private final Optional<CostLedger> ledger;
  private final List<OpenAiCompatibleClient> clients = new ArrayList<>();
  private MiniLmEmbeddings minilm;
  private BaselineMiniLmSimulator baselineSimulator;
  private CachedEmbeddings embeddingCache;
  private CountingEmbeddings counting;
  /**
   * The offline models (MiniLM, for the baseline simulator and for embeddings) are CPU-bound and
   * already use every core: units take turns at them, on one platform thread with a large stack (ONNX
   * Runtime's native code can overflow the stack a virtual thread's carrier has, which kills the JVM
   * without a Java error). Turns keep each unit's measured time its own (Table 7), avoid oversubscribing
   * the cores, and make the embedding-token counts exact.
   */
  private final ExecutorService turns = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(null, r, "scribe-offline-models", 64L << 20);
    t.setDaemon(true);
    return t;
  });

  /** Runs {@code work} in the next turn and counts its time (not the wait) as the unit's. */
  private <T> T inTurn(UnitMeter m, Callable<T> work) {
    Future<T> f = turns.submit(() -> {
      long t0 = System.nanoTime();
      try {
        return work.call();
      } finally {
        m.addBusy(System.nanoTime() - t0);
      }
    });
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the offline models", e);
    }
  }

  Models(RunSpec spec, boolean dryRun) {
    this.spec = spec;
    this.dryRun = dryRun;
    this.pack = spec.pack().map(PromptPack::load).orElseGet(PromptPack::builtIn);
    this.prices = spec.llm().prices().map(PriceTable::load).orElseGet(PriceTable::builtIn);
    boolean llm = spec.usesLlm();
    this.cache = llm && !spec.llm().noCache() ? Optional.of(ResponseCache.open(spec.llm().cache().orElse(home().resolve("llm-cache.sqlite"))))
        : Optional.empty();
    this.ledger = llm && !dryRun ? Optional.of(CostLedger.open(spec.llm().ledger().orElse(home().resolve("llm-ledger.sqlite")))) : Optional.empty();
    this.meter = CostMeter.forRun(prices, spec.budgetUsd(), ledger, spec.store());
  }

  /** Where the CLI keeps its cache and ledger: {@code $NEURONSCRIBE_HOME}, or {@code ~/.neuronscribe}. */
  static Path home() {
    String env = System.getenv("NEURONSCRIBE_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".neuronscribe");
  }

  synchronized OpenAiCompatibleClient client(Backend b, boolean withResponseCache) {
    Preset p = b.preset().orElseThrow();
    LlmEndpoint e = new LlmEndpoint(p, b.baseUrl().orElse(p.baseUrl()), b.model(), b.apiKeyEnv().orElse(p.keyEnv()));
    for (OpenAiCompatibleClient c : clients) if (c.endpoint().equals(e)) return c;
    RunSpec.LlmConfig o = spec.llm();
    LlmSettings settings = LlmSettings.defaults().withLimits(o.rpm(), o.tpm()).withConcurrency(o.concurrency())
        .withTimeout(Duration.ofMillis((long) (o.timeoutSeconds() * 1000)))
        .withRetries(o.attempts(), LlmSettings.defaults().firstBackoff(), LlmSettings.defaults().maxBackoff());
    Optional<ResponseCache> replies = withResponseCache ? cache : Optional.empty();
    // A run file names a local model's directory or GGUF file; its own chat template is used.
    OpenAiCompatibleClient c = LocalLlm.connect(e, settings, replies, meter, dryRun, Optional.empty());
    clients.add(c);
    return c;
  }

  synchronized List<OpenAiCompatibleClient> clients() {
    return List.copyOf(clients);
  }

  /** The explainer for one unit, its calls counted by {@code meter}. */
  Explainer explainer(Backend b, UnitMeter m) {
    if (b.baseline() && b.model().equals(LogitLensExplainer.NAME)) {
      // A run file names no model directory for it; the CLI's explain/pipeline commands take --model.
      throw new IllegalArgumentException("the logit-lens explainer reads a model's weights and is not available in run files yet; "
          + "use scribe explain --llm logit-lens --model DIR");
    }
    if (b.baseline()) return b.model().equals(BaselineExplainer.NAME) ? new BaselineExplainer() : new PromptReaderBaseline(pack);
    OpenAiCompatibleClient c = client(b, true);
    LocalLlm.requireChat(c.endpoint(), dryRun, Optional.empty());
    return new LlmExplainer(m.wrap(c, c.endpoint().preset().local()), pack);
  }

  /** The simulator for one unit. The offline one is shared: it keeps the embeddings of the tokens it has seen. */
  Simulator simulator(RunSpec.SimulatorChoice s, UnitMeter m) {
    if (s.method().equals(Backend.BASELINE)) return turns(baselineSimulator(), m);
    OpenAiCompatibleClient raw = client(s.backend(), true);
    return llmSimulator(s, m.wrap(raw, raw.local()));
  }

  /** The simulator a choice names, sending through {@code c}. */
  Simulator llmSimulator(RunSpec.SimulatorChoice s, LlmClient c) {
    SimulatorWording w = pack.simulator().orElseThrow(() -> new IllegalArgumentException(
        "the prompt pack '" + pack.name() + "' has no simulator wording; use a pack that has one (the built-in pack does)"));
    return switch (s.method()) {
      case "all-at-once" -> new AllAtOnceSimulator(c, w);
      case "chat-logprobs" -> new ChatLogprobSimulator(c, w);
      default -> new LogprobFreeSimulator(c, w);
    };
  }

  /**
   * The excerpt scorer for one unit: {@code method} with the simulator choice's backend (baseline: the
   * offline MiniLM judges, run in turns like the offline simulator).
   */
  ExcerptScorer excerptScorer(String method, RunSpec.SimulatorChoice s, UnitMeter m) {
    if (s.method().equals(Backend.BASELINE)) {
      ExcerptScorer inner = Scorers.create(method, Optional.empty(), pack, this::baselineSimulator, this::minilm, Scorers.DEFAULT_BATCH);
      return new ExcerptScorer() {
        @Override
        public String method() {
          return inner.method();
        }

        @Override
        public String name() {
          return inner.name();
        }

        @Override
        public Kind kind() {
          return inner.kind();
        }

        @Override
        public Verdicts score(String explanation, ScoringSet examples) {
          return inTurn(m, () -> inner.score(explanation, examples));
        }
      };
    }
    OpenAiCompatibleClient raw = client(s.backend(), true);
    LlmClient c = m.wrap(raw, raw.local());
    return Scorers.create(method, Optional.of(c), pack, () -> llmSimulator(s, c), this::minilm, Scorers.DEFAULT_BATCH);
  }

  /** The shared offline simulator, taking turns and counting the unit's busy time. */
  private Simulator turns(Simulator inner, UnitMeter m) {
    return new Simulator() {
      @Override
      public String name() {
        return inner.name();
      }

      @Override
      public dev.neuronscribe.simulate.SimulationOutcome simulate(String explanation, List<String> tokens) {
        return inTurn(m, () -> inner.simulate(explanation, tokens));
      }
    };
  }

  synchronized BaselineMiniLmSimulator baselineSimulator() {
    if (baselineSimulator == null) baselineSimulator = new BaselineMiniLmSimulator(minilm());
    return baselineSimulator;
  }

  synchronized MiniLmEmbeddings minilm() {
    // Loaded on the offline models' thread too: ONNX Runtime's native code wants its large stack.
    if (minilm == null) minilm = inTurn(new UnitMeter(prices), MiniLmEmbeddings::new);
    return minilm;
  }

  /** The model name the similarity evaluations report. */
  String embeddingName() {
    return spec.embeddings().endpoint().map(Backend::model).orElse(MiniLmEmbeddings.NAME);
  }

  /**
   * The similarity step's embedding model for one unit: the run's cached model, with the texts the
   * unit had to send (cache misses) counted into {@code m}. Units take turns (the cache does anyway),
   * which is what makes the count exact; the unit's time is its time in the turn.
   */
  UnitEmbeddings embeddings(UnitMeter m) {
    return new UnitEmbeddings(m);
  }

  final class UnitEmbeddings implements EmbeddingModel {
    private final UnitMeter m;
    private final CachedEmbeddings shared = embeddingCache();

    UnitEmbeddings(UnitMeter m) {
      this.m = m;
    }

    @Override
    public String name() {
      return shared.name();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
      boolean endpoint = spec.embeddings().endpoint().isPresent();
      boolean local = spec.embeddings().endpoint().flatMap(Backend::preset).map(Preset::local).orElse(true);
      return inTurn(m, () -> {
        long before = counting.tokens();
        int callsBefore = counting.calls();
        List<float[]> v = shared.embed(texts);
        if (endpoint && counting.calls() > callsBefore) m.add(embeddingName(), local, new Usage(counting.tokens() - before, 0), false);
        return v;
      });
    }
  }

  private synchronized CachedEmbeddings embeddingCache() {
    if (embeddingCache == null) {
      EmbeddingModel inner = spec.embeddings().endpoint().<EmbeddingModel>map(b -> new LlmEmbeddings(client(b, false))).orElseGet(this::minilm);
      counting = new CountingEmbeddings(inner);
      embeddingCache = new CachedEmbeddings(counting, spec.embeddings().cache());
    }
    return embeddingCache;
  }

  /** Counts the texts sent to the model below the cache, and their cl100k tokens (what OpenAI bills). */
  private static final class CountingEmbeddings implements EmbeddingModel {
    private final EmbeddingModel inner;
    private final TokenCounter counter = TokenCounter.cl100k();
    private long tokens;
    private int calls;

    CountingEmbeddings(EmbeddingModel inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public synchronized List<float[]> embed(List<String> texts) {
      List<float[]> v = inner.embed(texts);
      calls++;
      for (String t : texts) tokens += counter.count(t);
      return v;
    }

    synchronized long tokens() {
      return tokens;
    }

    synchronized int calls() {
      return calls;
    }
  }

  @Override
  public synchronized void close() {
    turns.shutdownNow();
    if (embeddingCache != null) embeddingCache.close();
    cache.ifPresent(ResponseCache::close);
    ledger.ifPresent(CostLedger::close);
  }
}
