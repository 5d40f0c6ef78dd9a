package dev.neuronscribe.subject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the tensor bytes. Every number in the header is checked
 * against the file before any tensor byte is touched, so a truncated or lying file is an
 * {@link InvalidInputException}, never a fault inside the JVM.
 */
final class Safetensors {
  /** Hugging Face's own reader refuses headers above 100 MB; a larger one is a corrupt length. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor: its bytes are a slice of the mapped file (a safetensors file, or a GGUF file's tensor data). */
  record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
    long elements() {
      long n = 1;
      for (long d : shape) n *= d;
      return n;
    }

    String shapeText() {
      return Safetensors.shapeText(shape);
    }

    /** Element {@code i} as a float, whatever the stored type (the caller checked {@link DType#readable}). */
    float get(long i) {
      return switch (dtype) {
        case F32 -> data.get(F32_LE, i * 4);
        case F16 -> Float.float16ToFloat(data.get(I16_LE, i * 2));
        case BF16 -> Float.intBitsToFloat((data.get(I16_LE, i * 2) & 0xffff) << 16);
        case Q8_0 -> dev.neuronscribe.subject.Q8_0.get(data, i);
        default -> throw new IllegalStateException("dtype " + dtype + " is not readable as float");
      };
    }

    /** Copies elements {@code [from, from + n)} into {@code dst[off..]} as floats. */
    void copy(long from, float[] dst, int off, int n) {
      if (dtype == DType.F32) {
        MemorySegment.copy(data, F32_LE, from * 4, dst, off, n);
      } else if (dtype == DType.Q8_0) {
        dev.neuronscribe.subject.Q8_0.copy(data, from, dst, off, n);
      } else if (dtype == DType.BF16) {
        // A bfloat16 is a float32's top half: widen each 16-bit lane and shift it up, a vector at a time.
        int i = 0;
        for (; i + FLOATS.length() <= n; i += FLOATS.length()) {
          ShortVector h = ShortVector.fromMemorySegment(HALVES, data, (from + i) * 2, ByteOrder.LITTLE_ENDIAN);
          ((IntVector) h.convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16)
              .reinterpretAsFloats().intoArray(dst, off + i);
        }
        for (; i < n; i++) dst[off + i] = get(from + i);
      } else {
        for (int i = 0; i < n; i++) dst[off + i] = get(from + i);
      }
    }
  }

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Short> HALVES = VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.length() * 16));

  static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final Path file;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;
  private final String digest;

  private Safetensors(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, String digest) {
    this.file = file;
    this.tensors = tensors;
    this.metadata = metadata;
    this.digest = digest;
  }

  /** Maps the file into {@code arena} (the tensors stay readable until the arena closes) and checks its header. */
  static Safetensors open(Path file, Arena arena) {
    String source = file.toString();
    MemorySegment all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new InvalidInputException(source, "is " + size + " bytes long, too short for a safetensors file (it starts with an 8-byte header length); the file is truncated or not safetensors");
      }
      all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "not found");
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot be read: " + e.getMessage(), e);
    }
    long size = all.byteSize();
    long headerLength = all.get(I64_LE, 0);
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
      throw new InvalidInputException(source, "its first 8 bytes give a header length of " + Long.toUnsignedString(headerLength)
          + " bytes, but the file holds " + (size - 8) + " bytes after them; the file is truncated or not safetensors (download it again)");
    }
    byte[] headerBytes = all.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8).strip());
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(source, "the header is not valid JSON (" + e.getOriginalMessage() + "); the file is corrupt", e);
    }
    if (header == null || !header.isObject()) {
      throw new InvalidInputException(source, "the header must be a JSON object of tensors; the file is corrupt");
    }
    long dataStart = 8 + headerLength;
    long dataLength = size - dataStart;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    List<String> rangeNames = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode t = e.getValue();
      if (name.equals("__metadata__")) {
        if (t.isObject()) t.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      String where = "tensor '" + name + "'";
      if (!t.isObject()) throw new InvalidInputException(source, where + " must be described by a JSON object in the header");
      JsonNode dtypeNode = t.get("dtype");
      if (dtypeNode == null || !dtypeNode.isTextual()) throw new InvalidInputException(source, where + " has no 'dtype' in the header");
      DType dtype = DType.parse(dtypeNode.textValue()).orElseThrow(() ->
          new InvalidInputException(source, where + " has dtype '" + dtypeNode.textValue() + "', which is not a safetensors dtype this reader knows"));
      JsonNode shapeNode = t.get("shape");
      if (shapeNode == null || !shapeNode.isArray()) throw new InvalidInputException(source, where + " has no 'shape' list in the header");
      long[] shape = new long[shapeNode.size()];
      long elements = 1;
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = shapeNode.get(i);
        if (!d.canConvertToLong() || !d.isIntegralNumber() || d.longValue() < 0) {
          throw new InvalidInputException(source, where + " has a shape entry " + d + "; shape entries must be whole numbers >= 0");
        }
        shape[i] = d.longValue();
        elements = multiply(elements, shape[i], source, where);
      }
      JsonNode offsets = t.get("data_offsets");
      if (offsets == null || !offsets.isArray() || offsets.size() != 2
          || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
          || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
        throw new InvalidInputException(source, where + " needs 'data_offsets': [begin, end] in the header");
      }
      long begin = offsets.get(0).longValue(), end = offsets.get(1).longValue();
      if (begin < 0 || end < begin) {
        throw new InvalidInputException(source, where + " has data_offsets [" + begin + ", " + end + "]; they must satisfy 0 <= begin <= end");
      }
      long needed = multiply(elements, dtype.bytes, source, where);
      if (end - begin != needed) {
        throw new InvalidInputException(source, where + " is " + dtype + " of shape " + shapeText(shape) + ", which needs " + needed
            + " bytes, but its data_offsets [" + begin + ", " + end + "] give " + (end - begin) + " bytes; the header is corrupt");
      }
      if (end > dataLength) {
        throw new InvalidInputException(source, where + " ends at byte " + end + " of the tensor data, but the file holds only "
            + dataLength + " bytes of tensor data: the file is truncated (download or save it again)");
      }
      ranges.add(new long[] {begin, end, ranges.size()});
      rangeNames.add(name);
      tensors.put(name, new Tensor(name, dtype, shape, all.asSlice(dataStart + begin, end - begin)));
    }
    ranges.sort(Comparator.comparingLong((long[] r) -> r[0]).thenComparingLong(r -> r[1]));
    for (int i = 1; i < ranges.size(); i++) {
      long[] prev = ranges.get(i - 1), cur = ranges.get(i);
      if (cur[0] < prev[1] && cur[1] > cur[0]) {
        throw new InvalidInputException(source, "tensors '" + rangeNames.get((int) prev[2]) + "' and '" + rangeNames.get((int) cur[2])
            + "' claim overlapping bytes; the header is corrupt");
      }
    }
    String digest;
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(headerBytes);
      sha.update(Long.toString(size).getBytes(StandardCharsets.UTF_8));
      digest = java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return new Safetensors(file, tensors, metadata, digest);
  }

  private static long multiply(long a, long b, String source, String where) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new InvalidInputException(source, where + " has a shape too large to be real; the header is corrupt");
    }
  }

  static String shapeText(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
    return sb.append(']').toString();
  }

  /** A hash of the header and the file size: names this checkpoint in a resumable recording's state. */
  String digest() {
    return digest;
  }

  Path file() {
    return file;
  }

  Optional<Tensor> find(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  Iterable<String> names() {
    return tensors.keySet();
  }

  Map<String, String> metadata() {
    return metadata;
  }
}
