package dev.neuronscribe.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one way we open an SQLite file (response cache, cost ledger, embedding cache, experiment store,
 * study store), so that they all behave alike under crashes and concurrent processes:
 *
 * <ul>
 *   <li>WAL mode: readers never block the writer, and a process killed mid-write (kill -9, Ctrl-C, an
 *       out-of-memory kill) loses nothing that was committed and never leaves a torn database.
 *   <li>{@link Durability}: what a power cut or an OS crash may lose. With {@code NORMAL} the last
 *       transactions before such a crash may roll back (the file stays consistent); with {@code FULL}
 *       every commit is on disk before it returns, at the price of one fsync per commit.
 *   <li>One busy timeout (30 s): a second process (the CLI while the server runs, two runs sharing a
 *       cache) waits for the lock instead of failing.
 *   <li>Write transactions take the write lock when they begin, so two processes never deadlock when
 *       one upgrades a read to a write; foreign keys are enforced.
 * </ul>
 */
public final class Sqlite {
  /** How long a connection waits for another process's lock before failing. */
  public static final int BUSY_TIMEOUT_MS = 30_000;

  /** What a commit survives; see the class comment. */
  public enum Durability {
    /** Survives a process crash; a power cut may roll back the last commits. For what can be redone. */
    NORMAL,
    /** Survives a power cut too. For what cannot be redone: a human's answers, a record of money spent. */
    FULL
  }

  private Sqlite() {}

  /**
   * Opens (creating its folder and the file if needed) and runs the schema statements, each one
   * idempotent ({@code CREATE TABLE IF NOT EXISTS}). A file that is not an SQLite database is an
   * {@link InvalidInputException} ending with {@code whatToDo}.
   */
  public static Connection open(Path file, Durability durability, String whatToDo, String... schema) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(durability == Durability.FULL ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Path abs = file.toAbsolutePath();
    try {
      if (abs.getParent() != null) Files.createDirectories(abs.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the folder for " + file + ": " + e.getMessage(), e);
    }
    Connection c = null;
    try {
      c = config.createConnection("jdbc:sqlite:" + abs);
      try (Statement s = c.createStatement()) {
        for (String statement : schema) s.execute(statement);
      }
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      if (e instanceof SQLiteException se
          && (se.getResultCode() == SQLiteErrorCode.SQLITE_NOTADB || se.getResultCode() == SQLiteErrorCode.SQLITE_CORRUPT)) {
        throw new InvalidInputException(file.toString(), "is not an SQLite database (" + se.getResultCode().message + "); " + whatToDo, e);
      }
      throw new IllegalStateException("cannot open " + file + " as an SQLite database: " + e.getMessage() + " (" + whatToDo + ")", e);
    }
  }

  /** Work on a connection that may fail with an SQL error. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs the work in one transaction: all of it is committed before this returns, or (on any exception)
   * none of it. The connection is back in auto-commit mode afterwards.
   */
  public static <T> T inTransaction(Connection db, Work<T> work) throws SQLException {
    db.setAutoCommit(false);
    try {
      T result = work.run();
      db.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // The error that made us close it is the one to report.
    }
  }
}
