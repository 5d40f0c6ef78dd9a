package dev.neuronscribe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.ActivationRecord;
import dev.neuronscribe.activations.ActivationStore;
import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecord;
import dev.neuronscribe.activations.NeuronRecordDirectory;
import dev.neuronscribe.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scribe record --spark} in local mode against {@code scribe record} on one machine: the same files,
 * byte for byte, whatever the number of executor threads, also when Spark retries a failed task. Spark binds
 * to loopback and opens no web UI (SPARK_LOCAL_IP is set by the build; the driver's address by the module).
 */
class SparkRecordingTest {
  @TempDir static Path shared;
  static Path model, corpus, single;

  record Result(int exitCode, String out, String err) {}

  static synchronized Result scribe(String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static String[] record(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("record", "--model", model.toString(), "--corpus", corpus.toString(), "--out", out.toString(),
        "--layers", "0,1", "--neurons", "0-40,141,203", "--excerpt-tokens", "24", "--min-excerpt-tokens", "6", "--batch", "4",
        "--top", "6", "--random", "5", "--per-quantile", "3", "--calibration", "40", "--seed", "11",
        "--output", "json")); // OpenAI-layout files, compared byte for byte
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @BeforeAll
  static void plantRecordOnOneMachine() throws IOException {
    model = shared.resolve("planted");
    assertThat(scribe("plant", "--out", model.toString()).exitCode()).isZero();
    corpus = shared.resolve("corpus.jsonl");
    StringBuilder sb = new StringBuilder();
    String[] colours = {"red", "blue", "green", "white"};
    for (int i = 0; i < 70; i++) {
      sb.append("{\"text\": \"Report ").append(i).append(": the ").append(colours[i % 4]).append(" gate (north side) closed in May ")
          .append(1980 + i).append(". ").append("Some filler text goes on for a while here. ".repeat(i % 4 + 1)).append("\"}\n");
    }
    Files.writeString(corpus, sb.toString());
    single = shared.resolve("single");
    Result r = scribe(record(single));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(files(single)).hasSize(2 * 43 + 1).containsKey("recording.json"); // 86 records and what they are
  }

  @Test
  void aSparkRecordingWritesTheSameFilesAsOneMachineWhateverTheNumberOfThreads(@TempDir Path tmp) throws IOException {
    for (String master : new String[] {"local[2]", "local[3]"}) {
      Path out = tmp.resolve(master.replaceAll("\\W", ""));
      Result r = scribe(record(out, "--spark", master));
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.out()).contains("Recorded 86 neurons");
      assertThat(files(out)).as(master).isEqualTo(files(single));
    }
  }

  @Test
  void aSparkRecordingIntoTheStoreHoldsTheSameExcerptsAsOneMachine(@TempDir Path tmp) throws IOException {
    // The default output: the Arrow store, from both; and the same units and excerpts as the JSON recording.
    Path one = tmp.resolve("one"), spark = tmp.resolve("spark");
    String[] plain = storeArgs(record(one)), onSpark = storeArgs(record(spark, "--spark", "local[2]"));
    Result r1 = scribe(plain), r2 = scribe(onSpark);
    assertThat(r1.exitCode()).as(r1.err()).isZero();
    assertThat(r2.exitCode()).as(r2.err()).isZero();
    assertThat(ActivationStore.isStore(spark)).isTrue();
    ActivationStore a = ActivationStore.open(one), b = ActivationStore.open(spark);
    NeuronRecordDirectory json = new NeuronRecordDirectory(single);
    assertThat(b.list()).hasSize(86).isEqualTo(a.list()).isEqualTo(json.list());
    for (NeuronId id : b.list()) {
      NeuronRecord x = b.read(id), y = a.read(id), j = json.read(id);
      assertThat(x).as("%s", id).isEqualTo(y);
      assertThat(tokens(x.mostPositiveActivationRecords())).as("%s top", id).isEqualTo(tokens(j.mostPositiveActivationRecords()));
      assertThat(tokens(x.randomSample())).as("%s random", id).isEqualTo(tokens(j.randomSample()));
      assertThat(x.randomSampleByQuantile().orElseThrow().stream().map(SparkRecordingTest::tokens).toList()).as("%s by quantile", id)
          .isEqualTo(j.randomSampleByQuantile().orElseThrow().stream().map(SparkRecordingTest::tokens).toList());
      assertThat(x.mostPositiveActivationRecords().get(0).max()).isCloseTo(j.mostPositiveActivationRecords().get(0).max(),
          org.assertj.core.data.Percentage.withPercentage(0.1));
    }
    // The Arrow files themselves are the same bytes: nothing in them depends on how the work was split.
    assertThat(bytes(spark)).isEqualTo(bytes(one));
  }

  private static String[] storeArgs(String[] jsonArgs) {
    List<String> args = new ArrayList<>(List.of(jsonArgs));
    int at = args.indexOf("--output");
    args.remove(at + 1);
    args.remove(at);
    return args.toArray(String[]::new);
  }

  private static List<List<String>> tokens(List<ActivationRecord> records) {
    return records.stream().map(ActivationRecord::tokens).toList();
  }

  private static TreeMap<String, String> bytes(Path dir) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).startsWith(".scribe-recording")).toList()) {
        out.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  @Test
  void otherArchitecturesAndHookPointsRecordTheSameOnSpark(@TempDir Path tmp) throws IOException {
    // The main project's Llama fixture (tokenizer.json with a BOS token), read where the repository keeps it.
    Path llama = Path.of("..", "src", "test", "resources", "fixtures", "arch-llama").toAbsolutePath().normalize();
    assertThat(llama.resolve("tokenizer.json")).exists();
    for (String hook : new String[] {"mlp_act", "resid_post"}) {
      List<String> args = List.of("record", "--model", llama.toString(), "--corpus", corpus.toString(), "--excerpt-tokens", "16",
          "--min-excerpt-tokens", "4", "--batch", "3", "--top", "4", "--random", "3", "--per-quantile", "2", "--hook", hook,
          "--output", "json");
      Path one = tmp.resolve(hook + "-one"), spark = tmp.resolve(hook + "-spark");
      List<String> a = new ArrayList<>(args), b = new ArrayList<>(args);
      a.addAll(List.of("--out", one.toString()));
      b.addAll(List.of("--out", spark.toString(), "--spark", "local[2]"));
      Result r1 = scribe(a.toArray(String[]::new)), r2 = scribe(b.toArray(String[]::new));
      assertThat(r1.exitCode()).as(r1.err()).isZero();
      assertThat(r2.exitCode()).as(r2.err()).isZero();
      assertThat(files(one)).isNotEmpty();
      assertThat(files(spark)).as(hook).isEqualTo(files(one));
    }
  }

  @Test
  void aTaskSparkRetriesNeitherLosesNorDoublesAnExcerpt(@TempDir Path tmp) throws IOException {
    Path marker = tmp.resolve("failed-once"), out = tmp.resolve("out");
    System.setProperty(SparkShards.FAIL_FIRST_ATTEMPT, "1:" + marker);
    try {
      Result r = scribe(record(out, "--spark", "local[2,3]"));
      assertThat(r.exitCode()).as(r.err()).isZero();
    } finally {
      System.clearProperty(SparkShards.FAIL_FIRST_ATTEMPT);
    }
    assertThat(marker).as("the injected failure happened").exists();
    assertThat(files(out)).isEqualTo(files(single));
  }

  @Test
  void anUnreachableMasterIsAOneLineErrorAndNothingIsWritten(@TempDir Path tmp) {
    Path out = tmp.resolve("out");
    Result r = scribe(record(out, "--spark", "spark://127.0.0.1:1"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("error: cannot reach the Spark master at spark://127.0.0.1:1").doesNotContain("\n");
    assertThat(out).doesNotExist();
  }

  @Test
  void sparkWithoutAMasterOutsideSparkSubmitSaysWhatToGive(@TempDir Path tmp) {
    Result r = scribe(record(tmp.resolve("out"), "--spark"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("--spark local[2]");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  /** Every file under a directory, by relative path, with its bytes as text. */
  static TreeMap<String, String> files(Path dir) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) out.put(dir.relativize(p).toString(), Files.readString(p));
    }
    return out;
  }
}
