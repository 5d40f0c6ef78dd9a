package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./scribe} as a user runs it, on the classes under test ({@code SCRIBE_CLASSPATH}): the JVM's
 * start-up warning about the incubating Vector API never reaches the user, everything else does.
 */
class LauncherTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  Run scribe(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", Path.of("scribe").toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("SCRIBE_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void noJvmNoiseOnStderrAndOurMessagesArriveWhole() throws Exception {
    Run version = scribe("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("NeuronScribe");
    assertThat(version.err()).isEmpty();

    Run help = scribe("study", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.err()).isEmpty();

    Run missing = scribe("tokens", "--record", "nope.json");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("error: nope.json: not found\n");

    Run usage = scribe("--no-such-option");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).startsWith("error: Unknown option").doesNotContain("WARNING");
  }
}
