package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.llm.CostLedger;
import dev.neuronscribe.llm.OpenAiTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scribe experiment run} in its own process, killed with SIGKILL mid-run: every unit it had
 * finished is in the store, intact, and a rerun does only the rest without paying for anything twice.
 */
class ExperimentKillTest {
  @TempDir Path dir;
  private final OpenAiTestServer server = new OpenAiTestServer().activation(t -> t.matches(" (red|blue|green)") ? 9 : 0).latency(150);

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void unitsFinishedBeforeAKillAreKeptAndTheRerunDoesTheRest() throws Exception {
    SyntheticRecords.write(dir.resolve("records"), 12);
    Path file = dir.resolve("kill.yaml");
    String url = server.baseUrl().toString();
    Files.writeString(file, """
        name: kill
        neuron_sets: [{name: colours, records: records}]
        formats: [summary, highlight]
        explainers: [{llm: "vllm:test-model", base_url: "URL"}]
        simulators: [{llm: "vllm:test-model", method: all-at-once, base_url: "URL"}]
        parallel: 2
        bootstrap: 200
        llm: {cache: cache.sqlite, ledger: ledger.sqlite}
        """.replace("URL", url));
    Path db = dir.resolve("kill/experiment.sqlite");

    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), "dev.neuronscribe.cli.Main", "experiment", "run", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    int before;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      do {
        Thread.sleep(200);
        before = Files.exists(db) ? done(db) : 0;
      } while (before < 8 && p.isAlive() && System.nanoTime() < deadline);
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).as("killed, not finished: " + Files.readString(dir.resolve("child.log"))).isNotZero();
    int kept = done(db);
    assertThat(kept).isGreaterThanOrEqualTo(before).isLessThan(48);

    CliRun rerun = CliRun.of("experiment", "run", file.toString());
    assertThat(rerun.exitCode()).as(rerun.err()).isZero();
    assertThat(rerun.out()).contains("already done").contains("0 failed").contains((48 - kept) + " done now, " + kept + " already done");
    try (var files = Files.walk(dir.resolve("kill"))) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).as("half-written files after the rerun").isEmpty();
    }
    try (CostLedger ledger = CostLedger.open(dir.resolve("ledger.sqlite"))) {
      assertThat(ledger.maxTimesPaid()).as("replies received before the kill are replayed from the cache, not paid again").isEqualTo(1);
    }
  }

  static int done(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM units WHERE status = 'done'")) {
      return r.next() ? r.getInt(1) : 0;
    } catch (java.sql.SQLException notYet) {
      return 0; // the table is not made yet
    }
  }
}
