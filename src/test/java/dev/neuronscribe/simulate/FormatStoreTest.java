package dev.neuronscribe.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.explain.Explanation;
import dev.neuronscribe.explain.Target;
import dev.neuronscribe.prompts.PromptFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory's per-format files as append logs: what a kill leaves, what a rerun sees, what a save compacts. */
class FormatStoreTest {
  private static final PromptFormat F = PromptFormat.ORIGINAL;

  static Target target(int n) {
    return new Target.Neuron(new NeuronId(n % 3, n));
  }

  static NeuronSimulationResults result(Target t, String text, int excerpts, int tokens) {
    return RunDirectoryBenchmark.simulation(t, text, excerpts, tokens);
  }

  static List<Explanation> explained(Target t, String text) {
    return List.of(Explanation.of(t, F, 0, "test", text, 10, 5));
  }

  @Test
  void aKilledRunKeepsEveryFinishedUnitAndASaveWritesOneLinePerTargetInOrder(@TempDir Path run) throws Exception {
    FormatStore s = new FormatStore(run, F);
    for (int n : new int[] {5, 1, 4, 2}) {
      s.putExplanations(target(n), explained(target(n), "words " + n));
      s.putSimulation(target(n), result(target(n), "words " + n, 2, 8), n == 4 ? List.of("excerpt 1: no reply") : List.of());
    }
    // Unit 1 explained again: its simulation is withdrawn until simulated again.
    s.putExplanations(target(1), explained(target(1), "other words"));
    // Killed here (no save): a new process sees what was appended.
    FormatStore again = new FormatStore(run, F);
    assertThat(again.simulated(target(5))).isTrue();
    assertThat(again.simulated(target(2))).isTrue();
    assertThat(again.simulated(target(4))).as("its failure was recorded").isFalse();
    assertThat(again.simulated(target(1))).as("re-explained after its simulation").isFalse();
    assertThat(again.explanations(target(1))).extracting(e -> e.text().orElseThrow()).containsExactly("other words");
    assertThat(again.failures()).containsOnlyKeys(target(4));
    assertThat(again.results()).extracting(NeuronSimulationResults::target).containsExactly(target(4), target(2), target(5));

    again.putSimulation(target(4), result(target(4), "words 4", 2, 8), List.of());
    again.save();
    List<String> lines = Files.readAllLines(run.resolve("original/simulations.jsonl"));
    assertThat(lines).hasSize(3);
    assertThat(NeuronSimulationResultsJson.read(run.resolve("original/simulations.jsonl"))).extracting(NeuronSimulationResults::target)
        .containsExactly(target(4), target(2), target(5));
    assertThat(Files.readString(run.resolve("original/failures.jsonl"))).isEmpty();
    assertThat(Files.readAllLines(run.resolve("original/explanations.jsonl"))).hasSize(4);
    FormatStore reopened = new FormatStore(run, F);
    assertThat(reopened.simulated(target(4))).isTrue();
    assertThat(reopened.results().get(0)).isEqualTo(result(target(4), "words 4", 2, 8));
  }

  @Test
  void aTornLastLineIsDroppedWithAWarningAndOnlyItsUnitIsDoneAgain(@TempDir Path run) throws Exception {
    FormatStore s = new FormatStore(run, F);
    for (int n = 0; n < 3; n++) {
      s.putExplanations(target(n), explained(target(n), "w" + n));
      s.putSimulation(target(n), result(target(n), "w" + n, 1, 4), List.of());
    }
    Path sims = run.resolve("original/simulations.jsonl");
    long whole = Files.size(sims);
    String next = NeuronSimulationResultsJson.toJsonLine(result(target(3), "w3", 1, 4));
    Files.writeString(sims, next.substring(0, next.length() / 2), StandardOpenOption.APPEND);

    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    FormatStore reopened;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      reopened = new FormatStore(run, F);
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("warning:").contains("simulations.jsonl").contains("interrupted");
    assertThat(Files.size(sims)).as("the torn line is cut off before anything is appended after it").isEqualTo(whole);
    for (int n = 0; n < 3; n++) assertThat(reopened.simulated(target(n))).isTrue();
    assertThat(reopened.simulated(target(3))).isFalse();
    reopened.putSimulation(target(3), result(target(3), "w3", 1, 4), List.of());
    assertThat(new FormatStore(run, F).results()).hasSize(4);
  }

  @Test
  void scoringTensOfMegabytesOfSimulationsFitsAHeapSmallerThanThem(@TempDir Path run) throws Exception {
    // 700 units of about 66 KB of JSON each (46 MB, several times that as objects) through a 20 MB heap: appended, reopened, saved
    // and scored. Holding the simulations in memory, as the store did before, runs out of heap here.
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx20m", "-cp", System.getProperty("java.class.path"),
        FormatStoreHeapCheck.class.getName(), run.toString(), "700").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(Files.size(run.resolve("original/simulations.jsonl"))).isGreaterThan(40_000_000L);
    assertThat(out).contains("scored 700 of 700");
  }
}
