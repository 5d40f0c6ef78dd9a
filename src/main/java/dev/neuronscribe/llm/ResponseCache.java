package dev.neuronscribe.llm;

import dev.neuronscribe.files.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Replies already paid for, keyed by the hash of everything that determines a reply: base URL, endpoint
 * and the full request body (model and sampling parameters included; the API key never). A rerun replays
 * from here and costs nothing. With temperature above 0 a replay is the same sample again, not a new one:
 * ask for new samples with a different {@code n} or a fresh cache.
 */
public final class ResponseCache implements AutoCloseable {
  private final Connection db;
  private final Path file;

  private ResponseCache(Path file) {
    this.file = file;
    this.db = Sqlite.open(file, Sqlite.Durability.NORMAL, "delete it if it is not one of ours, or point the cache option elsewhere", """
        CREATE TABLE IF NOT EXISTS responses (
          key TEXT PRIMARY KEY, endpoint TEXT NOT NULL, model TEXT NOT NULL,
          request TEXT NOT NULL, response TEXT NOT NULL, created TEXT NOT NULL)""");
  }

  public static ResponseCache open(Path file) {
    return new ResponseCache(file);
  }

  public Path file() {
    return file;
  }

  synchronized Optional<String> get(String key) {
    try (PreparedStatement s = db.prepareStatement("SELECT response FROM responses WHERE key = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("response cache " + file + ": " + e.getMessage(), e);
    }
  }

  synchronized void put(String key, String endpoint, String model, String request, String response) {
    try (PreparedStatement s = db.prepareStatement(
        "INSERT OR REPLACE INTO responses(key, endpoint, model, request, response, created) VALUES (?, ?, ?, ?, ?, ?)")) {
      s.setString(1, key);
      s.setString(2, endpoint);
      s.setString(3, model);
      s.setString(4, request);
      s.setString(5, response);
      s.setString(6, Instant.now().toString());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("response cache " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized long size() {
    try (var s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM responses")) {
      return r.next() ? r.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("response cache " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException ignored) {
      // Closing at exit: WAL keeps committed rows whatever happens here.
    }
  }
}
