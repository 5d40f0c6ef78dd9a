package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  /** Runs the CLI in-process and captures what it prints. */
  record Result(int exitCode, String out, String err) {}

  static Result scribe(String... args) {
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

  @Test
  void helpListsCommandsAndExitsZero() {
    Result r = scribe("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: scribe").contains("Commands:");
  }

  @Test
  void badUsageExitsTwo() {
    Result r = scribe("--no-such-option");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--no-such-option'").contains("scribe --help");
  }
}
