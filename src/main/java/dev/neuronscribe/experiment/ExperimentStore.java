package dev.neuronscribe.experiment;

import dev.neuronscribe.files.Sqlite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The run's store: one SQLite file ({@code STORE/experiment.sqlite}, WAL) with one row per unit of work.
 * A unit is written in one statement when it ends, so a crash or Ctrl-C loses at most the units in
 * flight, and a rerun does only the units that are missing or failed. Each row carries the unit's
 * result (small JSON), an optional gzip'd detail (the full simulation, OpenAI's format), and what it
 * cost: tokens, dollars and wall time — the experiment's own ledger, from which Table 7 is made.
 */
final class ExperimentStore implements AutoCloseable {
  static final String FILE = "experiment.sqlite";

  enum Status { DONE, FAILED }

  /** Which unit: step, neuron set, target, format, explainer and method (simulator or embedding model; "" for explain). */
  record Key(String step, String set, String target, String format, String explainer, String method) {}

  /**
   * What a unit cost. {@code dollars} is empty when a hosted model has no price; {@code cachedCalls}
   * counts replies replayed from the response cache (their tokens count: they are the work's cost).
   */
  record Cost(String model, long promptTokens, long completionTokens, OptionalDouble dollars, double wallSeconds, int calls, int cachedCalls) {
    static Cost offline(String model, double wallSeconds) {
      return new Cost(model, 0, 0, OptionalDouble.of(0), wallSeconds, 0, 0);
    }
  }

  record Unit(Key key, Status status, String reason, String result, Cost cost, Instant finished) {
    boolean done() {
      return status == Status.DONE;
    }
  }

  private final Path file;
  private final Connection db;

  private ExperimentStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  static ExperimentStore open(Path dir) {
    Path file = dir.resolve(FILE);
    Connection c = Sqlite.open(file, Sqlite.Durability.NORMAL, "is it an experiment store? point 'store' elsewhere to start a new one",
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
            CREATE TABLE IF NOT EXISTS units (
              step TEXT NOT NULL, neuron_set TEXT NOT NULL, target TEXT NOT NULL, format TEXT NOT NULL,
              explainer TEXT NOT NULL, method TEXT NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('done', 'failed')), reason TEXT NOT NULL, result TEXT NOT NULL,
              detail BLOB, model TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
              dollars REAL, wall_seconds REAL NOT NULL, calls INTEGER NOT NULL, cached_calls INTEGER NOT NULL,
              finished_at TEXT NOT NULL,
              PRIMARY KEY (step, neuron_set, target, format, explainer, method))""",
        """
            CREATE TABLE IF NOT EXISTS sessions (
              id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, units_done INTEGER, units_failed INTEGER,
              elapsed_seconds REAL, paid_requests INTEGER, dollars REAL, stopped_because TEXT)""");
    return new ExperimentStore(file, c);
  }

  Path file() {
    return file;
  }

  synchronized Optional<String> meta(String key) {
    try (PreparedStatement s = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized void putMeta(String key, String value) {
    try (PreparedStatement s = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
      s.setString(1, key);
      s.setString(2, value);
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Every unit, without the details (which can be large). */
  synchronized List<Unit> units() {
    List<Unit> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT step, neuron_set, target, format, explainer, method, status, reason, result, model, prompt_tokens, "
            + "completion_tokens, dollars, wall_seconds, calls, cached_calls, finished_at FROM units")) {
      while (r.next()) out.add(unit(r));
    } catch (SQLException e) {
      throw failure(e);
    }
    return out;
  }

  /** The unit's detail, uncompressed. */
  synchronized Optional<String> detail(Key k) {
    try (PreparedStatement s = db.prepareStatement("SELECT detail FROM units "
        + "WHERE step = ? AND neuron_set = ? AND target = ? AND format = ? AND explainer = ? AND method = ?")) {
      bind(s, k, 1);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) return Optional.empty();
        byte[] b = r.getBytes(1);
        return b == null ? Optional.empty() : Optional.of(gunzip(b));
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Writes a finished unit (replacing an earlier attempt) in one statement. */
  synchronized void put(Key k, Status status, String reason, String result, Optional<String> detail, Cost cost) {
    try (PreparedStatement s = db.prepareStatement("INSERT OR REPLACE INTO units (step, neuron_set, target, format, explainer, method, status, "
        + "reason, result, detail, model, prompt_tokens, completion_tokens, dollars, wall_seconds, calls, cached_calls, finished_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bind(s, k, 1);
      s.setString(7, status == Status.DONE ? "done" : "failed");
      s.setString(8, reason);
      s.setString(9, result);
      if (detail.isPresent()) s.setBytes(10, gzip(detail.get()));
      else s.setNull(10, java.sql.Types.BLOB);
      s.setString(11, cost.model());
      s.setLong(12, cost.promptTokens());
      s.setLong(13, cost.completionTokens());
      if (cost.dollars().isPresent()) s.setDouble(14, cost.dollars().getAsDouble());
      else s.setNull(14, java.sql.Types.REAL);
      s.setDouble(15, cost.wallSeconds());
      s.setInt(16, cost.calls());
      s.setInt(17, cost.cachedCalls());
      s.setString(18, Instant.now().toString());
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Removes the units that depended on explanations which have just been made anew. */
  synchronized void deleteDependents(String set, String target, String format, String explainer) {
    try (PreparedStatement s = db.prepareStatement("DELETE FROM units WHERE step <> ? AND neuron_set = ? AND target = ? AND format = ? AND explainer = ?")) {
      s.setString(1, Steps.EXPLAIN);
      s.setString(2, set);
      s.setString(3, target);
      s.setString(4, format);
      s.setString(5, explainer);
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized long startSession() {
    try (PreparedStatement s = db.prepareStatement("INSERT INTO sessions (started_at) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      s.setString(1, Instant.now().toString());
      s.executeUpdate();
      try (ResultSet r = s.getGeneratedKeys()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized void endSession(long id, int done, int failed, double elapsedSeconds, long paidRequests, double dollars, Optional<String> stoppedBecause) {
    try (PreparedStatement s = db.prepareStatement("UPDATE sessions SET finished_at = ?, units_done = ?, units_failed = ?, elapsed_seconds = ?, "
        + "paid_requests = ?, dollars = ?, stopped_because = ? WHERE id = ?")) {
      s.setString(1, Instant.now().toString());
      s.setInt(2, done);
      s.setInt(3, failed);
      s.setDouble(4, elapsedSeconds);
      s.setLong(5, paidRequests);
      s.setDouble(6, dollars);
      s.setString(7, stoppedBecause.orElse(null));
      s.setLong(8, id);
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Sessions so far: how many, their summed elapsed time and dollars. */
  record Sessions(int count, double elapsedSeconds, double dollars) {}

  synchronized Sessions sessions() {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(elapsed_seconds), 0), coalesce(sum(dollars), 0) FROM sessions")) {
      r.next();
      return new Sessions(r.getInt(1), r.getDouble(2), r.getDouble(3));
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static void bind(PreparedStatement s, Key k, int from) throws SQLException {
    s.setString(from, k.step());
    s.setString(from + 1, k.set());
    s.setString(from + 2, k.target());
    s.setString(from + 3, k.format());
    s.setString(from + 4, k.explainer());
    s.setString(from + 5, k.method());
  }

  private static Unit unit(ResultSet r) throws SQLException {
    Key k = new Key(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6));
    double d = r.getDouble(13);
    OptionalDouble dollars = r.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(d);
    Cost c = new Cost(r.getString(10), r.getLong(11), r.getLong(12), dollars, r.getDouble(14), r.getInt(15), r.getInt(16));
    return new Unit(k, r.getString(7).equals("done") ? Status.DONE : Status.FAILED, r.getString(8), r.getString(9), c,
        Instant.parse(r.getString(17)));
  }

  private static byte[] gzip(String s) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(s.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  private String gunzip(byte[] b) {
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return new String(z.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("the experiment store " + file + " holds a damaged detail: " + e.getMessage(), e);
    }
  }

  private IllegalStateException failure(SQLException e) {
    return new IllegalStateException("experiment store " + file + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException ignored) {
      // Closing at the end: WAL has every committed unit whatever happens here.
    }
  }
}
