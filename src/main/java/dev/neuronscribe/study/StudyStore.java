package dev.neuronscribe.study;

import dev.neuronscribe.activations.NeuronId;
import dev.neuronscribe.activations.NeuronRecordJson;
import dev.neuronscribe.files.Sqlite;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The studies, their raters and every answer, in one SQLite file.
 *
 * <p>Durability is the point: the database runs in WAL mode with {@code synchronous=FULL}, and an answer
 * is committed before the server replies, so a server killed at any moment keeps every answer a rater
 * saw confirmed. All access goes through one connection under this object's lock; SQLite serialises
 * writers anyway, and a lab's raters are far below what one connection serves. A second process (the
 * CLI creating a study while the server runs) waits for the lock ({@code busy_timeout}).
 */
public final class StudyStore implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection db;
  private final Tokens tokens;

  private StudyStore(Path file, Connection db, Tokens tokens) {
    this.file = file;
    this.db = db;
    this.tokens = tokens;
  }

  /** Opens (and on first use creates) the study database. */
  public static StudyStore open(Path file) {
    Path abs = file.toAbsolutePath();
    Connection c = Sqlite.open(abs, Sqlite.Durability.FULL, "is the file an SQLite database made by scribe? point --db elsewhere to start a new one");
    StudyStore store = new StudyStore(abs, c, new Tokens(new SecureRandom()));
    try {
      store.migrate();
    } catch (SQLException e) {
      store.close();
      throw new IllegalStateException("cannot open the study database " + file + ": " + e.getMessage()
          + " (is the directory writable, and the file an SQLite database made by scribe?)", e);
    }
    return store;
  }

  public Path file() {
    return file;
  }

  // ---------------------------------------------------------------- server secret

  /** A random key kept in the database, so that signed cookies survive a restart of the server. */
  synchronized byte[] serverSecret() {
    return inTransaction(() -> {
      Optional<String> hex = meta("server_secret");
      if (hex.isPresent()) return HexFormat.of().parseHex(hex.get());
      byte[] secret = tokens.newSecret();
      putMeta("server_secret", HexFormat.of().formatHex(secret));
      return secret;
    });
  }

  // ---------------------------------------------------------------- creating studies and raters

  /** A link token for a rater, shown once: only its hash is stored. */
  public record RaterLink(long raterId, String label, String token) {}

  public record CreatedStudy(long id, List<RaterLink> raters) {}

  /** Stores a new study with the given rater labels (one link each) in one transaction. */
  public synchronized CreatedStudy createStudy(NewStudy study, List<String> raterLabels) {
    return inTransaction(() -> {
      long studyId;
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO study(name, explainer_model, instructions, created_at) VALUES (?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, study.name().strip());
        ps.setString(2, study.explainerModel().strip());
        ps.setString(3, study.instructions().strip());
        ps.setString(4, Instant.now().toString());
        ps.executeUpdate();
        studyId = generatedKey(ps);
      }
      int position = 0;
      for (NewStudy.Item item : study.items()) {
        long itemId;
        try (PreparedStatement ps = db.prepareStatement(
            "INSERT INTO item(study_id, position, layer, neuron, record_json) VALUES (?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
          ps.setLong(1, studyId);
          ps.setInt(2, position++);
          ps.setInt(3, item.neuron().layer());
          ps.setInt(4, item.neuron().neuron());
          ps.setString(5, NeuronRecordJson.toJson(item.excerpts()));
          ps.executeUpdate();
          itemId = generatedKey(ps);
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO explanation(item_id, format, text) VALUES (?,?,?)")) {
          for (var e : item.explanationsByFormat().entrySet()) {
            ps.setLong(1, itemId);
            ps.setString(2, e.getKey().strip());
            ps.setString(3, e.getValue().strip());
            ps.executeUpdate();
          }
        }
      }
      return new CreatedStudy(studyId, insertRaters(studyId, raterLabels));
    });
  }

  /** Adds raters to a study; returns their links (shown once). */
  public synchronized List<RaterLink> addRaters(long studyId, List<String> labels) {
    return inTransaction(() -> {
      if (study(studyId).isEmpty()) throw new IllegalArgumentException("there is no study " + studyId);
      return insertRaters(studyId, labels);
    });
  }

  /** Gives a rater a new link (the old one stops working); their answers stay. Empty if no such rater. */
  synchronized Optional<RaterLink> reissueLink(long studyId, long raterId) {
    return inTransaction(() -> {
      String token = tokens.newToken();
      try (PreparedStatement ps = db.prepareStatement("UPDATE rater SET token_sha256 = ? WHERE id = ? AND study_id = ?")) {
        ps.setString(1, Tokens.sha256Hex(token));
        ps.setLong(2, raterId);
        ps.setLong(3, studyId);
        if (ps.executeUpdate() == 0) return Optional.<RaterLink>empty();
      }
      String label = queryString("SELECT label FROM rater WHERE id = ?", raterId);
      return Optional.of(new RaterLink(raterId, label, token));
    });
  }

  private List<RaterLink> insertRaters(long studyId, List<String> labels) throws SQLException {
    List<RaterLink> links = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement(
        "INSERT INTO rater(study_id, label, token_sha256, seed, created_at) VALUES (?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
      for (String label : labels) {
        if (label.isBlank()) throw new IllegalArgumentException("a rater label is empty");
        String token = tokens.newToken();
        ps.setLong(1, studyId);
        ps.setString(2, label.strip());
        ps.setString(3, Tokens.sha256Hex(token));
        ps.setLong(4, tokens.newSeed());
        ps.setString(5, Instant.now().toString());
        ps.executeUpdate();
        links.add(new RaterLink(generatedKey(ps), label.strip(), token));
      }
    }
    return links;
  }

  // ---------------------------------------------------------------- reading studies

  /** A study with its size and progress, for listings. */
  public record StudySummary(long id, String name, String explainerModel, int items, int raters, int answers) {}

  public synchronized List<StudySummary> studies() {
    return call(() -> {
      List<StudySummary> out = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement("""
          SELECT s.id, s.name, s.explainer_model,
                 (SELECT count(*) FROM item i WHERE i.study_id = s.id),
                 (SELECT count(*) FROM rater r WHERE r.study_id = s.id),
                 (SELECT count(*) FROM answer a JOIN rater r ON r.id = a.rater_id WHERE r.study_id = s.id)
          FROM study s ORDER BY s.id""");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new StudySummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6)));
      }
      return out;
    });
  }

  synchronized Optional<Study> study(long id) {
    return call(() -> {
      try (PreparedStatement ps = db.prepareStatement("SELECT id, name, explainer_model, instructions, created_at FROM study WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) return Optional.<Study>empty();
          return Optional.of(new Study(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), Instant.parse(rs.getString(5))));
        }
      }
    });
  }

  /** The rater whose link token this is, if any. */
  synchronized Optional<Rater> raterByToken(String token) {
    if (!Tokens.looksLikeToken(token)) return Optional.empty();
    return call(() -> {
      try (PreparedStatement ps = db.prepareStatement("SELECT id, study_id, label, seed FROM rater WHERE token_sha256 = ?")) {
        ps.setString(1, Tokens.sha256Hex(token));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Rater(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4))) : Optional.<Rater>empty();
        }
      }
    });
  }

  synchronized List<Rater> raters(long studyId) {
    return call(() -> {
      List<Rater> out = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement("SELECT id, study_id, label, seed FROM rater WHERE study_id = ? ORDER BY id")) {
        ps.setLong(1, studyId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new Rater(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4)));
        }
      }
      return out;
    });
  }

  /** The study's items in creation order. */
  synchronized List<Item> items(long studyId) {
    return call(() -> {
      Map<Long, List<Item.Explanation>> explanations = new HashMap<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT e.item_id, e.id, e.format, e.text FROM explanation e JOIN item i ON i.id = e.item_id WHERE i.study_id = ? ORDER BY e.id")) {
        ps.setLong(1, studyId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            explanations.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Item.Explanation(rs.getLong(2), rs.getString(3), rs.getString(4)));
          }
        }
      }
      List<Item> out = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT id, study_id, position, layer, neuron, record_json FROM item WHERE study_id = ? ORDER BY position")) {
        ps.setLong(1, studyId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long id = rs.getLong(1);
            out.add(new Item(id, rs.getLong(2), rs.getInt(3), new NeuronId(rs.getInt(4), rs.getInt(5)),
                NeuronRecordJson.parse(rs.getString(6), file + " item " + id),
                explanations.getOrDefault(id, List.of())));
          }
        }
      }
      return out;
    });
  }

  /** The study's formats in the order they were given at creation. */
  synchronized List<String> formats(long studyId) {
    return call(() -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT e.format FROM explanation e JOIN item i ON i.id = e.item_id WHERE i.study_id = ? GROUP BY e.format ORDER BY min(e.id)")) {
        ps.setLong(1, studyId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- answers

  /** What became of a submitted answer. */
  sealed interface Submission {
    /** Stored now. */
    record Saved() implements Submission {}

    /** The same answer was stored before (a double click, a re-sent form): nothing changed. */
    record AlreadySaved() implements Submission {}

    /** A different answer was stored before; answers are final, so this one was refused. */
    record Conflict(Answer stored) implements Submission {}
  }

  /**
   * Stores a rater's answer to an item, committed before this returns. The caller has checked that the
   * item belongs to the rater's study and that the ratings cover exactly the item's explanations.
   */
  synchronized Submission submit(Rater rater, Item item, Answer answer) {
    return inTransaction(() -> {
      Optional<Answer> stored = answerOf(rater.id(), item.id());
      if (stored.isPresent()) {
        return stored.get().equals(answer) ? new Submission.AlreadySaved() : new Submission.Conflict(stored.get());
      }
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO answer(rater_id, item_id, best_explanation_id, answered_at) VALUES (?,?,?,?)")) {
        ps.setLong(1, rater.id());
        ps.setLong(2, item.id());
        ps.setLong(3, answer.bestExplanationId());
        ps.setString(4, Instant.now().toString());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = db.prepareStatement("INSERT INTO rating(rater_id, item_id, explanation_id, rating) VALUES (?,?,?,?)")) {
        for (var e : answer.ratings().entrySet()) {
          ps.setLong(1, rater.id());
          ps.setLong(2, item.id());
          ps.setLong(3, e.getKey());
          ps.setInt(4, e.getValue());
          ps.executeUpdate();
        }
      }
      return new Submission.Saved();
    });
  }

  synchronized Optional<Answer> answer(long raterId, long itemId) {
    return call(() -> answerOf(raterId, itemId));
  }

  /** The ids of the items this rater has answered. */
  synchronized java.util.Set<Long> answeredItems(long raterId) {
    return call(() -> {
      java.util.Set<Long> out = new java.util.HashSet<>();
      try (PreparedStatement ps = db.prepareStatement("SELECT item_id FROM answer WHERE rater_id = ?")) {
        ps.setLong(1, raterId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(rs.getLong(1));
        }
      }
      return out;
    });
  }

  private Optional<Answer> answerOf(long raterId, long itemId) throws SQLException {
    long best;
    try (PreparedStatement ps = db.prepareStatement("SELECT best_explanation_id FROM answer WHERE rater_id = ? AND item_id = ?")) {
      ps.setLong(1, raterId);
      ps.setLong(2, itemId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        best = rs.getLong(1);
      }
    }
    Map<Long, Integer> ratings = new HashMap<>();
    try (PreparedStatement ps = db.prepareStatement("SELECT explanation_id, rating FROM rating WHERE rater_id = ? AND item_id = ?")) {
      ps.setLong(1, raterId);
      ps.setLong(2, itemId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ratings.put(rs.getLong(1), rs.getInt(2));
      }
    }
    return Optional.of(new Answer(ratings, best));
  }

  // ---------------------------------------------------------------- results (the queries live in StudyResults)

  /** Per rater of a study: how many items they have answered. */
  synchronized Map<Long, Integer> progress(long studyId) {
    return call(() -> {
      Map<Long, Integer> out = new LinkedHashMap<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT r.id, count(a.item_id) FROM rater r LEFT JOIN answer a ON a.rater_id = r.id WHERE r.study_id = ? GROUP BY r.id ORDER BY r.id")) {
        ps.setLong(1, studyId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.put(rs.getLong(1), rs.getInt(2));
        }
      }
      return out;
    });
  }

  /** Work on the database for a reader of results ({@link StudyResults}), under the store's lock. */
  interface Query<T> {
    T run(Connection db) throws SQLException;
  }

  synchronized <T> T query(Query<T> work) {
    return call(() -> work.run(db));
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new IllegalStateException("closing " + file + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- plumbing

  private void migrate() throws SQLException {
    inTransaction(() -> {
      try (Statement s = db.createStatement()) {
        s.executeUpdate("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT");
      }
      Optional<String> version = meta("schema_version");
      if (version.isPresent() && !version.get().equals(Integer.toString(SCHEMA_VERSION))) {
        throw new IllegalStateException(file + " has study schema version " + version.get() + "; this scribe knows version " + SCHEMA_VERSION
            + ". Use the scribe that made it, or export its results and start a new database.");
      }
      try (Statement s = db.createStatement()) {
        for (String ddl : SCHEMA) s.executeUpdate(ddl);
      }
      putMeta("schema_version", Integer.toString(SCHEMA_VERSION));
      return null;
    });
  }

  private static final List<String> SCHEMA = List.of(
      """
      CREATE TABLE IF NOT EXISTS study (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        explainer_model TEXT NOT NULL,
        instructions TEXT NOT NULL,
        created_at TEXT NOT NULL) STRICT""",
      """
      CREATE TABLE IF NOT EXISTS item (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES study(id),
        position INTEGER NOT NULL,
        layer INTEGER NOT NULL,
        neuron INTEGER NOT NULL,
        record_json TEXT NOT NULL,
        UNIQUE (study_id, position),
        UNIQUE (study_id, layer, neuron)) STRICT""",
      """
      CREATE TABLE IF NOT EXISTS explanation (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES item(id),
        format TEXT NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (item_id, format)) STRICT""",
      """
      CREATE TABLE IF NOT EXISTS rater (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES study(id),
        label TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        seed INTEGER NOT NULL,
        created_at TEXT NOT NULL) STRICT""",
      """
      CREATE TABLE IF NOT EXISTS answer (
        rater_id INTEGER NOT NULL REFERENCES rater(id),
        item_id INTEGER NOT NULL REFERENCES item(id),
        best_explanation_id INTEGER NOT NULL REFERENCES explanation(id),
        answered_at TEXT NOT NULL,
        PRIMARY KEY (rater_id, item_id)) STRICT""",
      """
      CREATE TABLE IF NOT EXISTS rating (
        rater_id INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        explanation_id INTEGER NOT NULL REFERENCES explanation(id),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        PRIMARY KEY (rater_id, explanation_id),
        FOREIGN KEY (rater_id, item_id) REFERENCES answer(rater_id, item_id)) STRICT""",
      "CREATE INDEX IF NOT EXISTS rating_by_explanation ON rating(explanation_id)",
      "CREATE INDEX IF NOT EXISTS answer_by_item ON answer(item_id)");

  private Optional<String> meta(String key) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private void putMeta(String key, String value) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  private String queryString(String sql, long arg) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      ps.setLong(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) throw new SQLException("no row for " + sql + " with " + arg);
        return rs.getString(1);
      }
    }
  }

  private static long generatedKey(PreparedStatement ps) throws SQLException {
    try (ResultSet keys = ps.getGeneratedKeys()) {
      if (!keys.next()) throw new SQLException("SQLite returned no row id");
      return keys.getLong(1);
    }
  }

  private <T> T call(Sqlite.Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new IllegalStateException("study database " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs the work in one transaction: all of it is committed (to disk) before this returns, or none. */
  private <T> T inTransaction(Sqlite.Work<T> work) {
    try {
      return Sqlite.inTransaction(db, work);
    } catch (SQLException e) {
      throw new IllegalStateException("study database " + file + ": " + e.getMessage(), e);
    }
  }
}
