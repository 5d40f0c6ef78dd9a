package dev.neuronscribe.activations;

import dev.neuronscribe.files.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where each unit and each excerpt of a store is: {@code STORE/index.bin}, written by the store's writer when
 * it finishes, so that a reader finds one unit by a binary search in a memory-mapped file instead of
 * decoding every part's units file first (seconds for 36,864 units). It only speeds reading up: the Arrow
 * tables hold everything, and a store without a current index (an interrupted recording, or one written
 * before the index existed) is indexed in memory from its units and excerpts files, as it was before.
 *
 * <p>Layout, little-endian (docs/scale.md): the magic {@code NSIDX} and a zero byte padded to 8 bytes; int32
 * version; int32 P, the number of committed parts; P int32 part numbers; int64 U units; int64 E excerpts; U
 * entries of five int32 (layer, index, part, record batch in the part's records file, row in its units file)
 * sorted by (layer, index); E entries of int64 excerpt and two int32 (part, record batch in its excerpts file)
 * sorted by excerpt. The part list tells whether the index covers every committed part: when it does not,
 * it is stale and not used.
 */
final class StoreIndex {
  static final String FILE = "index.bin";
  private static final byte[] MAGIC = {'N', 'S', 'I', 'D', 'X', 0, 0, 0};
  private static final int VERSION = 1;
  private static final int UNIT_BYTES = 20, EXCERPT_BYTES = 16;

  private final ByteBuffer units, excerpts;
  private final int unitCount, excerptCount;

  private StoreIndex(ByteBuffer units, int unitCount, ByteBuffer excerpts, int excerptCount) {
    this.units = units;
    this.unitCount = unitCount;
    this.excerpts = excerpts;
    this.excerptCount = excerptCount;
  }

  /** A unit's place: its part, its record batch in the part's records file and its row in the part's units file. */
  record UnitAt(int part, int batch, int row) {}

  /** An excerpt's place: its part and its record batch in that part's excerpts file. */
  record ExcerptAt(int part, int batch) {}

  /** What a writer indexes: per unit (layer, index, part, batch, row), per excerpt (excerpt, part, batch), packed. */
  static final class Builder {
    private int[] units = new int[5 * 1024];
    private int unitCount;
    private long[] excerpts = new long[2 * 1024];
    private int excerptCount;

    void unit(NeuronId id, int part, int batch, int row) {
      if (5 * (unitCount + 1) > units.length) units = Arrays.copyOf(units, units.length * 2);
      int at = 5 * unitCount++;
      units[at] = id.layer();
      units[at + 1] = id.neuron();
      units[at + 2] = part;
      units[at + 3] = batch;
      units[at + 4] = row;
    }

    void excerpt(long excerpt, int part, int batch) {
      if (2 * (excerptCount + 1) > excerpts.length) excerpts = Arrays.copyOf(excerpts, excerpts.length * 2);
      int at = 2 * excerptCount++;
      excerpts[at] = excerpt;
      excerpts[at + 1] = ((long) part << 32) | (batch & 0xffffffffL);
    }

    /** The index as its file's bytes. */
    ByteBuffer bytes(List<Integer> parts) {
      Integer[] u = new Integer[unitCount];
      for (int i = 0; i < unitCount; i++) u[i] = i;
      Arrays.sort(u, (a, b) -> units[5 * a] != units[5 * b] ? Integer.compare(units[5 * a], units[5 * b]) : Integer.compare(units[5 * a + 1], units[5 * b + 1]));
      Integer[] e = new Integer[excerptCount];
      for (int i = 0; i < excerptCount; i++) e[i] = i;
      Arrays.sort(e, (a, b) -> Long.compare(excerpts[2 * a], excerpts[2 * b]));
      ByteBuffer out = ByteBuffer.allocate(8 + 4 + 4 + 4 * parts.size() + 16 + UNIT_BYTES * unitCount + EXCERPT_BYTES * excerptCount)
          .order(ByteOrder.LITTLE_ENDIAN);
      out.put(MAGIC).putInt(VERSION).putInt(parts.size());
      for (int p : parts) out.putInt(p);
      out.putLong(unitCount).putLong(excerptCount);
      for (int i : u) for (int k = 0; k < 5; k++) out.putInt(units[5 * i + k]);
      for (int i : e) out.putLong(excerpts[2 * i]).putInt((int) (excerpts[2 * i + 1] >>> 32)).putInt((int) excerpts[2 * i + 1]);
      return out.flip();
    }

    void write(Path store, List<Integer> parts) {
      ByteBuffer b = bytes(parts);
      AtomicFiles.write(store.resolve(FILE), out -> out.write(b.array(), 0, b.limit()));
    }

    StoreIndex build(List<Integer> parts) {
      return parse(bytes(parts), Optional.empty()).orElseThrow().index;
    }
  }

  /**
   * The store's index file when it covers exactly the committed {@code parts}; empty when there is none or it
   * is stale. A damaged or newer one is refused (it names the file).
   */
  static Optional<StoreIndex> load(Path store, List<Integer> parts) {
    Path file = store.resolve(FILE);
    if (!Files.isRegularFile(file)) return Optional.empty();
    return map(file).filter(i -> i.parts.equals(parts)).map(i -> i.index);
  }

  private record Parsed(List<Integer> parts, StoreIndex index) {}

  private static Optional<Parsed> map(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
      return parse(map, Optional.of(file));
    } catch (IOException e) {
      throw new StoreFileException(file.toString(), "cannot be read (" + e.getMessage() + "); delete it (the store reads without it, more slowly)", e);
    }
  }

  private static Optional<Parsed> parse(ByteBuffer b, Optional<Path> file) {
    String name = file.map(Path::toString).orElse(FILE);
    try {
      byte[] magic = new byte[8];
      b.get(0, magic);
      if (!Arrays.equals(magic, MAGIC)) throw new StoreFileException(name, "is not a NeuronScribe store index; delete it (the store reads without it, more slowly)");
      int version = b.getInt(8);
      if (version > VERSION) {
        throw new StoreFileException(name, "was written by a newer NeuronScribe (index version " + version + "; this one reads up to " + VERSION
            + "): update NeuronScribe, or delete the file (the store reads without it, more slowly)");
      }
      int p = b.getInt(12);
      Integer[] parts = new Integer[p];
      for (int i = 0; i < p; i++) parts[i] = b.getInt(16 + 4 * i);
      int at = 16 + 4 * p;
      long u = b.getLong(at), e = b.getLong(at + 8);
      long unitsAt = at + 16, excerptsAt = unitsAt + UNIT_BYTES * u, end = excerptsAt + EXCERPT_BYTES * e;
      if (u < 0 || e < 0 || end != b.limit()) {
        throw new StoreFileException(name, "is truncated or damaged (" + b.limit() + " bytes, " + end + " expected); delete it (the store reads without it, more slowly)");
      }
      ByteBuffer units = b.slice((int) unitsAt, (int) (UNIT_BYTES * u)).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer excerpts = b.slice((int) excerptsAt, (int) (EXCERPT_BYTES * e)).order(ByteOrder.LITTLE_ENDIAN);
      List<Integer> partList = List.of(parts);
      return Optional.of(new Parsed(partList.stream().sorted().toList(), new StoreIndex(units, (int) u, excerpts, (int) e)));
    } catch (IndexOutOfBoundsException ex) {
      throw new StoreFileException(name, "is truncated (" + b.limit() + " bytes); delete it (the store reads without it, more slowly)", ex);
    }
  }

  int size() {
    return unitCount;
  }

  NeuronId unit(int slot) {
    return new NeuronId(units.getInt(UNIT_BYTES * slot), units.getInt(UNIT_BYTES * slot + 4));
  }

  /** The slot of a unit, or -1. */
  int find(NeuronId id) {
    int lo = 0, hi = unitCount - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int l = units.getInt(UNIT_BYTES * mid), n = units.getInt(UNIT_BYTES * mid + 4);
      int c = l != id.layer() ? Integer.compare(l, id.layer()) : Integer.compare(n, id.neuron());
      if (c == 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  UnitAt at(int slot) {
    int o = UNIT_BYTES * slot;
    return new UnitAt(units.getInt(o + 8), units.getInt(o + 12), units.getInt(o + 16));
  }

  Optional<ExcerptAt> excerpt(long excerpt) {
    int lo = 0, hi = excerptCount - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long x = excerpts.getLong(EXCERPT_BYTES * mid);
      if (x == excerpt) return Optional.of(new ExcerptAt(excerpts.getInt(EXCERPT_BYTES * mid + 8), excerpts.getInt(EXCERPT_BYTES * mid + 12)));
      if (x < excerpt) lo = mid + 1;
      else hi = mid - 1;
    }
    return Optional.empty();
  }
}
