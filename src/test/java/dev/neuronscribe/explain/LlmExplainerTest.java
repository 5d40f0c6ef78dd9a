package dev.neuronscribe.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.Puzzle;
import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmEndpoint;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.OpenAiTestServer;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.prompts.PromptPack;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The paper's explainer against a local server speaking OpenAI's protocol: what it keeps of a reply, and what it refuses. */
class LlmExplainerTest {
  private final OpenAiTestServer server = new OpenAiTestServer();
  private final LlmExplainer explainer = new LlmExplainer(new OpenAiCompatibleClient(
      new LlmEndpoint(Preset.VLLM, server.baseUrl(), "test-model", "NO_KEY_NEEDED"),
      LlmSettings.defaults().withRetries(2, Duration.ofMillis(5), Duration.ofMillis(20)), Optional.empty(), CostMeter.unlimited()),
      PromptPack.builtIn());
  private final Explainee puzzle = new Explainee.Puzzle(new Puzzle("colours", "colour words",
      List.of(new ActivationRecord(List.of(" the", " red", " car"), new double[] {0, 5, 0})), List.of()));

  @AfterEach
  void stop() {
    server.close();
  }

  private Explanation explainWith(String reply) {
    server.explanation(reply); // the server answers " " + reply + "."
    return explainer.explain(PromptFormat.SUMMARY, puzzle, 1).getFirst();
  }

  @Test
  void aSentenceIsKeptWithoutItsPeriod() {
    Explanation e = explainWith("the colour words red and blue");
    assertThat(e.ok()).isTrue();
    assertThat(e.text()).contains("the colour words red and blue");
  }

  @Test
  void replacementCharactersAndInvisibleSpaceAreAFailedExplanationWithTheReason() {
    for (String blank : List.of("\uFFFD\uFFFD", "\u00a0\u200b \uFFFD", "\t\uFFFD\n(the model went on)")) {
      Explanation e = explainWith(blank);
      assertThat(e.ok()).as(blank).isFalse();
      assertThat(e.text()).isEmpty();
      assertThat(e.error().orElseThrow()).as(blank).startsWith("blank explanation: only whitespace or replacement characters (U+FFFD)");
    }
    // A sentence with a broken character in it is still a sentence.
    assertThat(explainWith("the \uFFFD sign").ok()).isTrue();
  }

  @Test
  void blankIsOnlyWhitespaceReplacementAndFormatCharacters() {
    assertThat(ExplanationCleanup.blank("")).isTrue();
    assertThat(ExplanationCleanup.blank(" \u00a0\u2007\u200b\ufeff\uFFFD\u3000")).isTrue();
    assertThat(ExplanationCleanup.blank("\uFFFD.")).isFalse();
    assertThat(ExplanationCleanup.blank("a")).isFalse();
  }
}
