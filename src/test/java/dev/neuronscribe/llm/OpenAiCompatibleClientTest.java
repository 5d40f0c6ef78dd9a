package dev.neuronscribe.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.llm.OpenAiTestServer.Fault;
import dev.neuronscribe.prompts.Message;
import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiCompatibleClientTest {
  @TempDir Path dir;
  private final OpenAiTestServer server = new OpenAiTestServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private static final LlmSettings FAST = LlmSettings.defaults().withTimeout(Duration.ofSeconds(5))
      .withRetries(8, Duration.ofMillis(5), Duration.ofMillis(50));

  private OpenAiCompatibleClient client(Preset preset, String model, LlmSettings settings, Optional<ResponseCache> cache, CostMeter meter, Optional<String> key) {
    return new OpenAiCompatibleClient(new LlmEndpoint(preset, server.baseUrl(), model, preset.keyEnv()), settings, cache, meter, key);
  }

  private OpenAiCompatibleClient local(LlmSettings settings) {
    return client(Preset.VLLM, "test-model", settings, Optional.empty(), CostMeter.unlimited(), Optional.empty());
  }

  private static ChatRequest chat(String text, int n) {
    return ChatRequest.sample(List.of(Message.system("Explain."), Message.user(text)), n, 1.0, 1.0, 60);
  }

  @Test
  void chatRepliesCarryEverySampleAndTheReportedUsage() {
    ChatReply r = local(FAST).chat(chat("neuron 1", 3));
    assertThat(r.choices()).hasSize(3);
    assertThat(r.choices().get(1).content()).contains("sample 1");
    assertThat(r.choices().getFirst().finishReason()).isEqualTo("stop");
    assertThat(r.usage().promptTokens()).isPositive();
    assertThat(r.usage().completionTokens()).isPositive();
    assertThat(r.cached()).isFalse();
  }

  @Test
  void chatLogprobsAreParsedWithBytesAndAlternatives() {
    ChatRequest req = new ChatRequest(List.of(Message.user("\nTokens:\n<start>\n red\n car\n<end>")), 1, 0, 1, 50, true, 5);
    ChatReply r = local(FAST).chat(req);
    List<ChatReply.TokenLogprob> lps = r.choices().getFirst().logprobs();
    assertThat(lps).isNotEmpty();
    StringBuilder spelled = new StringBuilder();
    for (ChatReply.TokenLogprob t : lps) spelled.append(new String(t.bytes(), java.nio.charset.StandardCharsets.UTF_8));
    assertThat(spelled.toString()).isEqualTo(r.choices().getFirst().content());
    assertThat(lps.stream().anyMatch(t -> t.top().size() > 1)).isTrue();
  }

  @Test
  void echoRepliesKeepTheirNullFirstEntryAsEmpty() {
    CompletionReply r = local(FAST).complete(CompletionRequest.promptLogprobs("Hello\tunknown\n", 15));
    CompletionReply.Logprobs lp = r.choices().getFirst().logprobs().orElseThrow();
    assertThat(lp.topLogprobs().getFirst()).isEmpty();
    assertThat(lp.tokenLogprobs()[0]).isNaN();
    assertThat(String.join("", lp.tokens())).isEqualTo("Hello\tunknown\n");
    assertThat(lp.textOffset()[1]).isEqualTo(lp.tokens().getFirst().length());
  }

  @Test
  void transientFaultsAreRetriedUntilAnAnswerArrives() {
    server.script(Fault.RATE_LIMIT_BARE, Fault.ERROR_500, Fault.ERROR_503, Fault.DROP, Fault.TRUNCATE, Fault.MALFORMED, Fault.HTML);
    OpenAiCompatibleClient c = local(FAST);
    ChatReply r = c.chat(chat("neuron 2", 1));
    assertThat(r.choices()).hasSize(1);
    assertThat(server.requests()).isEqualTo(8);
    assertThat(c.retries()).containsEntry(LlmException.Kind.RATE_LIMITED, 1L)
        .containsEntry(LlmException.Kind.SERVER_ERROR, 2L)
        .containsEntry(LlmException.Kind.CONNECTION, 2L)
        .containsEntry(LlmException.Kind.MALFORMED_REPLY, 2L);
  }

  @Test
  void retryAfterIsHonoured() {
    server.script(Fault.RATE_LIMIT_RETRY_AFTER);
    long t0 = System.nanoTime();
    local(FAST).chat(chat("neuron 3", 1));
    // The backoff alone would be ≤ 50 ms; the header asked for a full second.
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void retryAfterHeadersAreRead() {
    assertThat(OpenAiCompatibleClient.retryAfter(headers(Map.of("retry-after", List.of("2"))))).hasValue(2000);
    assertThat(OpenAiCompatibleClient.retryAfter(headers(Map.of("retry-after", List.of("0.5"))))).hasValue(500);
    assertThat(OpenAiCompatibleClient.retryAfter(headers(Map.of("retry-after-ms", List.of("20.3"), "retry-after", List.of("9"))))).hasValue(21);
    assertThat(OpenAiCompatibleClient.retryAfter(headers(Map.of()))).isEmpty();
  }

  private static HttpHeaders headers(Map<String, List<String>> m) {
    return HttpHeaders.of(m, (a, b) -> true);
  }

  @Test
  void slowRepliesTimeOutAndAreRetried() {
    server.slowMillis(3000).script(Fault.SLOW);
    OpenAiCompatibleClient c = local(FAST.withTimeout(Duration.ofMillis(400)));
    assertThat(c.chat(chat("neuron 4", 1)).choices()).hasSize(1);
    assertThat(c.retries()).containsEntry(LlmException.Kind.TIMEOUT, 1L);
  }

  @Test
  void rejectedRequestsAreNotRetried() {
    server.script(Fault.BAD_REQUEST);
    assertThatThrownBy(() -> local(FAST).chat(chat("neuron 5", 1)))
        .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.REJECTED))
        .hasMessageContaining("maximum context length");
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void givesUpAfterTheLastAttemptWithTheReason() {
    server.script(Fault.ERROR_500, Fault.ERROR_500, Fault.ERROR_500);
    assertThatThrownBy(() -> local(FAST.withRetries(3, Duration.ofMillis(1), Duration.ofMillis(2))).chat(chat("neuron 6", 1)))
        .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR))
        .hasMessageContaining("gave up after 3 attempts");
    assertThat(server.requests()).isEqualTo(3);
  }

  @Test
  void theCacheMakesARerunFreeEvenAcrossProcesses() {
    Path cacheFile = dir.resolve("cache.sqlite");
    Path ledgerFile = dir.resolve("ledger.sqlite");
    ChatReply first;
    try (ResponseCache cache = ResponseCache.open(cacheFile); CostLedger ledger = CostLedger.open(ledgerFile)) {
      CostMeter meter = new CostMeter(PriceTable.builtIn(), OptionalDouble.empty(), Optional.of(ledger));
      OpenAiCompatibleClient c = client(Preset.OPENAI, "gpt-4o-mini", FAST, Optional.of(cache), meter, Optional.of("sk-test-SECRET"));
      first = c.chat(chat("neuron 7", 2));
      ChatReply again = c.chat(chat("neuron 7", 2));
      assertThat(again.cached()).isTrue();
      assertThat(again.choices()).isEqualTo(first.choices());
      assertThat(meter.snapshot().requests()).isEqualTo(1);
      assertThat(meter.snapshot().cachedReplies()).isEqualTo(1);
      assertThat(meter.snapshot().dollars()).isPositive();
    }
    try (ResponseCache cache = ResponseCache.open(cacheFile); CostLedger ledger = CostLedger.open(ledgerFile)) {
      CostMeter meter = new CostMeter(PriceTable.builtIn(), OptionalDouble.empty(), Optional.of(ledger));
      OpenAiCompatibleClient c = client(Preset.OPENAI, "gpt-4o-mini", FAST, Optional.of(cache), meter, Optional.of("sk-test-SECRET"));
      assertThat(c.chat(chat("neuron 7", 2)).choices()).isEqualTo(first.choices());
      assertThat(meter.snapshot().dollars()).isZero();
      assertThat(ledger.totals().requests()).isEqualTo(1);
      assertThat(ledger.maxTimesPaid()).isEqualTo(1);
    }
    assertThat(server.answered()).isEqualTo(1);
  }

  @Test
  void theKeyIsSentButNeverStored() throws Exception {
    Path cacheFile = dir.resolve("cache.sqlite");
    Path ledgerFile = dir.resolve("ledger.sqlite");
    try (ResponseCache cache = ResponseCache.open(cacheFile); CostLedger ledger = CostLedger.open(ledgerFile)) {
      CostMeter meter = new CostMeter(PriceTable.builtIn(), OptionalDouble.empty(), Optional.of(ledger));
      client(Preset.OPENAI, "gpt-4o-mini", FAST, Optional.of(cache), meter, Optional.of("sk-test-SECRET")).chat(chat("neuron 8", 1));
    }
    assertThat(server.lastAuthorization()).isEqualTo("Bearer sk-test-SECRET");
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("SECRET");
    }
  }

  @Test
  void identicalConcurrentRequestsAreSentOnce() throws Exception {
    server.latency(200);
    OpenAiCompatibleClient c = local(FAST);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<ChatReply>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) futures.add(pool.submit(() -> c.chat(chat("same", 1))));
      for (Future<ChatReply> f : futures) assertThat(f.get().choices()).hasSize(1);
    }
    assertThat(server.answered()).isEqualTo(1);
  }

  @Test
  void aBudgetRefusesRequestsBeforeSendingThem() {
    CostMeter meter = new CostMeter(PriceTable.builtIn(), OptionalDouble.of(0.000001), Optional.empty());
    OpenAiCompatibleClient c = client(Preset.OPENAI, "gpt-4o", FAST, Optional.empty(), meter, Optional.of("k"));
    assertThatThrownBy(() -> c.chat(chat("neuron 9", 1))).isInstanceOf(BudgetExceededException.class).hasMessageContaining("--budget-usd");
    assertThat(server.requests()).isZero();
    assertThat(meter.snapshot().budgetReached()).isTrue();
  }

  @Test
  void aBudgetOnAnUnpricedHostedModelIsRefusedWithAHint() {
    CostMeter meter = new CostMeter(PriceTable.builtIn(), OptionalDouble.of(1), Optional.empty());
    OpenAiCompatibleClient c = client(Preset.OPENROUTER, "someone/unknown-model", FAST, Optional.empty(), meter, Optional.of("k"));
    assertThatThrownBy(() -> c.chat(chat("x", 1))).hasMessageContaining("--prices");
  }

  @Test
  void embeddingsComeBackInOrder() {
    List<float[]> v = local(FAST).embed(List.of("a", "b", "a"));
    assertThat(v).hasSize(3);
    assertThat(v.get(0)).isEqualTo(v.get(2)).isNotEqualTo(v.get(1));
  }

  @Test
  void pricesMatchDatedSnapshotsAndProviderPrefixes() {
    PriceTable p = PriceTable.builtIn();
    assertThat(p.priceOf("gpt-4o-mini-2024-07-18")).isEqualTo(p.priceOf("gpt-4o-mini")).isPresent();
    assertThat(p.priceOf("openai/gpt-4o")).isEqualTo(p.priceOf("gpt-4o"));
    assertThat(p.priceOf("gpt-4o-mini").orElseThrow().dollars(new Usage(1_000_000, 1_000_000))).isEqualTo(0.75, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(p.priceOf("llama-3")).isEmpty();
    assertThat(p.asOf()).isNotBlank();
  }
}
