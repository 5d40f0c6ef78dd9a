package dev.neuronscribe.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens an SQLite file in WAL mode, so that readers never block the writer and a crash loses nothing committed. */
final class Sqlite {
  private Sqlite() {}

  static Connection open(Path file, String schema) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=30000");
        s.execute(schema);
      }
      return c;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open " + file + " as an SQLite database: " + e.getMessage()
          + " (delete it if it is not one of ours, or point the option elsewhere)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the folder for " + file + ": " + e.getMessage(), e);
    }
  }
}
