package dev.neuronscribe.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTest {
  @TempDir Path tmp;

  @Test
  void opensInWalWithTheChosenDurabilityAndOneBusyTimeout() throws Exception {
    try (Connection c = Sqlite.open(tmp.resolve("a/b/x.sqlite"), Sqlite.Durability.FULL, "fix it", "CREATE TABLE IF NOT EXISTS t (x INTEGER)");
        Statement s = c.createStatement()) {
      assertThat(pragma(s, "journal_mode")).isEqualTo("wal");
      assertThat(pragma(s, "synchronous")).isEqualTo("2"); // FULL
      assertThat(pragma(s, "busy_timeout")).isEqualTo(Integer.toString(Sqlite.BUSY_TIMEOUT_MS));
      assertThat(pragma(s, "foreign_keys")).isEqualTo("1");
    }
    try (Connection c = Sqlite.open(tmp.resolve("a/b/x.sqlite"), Sqlite.Durability.NORMAL, "fix it"); Statement s = c.createStatement()) {
      assertThat(pragma(s, "synchronous")).isEqualTo("1"); // NORMAL
      assertThat(s.executeQuery("SELECT count(*) FROM t").getInt(1)).isZero(); // the schema made the first time is there
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsBadInputNamingTheFileAndWhatToDo() throws Exception {
    Path notDb = Files.writeString(tmp.resolve("cache.sqlite"), "this is a text file, not a database, padded to a page of junk".repeat(40));
    assertThatThrownBy(() -> Sqlite.open(notDb, Sqlite.Durability.NORMAL, "delete it or point --cache elsewhere", "CREATE TABLE IF NOT EXISTS t (x)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(notDb + ": is not an SQLite database")
        .hasMessageEndingWith("; delete it or point --cache elsewhere");
  }

  private static String pragma(Statement s, String name) throws Exception {
    try (ResultSet r = s.executeQuery("PRAGMA " + name)) {
      return r.getString(1);
    }
  }
}
