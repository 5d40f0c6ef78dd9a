package dev.neuronscribe.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @Test
  void writesAndReplaces(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("deep/dir/out.json");
    AtomicFiles.writeString(f, "first");
    AtomicFiles.writeString(f, "second");
    assertThat(f).hasContent("second");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
    try (var s = Files.list(f.getParent())) {
      assertThat(s.toList()).containsExactly(f);
    }
  }

  @Test
  void aFailedWriteKeepsTheOldFileAndLeavesNoTemporary(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("out.json");
    AtomicFiles.writeString(f, "old");
    assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
          out.write("half of the new".getBytes());
          throw new IOException("disk full");
        }))
        .hasMessageContaining("could not write")
        .hasMessageContaining("disk full");
    assertThat(f).hasContent("old");
    try (var s = Files.list(tmp)) {
      assertThat(s.toList()).containsExactly(f);
    }
  }
}
