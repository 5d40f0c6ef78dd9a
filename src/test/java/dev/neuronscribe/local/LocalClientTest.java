package dev.neuronscribe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.llm.ChatReply;
import dev.neuronscribe.llm.ChatRequest;
import dev.neuronscribe.llm.CompletionReply;
import dev.neuronscribe.llm.CompletionRequest;
import dev.neuronscribe.llm.CostLedger;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.ResponseCache;
import dev.neuronscribe.prompts.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --llm local:PATH} as the pipeline uses it: the in-process client, its cache and ledger, sampling. */
class LocalClientTest {
  @TempDir Path dir;

  private OpenAiCompatibleClient client(Path model, Optional<ResponseCache> cache, CostMeter meter) {
    return LocalLlm.connect(LocalLlm.endpoint(model.toString()), LlmSettings.defaults(), cache, meter, false, Optional.empty());
  }

  @Test
  void repliesAreCachedAndTheLedgerHasTheModelsExactTokenCounts() {
    try (ResponseCache cache = ResponseCache.open(dir.resolve("cache.sqlite")); CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      CostMeter meter = new CostMeter(PriceTable.builtIn(), OptionalDouble.empty(), Optional.of(ledger));
      OpenAiCompatibleClient c = client(LocalServerTest.HELDOUT, Optional.of(cache), meter);
      assertThat(c.name()).isEqualTo("local:" + LocalServerTest.HELDOUT);
      assertThat(c.local()).isTrue();
      assertThat(c.promptLogprobs()).isTrue();
      CompletionRequest req = CompletionRequest.promptLogprobs("red green blue\tunknown", 10);
      CompletionReply first = c.complete(req);
      assertThat(first.cached()).isFalse();
      int[] tokens = LocalLlm.of(LocalServerTest.HELDOUT, Optional.empty()).protocol().engine().promptTokens("red green blue\tunknown");
      assertThat(first.usage().promptTokens()).isEqualTo(tokens.length);
      CompletionReply again = c.complete(req);
      assertThat(again.cached()).isTrue();
      assertThat(again.choices()).isEqualTo(first.choices());
      ChatReply chat = c.chat(ChatRequest.sample(List.of(Message.user("name a colour")), 2, 1.0, 1.0, 5));
      assertThat(c.chat(ChatRequest.sample(List.of(Message.user("name a colour")), 2, 1.0, 1.0, 5)).choices()).isEqualTo(chat.choices());
      assertThat(ledger.totals().requests()).isEqualTo(2);
      assertThat(ledger.totals().promptTokens()).isEqualTo(tokens.length + chat.usage().promptTokens());
      assertThat(ledger.totals().completionTokens()).isEqualTo(chat.usage().completionTokens());
      assertThat(ledger.totals().dollars()).isZero();
      assertThat(ledger.maxTimesPaid()).isEqualTo(1);
    }
  }

  @Test
  void samplesOnForkedCachesEqualOneSampleAtATime() {
    OpenAiCompatibleClient c = client(LocalServerTest.HELDOUT, Optional.empty(), CostMeter.unlimited());
    List<Message> m = List.of(Message.system("Be brief."), Message.user("list three colours"));
    // Greedy: every fork of the prompt's cache must continue exactly as a fresh session does.
    ChatReply three = c.chat(new ChatRequest(m, 3, 0, 1, 8, true, 2));
    ChatReply one = c.chat(new ChatRequest(m, 1, 0, 1, 8, true, 2));
    assertThat(three.choices()).hasSize(3).allSatisfy(ch -> {
      assertThat(ch.content()).isEqualTo(one.choices().getFirst().content());
      assertThat(ch.logprobs()).hasSameSizeAs(one.choices().getFirst().logprobs());
      for (int i = 0; i < ch.logprobs().size(); i++) {
        assertThat(ch.logprobs().get(i).logprob()).isCloseTo(one.choices().getFirst().logprobs().get(i).logprob(), org.assertj.core.data.Offset.offset(1e-6));
      }
    });
  }

  @Test
  void withoutACacheTheSameRequestStillGetsTheSameSamples() {
    OpenAiCompatibleClient c = client(LocalServerTest.HELDOUT, Optional.empty(), CostMeter.unlimited());
    ChatRequest r = ChatRequest.sample(List.of(Message.user("a colour?")), 3, 1.0, 0.95, 6);
    ChatReply a = c.chat(r);
    assertThat(c.chat(r).choices()).isEqualTo(a.choices());
    assertThat(a.choices().stream().map(ChatReply.Choice::content).distinct().count()).as("three different samples").isGreaterThan(1);
  }

  @Test
  void theCacheKeyFollowsTheModelsFiles() throws Exception {
    Path copy = dir.resolve("model");
    Files.createDirectories(copy);
    try (Stream<Path> s = Files.list(LocalServerTest.HELDOUT)) {
      for (Path f : s.toList()) Files.copy(f, copy.resolve(f.getFileName()));
    }
    String before = LocalLlm.of(copy, Optional.empty()).identity();
    assertThat(LocalLlm.of(copy, Optional.empty())).isSameAs(LocalLlm.of(copy, Optional.empty()));
    Files.writeString(copy.resolve("generation_config.json"), "{\"eos_token_id\": 2}");
    assertThat(LocalLlm.of(copy, Optional.empty()).identity()).isNotEqualTo(before);
    Path template = dir.resolve("t.jinja");
    Files.writeString(template, "{% for m in messages %}{{ m.content }}{% endfor %}");
    assertThat(LocalLlm.of(copy, Optional.of(template)).identity()).isNotEqualTo(LocalLlm.of(copy, Optional.empty()).identity());
    assertThatThrownBy(() -> LocalLlm.of(dir.resolve("absent"), Optional.empty())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("absent").hasMessageContaining("no such file or directory");
    assertThatThrownBy(() -> LocalLlm.of(copy, Optional.of(dir.resolve("none.jinja")))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("none.jinja");
  }

  @Test
  void aGgufFileServesPromptLogprobsAndChat() {
    Path gguf = Path.of("src", "test", "resources", "fixtures", "local-llm", "gguf", "qwen2-q8_0.gguf");
    assertThat(LocalLlm.of(gguf, Optional.empty()).id()).isEqualTo("qwen2-q8_0");
    OpenAiCompatibleClient c = client(gguf, Optional.empty(), CostMeter.unlimited());
    CompletionReply echo = c.complete(CompletionRequest.promptLogprobs("the cat sat on the mat", 5));
    CompletionReply.Logprobs lp = echo.choices().getFirst().logprobs().orElseThrow();
    assertThat(String.join("", lp.tokens())).endsWith("the cat sat on the mat");
    assertThat(Double.isNaN(lp.tokenLogprobs()[0])).isTrue();
    for (int i = 1; i < lp.tokens().size(); i++) {
      assertThat(lp.tokenLogprobs()[i]).isNegative();
      // Up to 5: without a tokenizer.json beside the file the vocabulary's byte tokens all read "\uFFFD", and
      // alternatives with one text keep the likelier's value (docs/local-llm.md, Limits).
      assertThat(lp.topLogprobs().get(i)).hasSizeBetween(1, 5);
    }
    ChatReply chat = c.chat(new ChatRequest(List.of(Message.user("hi")), 1, 0, 1, 4, true, 2));
    assertThat(chat.choices().getFirst().logprobs()).isNotEmpty();
  }

  @Test
  void samplingFollowsTemperatureTopPAndTheSeed() {
    double[] lsm = {Math.log(0.5), Math.log(0.3), Math.log(0.2)};
    assertThat(Sampler.pick(lsm, new Engine.Sampling(0, 1, 1), new SplittableRandom(1))).isZero();
    int[] counts = new int[3];
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20000; i++) counts[Sampler.pick(lsm, new Engine.Sampling(1, 1, 0), r)]++;
    assertThat(counts[0] / 20000.0).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
    assertThat(counts[1] / 20000.0).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.02));
    assertThat(counts[2] / 20000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.02));
    // top_p 0.75: the nucleus is {0, 1} (0.5 + 0.3 ≥ 0.75), renormalised to 5/8 and 3/8; token 2 is never drawn.
    counts = new int[3];
    for (int i = 0; i < 20000; i++) counts[Sampler.pick(lsm, new Engine.Sampling(1, 0.75, 0), r)]++;
    assertThat(counts[2]).isZero();
    assertThat(counts[0] / 20000.0).isCloseTo(0.625, org.assertj.core.data.Offset.offset(0.02));
    // Temperature 0.5 squares the odds: 25 : 9 : 4.
    counts = new int[3];
    for (int i = 0; i < 20000; i++) counts[Sampler.pick(lsm, new Engine.Sampling(0.5, 1, 0), r)]++;
    assertThat(counts[0] / 20000.0).isCloseTo(25.0 / 38, org.assertj.core.data.Offset.offset(0.02));
    int[] a = new int[50], b = new int[50];
    SplittableRandom ra = new SplittableRandom(3), rb = new SplittableRandom(3);
    for (int i = 0; i < 50; i++) {
      a[i] = Sampler.pick(lsm, new Engine.Sampling(1, 1, 3), ra);
      b[i] = Sampler.pick(lsm, new Engine.Sampling(1, 1, 3), rb);
    }
    assertThat(a).isEqualTo(b);
  }

  @Test
  void topKIsBestFirstWithTiesByLowerId() {
    assertThat(LogSoftmax.topK(new double[] {0.1, 0.5, 0.5, -1, 0.3}, 3)).containsExactly(1, 2, 4);
    assertThat(LogSoftmax.topK(new double[] {2, 1}, 5)).containsExactly(0, 1);
    double[] lsm = LogSoftmax.of(new float[] {9, 1, 2, 3, 0}, 1, 3);
    assertThat(Math.exp(lsm[0]) + Math.exp(lsm[1]) + Math.exp(lsm[2])).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(lsm[2] - lsm[0]).isCloseTo(2, org.assertj.core.data.Offset.offset(1e-12));
  }
}
