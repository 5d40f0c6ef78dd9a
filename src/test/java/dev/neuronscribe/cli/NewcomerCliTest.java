package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.testing.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a newcomer trips over in the first hour: exit codes, messages, a busy port, Ctrl-C. */
class NewcomerCliTest {
  @TempDir Path dir;

  private static void usage(MainTest.Result r, String command, String... says) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(Cli.USAGE);
    assertThat(r.err()).startsWith("error: ").contains(says).contains("Try 'scribe " + command + " --help' for usage.");
  }

  @Test
  void badOptionValuesAreUsageErrorsWithExitCode2() throws Exception {
    String puzzles = TestData.require("reference/openai-puzzles.json").toString();
    String record = TestData.require("reference/gpt2xl-neuron-1-1.json").toString();
    Path data = Files.createDirectories(dir.resolve("data"));
    usage(MainTest.scribe("pipeline", "--puzzles", puzzles, "--out", dir.resolve("r").toString(), "--formats", "summary,bogus"), "pipeline", "--formats", "bogus");
    usage(MainTest.scribe("explain", "--puzzles", puzzles, "--out", dir.resolve("r").toString(), "--samples", "0"), "explain", "--samples");
    usage(MainTest.scribe("tokens", "--record", record, "--encoding", "bogus"), "tokens", "--encoding", "cl100k_base");
    usage(MainTest.scribe("prompt", "--record", record, "--format", "summary", "--encoding", "bogus"), "prompt", "--encoding");
    usage(MainTest.scribe("score", "--out", dir.toString(), "--formats", "nope"), "score", "--formats");
    usage(MainTest.scribe("study", "create", "--data", data.toString(), "--explanations", record, "--name", "s", "--raters", "2", "--top", "-1"),
        "study create", "--top must be at least 1");
    usage(MainTest.scribe("record", "--model", dir.toString(), "--corpus", record, "--out", dir.resolve("o").toString(), "--top", "-1"), "record", "top");
    usage(MainTest.scribe("record", "--model", dir.toString(), "--corpus", record, "--out", dir.resolve("o").toString(), "--layers", "3-1"), "record", "backwards");
    usage(MainTest.scribe("serve", "--data", data.toString(), "--port", "70000"), "serve", "--port");
    usage(MainTest.scribe("pipeline", "--puzzles", puzzles, "--out", dir.resolve("r").toString(), "--llm", "openai:gpt-4o-mini", "--dry-run", "--timeout", "0"),
        "pipeline", "--timeout");
  }

  @Test
  void messagesNameTheFileAndThePlaceWithoutTheParsersInternals() throws Exception {
    Path truncated = dir.resolve("1.json");
    Files.writeString(truncated, "{\"dataset_name\": \"x\", \"neuron_id\": {\"layer_index\": 0, \"neuron_index\": 1}, \"random_sample\": [[1,2]");
    MainTest.Result json = MainTest.scribe("tokens", "--record", truncated.toString());
    assertThat(json.exitCode()).isEqualTo(1);
    assertThat(json.err()).startsWith("error: " + truncated + ": is not valid JSON: line 1, column ").doesNotContain("Source").doesNotContain("REDACTED");

    Path csv = dir.resolve("e.csv");
    Files.writeString(csv, "Layer,Neuron,Summary\n0,1,\"never closed\n");
    MainTest.Result table = MainTest.scribe("similarity", "--explanations", csv.toString(), "--references", csv.toString(), "--no-cache");
    assertThat(table.exitCode()).isEqualTo(1);
    assertThat(table.err()).contains("e.csv: is not readable CSV: line ").doesNotContain("reference chain").doesNotContain("java.lang");

    Path yaml = dir.resolve("run.yaml");
    Files.writeString(yaml, "name: x\nneuron_sets:\n  - name: a\n   records: [\nformats: all\n");
    MainTest.Result run = MainTest.scribe("experiment", "run", yaml.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + yaml + ": is not valid YAML or JSON: line 4, column 4: ").hasLineCount(1);

    MainTest.Result missing = MainTest.scribe("experiment", "run", dir.resolve("nope.yaml").toString());
    assertThat(missing.err()).isEqualTo("error: " + dir.resolve("nope.yaml") + ": not found\n");
  }

  @Test
  void aPortInUseSuggestsPortZero() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path data = Files.createDirectories(dir.resolve("data"));
      MainTest.Result r = MainTest.scribe("serve", "--data", data.toString(), "--port", Integer.toString(taken.getLocalPort()));
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).startsWith("error: port " + taken.getLocalPort()).contains("in use").contains("--port 0").hasLineCount(1);
    }
  }

  /** A command in its own JVM, stopped the way Ctrl-C stops it (the JVM's shutdown on a signal). */
  private String stopped(List<String> args, java.util.function.Predicate<String> started) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), "dev.neuronscribe.cli.Main"));
    cmd.addAll(args);
    Path log = dir.resolve("child-" + args.getFirst() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive() && !started.test(read(log)) && System.nanoTime() < deadline) Thread.sleep(100);
    assertThat(p.isAlive()).as(read(log)).isTrue();
    p.destroy(); // SIGTERM: the same shutdown as SIGINT
    // The recorder's hook may take its time (a batch to finish, the state to save) on a loaded machine.
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(read(log)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    return read(log);
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  /** Every batch command says the same thing when stopped; a server, which Ctrl-C is the way to end, says it stopped. */
  @Test
  void ctrlCSaysTheSameThingInEveryBatchCommandAndServersSayTheyStopped() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    String serve = stopped(List.of("serve", "--data", data.toString(), "--port", "0"), out -> out.contains("organiser sign-in"));
    assertThat(serve).contains(new ServeCommand().stoppedLine()).doesNotContain(Cli.INTERRUPTED);

    Path model = dir.resolve("planted");
    assertThat(MainTest.scribe("plant", "--out", model.toString()).exitCode()).isZero();
    Path corpus = dir.resolve("long.txt");
    Files.writeString(corpus, "In March the red boat (and the blue one) sailed 12 miles.\n".repeat(100_000));
    // Under way once the corpus is tokenised (no progress bar in a log to wait for).
    Path excerpts = dir.resolve("rec").resolve(RecordCommand.WORK_DIR).resolve("excerpts.bin");
    String record = stopped(List.of("record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", dir.resolve("rec").toString(),
            "--layers", "0", "--neurons", "0-63"),
        out -> Files.exists(excerpts));
    assertThat(record).contains(Cli.INTERRUPTED);
  }

  @Test
  void theLineForCtrlCIsChosenFromTheCommandLine() {
    assertThat(Cli.interruptedLine(new Main(), "llm", "serve", "--model", "no/such/model.gguf", "--port", "0"))
        .isEqualTo(new LlmCommand.Serve().stoppedLine()).contains("server stopped").contains("nothing to save");
    assertThat(Cli.interruptedLine(new Main(), "serve", "--data", "x")).isEqualTo(new ServeCommand().stoppedLine());
    assertThat(Cli.interruptedLine(new Main(), "record", "--model", "m", "--corpus", "c", "--out", "o")).isEqualTo(Cli.INTERRUPTED);
    assertThat(Cli.interruptedLine(new Main(), "--no-such-option")).isEqualTo(Cli.INTERRUPTED);
  }
}
