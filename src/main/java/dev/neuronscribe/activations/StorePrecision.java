package dev.neuronscribe.activations;

import java.util.Locale;

/** How a store keeps activations: half precision (the default; OpenAI's files keep 4 decimals) or every bit of float32. */
public enum StorePrecision {
  F16,
  F32;

  public static StorePrecision parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "f16", "half" -> F16;
      case "f32", "float", "single" -> F32;
      default -> throw new IllegalArgumentException("precision is f16 or f32, got '" + s + "'");
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
