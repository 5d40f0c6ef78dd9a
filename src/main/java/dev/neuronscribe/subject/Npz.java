package dev.neuronscribe.subject;

import dev.neuronscribe.files.InvalidInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A numpy {@code .npz} archive (what {@code np.savez} writes, as Gemma Scope ships its SAEs): a zip of
 * {@code .npy} files. Entries stored without compression (savez's default) are read in place from the mapped
 * file, so a dictionary larger than the heap loads; deflated ones ({@code savez_compressed}) are inflated into
 * memory. The zip directory is read here rather than through {@code java.util.zip.ZipFile} because that
 * class does not say where an entry's bytes start, which mapping needs. Arrays come back as float32
 * {@link Safetensors.Tensor}s so that the rest of the code reads both formats alike.
 */
final class Npz {
  private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private final Path file;
  private final Map<String, Safetensors.Tensor> arrays;
  private final String digest;

  private Npz(Path file, Map<String, Safetensors.Tensor> arrays, String digest) {
    this.file = file;
    this.arrays = arrays;
    this.digest = digest;
  }

  /** A hash of the zip directory (names, sizes, CRCs) and the file size: names this file in a resumable recording's state. */
  String digest() {
    return digest;
  }

  /** Maps {@code file} into {@code arena} and reads every array's header (the data stays in the file when stored). */
  static Npz open(Path file, Arena arena) {
    String source = file.toString();
    MemorySegment all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "no such file");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    Map<String, Safetensors.Tensor> arrays = new LinkedHashMap<>();
    java.util.List<Entry> entries = directory(all, source);
    for (Entry e : entries) {
      if (!e.name.endsWith(".npy")) continue;
      String name = e.name.substring(0, e.name.length() - 4);
      arrays.put(name, array(name, e.bytes(all, source), source, arena));
    }
    return new Npz(file, arrays, digest(all, entries));
  }

  private static String digest(MemorySegment all, java.util.List<Entry> entries) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (Entry e : entries) sha.update((e + "|").getBytes(StandardCharsets.UTF_8));
      // The CRC of each entry sits in its local header; reading them covers the contents without hashing gigabytes.
      for (Entry e : entries) sha.update(all.asSlice(e.localHeader + 14, 4).toArray(ValueLayout.JAVA_BYTE));
      sha.update(Long.toString(all.byteSize()).getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  Path file() {
    return file;
  }

  Optional<Safetensors.Tensor> find(String name) {
    return Optional.ofNullable(arrays.get(name));
  }

  Iterable<String> names() {
    return arrays.keySet();
  }

  private record Entry(String name, int method, long compressedSize, long size, long localHeader) {
    /** The entry's uncompressed bytes: a slice of the file when stored, a fresh heap segment when deflated. */
    MemorySegment bytes(MemorySegment all, String source) {
      String where = "entry '" + name + "'";
      if (localHeader + 30 > all.byteSize() || all.get(I32, localHeader) != 0x04034b50) {
        throw new InvalidInputException(source, where + " has no local header where the zip directory says; the file is corrupt or truncated");
      }
      long start = localHeader + 30 + Short.toUnsignedInt(all.get(I16, localHeader + 26)) + Short.toUnsignedInt(all.get(I16, localHeader + 28));
      if (start + compressedSize > all.byteSize()) {
        throw new InvalidInputException(source, where + " runs past the end of the file; the file is truncated (download it again)");
      }
      MemorySegment raw = all.asSlice(start, compressedSize);
      if (method == 0) return raw;
      if (method != 8) throw new InvalidInputException(source, where + " uses zip compression method " + method + "; numpy writes stored (0) or deflated (8) entries");
      if (size > Integer.MAX_VALUE - 16) {
        throw new InvalidInputException(source, where + " is a compressed array of " + size + " bytes, too large to inflate into memory; save it with np.savez (uncompressed)");
      }
      byte[] out = new byte[(int) size];
      Inflater inflater = new Inflater(true);
      try {
        inflater.setInput(raw.asByteBuffer());
        int n = 0;
        while (n < out.length && !inflater.finished()) {
          int got = inflater.inflate(out, n, out.length - n);
          if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
          n += got;
        }
        if (n != out.length) throw new InvalidInputException(source, where + " inflates to " + n + " bytes, not the " + size + " its header gives; the file is corrupt");
      } catch (DataFormatException ex) {
        throw new InvalidInputException(source, where + " is not valid deflate data (" + ex.getMessage() + "); the file is corrupt", ex);
      } finally {
        inflater.end();
      }
      return MemorySegment.ofArray(out);
    }
  }

  /** The zip's central directory, ZIP64 included (numpy forces ZIP64 records on every entry). */
  private static java.util.List<Entry> directory(MemorySegment all, String source) {
    long size = all.byteSize();
    long eocd = -1;
    for (long p = size - 22; p >= Math.max(0, size - 22 - 65535); p--) {
      if (all.get(I32, p) == 0x06054b50) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) throw new InvalidInputException(source, "is not a zip archive (no end-of-directory record); an .npz file is a zip of .npy arrays");
    long entries = Short.toUnsignedLong(all.get(I16, eocd + 10));
    long dirOffset = Integer.toUnsignedLong(all.get(I32, eocd + 16));
    if (eocd >= 20 && all.get(I32, eocd - 20) == 0x07064b50) {
      long z64 = all.get(I64, eocd - 20 + 8);
      if (z64 < 0 || z64 + 56 > size || all.get(I32, z64) != 0x06064b50) throw new InvalidInputException(source, "has a broken ZIP64 directory record; the file is corrupt");
      entries = all.get(I64, z64 + 32);
      dirOffset = all.get(I64, z64 + 48);
    }
    java.util.List<Entry> out = new java.util.ArrayList<>();
    long p = dirOffset;
    for (long i = 0; i < entries; i++) {
      if (p < 0 || p + 46 > size || all.get(I32, p) != 0x02014b50) throw new InvalidInputException(source, "has a broken zip directory; the file is corrupt or truncated");
      int method = Short.toUnsignedInt(all.get(I16, p + 10));
      long compressed = Integer.toUnsignedLong(all.get(I32, p + 20));
      long uncompressed = Integer.toUnsignedLong(all.get(I32, p + 24));
      int nameLength = Short.toUnsignedInt(all.get(I16, p + 28));
      int extraLength = Short.toUnsignedInt(all.get(I16, p + 30));
      int commentLength = Short.toUnsignedInt(all.get(I16, p + 32));
      long local = Integer.toUnsignedLong(all.get(I32, p + 42));
      String name = new String(all.asSlice(p + 46, nameLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
      // ZIP64 extra field: the 64-bit values, in this order, of whichever 32-bit fields are 0xFFFFFFFF.
      long x = p + 46 + nameLength, xEnd = x + extraLength;
      while (x + 4 <= xEnd) {
        int id = Short.toUnsignedInt(all.get(I16, x)), len = Short.toUnsignedInt(all.get(I16, x + 2));
        if (id == 0x0001) {
          long q = x + 4;
          if (uncompressed == 0xFFFFFFFFL) { uncompressed = all.get(I64, q); q += 8; }
          if (compressed == 0xFFFFFFFFL) { compressed = all.get(I64, q); q += 8; }
          if (local == 0xFFFFFFFFL) local = all.get(I64, q);
        }
        x += 4 + len;
      }
      out.add(new Entry(name, method, compressed, uncompressed, local));
      p += 46 + nameLength + extraLength + commentLength;
    }
    return out;
  }

  /** One {@code .npy}: magic, version, header dict, then the array in C order. */
  private static Safetensors.Tensor array(String name, MemorySegment npy, String source, Arena arena) {
    String where = "array '" + name + "'";
    if (npy.byteSize() < 10 || npy.get(ValueLayout.JAVA_BYTE, 0) != (byte) 0x93
        || !new String(npy.asSlice(1, 5).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new InvalidInputException(source, where + " is not a .npy array (bad magic); the file is corrupt");
    }
    int major = npy.get(ValueLayout.JAVA_BYTE, 6);
    long headerLength = major == 1 ? Short.toUnsignedLong(npy.get(I16, 8)) : Integer.toUnsignedLong(npy.get(I32, 8));
    long headerStart = major == 1 ? 10 : 12;
    if (headerStart + headerLength > npy.byteSize()) throw new InvalidInputException(source, where + " has a header longer than the array; the file is corrupt");
    String header = new String(npy.asSlice(headerStart, headerLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header), fortran = FORTRAN.matcher(header), shapeText = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeText.find()) {
      throw new InvalidInputException(source, where + " has a .npy header without descr, fortran_order and shape: " + header.strip());
    }
    if (fortran.group(1).equals("True")) {
      throw new InvalidInputException(source, where + " is stored in Fortran order; save it in C order (np.ascontiguousarray) and try again");
    }
    String[] dims = shapeText.group(1).split(",");
    java.util.List<Long> shape = new java.util.ArrayList<>();
    for (String d : dims) if (!d.isBlank()) shape.add(Long.parseLong(d.strip().replace("L", "")));
    long[] dimsArray = shape.stream().mapToLong(Long::longValue).toArray();
    long elements = 1;
    for (long d : dimsArray) elements = Math.multiplyExact(elements, d);
    MemorySegment data = npy.asSlice(headerStart + headerLength);
    String type = descr.group(1);
    int bytes = switch (type) {
      case "<f4", "|f4" -> 4;
      case "<f2" -> 2;
      case "<f8" -> 8;
      default -> throw new InvalidInputException(source, where + " has dtype '" + type + "'; supported are little-endian float32, float16 and float64");
    };
    if (data.byteSize() < elements * bytes) {
      throw new InvalidInputException(source, where + " of shape " + Safetensors.shapeText(dimsArray) + " needs " + elements * bytes
          + " bytes but holds " + data.byteSize() + "; the file is truncated");
    }
    data = data.asSlice(0, elements * bytes);
    if (bytes == 4) return new Safetensors.Tensor(name, DType.F32, dimsArray, data);
    if (bytes == 2) return new Safetensors.Tensor(name, DType.F16, dimsArray, data);
    MemorySegment converted = arena.allocate(4 * elements, 64);
    for (long i = 0; i < elements; i++) converted.set(Safetensors.F32_LE, 4 * i, (float) data.get(F64, 8 * i));
    return new Safetensors.Tensor(name, DType.F32, dimsArray, converted);
  }
}
