package dev.neuronscribe.llm;

import dev.neuronscribe.files.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Every paid request, with the usage its reply reported and the dollars that usage costs at the price
 * table's rates, and the run (a run directory or experiment store) it was spent for. Persistent, so that
 * spending adds up across runs ({@code sqlite3 FILE 'select sum(cost_usd) from requests'}) and a budget can
 * count what earlier runs of the same directory spent.
 */
public final class CostLedger implements AutoCloseable {
  private final Connection db;
  private final Path file;

  private CostLedger(Path file) {
    this.file = file;
    this.db = Sqlite.open(file, Sqlite.Durability.FULL, "delete it if it is not one of ours, or point the ledger elsewhere", """
        CREATE TABLE IF NOT EXISTS requests (
          id INTEGER PRIMARY KEY, at TEXT NOT NULL, backend TEXT NOT NULL, model TEXT NOT NULL,
          endpoint TEXT NOT NULL, cache_key TEXT NOT NULL, prompt_tokens INTEGER NOT NULL,
          completion_tokens INTEGER NOT NULL, usage_reported INTEGER NOT NULL, cost_usd REAL NOT NULL,
          priced INTEGER NOT NULL, run TEXT NOT NULL DEFAULT '')""");
    try (var s = db.createStatement(); ResultSet cols = s.executeQuery("PRAGMA table_info(requests)")) {
      boolean hasRun = false;
      while (cols.next()) hasRun |= cols.getString("name").equals("run");
      // A ledger written before runs were recorded: its rows belong to no run.
      if (!hasRun) s.execute("ALTER TABLE requests ADD COLUMN run TEXT NOT NULL DEFAULT ''");
    } catch (SQLException e) {
      throw new IllegalStateException("cost ledger " + file + ": " + e.getMessage(), e);
    }
  }

  public static CostLedger open(Path file) {
    return new CostLedger(file);
  }

  public Path file() {
    return file;
  }

  synchronized void record(String run, String backend, String model, String endpoint, String cacheKey, Usage usage,
      boolean usageReported, double dollars, boolean priced) {
    try (PreparedStatement s = db.prepareStatement("""
        INSERT INTO requests(at, backend, model, endpoint, cache_key, prompt_tokens, completion_tokens,
          usage_reported, cost_usd, priced, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
      s.setString(1, Instant.now().toString());
      s.setString(2, backend);
      s.setString(3, model);
      s.setString(4, endpoint);
      s.setString(5, cacheKey);
      s.setLong(6, usage.promptTokens());
      s.setLong(7, usage.completionTokens());
      s.setInt(8, usageReported ? 1 : 0);
      s.setDouble(9, dollars);
      s.setInt(10, priced ? 1 : 0);
      s.setString(11, run);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cost ledger " + file + ": " + e.getMessage(), e);
    }
  }

  /** Requests and dollars recorded so far, over all runs. */
  public synchronized Totals totals() {
    try (var s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(cost_usd), 0), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0) FROM requests")) {
      r.next();
      return new Totals(r.getLong(1), r.getDouble(2), r.getLong(3), r.getLong(4));
    } catch (SQLException e) {
      throw new IllegalStateException("cost ledger " + file + ": " + e.getMessage(), e);
    }
  }

  /** Dollars recorded for one run (see {@link CostMeter#forRun}) by all its invocations so far. */
  public synchronized double spentBy(String run) {
    try (PreparedStatement s = db.prepareStatement("SELECT coalesce(sum(cost_usd), 0) FROM requests WHERE run = ?")) {
      s.setString(1, run);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getDouble(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cost ledger " + file + ": " + e.getMessage(), e);
    }
  }

  /** How many ledger rows carry this cache key: a request paid twice would show 2. */
  public synchronized long timesPaid(String cacheKey) {
    try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM requests WHERE cache_key = ?")) {
      s.setString(1, cacheKey);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cost ledger " + file + ": " + e.getMessage(), e);
    }
  }

  /** The largest number of times any one request was paid for (1 when nothing was paid twice). */
  public synchronized long maxTimesPaid() {
    try (var s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM requests GROUP BY cache_key)")) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cost ledger " + file + ": " + e.getMessage(), e);
    }
  }

  public record Totals(long requests, double dollars, long promptTokens, long completionTokens) {}

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException ignored) {
      // Closing at exit: WAL keeps committed rows whatever happens here.
    }
  }
}
