package dev.neuronscribe.subject;

import java.util.Optional;

/** The element types the safetensors format names, with their sizes; the forward pass reads three of them. */
enum DType {
  BOOL(1), U8(1), I8(1), F8_E4M3(1), F8_E5M2(1), F8_E8M0(1),
  I16(2), U16(2), F16(2), BF16(2),
  I32(4), U32(4), F32(4),
  I64(8), U64(8), F64(8),
  /** GGUF's Q8_0 (no safetensors dtype): blocks of 32 weights, an F16 scale and 32 int8 ({@link Q8_0}). */
  Q8_0(0);

  final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Whether the forward pass can read weights of this type (converted to float32 as they are read). */
  boolean readable() {
    return this == F32 || this == F16 || this == BF16 || this == Q8_0;
  }

  static Optional<DType> parse(String name) {
    for (DType d : values()) if (d != Q8_0 && d.name().equals(name)) return Optional.of(d);
    return Optional.empty();
  }
}
