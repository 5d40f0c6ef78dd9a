package dev.neuronscribe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronscribe.prompts.PromptPack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackCommandTest {
  @TempDir Path tmp;

  @Test
  void exportPrintsTheBuiltInPack() {
    CliRun run = CliRun.of("pack", "export");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(PromptPack.builtIn().toJson());
    assertThat(PromptPack.parse(run.out(), "stdout")).isEqualTo(PromptPack.builtIn());
  }

  @Test
  void exportOfALoadedPackChecksItAndKeepsItsExtraFields() throws Exception {
    Path file = tmp.resolve("mine.json");
    Files.writeString(file, PromptPack.builtIn().toJson().replaceFirst("\"name\": \"neuronscribe\"", "\"name\": \"mine\", \"notes\": \"v2\""));
    CliRun run = CliRun.of("pack", "export", "--pack", file.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"name\": \"mine\"").contains("\"notes\": \"v2\"");
    assertThat(PromptPack.parse(run.out(), "stdout").name()).isEqualTo("mine");
  }

  @Test
  void exportWritesAFileWhenAsked() throws Exception {
    Path out = tmp.resolve("sub/pack.json");
    CliRun run = CliRun.of("pack", "export", "-o", out.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo(PromptPack.builtIn().toJson());
    assertThat(Files.list(out.getParent())).containsExactly(out);
  }

  @Test
  void aBrokenPackFailsWithFileAndField() throws Exception {
    Path file = tmp.resolve("broken.json");
    Files.writeString(file, PromptPack.builtIn().toJson().replace("{k}", "K"));
    CliRun run = CliRun.of("pack", "export", "--pack", file.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + file + ": field 'explanation_stem' must contain {k}");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void packWithoutASubcommandIsBadUsage() {
    CliRun run = CliRun.of("pack");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("export");
    assertThat(CliRun.of("pack", "export", "--help").out()).contains("Usage: scribe pack export");
    assertThat(CliRun.of("pack", "--help").out()).contains("Usage: scribe pack").contains("export");
  }
}
