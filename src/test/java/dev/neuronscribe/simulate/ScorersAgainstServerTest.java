package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.llm.BudgetExceededException;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmEndpoint;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.OpenAiTestServer;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.llm.PriceTable;
import dev.neuronscribe.llm.ResponseCache;
import dev.neuronscribe.prompts.PromptPack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language-model scorers against a local server speaking OpenAI's protocol, whose "model" judges by
 * shared words ({@link OpenAiTestServer#wordJudge}) and, for surprisal, finds a token likelier when its
 * word appeared earlier in the prompt. A puzzle about colours: true explanation names the colours.
 */
class ScorersAgainstServerTest {
  private final OpenAiTestServer server = new OpenAiTestServer();
  private static final String TRUE = "colour words such as red, blue, green and yellow";
  private static final String FALSE = "verbs of motion such as ran and walked";

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiCompatibleClient client(Preset preset, Optional<ResponseCache> cache, CostMeter meter) {
    return new OpenAiCompatibleClient(new LlmEndpoint(preset, server.baseUrl(), "test-model", "NO_KEY_NEEDED"),
        LlmSettings.defaults().withRetries(4, Duration.ofMillis(5), Duration.ofMillis(20)), cache, meter);
  }

  private OpenAiCompatibleClient client() {
    return client(Preset.VLLM, Optional.empty(), CostMeter.unlimited());
  }

  private static ExcerptScorer scorer(String method, OpenAiCompatibleClient c) {
    return Scorers.create(method, Optional.of(c), PromptPack.builtIn(), () -> {
      throw new AssertionError("no simulator here");
    }, () -> {
      throw new AssertionError("no MiniLM here");
    }, 3);
  }

  private static ActivationRecord sentence(String text, String hot) {
    List<String> tokens = new ArrayList<>();
    for (String w : text.split(" ")) tokens.add(tokens.isEmpty() ? w : " " + w);
    double[] a = new double[tokens.size()];
    for (int i = 0; i < a.length; i++) a[i] = tokens.get(i).strip().matches(hot) ? 9 : 0;
    return new ActivationRecord(tokens, a);
  }

  static final Puzzle COLOURS = new Puzzle("colours", TRUE, List.of(
      sentence("the red car stopped by the old gate", "red"),
      sentence("she painted the door blue last spring", "blue"),
      sentence("a green field lay beyond the quiet river", "green"),
      sentence("his yellow coat hung by the kitchen stove", "yellow"),
      sentence("we ran to the station before noon", "none"),
      sentence("the dog walked home after the long storm", "none"),
      sentence("they counted the chairs in the hall twice", "none"),
      sentence("nobody answered the letter from the bank", "none")), List.of(FALSE));

  @Test
  void detectionFuzzingAndIntruderTellTheTrueExplanationFromAFalseOne() {
    OpenAiCompatibleClient c = client();
    ScoringSet set = ScoringSet.forPuzzle(COLOURS, 7);
    for (String method : List.of("detection", "fuzzing", "intruder")) {
      ExcerptScorer s = scorer(method, c);
      Verdicts truth = s.score(TRUE, set);
      Verdicts wrong = s.score(FALSE, set);
      assertThat(truth.failures()).as(method).isEmpty();
      assertThat(truth.usage().totalTokens()).as(method).isPositive();
      OptionalDouble t = Scorers.headline(truth), f = Scorers.headline(wrong);
      assertThat(t.getAsDouble()).as(method).isEqualTo(1.0);
      assertThat(f.getAsDouble()).as(method).isLessThan(t.getAsDouble());
    }
  }

  @Test
  void detectionBatchesSeveralExcerptsPerRequest() {
    OpenAiCompatibleClient c = client();
    Verdicts s = scorer("detection", c).score(TRUE, ScoringSet.forPuzzle(COLOURS, 7));
    assertThat(s.judgements()).hasSize(8);
    assertThat(s.requests()).isEqualTo(3); // 8 excerpts, 3 per request
    assertThat(server.answered()).isEqualTo(3);
    ScorerMetrics m = s.metrics();
    assertThat(m.accuracy().getAsDouble()).isEqualTo(1.0);
    assertThat(m.f1().getAsDouble()).isEqualTo(1.0);
    assertThat(m.perQuantile()).extracting(ScorerMetrics.Quantile::decided).containsExactly(4, 4);
  }

  @Test
  void embeddingRunsOnTheServersEmbeddingsEndpoint() {
    Verdicts s = new EmbeddingScorer(new dev.neuronscribe.llm.LlmEmbeddings(client())).score(TRUE, ScoringSet.forPuzzle(COLOURS, 7));
    assertThat(s.scorer()).isEqualTo("embedding:test-model");
    assertThat(s.judgements()).hasSize(8);
    assertThat(s.metrics().auroc()).isPresent();
  }

  @Test
  void surprisalReadsPromptLogprobsAndFavoursTheExcerptsTheExplanationPredicts() {
    // The server's model: a token is likelier when its word was already in the prompt.
    server.promptLogprob((before, token) -> {
      String w = token.strip().toLowerCase(java.util.Locale.ROOT);
      return w.length() >= 3 && before.toLowerCase(java.util.Locale.ROOT).contains(w) ? -0.2 : -2.0;
    });
    ExcerptScorer s = scorer("surprisal", client());
    ScoringSet set = ScoringSet.forPuzzle(COLOURS, 7);
    Verdicts truth = s.score(TRUE, set);
    assertThat(truth.failures()).isEmpty();
    assertThat(truth.requests()).isEqualTo(16);
    double t = Scorers.headline(truth).getAsDouble();
    assertThat(t).isGreaterThan(0.8);
    assertThat(Scorers.headline(s.score(FALSE, set)).getAsDouble()).isLessThan(t);
  }

  @Test
  void surprisalIsRefusedBeforeAnyRequestWhereTheBackendHasNoPromptLogprobs() {
    assertThatThrownBy(() -> scorer("surprisal", client(Preset.OLLAMA, Optional.empty(), CostMeter.unlimited())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt log-probabilities").hasMessageContaining("ollama:test-model");
    assertThat(server.requests()).isZero();
  }

  @Test
  void anUnreadableAnswerIsARecordedFailureNotAGuess() {
    server.judge(message -> "I think most of them do.");
    Verdicts s = scorer("detection", client()).score(TRUE, ScoringSet.forPuzzle(COLOURS, 7));
    assertThat(s.judgements()).isEmpty();
    assertThat(s.failures()).hasSize(3).allMatch(f -> f.contains("unreadable answer") && f.contains("expected"));
    assertThat(s.metrics().accuracy()).isEmpty();
    server.judge(message -> "2: 1\n1: 0\n3: 1\n");
    assertThat(scorer("fuzzing", client()).score(TRUE, ScoringSet.forPuzzle(COLOURS, 8)).failures()).allMatch(f -> f.contains("unreadable answer"))
        .anyMatch(f -> f.contains("must come in order"));
    server.judge(message -> "the second one");
    assertThat(scorer("intruder", client()).score(TRUE, ScoringSet.forPuzzle(COLOURS, 7)).failures()).allMatch(f -> f.contains("expected one number"));
  }

  @Test
  void serverFaultsAreRetriedAndARepeatIsServedFromTheCacheWithoutPayingTwice(@TempDir Path tmp) {
    server.script(OpenAiTestServer.Fault.ERROR_500, OpenAiTestServer.Fault.RATE_LIMIT_RETRY_AFTER_MS, OpenAiTestServer.Fault.MALFORMED);
    try (ResponseCache cache = ResponseCache.open(tmp.resolve("cache.sqlite"))) {
      OpenAiCompatibleClient c = client(Preset.VLLM, Optional.of(cache), CostMeter.unlimited());
      ScoringSet set = ScoringSet.forPuzzle(COLOURS, 7);
      Verdicts first = scorer("detection", c).score(TRUE, set);
      assertThat(first.failures()).isEmpty();
      int answered = server.answered();
      Verdicts again = scorer("detection", client(Preset.VLLM, Optional.of(cache), CostMeter.unlimited())).score(TRUE, set);
      assertThat(again.judgements()).isEqualTo(first.judgements());
      assertThat(server.answered()).isEqualTo(answered);
      assertThat(server.maxAnswersForOneRequest()).isEqualTo(1);
    }
  }

  @Test
  void theBudgetStopsTheScorer() {
    // A priced model on a local preset: the price table applies, so the budget does.
    CostMeter meter = new CostMeter(PriceTable.builtIn(), OptionalDouble.of(0.000001), Optional.empty());
    OpenAiCompatibleClient paid = new OpenAiCompatibleClient(new LlmEndpoint(Preset.VLLM, server.baseUrl(), "gpt-4o-mini", "NO_KEY_NEEDED"),
        LlmSettings.defaults().withRetries(2, Duration.ofMillis(5), Duration.ofMillis(20)), Optional.empty(), meter);
    assertThatThrownBy(() -> scorer("detection", paid).score(TRUE, ScoringSet.forPuzzle(COLOURS, 7))).isInstanceOf(BudgetExceededException.class);
  }
}
