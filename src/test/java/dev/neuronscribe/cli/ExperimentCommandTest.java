package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.llm.CostLedger;
import dev.neuronscribe.llm.OpenAiTestServer;
import dev.neuronscribe.llm.OpenAiTestServer.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scribe experiment} with model backends: a local server speaking the OpenAI protocol explains,
 * simulates (all-at-once, prompt logprobs) and embeds. Checks spend and Table 7, budget stops and
 * resuming, faults, and that nothing is ever paid twice.
 */
class ExperimentCommandTest {
  @TempDir Path dir;
  private final OpenAiTestServer server = new OpenAiTestServer().activation(t -> t.matches(" (red|blue|green)") ? 9 : 0);

  @AfterEach
  void stop() {
    server.close();
  }

  Path runFile(String extra) throws Exception {
    SyntheticRecords.write(dir.resolve("records"), 3);
    Files.writeString(dir.resolve("refs.csv"), "layer,neuron,explanation\n0,0,colour words\n0,1,colour words such as red\n0,2,the word blue\n");
    Files.writeString(dir.resolve("prices.json"), "{\"as_of\": \"test\", \"models\": {\"test-model\": {\"input\": 100, \"output\": 200}, \"embed-model\": {\"input\": 10, \"output\": 0}}}");
    String url = server.baseUrl().toString();
    Path file = dir.resolve("llm.yaml");
    Files.writeString(file, """
        name: llm-test
        neuron_sets:
          - {name: colours, records: records, references: refs.csv}
          - {name: puzzles, puzzles: builtin}
        formats: [summary, highlight]
        explainers: [{llm: "vllm:test-model", base_url: "URL"}]
        simulators: [{llm: "vllm:test-model", method: all-at-once, base_url: "URL"}]
        embeddings: {llm: "vllm:embed-model", base_url: "URL"}
        evaluations: [simulate-score, similarity, puzzles]
        puzzle_runs: 2
        bootstrap: 200
        llm: {cache: cache.sqlite, ledger: ledger.sqlite, prices: prices.json, attempts: 12}
        """.replace("URL", url) + extra);
    return file;
  }

  @Test
  void aModelRunIsMeteredPerStepSurvivesFaultsAndNeverPaysTwice() throws Exception {
    Path file = runFile("");
    server.randomFaults(0.15, Fault.RATE_LIMIT_BARE, Fault.ERROR_500, Fault.DROP, Fault.TRUNCATE, Fault.MALFORMED);
    CliRun r = CliRun.of("experiment", "run", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(server.totalInjected()).isPositive();
    // colours: 3 neurons × 2 formats × 3 steps; puzzles: 14 × 2 × 3
    assertThat(r.out()).contains("102 units: 102 done now, 0 already done, 0 failed").contains("paid requests").contains("report: file://");
    assertThat(server.maxAnswersForOneRequest()).isEqualTo(1);

    String md = Files.readString(dir.resolve("llm/report.md"));
    // Table 7 from the units' own ledger: the explain step used tokens and cost dollars at the test prices.
    Matcher explain = Pattern.compile("\\| explain \\(Summary\\) \\| vllm:test-model \\| 3 \\| ([\\d,]+) ± [\\d,]+ \\| ([\\d,]+)[^|]*\\| \\$([\\d.]+)").matcher(md);
    assertThat(explain.find()).as(md).isTrue();
    assertThat(Long.parseLong(explain.group(1).replace(",", ""))).isPositive();
    assertThat(Double.parseDouble(explain.group(3))).isPositive();
    assertThat(md).contains("| simulate and score (Highlight) | all-at-once:vllm:test-model |").contains("| similarity (Summary) | embed-model |");
    // The simulated model answers 9 on colour words: the planted answer must score well.
    assertThat(md).containsPattern("\\| colours \\| simulate and score \\| 3 \\| 0\\.(8|9)\\d\\d ± ");

    // The paid requests are all in the llm ledger, once each.
    try (CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      assertThat(ledger.maxTimesPaid()).isEqualTo(1);
      assertThat(ledger.totals().requests()).isEqualTo(server.answered());
    }

    // A rerun sends nothing.
    int answered = server.answered();
    CliRun again = CliRun.of("experiment", "run", file.toString());
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("0 done now, 102 already done");
    assertThat(server.answered()).isEqualTo(answered);

    // In a fresh store every request is already in the response cache: the dry run says it costs nothing.
    CliRun dry = CliRun.of("experiment", "run", "--dry-run", "--store", dir.resolve("fresh").toString(), file.toString());
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("102 units to do").contains("Nothing was sent").containsPattern("explain\\s+vllm:test-model\\s+34\\s+34\\s+34");
    assertThat(server.answered()).isEqualTo(answered);
  }

  @Test
  void aBudgetStopsCleanlyAndALargerOneGoesOn() throws Exception {
    Path file = runFile("budget_usd: 0.5\nparallel: 1\n");
    CliRun r = CliRun.of("experiment", "run", file.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("budget of $0.5000 reached");
    CliRun status = CliRun.of("experiment", "status", file.toString());
    assertThat(status.out()).containsPattern("explain\\s+\\d+\\s+0\\s+[1-9]\\d*");
    CliRun more = CliRun.of("experiment", "run", "--budget-usd", "10000", file.toString());
    assertThat(more.exitCode()).as(more.err()).isZero();
    assertThat(more.out()).contains("0 failed");
    try (CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      assertThat(ledger.maxTimesPaid()).isEqualTo(1);
    }
  }

  @Test
  void aRejectedRequestFailsItsUnitWithTheReasonAndARerunRetriesIt() throws Exception {
    Path file = runFile("");
    server.script(Fault.BAD_REQUEST);
    CliRun r = CliRun.of("experiment", "run", file.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("units failed").contains("REJECTED");
    assertThat(Files.readString(dir.resolve("llm/report.md"))).contains("## Failures").contains("REJECTED");
    CliRun again = CliRun.of("experiment", "run", file.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
  }

  @Test
  void badRunFilesAreUsageErrorsNamingTheField() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "name: bad\nneuron_sets: [{name: p, puzzles: builtin}]\nexplainers: [gpt4]\n");
    CliRun r = CliRun.of("experiment", "run", file.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("bad.yaml").contains("'explainers[0]'").contains("PRESET:MODEL");
  }

  @Test
  void similarityTakesAnEmbeddingsEndpoint() throws Exception {
    Files.writeString(dir.resolve("e.csv"), "Layer,Neuron,Summary,Highlight\n0,1,red things,blue things\n0,2,colours,numbers\n");
    Files.writeString(dir.resolve("r.csv"), "layer,neuron,explanation\n0,1,colour words\n0,2,colour words\n");
    CliRun r = CliRun.of("similarity", "--explanations", dir.resolve("e.csv").toString(), "--references", dir.resolve("r.csv").toString(),
        "--embeddings", "vllm:embed-model", "--embeddings-base-url", server.baseUrl().toString(), "--embedding-cache", dir.resolve("emb.sqlite").toString(),
        "--ledger", dir.resolve("ledger.sqlite").toString(), "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("(embed-model)");
    assertThat(server.answered()).isEqualTo(1);
    assertThat(r.err()).contains("embedding requests: 1 paid");
    CliRun again = CliRun.of("similarity", "--explanations", dir.resolve("e.csv").toString(), "--references", dir.resolve("r.csv").toString(),
        "--embeddings", "vllm:embed-model", "--embeddings-base-url", server.baseUrl().toString(), "--embedding-cache", dir.resolve("emb.sqlite").toString(),
        "--ledger", dir.resolve("ledger.sqlite").toString());
    assertThat(again.exitCode()).isZero();
    assertThat(server.answered()).as("the second run embeds from the cache").isEqualTo(1);
  }
}
