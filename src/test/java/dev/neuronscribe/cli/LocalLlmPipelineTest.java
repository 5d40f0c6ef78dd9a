package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuronscribe.llm.CostLedger;
import dev.neuronscribe.prompts.PromptFormat;
import dev.neuronscribe.simulate.NeuronSimulationResults;
import dev.neuronscribe.simulate.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * explain + all-at-once simulate + score with {@code --llm local:PATH} for explainer and simulator, on the
 * held-out tiny checkpoint (random weights: its explanations are gibberish, so this checks that the pipeline
 * runs, not what it finds) over a tiny recording.
 */
class LocalLlmPipelineTest {
  @TempDir Path dir;

  private static MainTest.Result scribe(String... args) {
    return MainTest.scribe(args);
  }

  /**
   * The held-out fixture with room for the explainer's prompts: its rotary positions have no weights, so the
   * context is only config.json's max_position_embeddings (96 in the fixture), raised here. Its 400-piece
   * byte-level BPE splits "unknown", which the all-at-once simulator's prompt needs as one token (as in every real
   * LLM's vocabulary: it reads each prediction at that token), so "unknown" becomes the added token 400, one of the
   * head's padding rows.
   */
  static Path modelWithContext(Path dir, int context) throws IOException {
    Path from = Path.of("src", "test", "resources", "fixtures", "local-llm", "heldout");
    Path to = dir.resolve("heldout-long");
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(to.resolve("config.json").toFile());
    config.put("max_position_embeddings", context);
    json.writeValue(to.resolve("config.json").toFile(), config);
    ObjectNode tokenizer = (ObjectNode) json.readTree(to.resolve("tokenizer.json").toFile());
    ((com.fasterxml.jackson.databind.node.ArrayNode) tokenizer.get("added_tokens")).addObject().put("id", 400).put("content", "unknown")
        .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", false);
    json.writeValue(to.resolve("tokenizer.json").toFile(), tokenizer);
    return to;
  }

  private String[] pipeline(Path model) {
    return new String[] {"pipeline", "--records", dir.resolve("records").toString(), "--out", dir.resolve("run").toString(),
        "--formats", "summary", "--llm", "local:" + model, "--cache", dir.resolve("cache.sqlite").toString(),
        "--ledger", dir.resolve("ledger.sqlite").toString()};
  }

  private String failures() {
    try {
      StringBuilder b = new StringBuilder();
      for (String name : List.of("failures.jsonl", "explanations.jsonl")) {
        Path f = dir.resolve("run/summary").resolve(name);
        if (Files.exists(f)) b.append(name).append(":\n").append(Files.readString(f));
      }
      return b.toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void explainSimulateAndScoreRunOnALocalModel() throws Exception {
    SyntheticRecords.write(dir.resolve("records"), 2);
    Path model = modelWithContext(dir, 16384);
    MainTest.Result r = scribe(pipeline(model));
    assertThat(r.exitCode()).as(() -> r.err() + r.out() + failures()).isZero();
    assertThat(r.out()).contains("2 done, 0 failed");
    List<NeuronSimulationResults> results = Pipeline.results(dir.resolve("run"), PromptFormat.SUMMARY);
    assertThat(results).hasSize(2);
    for (NeuronSimulationResults n : results) {
      var scored = n.scoredExplanations().getFirst();
      assertThat(scored.explanation()).isNotBlank();
      var sims = scored.scoredSimulation().scoredSequenceSimulations();
      assertThat(sims).isNotEmpty();
      for (var s : sims) {
        var sim = s.simulation();
        assertThat(sim.expectedActivations()).hasSameSizeAs(sim.tokens());
        // Expected values of a distribution over 0..10 read from the model's top log-probabilities.
        for (double ev : sim.expectedActivations()) assertThat(ev).isBetween(0.0, 10.0);
        assertThat(sim.distributionProbabilities()).allSatisfy(p -> {
          double sum = 0;
          for (double x : p) sum += x;
          assertThat(sum).isBetween(0.0, 1.0 + 1e-9);
        });
      }
    }
    // Every request went to the model in this process and is in the ledger with the token counts it reported.
    long requests;
    try (CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      requests = ledger.totals().requests();
      assertThat(requests).isPositive();
      assertThat(ledger.totals().dollars()).isZero();
      assertThat(ledger.maxTimesPaid()).isEqualTo(1);
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.sqlite"));
        var rs = c.createStatement().executeQuery("select endpoint, count(*), min(usage_reported), min(prompt_tokens), backend from requests group by endpoint")) {
      int endpoints = 0;
      while (rs.next()) {
        endpoints++;
        assertThat(rs.getString(5)).isEqualTo("local:" + model);
        assertThat(rs.getInt(3)).as("usage reported by the model, not estimated").isEqualTo(1);
        assertThat(rs.getLong(4)).isPositive();
      }
      assertThat(endpoints).as("chat (explainer) and completions (simulator)").isEqualTo(2);
    }
    // A rerun asks the model nothing: every reply is in the cache.
    Files.delete(dir.resolve("run/summary/simulations.jsonl"));
    MainTest.Result again = scribe(pipeline(model));
    assertThat(again.exitCode()).as(again.err()).isZero();
    try (CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      assertThat(ledger.totals().requests()).isEqualTo(requests);
    }
  }

  @Test
  void aModelWithoutChatTemplateIsOneLineSayingHowToPassOne() throws Exception {
    SyntheticRecords.write(dir.resolve("records"), 1);
    Path model = modelWithContext(dir, 4096);
    ObjectMapper json = new ObjectMapper();
    ObjectNode tc = (ObjectNode) json.readTree(model.resolve("tokenizer_config.json").toFile());
    tc.remove("chat_template");
    json.writeValue(model.resolve("tokenizer_config.json").toFile(), tc);
    MainTest.Result r = scribe(pipeline(model));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("has no chat template").contains("--chat-template FILE");
    assertThat(dir.resolve("run/summary/explanations.jsonl")).doesNotExist();

    Path template = dir.resolve("chatml.jinja");
    Files.writeString(template, "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}<|im_start|>assistant\n");
    String[] args = Stream.concat(Stream.of(pipeline(model)), Stream.of("--chat-template", template.toString())).toArray(String[]::new);
    MainTest.Result ok = scribe(args);
    assertThat(ok.exitCode()).as(ok.err()).isZero();
  }

  @Test
  void aMissingModelIsExit2() {
    SyntheticRecords.write(dir.resolve("records"), 1);
    MainTest.Result r = scribe(pipeline(dir.resolve("no-such-model")));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no-such-model").contains("no such file or directory");
  }

  @Test
  void serveAndBaseUrlRefuseWhatTheyCannotUse() {
    MainTest.Result missing = scribe("llm", "serve", "--model", dir.resolve("nothing-here").toString(), "--port", "0");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("nothing-here").contains("no such file or directory");
    assertThat(missing.err().lines().count()).isEqualTo(1);
    assertThat(scribe("llm", "serve", "--model", dir.toString(), "--port", "70000").exitCode()).isEqualTo(2);
    SyntheticRecords.write(dir.resolve("records"), 1);
    MainTest.Result url = scribe("explain", "--records", dir.resolve("records").toString(), "--out", dir.resolve("run").toString(),
        "--llm", "local:" + LocalLlmPipelineTest.class.getSimpleName(), "--base-url", "http://127.0.0.1:1/v1");
    assertThat(url.exitCode()).isEqualTo(2);
    assertThat(url.err()).contains("takes no --base-url");
  }
}
