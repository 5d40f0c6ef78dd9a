package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronscribe.llm.OpenAiTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scribe judge against the local OpenAI-protocol server: explain K times, score, pick the best, resume. */
class JudgeCommandTest {
  @TempDir Path dir;
  private final OpenAiTestServer server = new OpenAiTestServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private record Run(int code, String out, String err) {}

  private Run scribe(String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new Run(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private String[] judge(String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("judge", "--records", dir.resolve("records").toString(), "--out", dir.resolve("run").toString(),
        "--formats", "summary", "--llm", "vllm:test-model", "--base-url", server.baseUrl().toString(),
        "--cache", dir.resolve("cache.sqlite").toString(), "--ledger", dir.resolve("ledger.sqlite").toString(), "--attempts", "6"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void bestOfKExplainsScoresAndChoosesAndARerunAsksTheServerNothing() throws Exception {
    SyntheticRecords.write(dir.resolve("records"), 2);
    server.script(OpenAiTestServer.Fault.ERROR_500, OpenAiTestServer.Fault.RATE_LIMIT_RETRY_AFTER_MS);
    Run r = scribe(judge("--scorers", "detection,intruder", "--best-of", "2", "--best-by", "detection"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("detection:vllm:test-model").contains("intruder:vllm:test-model").contains("Best of K")
        .contains("reported on the other half").doesNotContain("—");
    assertThat(Files.readString(dir.resolve("run/judge-summary.txt"))).contains("Best of K").contains("detection:vllm:test-model");
    List<String> lines = Files.readAllLines(dir.resolve("run/summary/scorers.jsonl"));
    ObjectMapper json = new ObjectMapper();
    // 2 neurons × 2 samples × 2 scorers on all examples, then per neuron 2 selection and 1 or 2 report lines.
    assertThat(lines.stream().map(l -> read(json, l)).filter(n -> n.get("examples").asText().equals("all"))).hasSize(8);
    JsonNode first = read(json, lines.getFirst());
    assertThat(first.get("metrics").get("per_quantile")).isNotEmpty();
    assertThat(first.get("tokens").asLong()).isPositive();
    assertThat(first.get("failures")).isEmpty();
    assertThat(server.maxAnswersForOneRequest()).isEqualTo(1);

    int answered = server.answered();
    Run again = scribe(judge("--scorers", "detection,intruder", "--best-of", "2", "--best-by", "detection"));
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(server.answered()).isEqualTo(answered);
    assertThat(again.out()).isEqualTo(r.out());
  }

  @Test
  void surprisalOnABackendWithoutPromptLogprobsIsRefusedBeforeAnyRequest() {
    SyntheticRecords.write(dir.resolve("records"), 1);
    Run r = scribe("judge", "--records", dir.resolve("records").toString(), "--out", dir.resolve("run").toString(), "--formats", "summary",
        "--llm", "ollama:test-model", "--base-url", server.baseUrl().toString(), "--no-cache", "--ledger", dir.resolve("l.sqlite").toString(),
        "--scorers", "surprisal");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("surprisal").contains("prompt log-probabilities");
    assertThat(server.requests()).isZero();
  }

  private static JsonNode read(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
