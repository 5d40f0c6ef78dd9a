package dev.neuronscribe.activations;

import dev.neuronscribe.files.InvalidInputException;
import dev.neuronscribe.files.AtomicFiles;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The store's layout on disk, shared by its reader and writer: three tables, each a folder of Arrow IPC
 * files ({@code excerpts/}, {@code records/}, {@code units/}) written part by part. A part's units file is
 * written last and commits the part; a part without one is the remains of an interrupted write.
 */
final class StoreFiles {
  /** Bumped when a reader of the previous version would misread a store. */
  static final int VERSION = 1;

  static final String FORMAT_KEY = "neuronscribe.store.format";
  static final String TABLE_KEY = "neuronscribe.store.table";
  static final String PRECISION_KEY = "neuronscribe.store.precision";
  static final String EXCERPTS = "excerpts", RECORDS = "records", UNITS = "units";

  private StoreFiles() {}

  static boolean isStore(Path dir) {
    return Files.isDirectory(dir.resolve(UNITS)) && Files.isDirectory(dir.resolve(RECORDS));
  }

  static Path part(Path dir, String table, int part) {
    return dir.resolve(table).resolve(String.format("part-%05d.arrow", part));
  }

  private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("part-\\d{5,9}\\.arrow");

  /** Committed part numbers, ascending. */
  static List<Integer> parts(Path dir, String table) {
    Path folder = dir.resolve(table);
    if (!Files.isDirectory(folder)) return List.of();
    List<Integer> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (PART.matcher(n).matches()) out.add(Integer.parseInt(n.substring(5, n.length() - 6)));
      }
    } catch (IOException e) {
      throw new InvalidInputException(folder.toString(), "cannot be listed: " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  static Schema excerptsSchema(Map<String, String> meta) {
    return new Schema(List.of(
        Field.notNullable("excerpt", new ArrowType.Int(64, true)),
        new Field("token_ids", FieldType.nullable(ArrowType.List.INSTANCE), List.of(Field.notNullable("element", new ArrowType.Int(32, true)))),
        new Field("tokens", FieldType.notNullable(ArrowType.List.INSTANCE), List.of(Field.notNullable("element", ArrowType.Utf8.INSTANCE)))),
        withTable(meta, EXCERPTS));
  }

  static Schema recordsSchema(Map<String, String> meta, StorePrecision precision) {
    FloatingPointPrecision p = precision == StorePrecision.F16 ? FloatingPointPrecision.HALF : FloatingPointPrecision.SINGLE;
    return new Schema(List.of(
        Field.notNullable("layer", new ArrowType.Int(32, true)),
        Field.notNullable("index", new ArrowType.Int(32, true)),
        Field.notNullable("list", ArrowType.Utf8.INSTANCE),
        Field.notNullable("rank", new ArrowType.Int(32, true)),
        Field.notNullable("excerpt", new ArrowType.Int(64, true)),
        new Field("activations", FieldType.notNullable(ArrowType.List.INSTANCE), List.of(Field.notNullable("element", new ArrowType.FloatingPoint(p))))),
        withTable(meta, RECORDS));
  }

  static Schema unitsSchema(Map<String, String> meta) {
    ArrowType f64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    return new Schema(List.of(
        Field.notNullable("layer", new ArrowType.Int(32, true)),
        Field.notNullable("index", new ArrowType.Int(32, true)),
        Field.notNullable("batch", new ArrowType.Int(32, true)),
        Field.nullable("mean", f64),
        Field.nullable("variance", f64),
        Field.nullable("skewness", f64),
        Field.nullable("kurtosis", f64),
        new Field("quantile_boundaries", FieldType.nullable(ArrowType.List.INSTANCE), List.of(Field.nullable("element", f64)))),
        withTable(meta, UNITS));
  }

  private static Map<String, String> withTable(Map<String, String> meta, String table) {
    Map<String, String> m = new HashMap<>(meta);
    m.putIfAbsent(FORMAT_KEY, Integer.toString(VERSION));
    m.put(TABLE_KEY, table);
    return m;
  }

  /** Fills a root batch by batch into {@code file}, atomically, zstd-compressed. */
  static void write(Path file, Schema schema, Consumer<Batches> fill) {
    AtomicFiles.write(file, out -> {
      try (BufferAllocator allocator = new RootAllocator();
          VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
          ArrowFileWriter w = new ArrowFileWriter(root, null, Channels.newChannel(out), schema.getCustomMetadata(), IpcOption.DEFAULT,
              CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD)) {
        w.start();
        fill.accept(new Batches(root, w));
        w.end();
      }
    });
  }

  /** Lets a writer fill the root and emit it as one record batch at a time. */
  record Batches(VectorSchemaRoot root, ArrowFileWriter writer) {
    void emit(int rows) {
      root.setRowCount(rows);
      try {
        writer.writeBatch();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      root.clear();
      root.allocateNew();
    }
  }

  /** One open store file; checks that it is a store table of a version this reader knows. */
  static final class Reader implements AutoCloseable {
    final Path file;
    final BufferAllocator allocator;
    final ArrowFileReader arrow;
    final List<ArrowBlock> blocks;
    final Map<String, String> metadata;

    Reader(Path file, String table) {
      this.file = file;
      this.allocator = new RootAllocator();
      ArrowFileReader opened = null;
      try {
        opened = new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator, CommonsCompressionFactory.INSTANCE);
        metadata = opened.getVectorSchemaRoot().getSchema().getCustomMetadata();
        blocks = opened.getRecordBlocks();
        arrow = opened;
      } catch (IOException | RuntimeException e) {
        closeQuietly(opened, allocator);
        throw new StoreFileException(file.toString(), "is not a readable Arrow file (" + e.getMessage()
            + "); it is truncated or not part of a NeuronScribe store: re-create the store (scribe record, or scribe import)", e);
      }
      String version = metadata.get(FORMAT_KEY);
      if (version == null || !table.equals(metadata.get(TABLE_KEY))) {
        close();
        throw new StoreFileException(file.toString(), "is an Arrow file but not the '" + table + "' table of a NeuronScribe store (no "
            + FORMAT_KEY + "/" + TABLE_KEY + " metadata)");
      }
      int v;
      try {
        v = Integer.parseInt(version);
      } catch (NumberFormatException e) {
        close();
        throw new StoreFileException(file.toString(), "field '" + FORMAT_KEY + "' is '" + version + "', not a version number");
      }
      if (v > VERSION) {
        close();
        throw new StoreFileException(file.toString(), "was written by a newer NeuronScribe (store format " + v + "; this one reads up to "
            + VERSION + "): update NeuronScribe, or export the store to JSON with the newer one");
      }
    }

    VectorSchemaRoot batch(int i) {
      try {
        arrow.loadRecordBatch(blocks.get(i));
        return arrow.getVectorSchemaRoot();
      } catch (IOException | RuntimeException e) {
        throw new StoreFileException(file.toString(), "record batch " + i + " cannot be read (" + e.getMessage() + "); the file is damaged: re-create the store (scribe record, or scribe import)", e);
      }
    }

    int batches() {
      return blocks.size();
    }

    @Override
    public void close() {
      closeQuietly(arrow, allocator);
    }

    private static void closeQuietly(ArrowFileReader reader, BufferAllocator allocator) {
      try {
        if (reader != null) reader.close();
      } catch (IOException e) {
        // Closing a read-only file: nothing is lost.
      }
      allocator.close();
    }
  }
}
