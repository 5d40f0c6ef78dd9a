package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.neuronscribe.llm.CostMeter;
import dev.neuronscribe.llm.LlmEndpoint;
import dev.neuronscribe.llm.LlmSettings;
import dev.neuronscribe.llm.OpenAiCompatibleClient;
import dev.neuronscribe.llm.OpenAiTestServer;
import dev.neuronscribe.llm.Preset;
import dev.neuronscribe.prompts.PromptPack;
import dev.neuronscribe.prompts.SimulatorWording;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The three LLM simulators against a local server speaking OpenAI's protocol (cl100k tokens, as vLLM would). */
class SimulatorsAgainstServerTest {
  private final OpenAiTestServer server = new OpenAiTestServer()
      // The simulated model's favourite digit: 8 for anything with an accent or emoji, 3 otherwise.
      .activation(t -> t.contains("é") || t.contains("🙂") ? 8 : 3);
  private final OpenAiCompatibleClient client = new OpenAiCompatibleClient(
      new LlmEndpoint(Preset.VLLM, server.baseUrl(), "test-model", "NO_KEY_NEEDED"),
      LlmSettings.defaults().withRetries(4, Duration.ofMillis(5), Duration.ofMillis(20)), Optional.empty(), CostMeter.unlimited());
  private final SimulatorWording wording = PromptPack.builtIn().simulator().orElseThrow();

  // Multi-byte characters the tokenizer splits into byte tokens, a line break token and a tab inside a token.
  private static final List<String> TOKENS = List.of(" The", " café", " was", " 🙂", "\n", " fine", "\t", ".");

  @AfterEach
  void stop() {
    server.close();
  }

  /** The server's alternatives for digit d (2..9): 0.7 d, 0.15 d−1, 0.1 d+1, 0.05 "0". */
  private static double ev(int d) {
    return 0.7 * d + 0.15 * (d - 1) + 0.1 * (d + 1);
  }

  private void assertPredictions(SimulationOutcome o) {
    assertThat(o).isInstanceOf(SimulationOutcome.Simulated.class);
    SequenceSimulation s = ((SimulationOutcome.Simulated) o).simulation();
    assertThat(s.tokens()).isEqualTo(TOKENS);
    for (int i = 0; i < TOKENS.size(); i++) {
      int d = TOKENS.get(i).contains("é") || TOKENS.get(i).contains("🙂") ? 8 : 3;
      assertThat(s.expected(i)).as("token %d %s", i, TOKENS.get(i)).isCloseTo(ev(d), offset(1e-9));
    }
  }

  @Test
  void allAtOnceReadsPromptLogprobsAtEveryTokenDespiteByteSplits() {
    assertPredictions(new AllAtOnceSimulator(client, wording).simulate("words with accents", TOKENS));
  }

  @Test
  void chatLogprobsReadsTheAlternativesWhereEachNumberStarts() {
    assertPredictions(new ChatLogprobSimulator(client, wording).simulate("words with accents", TOKENS));
  }

  @Test
  void logprobFreeTakesTheWrittenNumbers() {
    SimulationOutcome o = new LogprobFreeSimulator(client, wording).simulate("words with accents", TOKENS);
    SequenceSimulation s = ((SimulationOutcome.Simulated) o).simulation();
    assertThat(s.expected(1)).isEqualTo(8);
    assertThat(s.expected(0)).isEqualTo(3);
  }

  @Test
  void aServerFaultThatOutlastsTheRetriesIsARecordedFailure() {
    server.script(OpenAiTestServer.Fault.ERROR_500, OpenAiTestServer.Fault.ERROR_500, OpenAiTestServer.Fault.ERROR_500, OpenAiTestServer.Fault.ERROR_500);
    SimulationOutcome o = new AllAtOnceSimulator(client, wording).simulate("anything", TOKENS);
    assertThat(o).isInstanceOfSatisfying(SimulationOutcome.Failed.class, f -> assertThat(f.reason()).contains("SERVER_ERROR").contains("gave up"));
  }

  @Test
  void theAllAtOncePromptHasTheSpecifiedShape() {
    String prompt = new AllAtOnceSimulator(client, wording).request(" an explanation ", List.of(" a", "\n")).prompt();
    int k = wording.fewShot().size() + 1;
    assertThat(prompt).startsWith(wording.system())
        .endsWith("\n\nNeuron " + k + wording.stem(k) + " an explanation" + "\nActivations: \n<start>\n a\tunknown\n\n\tunknown\n<end>\n");
    assertThat(prompt).contains("\n<end>\n\n\n\nNeuron 2");
  }
}
