package dev.neuronscribe.evaluate;

import dev.neuronscribe.files.Sqlite;
import dev.neuronscribe.llm.EmbeddingModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An embedding model with a persistent cache: vectors are kept in an SQLite file keyed by (model
 * name, exact text), so a rerun, or another evaluation of the same explanations, embeds nothing twice
 * (and a paid endpoint is paid once). Several processes may share the file (WAL mode).
 */
public final class CachedEmbeddings implements EmbeddingModel, AutoCloseable {
  private final EmbeddingModel inner;
  private final Path file;
  private final Connection db;
  private long hits;
  private long misses;

  public CachedEmbeddings(EmbeddingModel inner, Path file) {
    this.inner = inner;
    this.file = file;
    this.db = Sqlite.open(file, Sqlite.Durability.NORMAL, "delete the file to start a fresh cache, or pass --no-cache",
        "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, text TEXT NOT NULL, dims INTEGER NOT NULL, "
            + "vector BLOB NOT NULL, PRIMARY KEY (model, text))");
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public synchronized List<float[]> embed(List<String> texts) {
    // Checked here, not only by the inner model, so that the index named is the caller's.
    EmbeddingModel.requireNotBlank(texts);
    Map<String, float[]> found = lookUp(texts);
    List<String> wanted = texts.stream().filter(t -> !found.containsKey(t)).distinct().toList();
    hits += texts.size() - texts.stream().filter(t -> !found.containsKey(t)).count();
    if (!wanted.isEmpty()) {
      List<float[]> fresh = inner.embed(wanted);
      if (fresh.size() != wanted.size()) {
        throw new IllegalStateException("embedding model " + inner.name() + " returned " + fresh.size() + " vectors for " + wanted.size() + " texts");
      }
      store(wanted, fresh);
      for (int i = 0; i < wanted.size(); i++) found.put(wanted.get(i), fresh.get(i));
      misses += wanted.size();
    }
    return texts.stream().map(found::get).toList();
  }

  /** Texts answered from the cache and texts sent to the model, since this instance was opened. */
  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }

  public Path file() {
    return file;
  }

  private Map<String, float[]> lookUp(List<String> texts) {
    Map<String, float[]> found = new HashMap<>();
    try (PreparedStatement q = db.prepareStatement("SELECT dims, vector FROM embeddings WHERE model = ? AND text = ?")) {
      for (String t : texts) {
        if (found.containsKey(t)) continue;
        q.setString(1, inner.name());
        q.setString(2, t);
        try (ResultSet r = q.executeQuery()) {
          if (r.next()) found.put(t, decode(r.getInt(1), r.getBytes(2)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the embedding cache " + file + ": " + e.getMessage(), e);
    }
    return found;
  }

  private void store(List<String> texts, List<float[]> vectors) {
    try {
      Sqlite.inTransaction(db, () -> {
        try (PreparedStatement ins = db.prepareStatement("INSERT OR REPLACE INTO embeddings (model, text, dims, vector) VALUES (?, ?, ?, ?)")) {
          for (int i = 0; i < texts.size(); i++) {
            ins.setString(1, inner.name());
            ins.setString(2, texts.get(i));
            ins.setInt(3, vectors.get(i).length);
            ins.setBytes(4, encode(vectors.get(i)));
            ins.addBatch();
          }
          ins.executeBatch();
        }
        return null;
      });
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the embedding cache " + file + ": " + e.getMessage(), e);
    }
  }

  static byte[] encode(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) b.putFloat(x);
    return b.array();
  }

  static float[] decode(int dims, byte[] bytes) {
    if (bytes.length != dims * 4) throw new IllegalStateException("a cached embedding is damaged (" + bytes.length + " bytes for " + dims + " dimensions)");
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) v[i] = b.getFloat();
    return v;
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the embedding cache " + file + ": " + e.getMessage(), e);
    }
  }

  /** The default cache file: $XDG_CACHE_HOME/neuronscribe/embeddings.sqlite, or under ~/.cache. */
  public static Path defaultFile() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("neuronscribe").resolve("embeddings.sqlite");
  }
}
