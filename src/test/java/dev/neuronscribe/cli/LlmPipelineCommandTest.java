package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.llm.CostLedger;
import dev.neuronscribe.llm.OpenAiTestServer;
import dev.neuronscribe.llm.OpenAiTestServer.Fault;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline commands against a local OpenAI-protocol server that misbehaves. */
class LlmPipelineCommandTest {
  @TempDir Path dir;
  private final OpenAiTestServer server = new OpenAiTestServer().activation(t -> t.matches(" (red|blue|green)") ? 9 : 0);

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

  /** The pipeline command; an option given in {@code extra} replaces the default. */
  private String[] pipeline(String... extra) {
    java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
    o.put("--records", dir.resolve("records").toString());
    o.put("--out", dir.resolve("run").toString());
    o.put("--formats", "summary,highlight");
    o.put("--llm", "vllm:test-model");
    o.put("--base-url", server.baseUrl().toString());
    o.put("--cache", dir.resolve("cache.sqlite").toString());
    o.put("--ledger", dir.resolve("ledger.sqlite").toString());
    o.put("--attempts", "12");
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < extra.length; i++) {
      if (i + 1 < extra.length && !extra[i + 1].startsWith("--")) o.put(extra[i], extra[++i]);
      else flags.add(extra[i]);
    }
    List<String> a = new ArrayList<>(List.of("pipeline"));
    o.forEach((k, v) -> { a.add(k); a.add(v); });
    a.addAll(flags);
    return a.toArray(String[]::new);
  }

  private List<NeuronSimulationResults> results(PromptFormat f) {
    return Pipeline.results(dir.resolve("run"), f);
  }

  @Test
  void underRandomFaultsEveryNeuronEndsDoneAndNothingIsPaidTwice() {
    SyntheticRecords.write(dir.resolve("records"), 3);
    server.randomFaults(0.2, Fault.RATE_LIMIT_BARE, Fault.RATE_LIMIT_RETRY_AFTER_MS, Fault.ERROR_500, Fault.ERROR_503, Fault.DROP, Fault.TRUNCATE, Fault.MALFORMED, Fault.HTML);
    Run r = scribe(pipeline());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(server.totalInjected()).isPositive();
    for (PromptFormat f : List.of(PromptFormat.SUMMARY, PromptFormat.HIGHLIGHT)) {
      assertThat(results(f)).hasSize(3);
      // The simulated model answers 9 on colour words and 0 elsewhere: the score must show it.
      assertThat(results(f)).allSatisfy(n -> assertThat(n.scoredExplanations().getFirst().scoredSimulation().evCorrelationScore()).isGreaterThan(0.75));
    }
    assertThat(r.out()).contains("6 done, 0 failed").contains("summary").contains("mean corr");
    assertThat(server.maxAnswersForOneRequest()).isEqualTo(1);
    int answered = server.answered();
    // One explanation request per neuron and format; the server's explanation is the same in both formats,
    // so the 10 simulation requests per neuron are identical across formats and paid once.
    assertThat(answered).isEqualTo(2 * 3 + 3 * 10);

    // A rerun has nothing left to do.
    Run again = scribe(pipeline());
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("6 already done");
    // Lost outputs (a crash before saving) are rebuilt from the cache: the server is not asked again.
    server.randomFaults(0);
    dir.resolve("run/summary/simulations.jsonl").toFile().delete();
    assertThat(scribe(pipeline()).code()).isZero();
    assertThat(results(PromptFormat.SUMMARY)).hasSize(3);
    assertThat(server.answered()).isEqualTo(answered);
    try (CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      assertThat(ledger.totals().requests()).isEqualTo(answered);
      assertThat(ledger.maxTimesPaid()).isEqualTo(1);
    }
  }

  @Test
  void aRejectedRequestFailsItsNeuronWithTheReasonAndARerunFinishesIt() {
    SyntheticRecords.write(dir.resolve("records"), 2);
    server.script(Fault.BAD_REQUEST);
    Run r = scribe(pipeline("--formats", "summary"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("1 units failed");
    String recorded = Files.exists(dir.resolve("run/summary/failures.jsonl")) ? read("run/summary/failures.jsonl") : "";
    recorded += read("run/summary/explanations.jsonl");
    assertThat(recorded).contains("REJECTED").contains("maximum context length");
    Run again = scribe(pipeline("--formats", "summary"));
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(results(PromptFormat.SUMMARY)).hasSize(2);
    assertThat(read("run/summary/failures.jsonl")).isEmpty();
  }

  @Test
  void aFailedExplanationCountsAsAFailedTargetInTheScores() throws Exception {
    SyntheticRecords.write(dir.resolve("records"), 2);
    server.script(Fault.BAD_REQUEST); // the explainer refuses one neuron; nothing is left to simulate for it
    Run r = scribe(pipeline("--formats", "summary", "--parallel", "1"));
    assertThat(r.code()).isEqualTo(1);
    String row = r.out().lines().filter(l -> l.startsWith("summary")).findFirst().orElseThrow();
    // format, targets, scored, undefined, failed
    assertThat(row.trim().split("\\s+")).startsWith("summary", "2", "1", "0", "1");
    var scores = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("run/summary/scores.json").toFile());
    assertThat(scores.get("targets").asInt()).isEqualTo(2);
    assertThat(scores.get("failed").asInt()).isEqualTo(1);
    assertThat(scores.get("failures").get(0).get("reason").asText()).contains("no explanation").contains("maximum context length");
  }

  @Test
  void aBudgetStopsTheRunCleanlyAndARerunGoesOn() throws Exception {
    SyntheticRecords.write(dir.resolve("records"), 4);
    Path prices = dir.resolve("prices.json");
    Files.writeString(prices, "{\"as_of\": \"test\", \"models\": {\"test-model\": {\"input\": 1000, \"output\": 1000}}}");
    Run r = scribe(pipeline("--formats", "summary", "--prices", prices.toString(), "--budget-usd", "3", "--parallel", "1"));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("budget of $3.0000 reached");
    int paid = server.answered();
    assertThat(paid).isPositive();
    assertThat(results(PromptFormat.SUMMARY).size()).isLessThan(4);
    // The budget is the run directory's: a rerun with the same budget has nothing left to spend.
    Run same = scribe(pipeline("--formats", "summary", "--prices", prices.toString(), "--budget-usd", "3", "--parallel", "1"));
    assertThat(same.code()).isEqualTo(1);
    assertThat(same.err()).contains("budget of $3.0000 reached").contains("spent by earlier runs of " + dir.resolve("run").toAbsolutePath())
        .contains("counts every run of this directory");
    assertThat(server.answered()).isEqualTo(paid);
    Run more = scribe(pipeline("--formats", "summary", "--prices", prices.toString(), "--budget-usd", "1000"));
    assertThat(more.code()).as(more.err()).isZero();
    assertThat(results(PromptFormat.SUMMARY)).hasSize(4);
    try (CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      assertThat(ledger.maxTimesPaid()).isEqualTo(1);
      assertThat(ledger.totals().requests()).isEqualTo(server.answered());
    }
  }

  @Test
  void aDryRunSendsNothing() {
    SyntheticRecords.write(dir.resolve("records"), 2);
    // No key is set: an estimate sends nothing, so it needs none.
    Run r = scribe(pipeline("--dry-run", "--llm", "openai:gpt-4o-mini", "--api-key-env", "SCRIBE_TEST_KEY_THAT_IS_NOT_SET"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("in all: 44 requests").contains("Nothing was sent");
    assertThat(server.requests()).isZero();
  }

  @Test
  void aBadBackendIsAUsageErrorNamingTheChoices() {
    SyntheticRecords.write(dir.resolve("records"), 1);
    Run r = scribe("explain", "--records", dir.resolve("records").toString(), "--out", dir.toString(), "--llm", "gpt4");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("baseline").contains("openai");
  }

  private String read(String rel) {
    try {
      return Files.readString(dir.resolve(rel));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
